"""From an alignment in a window to a reportable passage: its extent, differences and features.

Local alignment stops where the score peaks; a quote checker must also show the quote words left
over at either end (`extend_over_insertions`) and the editorial brackets there
(`attach_edge_brackets`), then describe what differs. Syndicated copies align the same way in the
same words, so a description is reused across articles when every word it looks at is the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from service.matching.align import (
    BRACKET_MAX_WORDS,
    AlignedBatch,
    Alignment,
    Row,
    Step,
)
from service.matching.differences import (
    PUNCTUATION,
    SENTENCE_ENDS,
    bracket_near,
    compute_differences,
    joined_before,
    same_but_punctuation,
)
from service.matching.lexicon import is_function_word, is_negation
from service.matching.normalise import Tokens, fold_marks
from service.matching.query import Query, bracket_words
from service.matching.scoring import (
    MatchFeatures,
    decide_verdict,
    extract_features,
)
from service.matching.token_store import DocTokens
from service.models import Article, SpanMatch


class AlignedPassage:
    """The best alignment of the quote in one article, before differences and features. The
    traceback is done on first use: most candidates are ranked by score and never described."""

    __slots__ = ("_alignment", "_batch", "_slot", "article", "doc", "hi", "lo", "score")

    def __init__(
        self,
        article: Article,
        doc: DocTokens,
        lo: int,
        hi: int,
        score: float,
        alignment: Alignment | None = None,
        batch: AlignedBatch | None = None,
        slot: int = 0,
    ) -> None:
        self.article, self.doc, self.lo, self.hi, self.score = article, doc, lo, hi, score
        self._alignment, self._batch, self._slot = alignment, batch, slot

    @property
    def alignment(self) -> Alignment:
        """Alignment columns count from `lo` (window [lo, hi) of the article's words)."""
        if self._alignment is None:
            assert self._batch is not None
            self._alignment = self._batch.alignment(self._slot)
            assert self._alignment is not None  # a score above both end bonuses matched words
        return self._alignment


class DescribedPassage:
    """A described passage kept for its syndicated copies; its text is read only if one shows up."""

    __slots__ = ("_text", "features", "hi", "item", "lo", "match")

    def __init__(
        self, match: SpanMatch, features: MatchFeatures, item: AlignedPassage, lo: int, hi: int
    ) -> None:
        self.match, self.features, self.item, self.lo, self.hi = match, features, item, lo, hi
        self._text: tuple[int, tuple] | None = None

    def text(self) -> tuple[int, tuple]:
        if self._text is None:
            self._text = _passage_text(self.item, self.lo, self.hi)
        return self._text


def _passage_region(rows: Sequence[Row], item: AlignedPassage) -> tuple[int, int]:
    """The article words [lo, hi) a passage's description can look at: the passage, the quote
    words left unaligned at each end with the article words they may skip there
    (`extend_over_insertions`, `extend_over_skipped_words`) and a bracket's reach, within the
    window."""
    alignment = item.alignment
    first, last = item.lo + alignment.first_col, item.lo + alignment.last_col
    before = alignment.first_row
    if before:
        before += EDGE_SKIP_WORDS
    if alignment.first_row > 0 and rows[alignment.first_row - 1].kind == "bracket":
        before += BRACKET_MAX_WORDS
    after = len(rows) - 1 - alignment.last_row
    if after:
        after += EDGE_SKIP_WORDS
    if alignment.last_row + 1 < len(rows) and rows[alignment.last_row + 1].kind == "bracket":
        after += BRACKET_MAX_WORDS
    return max(item.lo, first - before), min(item.hi, last + after + 1)


def _with_margin(item: AlignedPassage, lo: int, hi: int) -> tuple[int, int]:
    """Words [lo, hi) and one more on each side within the window: whether an edge word is half
    of a contraction depends on its neighbour."""
    return max(item.lo, lo - 1), min(item.hi, hi + 1)


def _shifted(alignment: Alignment, shift: int) -> Alignment:
    """The same alignment with its article columns counted from `shift` columns later."""
    if shift == 0:
        return alignment
    make = tuple.__new__  # Step(...) without the named tuple's Python-level __new__
    steps = tuple(
        [
            make(
                Step,
                (
                    kind,
                    row,
                    None if col is None else col - shift,
                    None if col_end is None else col_end - shift,
                ),
            )
            for kind, row, col, col_end in alignment.steps
        ]
    )
    return Alignment(
        alignment.score,
        steps,
        alignment.first_col - shift,
        alignment.last_col - shift,
        alignment.first_row,
        alignment.last_row,
    )


def with_place(
    match: SpanMatch, article_id: str, start: int, confidence: float | None = None
) -> SpanMatch:
    """The match moved to `article_id` at `start` (same length), with `confidence` if given
    (`dataclasses.replace` costs several times more, and this runs for most passages)."""
    return SpanMatch(
        article_id,
        start,
        start + match.end - match.start,
        match.verdict,
        match.confidence if confidence is None else confidence,
        match.differences,
        match.score,
    )


def _passage_text(item: AlignedPassage, lo: int, hi: int) -> tuple[int, tuple]:
    """Where article words [lo, hi) start, and all of the text around them that a description
    reads: the characters, whether an edge word is half of a contraction (one word beyond),
    and whether the first one starts a sentence (name detection looks back three characters)."""
    outer_lo, outer_hi = _with_margin(item, lo, hi)
    starts, ends = item.doc.offsets(outer_lo, outer_hi)
    char_lo, char_hi = int(starts[lo - outer_lo]), int(ends[hi - 1 - outer_lo])
    halves = (
        lo > outer_lo and starts[0] == starts[1],
        hi < outer_hi and starts[-1] == starts[-2],
    )
    text = item.article.text
    lookback = text[max(0, char_lo - 3) : char_lo]
    sentence_start = any(ch in lookback for ch in SENTENCE_ENDS)
    # Whether the passage starts inside quote marks decides which of its words are outside.
    paragraph = text.rfind("\n", 0, char_lo) + 1
    inside = _inside_after(text[paragraph:char_lo], False)
    return char_lo, (halves, sentence_start, inside, text[char_lo:char_hi])


# Quote marks that open, close, or (straight ones) do either, as the article's paragraphs use them.
_OPENING = "“«„"
_CLOSING = "”»"
_EITHER = '"'
_MARKS = _OPENING + _CLOSING + _EITHER
_MARK_SET = frozenset(_MARKS)


# Any quote mark: a long stretch of text is reduced to its marks before they are counted.
_MARK_CHAR = re.compile(f"[{re.escape(_MARKS)}]")


def _inside_after(segment: str, inside: bool) -> bool:
    """Whether text after `segment` is inside quote marks, given whether its start is.

    Why the regex: the segment runs from the paragraph's start (often thousands of characters)
    and only its few quote marks matter; a Python loop over every character cost several
    percent of a query (`reference.inside_after_reference` is that loop, for the tests)."""
    if len(segment) > 16:
        segment = "".join(_MARK_CHAR.findall(segment))
    for ch in segment:
        if ch in _OPENING:
            inside = True
        elif ch in _CLOSING:
            inside = False
        elif ch in _EITHER:
            inside = not inside
    return inside


def _outside_quote_marks(text: str, tokens: Tokens, first: int, last: int) -> frozenset[int]:
    """Columns of the passage's words [first, last] that sit outside the article's quote marks,
    when others sit inside them (empty when the passage is all quotation or all narration).

    Quote marks are counted from the start of the paragraph (a quotation continuing into the
    next paragraph opens again there)."""
    starts, ends = tokens.starts, tokens.ends
    if _MARK_SET.isdisjoint(text[starts[first] : ends[last]]):
        return frozenset()
    paragraph = text.rfind("\n", 0, starts[first]) + 1
    inside = _inside_after(text[paragraph : starts[first]], False)
    flags = [inside]
    for c in range(first + 1, last + 1):
        if starts[c] != starts[c - 1]:  # (the halves of a contraction share one word)
            inside = _inside_after(text[ends[c - 1] : starts[c]], inside)
        flags.append(inside)
    if all(flags) or not any(flags):
        return frozenset()
    return frozenset(first + k for k, f in enumerate(flags) if not f)


def copied_brackets(quote: str, rows: Sequence[Row], item: AlignedPassage) -> int:
    """How many of the quote's [editorial] brackets the article has literally where they aligned.

    A bracket aligns as a wildcard, so syndicated copies that differ only inside it ("Tonight,
    [Ana] and I" against "Tonight, [Rui] and I") score the same; the one with the quote's own
    bracket is its source, and this tells them apart."""
    steps = item.alignment.steps
    brackets = [s for s in steps if s.kind == "bracket"]
    n = len(item.doc.ids)
    count = 0
    for step in brackets:
        lo = max(0, min(n - 1, item.lo + step.col - 1))
        hi = max(lo + 1, min(n, item.lo + (step.col_end or step.col) + 1))
        starts, ends = item.doc.offsets(lo, hi)
        row = rows[step.row]
        if bracket_near(
            quote[row.start : row.end], item.article.text, int(starts[0]), int(ends[-1])
        ):
            count += 1
    # A bracket at the quote's start or end may be left outside the local alignment ("I am
    # [pretty happy with that]" aligns "I am"): it is copied when the text beside the passage
    # holds it.
    if not steps:
        return count
    placed = {s.row for s in brackets}
    first, last = steps[0], steps[-1]
    for j, row in enumerate(rows):
        if row.kind != "bracket" or j in placed or first.row <= j <= last.row:
            continue
        col = item.lo + (first.col if j < first.row else (last.col_end or last.col))
        starts, ends = item.doc.offsets(min(col, n - 1), min(col, n - 1) + 1)
        at = int(starts[0]) if j < first.row else int(ends[0])
        if bracket_near(quote[row.start : row.end], item.article.text, at, at):
            count += 1
    return count


def count_ties(item: AlignedPassage, aligned: Sequence[AlignedPassage], copies: int = 0) -> int:
    """Other articles with a passage at least as good: generic phrases ("thank you very much")
    and syndicated copies align equally well in many articles. `copies` counts the articles
    holding the whole quote word for word (the exact-phrase search), most never aligned."""
    aligned_ties = sum(1 for other in aligned if other is not item and other.score >= item.score)
    return max(aligned_ties, copies - 1)


# Quote words at an edge that may stand, punctuation stripped, for the article's next words.
MAX_STRIPPED_EDGE_WORDS = 3


def extend_over_punctuation(
    quote: str, rows: Sequence[Row], alignment: Alignment, tokens: Tokens, text: str
) -> Alignment:
    """Carry the passage over the quote's first or last words when they are the article's next
    words with the punctuation inside them stripped ("its been" for "It’s been", "were going"
    for "We’re going").

    Why: those spellings are words of their own ("its", "were"), so the aligner, which compares
    words, leaves them out of the passage and they would read as insertions. Only a whole edge
    of at most `MAX_STRIPPED_EDGE_WORDS` words is carried over, and only when its letters and
    numbers are the article's (`same_but_punctuation`); the differences then report it as
    punctuation."""
    steps = list(alignment.steps)
    first_col, last_col = alignment.first_col, alignment.last_col
    first_row, last_row = alignment.first_row, alignment.last_row
    starts, ends = tokens.starts, tokens.ends
    n_rows = len(rows)
    tail = range(last_row + 1, n_rows)
    if 0 < len(tail) <= MAX_STRIPPED_EDGE_WORDS and all(rows[i].kind == "word" for i in tail):
        q_text = quote[rows[tail[0]].start : rows[tail[-1]].end]
        for end_col in range(last_col + 1, min(len(starts), last_col + 2 * len(tail) + 2)):
            if end_col + 1 < len(starts) and starts[end_col + 1] == starts[end_col]:
                continue  # half of a contraction: the word goes on
            if same_but_punctuation(q_text, text[starts[last_col + 1] : ends[end_col]]):
                steps += _paired(list(tail), list(range(last_col + 1, end_col + 1)))
                last_col, last_row = end_col, n_rows - 1
                break
    head = range(0, first_row)
    if 0 < len(head) <= MAX_STRIPPED_EDGE_WORDS and all(rows[i].kind == "word" for i in head):
        q_text = quote[rows[0].start : rows[first_row - 1].end]
        for start_col in range(first_col - 1, max(-1, first_col - 2 * len(head) - 3), -1):
            if start_col > 0 and starts[start_col - 1] == starts[start_col]:
                continue  # second half of a contraction: the word starts earlier
            if same_but_punctuation(q_text, text[starts[start_col] : ends[first_col - 1]]):
                steps[:0] = _paired(list(head), list(range(start_col, first_col)))
                first_col, first_row = start_col, 0
                break
    if (first_col, last_col) == (alignment.first_col, alignment.last_col):
        return alignment
    return _with_edges(alignment, steps, first_col, last_col, first_row, last_row)


def _with_edges(
    alignment: Alignment,
    steps: list[Step],
    first_col: int,
    last_col: int,
    first_row: int,
    last_row: int,
) -> Alignment:
    """`alignment` carried to new edges with the steps that reach them."""
    return replace(
        alignment,
        steps=tuple(steps),
        first_col=first_col,
        last_col=last_col,
        first_row=first_row,
        last_row=last_row,
    )


def _paired(rows: list[int], cols: list[int]) -> list[Step]:
    """Rows against columns in order, as substitutions, then the rest inserted or deleted."""
    steps = [Step("sub", r, c) for r, c in zip(rows, cols, strict=False)]
    steps += [Step("insert", r, None) for r in rows[len(cols) :]]
    steps += [Step("delete", None, c) for c in cols[len(rows) :]]
    return steps


def extend_over_insertions(
    rows: Sequence[Row], alignment: Alignment, words: Sequence[str]
) -> Alignment:
    """Carry the passage over a long insertion to the quote's first or last words when they
    resume the article exactly where the aligned passage stops.

    Local alignment clips a quote end when the words inserted before it cost more than the few
    words after it earn ("...with things, at the end of the day, especially"); but when those last
    words are the very next article words, the quote plainly continues there: the middle is an
    insertion and the passage includes the resumed words. At least one content word must resume,
    so a stray "the" never extends a passage.
    """
    steps = list(alignment.steps)
    first_col, last_col = alignment.first_col, alignment.last_col
    first_row, last_row = alignment.first_row, alignment.last_row
    tail = _resumed(rows, range(last_row + 1, len(rows)), words, last_col + 1, forward=True)
    if tail:
        gap = range(last_row + 1, len(rows) - tail)
        steps += [Step("insert", i, None) for i in gap]
        steps += [Step("match", len(rows) - tail + k, last_col + 1 + k) for k in range(tail)]
        last_col, last_row = last_col + tail, len(rows) - 1
    head = _resumed(rows, range(first_row - 1, -1, -1), words, first_col - 1, forward=False)
    if head:
        gap = range(head, first_row)
        steps = (
            [Step("match", k, first_col - head + k) for k in range(head)]
            + [Step("insert", i, None) for i in gap]
            + steps
        )
        first_col, first_row = first_col - head, 0
    if not head and not tail:
        return alignment
    return _with_edges(alignment, steps, first_col, last_col, first_row, last_row)


def _resumed(
    rows: Sequence[Row], outside: range, words: Sequence[str], col: int, forward: bool
) -> int:
    """How many of the quote's unaligned edge words reappear, in order, as the article words
    right after (`forward`) or right before the passage, leaving at least one word inserted.

    `outside` lists the unaligned rows; `col` is the article word next to the passage. The
    resumed words must hold a content word, or the inserted ones a negation ("They don't want"
    for "They want"): a stray "the" never extends a passage, an added "not" always shows."""
    if len(outside) < 2 or any(rows[i].kind != "word" for i in outside):
        return 0
    quote_words = [rows[i].word for i in sorted(outside)]
    best = 0
    for n in range(1, len(quote_words)):
        if forward:
            lo = col
            if lo + n > len(words):
                break
            if words[lo] != quote_words[-n]:
                continue  # (the resumed run must start with the article's next word)
            wanted, gap = quote_words[-n:], quote_words[:-n]
        else:
            lo = col - n + 1
            if lo < 0:
                break
            if words[col] != quote_words[n - 1]:
                continue  # (the resumed run must end with the article's word before the passage)
            wanted, gap = quote_words[:n], quote_words[n:]
        if list(words[lo : lo + n]) == wanted and (
            any(not is_function_word(w) for w in wanted) or any(is_negation(w) for w in gap)
        ):
            best = n
    return best


# A quote's edge words may resume the article after skipping a word or two of it ("I think…"
# for "I don't think…"): local alignment clips them, since one matched "I" does not pay for
# the gap. At most this many article words are skipped at an edge.
EDGE_SKIP_WORDS = 2
# ... for at most this many edge words (longer runs the aligner weighs itself).
EDGE_RESUME_WORDS = 3


def extend_over_skipped_words(
    rows: Sequence[Row], alignment: Alignment, words: Sequence[str]
) -> Alignment:
    """Carry the passage to the quote's first or last words when they are the article's words
    a word or two beyond the passage: the skipped article words become a deletion.

    Only when the skipped words hold a negation or the resumed ones a content word: a dropped
    "not" next to an edge is the misquote that matters most, and must show as a difference
    rather than hide outside the passage."""
    steps = list(alignment.steps)
    first_col, last_col = alignment.first_col, alignment.last_col
    first_row, last_row = alignment.first_row, alignment.last_row
    tail_rows = range(last_row + 1, len(rows))
    skip = _skipped_before_resume(rows, tail_rows, words, last_col + 1, forward=True)
    if skip:
        steps += [Step("delete", None, last_col + 1 + k) for k in range(skip)]
        steps += [Step("match", row, last_col + 1 + skip + k) for k, row in enumerate(tail_rows)]
        last_col, last_row = last_col + skip + len(tail_rows), len(rows) - 1
    skip = _skipped_before_resume(rows, range(first_row), words, first_col - 1, forward=False)
    if skip:
        start = first_col - skip - first_row
        steps = (
            [Step("match", k, start + k) for k in range(first_row)]
            + [Step("delete", None, first_col - skip + k) for k in range(skip)]
            + steps
        )
        first_col, first_row = start, 0
    if (first_row, last_row) == (alignment.first_row, alignment.last_row):
        return alignment
    return _with_edges(alignment, steps, first_col, last_col, first_row, last_row)


def _skipped_before_resume(
    rows: Sequence[Row], outside: range, words: Sequence[str], col: int, forward: bool
) -> int:
    """How many article words (1 to EDGE_SKIP_WORDS, fewest first) lie between the passage and
    the place where all of the quote's unaligned edge words (`outside`) appear in order; 0 if
    none does. `col` is the article word next to the passage."""
    if not 0 < len(outside) <= EDGE_RESUME_WORDS or any(rows[i].kind != "word" for i in outside):
        return 0
    wanted = [rows[i].word for i in outside]
    n = len(wanted)
    for skip in range(1, EDGE_SKIP_WORDS + 1):
        lo = col + skip if forward else col - skip - n + 1
        if lo < 0 or lo + n > len(words):
            break
        skipped = words[col : col + skip] if forward else words[col - skip + 1 : col + 1]
        if list(words[lo : lo + n]) == wanted and (
            any(is_negation(w) for w in skipped) or any(not is_function_word(w) for w in wanted)
        ):
            return skip
    return 0


def _literal_bracket(quote: str, row: Row, text: str, at: int, direction: int) -> int | None:
    """Where the quote's edge [bracket], copied literally from the article, ends (after the
    passage, direction 1) or starts (before it, -1) in `text`; None when the article does not
    hold it there (an exact copy of text with its own editorial brackets)."""
    wanted = fold_marks(quote[row.start : row.end]).casefold()
    if direction > 0:
        lead = len(text[at:]) - len(text[at:].lstrip())
        lo = at + lead
        found = fold_marks(text[lo : lo + len(wanted)]).casefold() == wanted
        return lo + len(wanted) if found else None
    hi = len(text[:at].rstrip())
    lo = hi - len(wanted)
    found = lo >= 0 and fold_marks(text[lo:hi]).casefold() == wanted
    return lo if found else None


def absorb_literal_brackets(
    quote: str, rows: Sequence[Row], alignment: Alignment, tokens: Tokens, text: str
) -> Alignment:
    """Let a quote's [bracket] stand for the article's own identical bracket, however many words
    it holds: a copy of text with an editor's long expansion ("ODESC [Officials Committee for
    Domestic and External Security Coordination]") is verbatim, not a run of deleted words.

    Between the aligned words either side of the bracket, the article text must be exactly the
    bracket (marks, case and spacing aside); the steps there become one bracket step."""
    steps = list(alignment.steps)
    anchors = [k for k, s in enumerate(steps) if s.kind in ("match", "fuzzy")]
    changed = False
    for before, after in pairwise(anchors):
        between = steps[before + 1 : after]
        brackets = [s for s in between if s.kind == "bracket"]
        if len(brackets) != 1 or any(s.kind not in ("bracket", "delete") for s in between):
            continue
        lo_col, hi_col = steps[before].col, steps[after].col
        assert lo_col is not None
        assert hi_col is not None
        row = rows[brackets[0].row]
        gap = text[tokens.ends[lo_col] : tokens.starts[hi_col]]
        wanted = " ".join(fold_marks(quote[row.start : row.end]).split()).casefold()
        if " ".join(fold_marks(gap).split()).casefold().strip(" ,;:'\"") != wanted:
            continue
        for k in range(before + 1, after):
            steps[k] = None  # type: ignore[call-overload]
        steps[before + 1] = Step("bracket", brackets[0].row, lo_col + 1, hi_col)
        changed = True
    if not changed:
        return alignment
    return replace(alignment, steps=tuple(s for s in steps if s is not None))


def attach_edge_brackets(
    quote: str, rows: Sequence[Row], alignment: Alignment, tokens: Tokens, text: str
) -> Alignment:
    """Let an [editorial] insertion at either end of the quote stand for the article words it
    replaced ("[Trump] wants" for "He wants"), as a bracket inside the quote already does.

    Inside a quote the aligner places a bracket between two anchors; at an edge nothing anchors
    it, so it takes the adjacent words of the same phrase (no punctuation in between), as many as
    the bracket itself has (an editor swaps like for like), at most BRACKET_MAX_WORDS; a
    bracket the article itself holds there, literally, takes exactly the words inside it.
    """
    steps = list(alignment.steps)
    first_col, last_col = alignment.first_col, alignment.last_col
    first_row, last_row = alignment.first_row, alignment.last_row
    before = first_row - 1
    if before >= 0 and rows[before].kind == "bracket":
        want = bracket_words(quote, rows[before])
        col = first_col
        literal = _literal_bracket(quote, rows[before], text, tokens.starts[first_col], -1)
        while col > 0 and (
            (literal is not None and tokens.starts[col - 1] >= literal)
            or (
                first_col - col < want
                and not text[tokens.ends[col - 1] : tokens.starts[col]].strip()
            )
        ):
            col -= 1
        if col < first_col:
            steps.insert(0, Step("bracket", before, col, first_col))
            first_col, first_row = col, before
    after = last_row + 1
    if after < len(rows) and rows[after].kind == "bracket":
        want = bracket_words(quote, rows[after])
        col = last_col
        literal = _literal_bracket(quote, rows[after], text, tokens.ends[last_col], 1)
        while col + 1 < len(tokens.words) and (
            (literal is not None and tokens.ends[col + 1] <= literal)
            or (
                col - last_col < want
                and not text[tokens.ends[col] : tokens.starts[col + 1]].strip()
            )
        ):
            col += 1
        if col > last_col:
            steps.append(Step("bracket", after, last_col + 1, col + 1))
            last_col, last_row = col, after
    if first_col == alignment.first_col and last_col == alignment.last_col:
        return alignment
    return _with_edges(alignment, steps, first_col, last_col, first_row, last_row)


def describe(
    quote: str,
    query: Query,
    vocabulary: Sequence[str],
    item: AlignedPassage,
    ties: int,
    described: dict[tuple, list[DescribedPassage]] | None = None,
) -> tuple[SpanMatch, MatchFeatures]:
    """Differences, verdict and features of one aligned passage.

    Syndicated copies align the same way in the same words: a passage whose surroundings
    (every word the description looks at, within the window) have the same words, text and
    alignment as one already described (`described`, per query) is that one moved to another
    article, so it is shifted rather than worked out again."""
    key = None
    rows = query.rows
    lo, hi = _passage_region(rows, item)
    # Only the region's words (and one beyond each end) are looked at: a window is
    # typically four times the passage.
    view_lo, view_hi = _with_margin(item, lo, hi)
    in_view = _shifted(item.alignment, view_lo - item.lo)
    if described is not None:
        key = (item.doc.ids[view_lo:view_hi].tobytes(), in_view.steps, in_view.score)
        key += (lo == item.lo, ties)
        for seen in described.get(key, ()):
            origin, context = _passage_text(item, lo, hi)
            seen_origin, seen_context = seen.text()
            if context == seen_context:
                shift = origin - seen_origin
                moved = with_place(seen.match, item.article.id, seen.match.start + shift)
                return moved, seen.features
    text = item.article.text
    tokens = item.doc.view(view_lo, view_hi, vocabulary)
    alignment = extend_over_insertions(rows, in_view, tokens.words)
    alignment = extend_over_skipped_words(rows, alignment, tokens.words)
    alignment = extend_over_punctuation(quote, rows, alignment, tokens, text)
    alignment = attach_edge_brackets(quote, rows, alignment, tokens, text)
    alignment = absorb_literal_brackets(quote, rows, alignment, tokens, text)
    # A quote that itself has quote marks between its words is a copy of text with quotations
    # in it (narration and all), not speech run past its marks.
    words = [r for r in rows if r.kind == "word"]
    marked = bool(words) and not _MARK_SET.isdisjoint(quote[words[0].end : words[-1].start])
    outside = (
        frozenset()
        if marked
        else _outside_quote_marks(text, tokens, alignment.first_col, alignment.last_col)
    )
    differences = compute_differences(
        quote, rows, alignment, text, tokens, query.layout, outside=outside
    )
    features = extract_features(query.stats, alignment, differences, ties)
    start, end = tokens.starts[alignment.first_col], tokens.ends[alignment.last_col]
    # A first word the quote ran together with what the article joins to its front ("iman" for
    # "I-Man", "this" for "[T]his") starts the passage there.
    lead = (
        joined_before(text, start) if differences and differences[0].flags == (PUNCTUATION,) else ""
    )
    if lead and text.startswith(differences[0].original, start - len(lead)):
        start -= len(lead)
    # An edge bracket copied from the article keeps its own bracket characters in the passage.
    if alignment.steps and alignment.steps[0].kind == "bracket" and text[start - 1 : start] == "[":
        start -= 1
    if alignment.steps and alignment.steps[-1].kind == "bracket" and text[end : end + 1] == "]":
        end += 1
    match = SpanMatch(
        article_id=item.article.id,
        start=start,
        end=end,
        verdict=decide_verdict(differences),
        confidence=0.0,
        differences=differences,
        score=alignment.score,
    )
    if key is not None and described is not None:
        described.setdefault(key, []).append(DescribedPassage(match, features, item, lo, hi))
    return match, features
