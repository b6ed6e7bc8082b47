"""Word-level differences between a candidate quote and the passage it aligned to, with the flags
that say when a change alters meaning (negation, number, name) or is an [editorial] insertion.

Consecutive edits are grouped ("no one" for "there's nobody" is one replace, not two). Words the
quote elided with an ellipsis are not differences: an ellipsis declares the cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from service.matching.align import Alignment, Row
from service.matching.lexicon import AUXILIARIES, is_function_word, is_negation, is_number
from service.matching.normalise import Tokens, fold_marks, normalise_word, tokenize
from service.models import Difference

# Called for every word of every described passage; the answer depends on the word alone.

SPELLING = "spelling"  # a typo or spelling variant of the same word (not meaning-changing)
# "They are" for "They’re": the same words, written out or contracted (not meaning-changing)
CONTRACTION = "contraction"
# The same letters and digits, only punctuation inside the words differs ("dont" or "don t" for
# "don't", "co operation" for "co-operation", "8 10am" for "8.10am"): what stripping punctuation
# from a quote does, so it leaves the verdict verbatim; reported so the writer sees it.
PUNCTUATION = "punctuation"
# Separators whose loss keeps the number: thousands ("1000" for "1,000") and a time's ("221 pm"
# for "2:21 p.m.", "810am" for "8.10am"). Other separators between digits are decimal points
# or ranges, and joining the digits changes the number ("26" for "2.6").
_KEPT_NUMBER_RE = re.compile(
    r"(?<=\d),(?=\d{3}(?!\d))|(?<=\d):(?=\d{2}(?!\d))|(?<=\d)\.(?=\d{2}\s*[ap]\.?m\b)",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d+")
# A capitalised word up to three characters after one of these starts a sentence (not a name).
SENTENCE_ENDS = '.!?\n“"'
# Article words the quote spans that sit outside the article's quote marks (narration, an
# attribution clause) while others sit inside: the quote credits narration as speech.
OUTSIDE_QUOTE = "outside_quote"
# Article words a quote skipped between two parts of a quotation (its attribution, "he added"):
# joining a split quote is legitimate, and the skip is reported rather than counted as a change.
ATTRIBUTION = "attribution"
MAX_ATTRIBUTION_WORDS = 20
# The other reading of a contraction's second half: normalisation expands "'s" and "'d" after a
# pronoun to "is" and "would", but "it's been" is "it has been" and "he'd gone" "he had gone".
OTHER_READING = {"is": "has", "would": "had"}


@dataclass(frozen=True, slots=True)
class _Group:
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    fuzzy_only: bool
    contraction_only: bool = False


def _partners(starts: Sequence[int], k: int) -> list[int]:
    """The other halves of a contraction word k belongs to (neighbours with its start offset)."""
    return [j for j in (k - 1, k + 1) if 0 <= j < len(starts) and starts[j] == starts[k]]


def _contraction_halves(starts: Sequence[int], lo: int = 0, hi: int | None = None) -> set[int]:
    """Positions in [lo, hi] of words that are half of a contraction (sharing a start with a
    neighbour); a passage needs only its own words checked, not its whole window."""
    halves: set[int] = set()
    last = len(starts) - 1 if hi is None else min(hi + 1, len(starts) - 1)
    for k in range(max(1, lo), last + 1):
        if starts[k] == starts[k - 1]:
            halves.update((k - 1, k))
    return halves


def _contraction_mismatch(
    row: int,
    col: int,
    row_starts: Sequence[int],
    col_starts: Sequence[int],
    matched_rows: set[int],
    matched_cols: set[int],
) -> bool:
    """A matched word contracted on one side only, with the contraction's other half matched
    too ("They are" / "They’re"); a half standing for an [editorial] bracket is not a change."""
    row_partners = _partners(row_starts, row)
    col_partners = _partners(col_starts, col)
    if bool(row_partners) == bool(col_partners):
        return False
    return all(r in matched_rows for r in row_partners) and all(
        c in matched_cols for c in col_partners
    )


@dataclass(frozen=True, slots=True)
class QuoteLayout:
    """What differences need from the quote alone, worked out once per query rather than once
    per aligned passage."""

    word_rows: tuple[int, ...]  # rows that are words or [editorial] brackets
    row_starts: tuple[int, ...]  # where each word row starts in the quote (others: unique < 0)
    halves_rows: frozenset[int]  # rows that are half of a contraction
    # Whether a row is a proper name, filled in as rows come up: the same edge rows recur in
    # every passage of a query.
    name_rows: dict[int, bool]


def quote_layout(rows: Sequence[Row]) -> QuoteLayout:
    row_starts = tuple(r.start if r.kind == "word" else -1 - i for i, r in enumerate(rows))
    return QuoteLayout(
        word_rows=tuple(i for i, r in enumerate(rows) if r.kind in ("word", "bracket")),
        row_starts=row_starts,
        halves_rows=frozenset(_contraction_halves(row_starts)),
        name_rows={},
    )


def compute_differences(
    quote: str,
    rows: Sequence[Row],
    alignment: Alignment,
    text: str,
    tokens: Tokens,
    layout: QuoteLayout,
    col_offset: int = 0,
    outside: frozenset[int] = frozenset(),
) -> tuple[Difference, ...]:
    """Differences turning the article's words (`tokens`, window starting at `col_offset`) into
    the quote's, including quote words left outside the aligned passage; `layout` is
    `quote_layout(rows)`, made once per query. `outside` holds the columns of article words
    outside quote marks when the passage also has words inside them."""
    diffs: list[Difference] = []
    word_rows = layout.word_rows
    leading = [i for i in word_rows if i < alignment.first_row]
    trailing = [i for i in word_rows if i > alignment.last_row]

    def emit(group: _Group) -> None:
        if not group.rows and not group.cols:
            return
        diff = _difference(quote, rows, group, text, tokens, col_offset, layout)
        if outside and any(c in outside for c in group.cols):
            skipped = not group.rows and len(group.cols) <= MAX_ATTRIBUTION_WORDS
            if skipped and all(c in outside for c in group.cols):
                diff = Difference(diff.op, diff.quote, diff.original, (ATTRIBUTION,))
            if ATTRIBUTION not in diff.flags:
                diff = Difference(diff.op, diff.quote, diff.original, (*diff.flags, OUTSIDE_QUOTE))
        diffs.append(diff)

    edge = tokens.starts[alignment.first_col + col_offset]
    for run in _split_brackets(leading, rows):
        _emit_run(run, rows, emit, diffs, quote, lambda b: bracket_near(b, text, edge, edge))
    pending_rows: list[int] = []
    pending_cols: list[int] = []
    fuzzy_only = True
    contraction_only = True
    row_starts, halves_rows = layout.row_starts, layout.halves_rows
    col_starts = tokens.starts[col_offset:]
    halves_cols = _contraction_halves(col_starts, alignment.first_col, alignment.last_col)
    matched: tuple[set[int], set[int]] | None = None  # rows and columns matched, made on need

    def flush() -> None:
        nonlocal pending_rows, pending_cols, fuzzy_only, contraction_only
        if not pending_rows and not pending_cols:  # after every matched word: nothing to say
            fuzzy_only = contraction_only = True
            return
        emit(_Group(tuple(pending_rows), tuple(pending_cols), fuzzy_only, contraction_only))
        pending_rows, pending_cols, fuzzy_only, contraction_only = [], [], True, True

    out_rows: list[int] = []  # quote words matched to article words outside the quote marks
    out_cols: list[int] = []

    def flush_outside() -> None:
        if out_rows:
            q_text = quote[rows[out_rows[0]].start : rows[out_rows[-1]].end]
            a_text = text[tokens.starts[out_cols[0]] : tokens.ends[out_cols[-1]]]
            diffs.append(Difference("replace", q_text, a_text, (OUTSIDE_QUOTE,)))
            out_rows.clear()
            out_cols.clear()

    for step in alignment.steps:
        if outside and step.kind in ("match", "fuzzy") and step.col + col_offset in outside:
            flush()
            out_rows.append(step.row)
            out_cols.append(step.col + col_offset)
            continue
        flush_outside()
        if step.kind == "match":
            if (step.row in halves_rows) != (step.col in halves_cols):
                if matched is None:
                    matched = (
                        {s.row for s in alignment.steps if s.kind == "match"},
                        {s.col for s in alignment.steps if s.kind == "match"},
                    )
                if _contraction_mismatch(step.row, step.col, row_starts, col_starts, *matched):
                    # Same word, but contracted on one side only ("They are" / "They’re").
                    pending_rows.append(step.row)
                    pending_cols.append(step.col)
                    fuzzy_only = False
                    continue
            if pending_rows or pending_cols:  # (nothing pending: the flags are already reset)
                flush()
        elif step.kind == "skip":
            flush()
        elif step.kind == "bracket":
            flush()
            row = rows[step.row]
            a0, a1 = step.col + col_offset, step.col_end - 1 + col_offset
            bracket = quote[row.start : row.end]
            if _copied_bracket(bracket, text, tokens, a0, a1):
                continue  # the article has these very brackets: a copy, not an edit
            original = text[tokens.starts[a0] : tokens.ends[a1]] if a1 >= a0 else ""
            op = "replace" if original else "insert"
            flags = _bracket_flags(bracket, text, tokens, range(a0, a1 + 1))
            diffs.append(Difference(op, bracket, original, ("editorial", *flags)))
        else:
            if step.row is not None:
                pending_rows.append(step.row)
            if step.col is not None:
                pending_cols.append(step.col)
            fuzzy_only = fuzzy_only and step.kind == "fuzzy"
            contraction_only = False
    flush()
    flush_outside()
    diffs[:0] = _edge_contraction(quote, rows, alignment, text, tokens, col_offset, first=True)
    diffs += _edge_contraction(quote, rows, alignment, text, tokens, col_offset, first=False)
    if not leading:
        diffs[:0] = _negation_cut_off(alignment.first_col + col_offset, text, tokens, first=True)
    if not trailing:
        diffs += _negation_cut_off(alignment.last_col + col_offset, text, tokens, first=False)
    edge = tokens.ends[alignment.last_col + col_offset]
    for run in _split_brackets(trailing, rows):
        _emit_run(run, rows, emit, diffs, quote, lambda b: bracket_near(b, text, edge, edge))
    return tuple(diffs)


def _edge_contraction(
    quote: str,
    rows: Sequence[Row],
    alignment: Alignment,
    text: str,
    tokens: Tokens,
    col_offset: int,
    first: bool,
) -> list[Difference]:
    """A passage that starts or ends on half of a contraction ("…when I do" for "…when I
    don't"): the passage's characters are the whole word, so the half the quote left out is a
    difference (flagged when it is the "not")."""
    steps = alignment.steps
    if not steps:
        return []
    step = steps[0] if first else steps[-1]
    if step.kind != "match":
        return []
    col = step.col + col_offset
    partner = col - 1 if first else col + 1
    starts = tokens.starts
    if not (0 <= partner < len(starts)) or starts[partner] != starts[col]:
        return []
    row = rows[step.row]
    neighbour = step.row - 1 if first else step.row + 1
    if 0 <= neighbour < len(rows) and rows[neighbour].word == tokens.words[partner]:
        return []  # (the quote has the other half too, left unaligned: reported elsewhere)
    halves = sorted((col, partner))
    a_words = [tokens.words[c] for c in halves]
    flags = meaning_flags([row.word], a_words, set(), set())
    return [
        Difference(
            "replace", quote[row.start : row.end], text[starts[col] : tokens.ends[col]], flags
        )
    ]


def _negation_cut_off(col: int, text: str, tokens: Tokens, first: bool) -> list[Difference]:
    """A passage cut just after a negation of the same clause ("limitations should be placed"
    from "no limitations should be placed"), or ending on the verb a "not" negates ("they would"
    from "they would not"): the words are verbatim, but the quote says the opposite of the
    article, so the negation left out is a flagged deletion."""
    other = col - 1 if first else col + 1
    starts, ends = tokens.starts, tokens.ends
    if not 0 <= other < len(starts) or starts[other] == starts[col]:
        return []  # (the other half of a contraction: `_edge_contraction` reports it)
    between = text[ends[other] : starts[col]] if first else text[ends[col] : starts[other]]
    if between.strip() or not is_negation(tokens.words[other]):
        return []  # punctuation or a quote mark between: another clause, or the quote's edge
    if not first and tokens.words[col] not in AUXILIARIES:
        return []  # "a pretext for | not reporting": the cut quote asserts nothing either way
    return [Difference("delete", "", text[starts[other] : ends[other]], ("negation",))]


def _copied_bracket(bracket: str, text: str, tokens: Tokens, a0: int, a1: int) -> bool:
    """Whether the article itself has `bracket` (brackets included) where the quote's bracket
    aligned: between the article words before and after the words it stands for."""
    n = len(tokens)
    lo = tokens.ends[a0 - 1] if 0 < a0 <= n else tokens.starts[min(max(a0, 0), n - 1)]
    hi = tokens.starts[a1 + 1] if 0 <= a1 + 1 < n else tokens.ends[min(max(a1, 0), n - 1)]
    return bracket_near(bracket, text, lo, hi)


def bracket_near(bracket: str, text: str, lo: int, hi: int) -> bool:
    """Whether the article text around characters [lo, hi) holds `bracket` literally (case and
    spacing aside): within the bracket's own length either side, so a bracket the aligner let
    an ellipsis or an edge absorb ("[...] [The dispatcher] was") still counts as copied.
    Apostrophe and quote-mark styles aside too: "[the accused’s]" copies "[the accused's]"."""
    reach = len(bracket) + 2
    wanted = " ".join(fold_marks(bracket).split()).casefold()
    return wanted in " ".join(fold_marks(text[max(0, lo - reach) : hi + reach]).split()).casefold()


def _bracket_flags(bracket: str, text: str, tokens: Tokens, cols: range) -> tuple[str, ...]:
    """Meaning changes an [editorial] insertion makes to the words it stands for: a negation or
    number added or dropped, or a bare name put for another bare name ("[Macron]" for "Merz").
    A name for a pronoun ("[Trump] said" for "he said") or for a phrase ("[Britain]" for "the
    UK") is what brackets are for."""
    inner = tokenize(bracket[1:-1])
    a_words = [tokens.words[c] for c in cols]
    a_names = _names(text, tokens, cols)
    if any(is_function_word(w) for w in a_words):
        a_names = set()
    q_names = {
        w
        for w, s, e in zip(inner.words, inner.starts, inner.ends, strict=True)
        if _is_name_token(bracket[1:-1][s:e], False)
    }
    flags = meaning_flags(list(inner.words), a_words, q_names if a_names else set(), a_names)
    return flags


def _split_brackets(indices: list[int], rows: Sequence[Row]) -> list[list[int]]:
    """Split unaligned quote rows into runs of words and single bracket rows."""
    runs: list[list[int]] = []
    for i in indices:
        if rows[i].kind == "bracket" or not runs or rows[runs[-1][-1]].kind == "bracket":
            runs.append([i])
        else:
            runs[-1].append(i)
    return runs


def _emit_run(run, rows, emit, diffs, quote, copied) -> None:
    if rows[run[0]].kind == "bracket":
        row = rows[run[0]]
        if copied(quote[row.start : row.end]):
            return  # the article has this very bracket there ("facts[.]"): a copy, not an edit
        diffs.append(Difference("insert", quote[row.start : row.end], "", ("editorial",)))
    else:
        emit(_Group(tuple(run), (), False))


def _difference(
    quote: str,
    rows: Sequence[Row],
    group: _Group,
    text: str,
    tokens: Tokens,
    col_offset: int,
    layout: QuoteLayout,
) -> Difference:
    q_text = quote[rows[group.rows[0]].start : rows[group.rows[-1]].end] if group.rows else ""
    cols = (
        range(group.cols[0] + col_offset, group.cols[-1] + col_offset + 1)
        if group.cols
        else range(0)
    )
    a_text = text[tokens.starts[cols[0]] : tokens.ends[cols[-1]]] if cols else ""
    op = "replace" if q_text and a_text else "insert" if q_text else "delete"
    if op == "replace":
        whole = _whole_words(quote, rows, group, text, tokens, cols)
        if same_but_punctuation(*whole):
            return Difference(op, *whole, (PUNCTUATION,))
        joined = joined_before(text, tokens.starts[cols[0]])
        if joined and same_but_punctuation(whole[0], joined + whole[1]):
            return Difference(op, whole[0], joined + whole[1], (PUNCTUATION,))
    if group.contraction_only and op == "replace":
        return Difference(op, q_text, a_text, (CONTRACTION,))
    if op == "replace" and len(group.rows) == 1 == len(group.cols):
        other = _other_reading(quote, rows, group.rows[0], text, tokens, cols[0], layout)
        if other is not None:
            return Difference(op, *other, (CONTRACTION,))
    # Words and names only for the meaning flags: a contraction needs neither.
    q_words = [rows[i].word for i in group.rows]
    a_words = [tokens.words[c] for c in cols]
    q_names = _quote_names(quote, rows, group.rows, layout.name_rows)
    a_names = _names(text, tokens, cols)
    flags = meaning_flags(q_words, a_words, q_names, a_names, spelling=group.fuzzy_only)
    return Difference(op, q_text, a_text, flags)


def _whole_words(
    quote: str, rows: Sequence[Row], group: _Group, text: str, tokens: Tokens, cols: range
) -> tuple[str, str]:
    """Quote and article text of a replace group, the quote's side widened to the word a matched
    neighbour shares with the group's edge in the article: "they re" for "They’re" aligns "they"
    to the contraction's first half and only "re" to its second, whose text is the whole word."""
    first, last = group.rows[0], group.rows[-1]
    c0, c1 = cols[0], cols[-1]
    starts, words = tokens.starts, tokens.words
    before, after = first - 1, last + 1
    if (
        c0 > 0
        and starts[c0] == starts[c0 - 1]
        and before >= 0
        and rows[before].kind == "word"
        and rows[before].word == words[c0 - 1]
    ):
        first = before
    if (
        c1 + 1 < len(starts)
        and starts[c1 + 1] == starts[c1]
        and after < len(rows)
        and rows[after].kind == "word"
        and rows[after].word == words[c1 + 1]
    ):
        last = after
    a_text = text[starts[c0] : tokens.ends[c1]]
    return quote[rows[first].start : rows[last].end], a_text


# What may be joined to the front of an article word without a space: an [editorial] letter
# ("[T]his") or a word and a hyphen ("I-Man"), which a quote stripped of punctuation runs together.
_JOINED_BEFORE_RE = re.compile(r"(?:\[[^\[\]\s]{1,3}\]|[^\W\d_]+[-‐‑])$")


def joined_before(text: str, start: int) -> str:
    """The [editorial] letter or hyphenated word joined to the front of the word at `start`."""
    found = _JOINED_BEFORE_RE.search(text, max(0, start - 24), start)
    return found.group() if found else ""


def same_but_punctuation(quote_text: str, article_text: str) -> bool:
    """Whether two spellings of a passage have the same letters, digits and combining marks in
    the same order (case and every other character aside), with the same numbers: digits that
    a separator kept apart stay apart, except across a thousands or a time separator."""
    if _spelled(quote_text) != _spelled(article_text):
        return False
    if _DIGITS_RE.findall(quote_text) == _DIGITS_RE.findall(article_text):
        return True  # every group of digits kept apart ("8 10am" for "8.10am")
    return _DIGITS_RE.findall(_KEPT_NUMBER_RE.sub("", quote_text)) == _DIGITS_RE.findall(
        _KEPT_NUMBER_RE.sub("", article_text)
    )


def _spelled(text: str) -> str:
    return "".join(
        ch for ch in text.casefold() if ch.isalnum() or unicodedata.category(ch)[0] == "M"
    )


def _other_reading(
    quote: str,
    rows: Sequence[Row],
    row: int,
    text: str,
    tokens: Tokens,
    col: int,
    layout: QuoteLayout,
) -> tuple[str, str] | None:
    """Quote and article text when one word stands against the other reading of the contraction
    on the other side ("It's been" for "It has been", "he had" for "he'd"), else None.

    Why: "'s" and "'d" are read as "is" and "would" when expanded, but after a pronoun they are
    just as often "has" and "had"; the same words contracted on one side only are no change of
    meaning. Both sides must have the same word (the pronoun) just before."""
    if row == 0 or col == 0 or rows[row - 1].word != tokens.words[col - 1]:
        return None
    q_word, a_word = rows[row].word, tokens.words[col]
    quote_contracted = layout.row_starts[row] == layout.row_starts[row - 1]
    if quote_contracted and OTHER_READING.get(q_word) == a_word:
        written_out = text[tokens.starts[col - 1] : tokens.ends[col]]
        return quote[rows[row].start : rows[row].end], written_out
    article_contracted = tokens.starts[col] == tokens.starts[col - 1]
    if article_contracted and OTHER_READING.get(a_word) == q_word:
        written_out = quote[rows[row - 1].start : rows[row].end]
        return written_out, text[tokens.starts[col] : tokens.ends[col]]
    return None


def meaning_flags(
    quote_words: Sequence[str],
    article_words: Sequence[str],
    quote_names: set[str],
    article_names: set[str],
    spelling: bool = False,
) -> tuple[str, ...]:
    """Flags for one edit: which kinds of meaning it changes."""
    flags: list[str] = []
    if spelling:
        return (SPELLING,)
    neg_q = sum(map(is_negation, quote_words))
    neg_a = sum(map(is_negation, article_words))
    if neg_q != neg_a:
        flags.append("negation")
    nums_q = sorted(w for w in quote_words if is_number(w))
    nums_a = sorted(w for w in article_words if is_number(w))
    if nums_q != nums_a:
        flags.append("number")
    # A name the article does not have at this point (swapped or inserted); a dropped name is a
    # plain deletion, and a misspelt one is a spelling difference.
    if quote_names - article_names:
        flags.append("name")
    return tuple(flags)


def _is_name_token(raw: str, at_sentence_start: bool) -> bool:
    word = normalise_word(raw)
    return (
        raw[:1].isupper()
        and not at_sentence_start
        and not is_function_word(word)
        and not is_number(word)
        and word != "i"
    )


def _names(text: str, tokens: Tokens, cols: range) -> set[str]:
    """Capitalised words not at a sentence start: proper names, near enough for news English."""
    names = set()
    for c in cols:
        raw = text[tokens.starts[c] : tokens.ends[c]]
        before = text[max(0, tokens.starts[c] - 3) : tokens.starts[c]]
        start = c == 0 or any(ch in before for ch in SENTENCE_ENDS)
        if _is_name_token(raw, start):
            names.add(tokens.words[c])
    return names


def _quote_names(
    quote: str, rows: Sequence[Row], indices: Sequence[int], known: dict[int, bool]
) -> set[str]:
    """The names among quote rows `indices`; `known` caches the answer per row."""
    names = set()
    for i in indices:
        row = rows[i]
        is_name = known.get(i)
        if is_name is None:
            before = quote[max(0, row.start - 3) : row.start]
            start = (
                row.start == 0
                or not quote[: row.start].strip(" \"'“”‘’")
                or any(ch in before for ch in ".!?\n")
            )
            is_name = known[i] = _is_name_token(quote[row.start : row.end], start)
        if is_name:
            names.add(row.word)
    return names
