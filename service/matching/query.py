"""One candidate quote as the aligner sees it: its rows, word ids, weights and aligner budget.

Built once per query and shared by every candidate article, so per-article work never repeats
what depends on the quote alone.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from functools import cached_property

import numpy as np

from service.matching.align import (
    BRACKET_MAX_WORDS,
    END_BONUS,
    FUZZY,
    MATCH,
    Alignment,
    Row,
    Step,
    word_weight,
)
from service.matching.differences import (
    QuoteLayout,
    quote_layout,
)
from service.matching.lexicon import is_function_word, is_negation
from service.matching.normalise import split_quote, tokenize
from service.matching.occurrences import QuoteWords, first_copy_in
from service.matching.scoring import (
    QuoteStats,
    quote_stats,
)
from service.matching.similarity import QuerySimilarity
from service.matching.token_store import DocTokens, TokenStore

# Unknown quote words of at least this length (likely typos) are looked up among known words of
# similar spelling, at most this many per query.
TYPO_MIN_LENGTH = 4
MAX_TYPO_LOOKUPS = 6

# Quote rows beyond this are ignored (the HTTP layer caps quotes at 2,000 characters, ~350 words).
MAX_QUOTE_ROWS = 400


# Clusters: how far the shared words of one occurrence may spread, as a multiple of quote length
# plus slack (dropped clauses), in article words; an ellipsis may skip much more.
SPREAD_FACTOR = 2


SPREAD_SLACK = 20


ELLIPSIS_SPREAD = 400


# Aligner work per query (quote rows x window words), whatever the quote and corpus: tens of ms
# of numpy at worst, so a 100-item batch of adversarial quotes stays within a request.
MAX_ALIGN_CELLS = 300_000


class Query:
    """One quote's rows with what every candidate article reuses: word ids, near-miss lookups,
    alignments of windows already seen, and the remaining aligner budget."""

    def __init__(
        self,
        quote: str,
        rows: Sequence[Row],
        tokens: TokenStore,
        idf: Callable[[str], float],
        near: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.quote = quote
        self.rows = rows
        self._idf = idf
        # The words inside the quote's [editorial] brackets: not aligned (a bracket is a
        # wildcard), but evidence for retrieval, since a copy of bracketed text has them.
        self.bracket_words = [
            w
            for r in rows
            if r.kind == "bracket"
            for w in tokenize(quote[r.start + 1 : r.end - 1]).words
        ]
        vocabulary = tokens.vocabulary
        get = vocabulary.get
        self.row_ids = [get(r.word, -1) if r.kind == "word" else -1 for r in rows]
        # Adjacent known quote words: (first row, pair key), the phrase evidence retrieval uses.
        # Only pairs with a function word or negation are indexed (`shingles.pair_keys`).
        indexed = [
            r.kind == "word" and (is_function_word(r.word) or is_negation(r.word)) for r in rows
        ]
        self.pairs = [
            (i, (a << 32) | b)
            for i, (a, b) in enumerate(zip(self.row_ids, self.row_ids[1:], strict=False))
            if a >= 0 and b >= 0 and (indexed[i] or indexed[i + 1])
        ]
        # The document frequency of each pair, filled in by the matcher (0 = unknown pair).
        self.pair_df: dict[int, int] = {}
        self.pair_idf: Callable[[int], float] = lambda df: 0.0
        self.pair_lists: list[np.ndarray] = []
        # Articles holding the whole quote word for word (set by the exact-phrase search).
        self.copies = 0
        self.similarity = QuerySimilarity(
            rows, self.row_ids, vocabulary.words, vocabulary.fuzzable, vocabulary.letters
        )
        self.cells_left = MAX_ALIGN_CELLS
        self.m = len(rows)
        word_rows = [i for i, r in enumerate(rows) if r.kind == "word"]
        weight = sum(rows[i].weight for i in word_rows) * MATCH
        self.total_weight = weight or 1.0
        self.perfect = weight + 2 * END_BONUS
        content = [i for i in word_rows if not is_function_word(rows[i].word)]
        span: dict[int, tuple[int, int]] = {}
        # Known spellings a mistyped content word may stand for (`near`) are window seeds too:
        # a quote whose only content word is misspelt still has somewhere to look.
        self.near_words: list[str] = []
        if near is not None:
            typos = [
                i
                for i in content
                if self.row_ids[i] < 0 and len(rows[i].word) >= TYPO_MIN_LENGTH
                if rows[i].word.isalpha()
            ]
            for i in typos[:MAX_TYPO_LOOKUPS]:
                for w in near(rows[i].word):
                    self.near_words.append(w)
                    first, last = span.get(vocabulary[w], (i, i))
                    span[vocabulary[w]] = (min(first, i), max(last, i))
        seeds = [i for i in content if self.row_ids[i] >= 0]
        for i in seeds if seeds or span else word_rows:
            if (known := self.row_ids[i]) >= 0:
                first, last = span.get(known, (i, i))
                span[known] = (min(first, i), max(last, i))
        spread = SPREAD_FACTOR * self.m + SPREAD_SLACK
        if len(word_rows) < len(rows) and any(r.kind == "ellipsis" for r in rows):
            spread += ELLIPSIS_SPREAD
        self.words = QuoteWords(span, self.m, spread)
        # Every known quote word, function words too: the windows of an article that holds none
        # of the quote's content words ("Very few persons think like that" for "people": the
        # retrieved source shares only the everyday words, in the quote's order).
        every: dict[int, tuple[int, int]] = {}
        for i in word_rows:
            if (known := self.row_ids[i]) >= 0:
                first, last = every.get(known, (i, i))
                every[known] = (min(first, i), max(last, i))
        self.all_words = QuoteWords(every, self.m, spread)
        plain = 0 < len(word_rows) == len(rows) and -1 not in self.row_ids
        self.plain_ids = self.similarity.q_ids.astype(np.int32) if plain else None

    def copies_at(self, score: float) -> int:
        """Word-for-word copies of the quote that a passage scoring `score` ties with."""
        return self.copies if score >= self.perfect else 0

    def word_runs(self) -> list[tuple[int, int]]:
        """Rows [lo, hi) of every run of consecutive known quote words, in quote order (a run
        ends at an unknown word, an ellipsis or an [editorial] insertion)."""
        runs: list[tuple[int, int]] = []
        lo = None
        for i, known in enumerate([*self.row_ids, -1]):
            if known >= 0 and lo is None:
                lo = i
            elif known < 0 and lo is not None:
                runs.append((lo, i))
                lo = None
        return runs

    def longest_run(self) -> tuple[int, int] | None:
        """Rows [lo, hi) of the longest run of consecutive known quote words (at least two, or
        the whole quote when it is one known word): what an exact-phrase search looks for."""
        runs = self.word_runs()
        best = max(runs, key=lambda r: r[1] - r[0], default=None)  # (the first among equals)
        if best is not None and best[1] - best[0] < 2 and len(self.rows) > 1:
            return None
        return best

    @cached_property
    def layout(self) -> QuoteLayout:
        return quote_layout(self.rows)

    @cached_property
    def stats(self) -> QuoteStats:
        pair_info = {i: self.pair_idf(self.pair_df.get(k, 0)) for i, k in self.pairs}
        return quote_stats(self.rows, self._idf, pair_info)

    def spend(self, cells: int) -> bool:
        """Take `cells` from the budget; the first window is always aligned, whatever its size."""
        if cells > self.cells_left and self.cells_left < MAX_ALIGN_CELLS:
            self.cells_left = 0
            return False
        self.cells_left -= cells
        return True

    def coverage(self, alignment: Alignment) -> float:
        matched = 0.0
        for step in alignment.steps:
            if step.kind in ("match", "fuzzy"):
                weight = self.rows[step.row].weight
                matched += weight * (MATCH if step.kind == "match" else FUZZY)
        return matched / self.total_weight

    def exact(
        self, doc: DocTokens, windows: Sequence[Sequence[int]], spans: np.ndarray
    ) -> tuple[int, int, Alignment] | None:
        """The earliest word-for-word copy of the quote in the windows (`spans`: the same as an
        array), if any (no aligner needed: no alignment can score higher, and the earliest
        occurrence is the one the aligner picks)."""
        q = self.plain_ids
        if q is None:
            return None
        k = first_copy_in(doc.ids, spans, q)
        if k < 0:
            return None
        lo, hi = next((lo, hi) for lo, hi in windows if lo <= k and k + len(q) <= hi)
        steps = tuple(Step("match", i, k - lo + i) for i in range(len(q)))
        alignment = Alignment(self.perfect, steps, k - lo, k - lo + len(q) - 1, 0, len(q) - 1)
        return (lo, hi, alignment)


def bracket_words(quote: str, row: Row) -> int:
    return max(1, min(BRACKET_MAX_WORDS, len(quote[row.start + 1 : row.end - 1].split())))


def quote_rows(quote: str) -> list[Row]:
    """Alignment rows for a candidate quote: its words, ellipses and [editorial] insertions."""
    rows: list[Row] = []
    for part in split_quote(quote):
        if part.kind == "words":
            t = part.tokens
            make = tuple.__new__  # Row(...) without the named tuple's Python-level __new__
            rows.extend(
                [
                    make(Row, ("word", w, word_weight(w), s, e))
                    for w, s, e in zip(t.words, t.starts, t.ends, strict=True)
                ]
            )
        elif part.kind == "bracket":
            rows.append(Row("bracket", "", 0.0, part.start, part.start + len(part.text)))
        else:
            rows.append(Row("ellipsis"))
        if len(rows) >= MAX_QUOTE_ROWS:
            return rows[:MAX_QUOTE_ROWS]
    return rows


def join_split_numbers(quote: str, rows: Sequence[Row], known: Container[str]) -> list[Row]:
    """Numbers a quote wrote with a space where the corpus has a decimal point or a digit-group
    separator ("26 9" for "26.9", "3 728" for "3,728": punctuation stripped from a pasted
    quote) become the one number the corpus knows, so a punctuation change stays verbatim.

    Only when the joined number is a known word: two numbers side by side stay two."""
    out: list[Row] = []
    for row in rows:
        last = out[-1] if out else None
        if (
            last is not None
            and row.kind == "word"
            and last.kind == "word"
            and row.word.isdigit()
            and last.word.replace(".", "").isdigit()
            and quote[last.end : row.start] == " "
        ):
            grouped = last.word + row.word if len(row.word) == 3 and "." not in last.word else ""
            decimal = last.word + "." + row.word if "." not in last.word else ""
            joined = next((w for w in (grouped, decimal) if w and w in known), None)
            if joined is not None:
                out[-1] = Row("word", joined, word_weight(joined), last.start, row.end)
                continue
        out.append(row)
    return out
