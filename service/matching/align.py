"""Word-level local alignment of a candidate quote against a window of article words.

Smith-Waterman with Gotoh affine gaps, on words rather than characters: a dropped clause is one
cheap gap (open once, extend cheaply), not thirty substitutions, and near-miss words (typos,
British/American spelling) score as partial matches. Two special quote rows extend the model:

- an *ellipsis* row skips any number of article words for free, so fragments joined by "..." must
  align in order within the same window;
- a *bracket* row ("[the UK]") is an editorial wildcard that stands for nothing or for up to
  `BRACKET_MAX_WORDS` article words, at no cost.

`AlignedBatch` fills the matrices of many windows side by side in one compiled (numba) pass and
walks the traceback compiled too; `align` is that for one window. `align_reference` is the plain
triple-loop oracle, with a plain-Python traceback, that the tests compare them with. Every score
is a multiple of 1/8, so all of them compute bit-identical matrices.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from service.matching.compiled import first_at_least, kernel
from service.matching.lexicon import is_function_word, is_negation
from service.matching.lexicon import is_number as _is_number_uncached

# Called for every word of every described passage; the answer depends on the word alone.
is_number = lru_cache(maxsize=1 << 16)(_is_number_uncached)

# Scores (multiples of 1/8, see module docstring). A content word is worth twice a function word so
# a few shared "of the" cannot pull an alignment across a paragraph.
MATCH = 1.0
FUZZY = 0.75  # fraction of a match earned by a typo / spelling variant
MISMATCH = -1.0
CONTENT_WEIGHT = 2.0
FUNCTION_WEIGHT = 1.0
# Article words the quote dropped: opening a gap costs about one content word, each further word a
# quarter of a function word, so dropping a ten-word clause (4.25) is repaid by three matched words.
ARTICLE_GAP_OPEN = 2.0
ARTICLE_GAP_EXTEND = 0.25
# Quote words absent from the article (insertions) are rarer in practice and cost more per word.
QUOTE_GAP_OPEN = 2.0
QUOTE_GAP_EXTEND = 1.0
BRACKET_MAX_WORDS = 4
# Reaching either end of the quote earns a bonus (BWA-MEM's clipping penalty, reversed): without it
# "They're not willing..." would clip the leading "They're", since one function word does not pay
# for the gap the inserted "not" opens. With it an edge word is kept if it nets more than -2.
END_BONUS = 2.0
# fuzz.ratio >= 75 is a decent "same word, typo or spelling variant" test (RESEARCH.md); words
# shorter than 3 letters are too easy to confuse ("he"/"the") to count as near misses.
FUZZY_MIN_RATIO = 75.0
FUZZY_MIN_LENGTH = 3

_NEG = -1e9


class Row(NamedTuple):
    """One row of the alignment: a quote word, an ellipsis or an [editorial] insertion (a named
    tuple, like Step: made for every word of every query)."""

    kind: str  # "word" | "ellipsis" | "bracket"
    word: str = ""
    weight: float = 0.0
    # Character span of the row in the quote (bracket rows: the whole "[...]"), for diffs.
    start: int = 0
    end: int = 0


class Step(NamedTuple):
    """One step of an alignment path.

    kind: "match" (same word), "fuzzy" (typo/variant), "sub" (different word), "insert" (quote word
    absent from the article), "delete" (article word dropped by the quote), "skip" (article words
    elided by an ellipsis), "bracket" (editorial insertion standing for article words
    [col, col_end) — empty when it stands for nothing).

    A named tuple rather than a frozen dataclass: dozens are made per described passage, and
    a frozen dataclass's __init__ costs several times more.
    """

    kind: str
    row: int | None
    col: int | None
    col_end: int | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    score: float
    steps: tuple[Step, ...]
    first_col: int  # first article word (window index) covered by the alignment
    last_col: int  # last article word covered (inclusive)
    first_row: int
    last_row: int


def word_weight(word: str) -> float:
    return FUNCTION_WEIGHT if is_function_word(word) else CONTENT_WEIGHT


def may_be_near_miss(word: str) -> bool:
    """Whether `fuzzy_equal` can pair this word with a different one at all."""
    return len(word) >= FUZZY_MIN_LENGTH and not is_number(word)


@lru_cache(maxsize=1 << 16)
def fuzzy_equal(a: str, b: str) -> bool:
    """Same word up to a typo or spelling variant, never across a negation or a different number."""
    if a == b:
        return True
    if min(len(a), len(b)) < FUZZY_MIN_LENGTH:
        return False
    if is_negation(a) != is_negation(b) or is_number(a) or is_number(b):
        return False
    return fuzz.ratio(a, b) >= FUZZY_MIN_RATIO


def letter_counts(word: str) -> tuple[int, int, int, int, int]:
    """Letters a-z the word has at least once, twice and three times (26-bit masks), how many
    other characters it has, and its length: what `LetterCounts` keeps per word."""
    masks = [0, 0, 0]
    others = 0
    for ch, count in Counter(word).items():
        if "a" <= ch <= "z":
            bit = 1 << (ord(ch) - 97)
            for level in range(min(count, 3)):
                masks[level] |= bit
        else:
            others += count
    return masks[0], masks[1], masks[2], others, len(word)


class LetterCounts:
    """`letter_counts` of every vocabulary word, by id: one row of five per word, so the screen
    reads one cache line per window word (the vocabulary runs to millions of words at 100k
    articles, and five separate columns cost five cache misses each).

    Why: two words can share at most, letter by letter, the smaller of their counts, so these
    bound fuzz.ratio from above. A quote and its windows make thousands of word pairs and about
    one in 200 passes the bound, so rapidfuzz only sees those (the exact test stays its own).
    """

    def __init__(self) -> None:
        self._rows = array("I")

    def append(self, word: str) -> None:
        self._rows.extend(letter_counts(word))

    def table(self) -> np.ndarray:
        return np.frombuffer(self._rows, dtype=np.uint32).reshape(-1, 5)


@kernel("int64[:, :](int32[::1], uint8[::1], uint32[:, ::1], int64[:, ::1], int64[::1])")
def _possible_near_misses(
    ordered_ids: np.ndarray,
    fuzzable: np.ndarray,
    counts: np.ndarray,
    quote_counts: np.ndarray,
    quote_ids: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled; its pairs are checked against the reference
    """(quote word, window word id) pairs whose letter counts allow fuzz.ratio >= 75: at most
    sum-of-shared-counts characters in common, so ratio = 200 * common / (la + lb) is below 75
    when 8 * bound < 3 * (la + lb). Distinct fuzzable ids only (`ordered_ids` is sorted), and
    never a quote word paired with its own id. Rows of `counts`: once, twice, three or more
    times (letter masks), other characters, length."""
    n_quote = quote_counts.shape[0]
    out = np.empty((ordered_ids.shape[0] * n_quote, 2), dtype=np.int64)
    n = 0
    previous = -1
    for word in ordered_ids:
        if word == previous or not fuzzable[word]:
            previous = word
            continue
        previous = word
        once, twice, thrice = counts[word, 0], counts[word, 1], counts[word, 2]
        others, length = counts[word, 3], counts[word, 4]
        for q in range(n_quote):
            if word == quote_ids[q]:
                continue
            needed = 3 * (length + quote_counts[q, 4])  # 8 x common characters must reach it
            # At most the shorter word in common: a cheap first test that rejects most pairs.
            if 8 * min(length, quote_counts[q, 4]) < needed:
                continue
            if not (thrice & quote_counts[q, 2]):  # (three or more on both: no bound)
                bound = min(others, quote_counts[q, 3])
                for mask in (once & quote_counts[q, 0], twice & quote_counts[q, 1]):
                    while mask:
                        mask &= mask - 1
                        bound += 1
                if 8 * bound < needed:
                    continue
            out[n, 0] = q
            out[n, 1] = word
            n += 1
    return out[:n]


def similarity_matrix(rows: Sequence[Row], words: Sequence[str]) -> np.ndarray:
    """Score of aligning each quote row with each article word (0 for non-word rows)."""
    sim = np.full((len(rows), len(words)), MISMATCH)
    word_rows = [i for i, r in enumerate(rows) if r.kind == "word"]
    if not word_rows or not words:
        return sim
    q_unique = sorted({rows[i].word for i in word_rows})
    a_unique = sorted(set(words))
    # Near-miss candidates in one C call; the Python filter below runs only on the few hits.
    ratios = process.cdist(
        q_unique, a_unique, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO, dtype=np.uint8
    )
    q_pos = {w: i for i, w in enumerate(q_unique)}
    a_pos = {w: i for i, w in enumerate(a_unique)}
    hit_qi, hit_ai = np.nonzero(ratios)
    level = np.zeros(ratios.shape, dtype=np.int8)  # 2 exact, 1 fuzzy, 0 different
    for qi, ai in zip(hit_qi.tolist(), hit_ai.tolist(), strict=True):
        a, b = q_unique[qi], a_unique[ai]
        if a == b:
            level[qi, ai] = 2
        elif fuzzy_equal(a, b):
            level[qi, ai] = 1
    cols = np.fromiter((a_pos[w] for w in words), dtype=np.intp, count=len(words))
    q_rows = np.fromiter((q_pos[rows[i].word] for i in word_rows), dtype=np.intp)
    weights = np.array([rows[i].weight for i in word_rows])[:, None]
    lv = level[q_rows][:, cols]  # one gather for all word rows
    sim[word_rows] = np.where(
        lv == 2, weights * MATCH, np.where(lv == 1, weights * FUZZY, MISMATCH)
    )
    return sim


class QuerySimilarity:
    """`similarity_matrix` of one quote against windows of article word ids.

    Near misses are looked up only for quote words that can have any, and only among the window
    words whose letter counts allow the ratio (a compiled screen); the matrix itself is filled by
    a compiled loop (exact ids compared cell by cell, near misses looked up among the few words
    found). The tests compare it with `similarity_matrix_reference`.
    """

    def __init__(
        self,
        rows: Sequence[Row],
        row_ids: Sequence[int],
        words: list[str],
        fuzzable: bytearray,
        letters: LetterCounts,
    ):
        """`row_ids` are the rows' word ids (-1: not a word, or a word no article has);
        `fuzzable[i]` says whether words[i] may be a near miss at all (`may_be_near_miss`);
        `letters` are the words' `LetterCounts`."""
        self._words = words
        self._fuzzable = fuzzable
        self._letters = letters
        self.q_ids = np.array(row_ids, dtype=np.int64)
        self._weights = np.array([r.weight for r in rows])
        id_of = {r.word: i for r, i in zip(rows, row_ids, strict=True) if r.kind == "word"}
        # fuzzy_equal never pairs short words or numbers: no need to look those up (a known
        # word's answer is kept in `fuzzable`).
        self._fuzzy_words = sorted(
            w for w, i in id_of.items() if (fuzzable[i] if i >= 0 else may_be_near_miss(w))
        )
        slot = {word: n for n, word in enumerate(self._fuzzy_words)}
        # Which of those words each row is (-1: none), to mark a near miss's rows.
        self._row_fuzzy = np.array(
            [slot.get(r.word, -1) if r.kind == "word" else -1 for r in rows], dtype=np.int64
        )
        ids = [id_of[w] for w in self._fuzzy_words]
        self._quote_ids = np.array(ids, dtype=np.int64)
        # Letter counts: a known word's are stored; an unknown one (a typo) is counted now
        # (its row taken first, by a clipped -1, is overwritten).
        table = letters.table()
        if len(table):
            counts = table.take(self._quote_ids, axis=0, mode="clip").astype(np.int64)
        else:
            counts = np.zeros((len(ids), 5), dtype=np.int64)
        for n, known in enumerate(ids):
            if known < 0:
                counts[n] = letter_counts(self._fuzzy_words[n])
        self._quote_counts = counts

    def matrix(self, window_ids: np.ndarray) -> np.ndarray:
        ids = np.ascontiguousarray(window_ids, dtype=np.int32)
        near_ids, near_rows = self._near_misses(ids)
        return _fill_similarity(self.q_ids, self._weights, ids, near_ids, near_rows)

    def _near_misses(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The window words that are near misses of some quote word (sorted ids), and for each
        the quote rows it is a near miss of."""
        hits: list[tuple[int, int]] = []
        if self._fuzzy_words and len(ids):
            fuzzable = np.frombuffer(self._fuzzable, dtype=np.uint8, count=len(self._words))
            pairs = _possible_near_misses(
                np.sort(ids), fuzzable, self._letters.table(), self._quote_counts, self._quote_ids
            )
            # Both words of a pair are distinct, fuzzable words (three letters or more, not
            # numbers), so of `fuzzy_equal` only the negation and ratio tests are left: asked
            # directly, since nearly every pair is new and a cache miss costs more than the test.
            quote_words, words = self._fuzzy_words, self._words
            hits = [
                (q, k)
                for q, k in pairs.tolist()
                if fuzz.ratio(quote_words[q], words[k], score_cutoff=FUZZY_MIN_RATIO)
                and is_negation(words[k]) == is_negation(quote_words[q])
            ]
        if not hits:
            return np.zeros(0, dtype=np.int64), np.zeros((0, len(self.q_ids)), dtype=np.bool_)
        ordered = sorted({k for _, k in hits})
        slot = {k: n for n, k in enumerate(ordered)}
        # Which quote words each near miss is near, then spread to their rows in one gather:
        # the extra last column stays False and is what rows of no such word (-1) pick.
        near_words = np.zeros((len(ordered), len(self._fuzzy_words) + 1), dtype=np.bool_)
        near_words[[slot[k] for _, k in hits], [q for q, _ in hits]] = True
        near_rows = np.ascontiguousarray(near_words.take(self._row_fuzzy, axis=1))
        return np.array(ordered, dtype=np.int64), near_rows


@kernel("f8[:, :](int64[::1], f8[::1], int32[::1], int64[::1], b1[:, ::1])")
def _fill_similarity(
    q_ids: np.ndarray,
    weights: np.ndarray,
    ids: np.ndarray,
    near_ids: np.ndarray,
    near_rows: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled; compared with the reference in the tests
    """Score of each quote row against each window word: a match, a near miss or neither.

    Most cells are neither: the matrix starts as mismatches and each window word then looks its
    quote rows up (binary search in the rows ordered by word id, and in the near misses)."""
    m = q_ids.shape[0]
    n = ids.shape[0]
    sim = np.full((m, n), MISMATCH)
    order = np.argsort(q_ids)
    ordered = q_ids[order]
    for j in range(n):
        word = ids[j]
        k = first_at_least(ordered, word)
        while k < m and ordered[k] == word:
            sim[order[k], j] = weights[order[k]] * MATCH
            k += 1
        k = first_at_least(near_ids, word)
        if k < near_ids.shape[0] and near_ids[k] == word:
            for i in range(m):
                if near_rows[k, i] and q_ids[i] != word:
                    sim[i, j] = weights[i] * FUZZY
    return sim


@kernel("f8[:](f8[:, ::1], int64[::1])")
def window_bounds(sim: np.ndarray, starts: np.ndarray) -> np.ndarray:  # pragma: no cover
    """An upper bound on each window's alignment score (window k: columns starts[k] up to the
    next start): every quote row at its best there, never below 0, plus both end bonuses."""
    m, n = sim.shape
    count = starts.shape[0]
    out = np.empty(count)
    for k in range(count):
        hi = starts[k + 1] if k + 1 < count else n
        total = 0.0
        for i in range(m):
            best = 0.0
            for j in range(starts[k], hi):
                best = max(best, sim[i, j])
            total += best
        out[k] = total + 2 * END_BONUS
    return out


def similarity_matrix_reference(rows: Sequence[Row], words: Sequence[str]) -> np.ndarray:
    """Oracle for `similarity_matrix`: one `fuzzy_equal` call per cell."""
    sim = np.full((len(rows), len(words)), MISMATCH)
    for i, row in enumerate(rows):
        if row.kind != "word":
            continue
        for j, w in enumerate(words):
            if w == row.word:
                sim[i, j] = row.weight * MATCH
            elif fuzzy_equal(row.word, w):
                sim[i, j] = row.weight * FUZZY
    return sim


def align(rows: Sequence[Row], sim: np.ndarray) -> Alignment | None:
    """Best local alignment of `rows` against the article words scored by `sim` (one window of
    the compiled batch)."""
    m, n = sim.shape
    if m == 0 or n == 0:
        return None
    return AlignedBatch(rows, np.ascontiguousarray(sim, dtype=np.float64), [(0, n)]).alignment(0)


# Row kinds as the compiled kernel sees them.
_KIND_CODE = {"word": 0, "ellipsis": 1, "bracket": 2}


@kernel(
    "void(int8[::1], f8[:, ::1], int64[::1], int64[::1], f8[:, ::1], f8[:, ::1], f8[:, ::1],"
    " f8[::1])"
)
def _fill_windows(
    kinds: np.ndarray,
    sim: np.ndarray,
    sim_starts: np.ndarray,
    widths: np.ndarray,
    h: np.ndarray,
    e: np.ndarray,
    f: np.ndarray,
    scores: np.ndarray,
) -> None:  # pragma: no cover - compiled; its results are compared with `align` in the tests
    """The Gotoh recurrences of `align_reference`, cell by cell, for every window side by side.

    Window k is sim[:, sim_starts[k] : sim_starts[k] + widths[k]]; it owns the next
    widths[k] + 1 columns of h, e and f: its column 0 first, then one per article word."""
    m = kinds.shape[0]
    c0 = 0
    for k in range(sim_starts.shape[0]):
        s0 = sim_starts[k]
        n = widths[k]
        if k > 0:
            c0 += widths[k - 1] + 1
        for j in range(n + 1):
            h[0, c0 + j] = END_BONUS
            e[0, c0 + j] = _NEG
            f[0, c0 + j] = _NEG
        inner = _NEG
        for i in range(1, m + 1):
            kind = kinds[i - 1]
            if kind == 1:  # ellipsis: any number of article words skipped for free
                run = _NEG
                for j in range(n + 1):
                    run = max(run, h[i - 1, c0 + j])
                    h[i, c0 + j] = run
                    e[i, c0 + j] = _NEG
                    f[i, c0 + j] = _NEG
                    inner = max(inner, run)
                continue
            if kind == 2:  # bracket: stands for up to BRACKET_MAX_WORDS article words
                for j in range(n + 1):
                    best = h[i - 1, c0 + j]
                    for t in range(1, BRACKET_MAX_WORDS + 1):
                        if j - t >= 0:
                            best = max(best, h[i - 1, c0 + j - t])
                    h[i, c0 + j] = best
                    e[i, c0 + j] = _NEG
                    f[i, c0 + j] = _NEG
                    inner = max(inner, best)
                continue
            # Along a row each cell's e waits on the cell before, so that chain is kept short:
            # with h = max(rest, e) and ARTICLE_GAP_OPEN >= ARTICLE_GAP_EXTEND,
            #   max(h - OPEN, e - EXTEND) == max(rest - OPEN, e - EXTEND)  (exactly, in floats)
            # and the left and upper-left cells are carried in registers, not re-read.
            up = h[i - 1, c0]
            fj = max(up - QUOTE_GAP_OPEN, f[i - 1, c0] - QUOTE_GAP_EXTEND)
            ej = _NEG
            rest = max(fj, 0.0)
            hj = max(rest, ej)
            f[i, c0] = fj
            e[i, c0] = ej
            h[i, c0] = hj
            inner = max(inner, hj)
            diagonal = up
            for j in range(1, n + 1):
                ej = max(rest - ARTICLE_GAP_OPEN, ej - ARTICLE_GAP_EXTEND)
                up = h[i - 1, c0 + j]
                fj = max(up - QUOTE_GAP_OPEN, f[i - 1, c0 + j] - QUOTE_GAP_EXTEND)
                rest = max(max(fj, 0.0), diagonal + sim[i - 1, s0 + j - 1])
                hj = max(rest, ej)
                f[i, c0 + j] = fj
                e[i, c0 + j] = ej
                h[i, c0 + j] = hj
                inner = max(inner, hj)
                diagonal = up
        at_end = _NEG
        for j in range(n + 1):
            at_end = max(at_end, h[m, c0 + j])
        scores[k] = max(inner, at_end + END_BONUS)


class AlignedBatch:
    """`align` of one quote against many windows at once, in one compiled pass.

    The windows are column ranges of one similarity matrix (`spans`: first column and width of
    each); their DP matrices are laid side by side, each behind its own column 0, and filled cell
    by cell by `_fill_windows` (numba): per window the score and the traceback (done only for the
    windows asked for) are bit-identical to `align`'s.
    """

    def __init__(
        self, rows: Sequence[Row], sim: np.ndarray, spans: Sequence[tuple[int, int]]
    ) -> None:
        self.rows = rows
        self._sim = sim
        self._traced: dict[int, Alignment | None] = {}
        self._codes = _row_codes(rows)
        m = len(rows)
        self._starts = np.array([start for start, _ in spans], dtype=np.int64)
        widths = np.array([width for _, width in spans], dtype=np.int64)
        self.bounds = list(accumulate((width + 1 for _, width in spans), initial=0))
        if m == 0 or not spans:
            self.scores = np.zeros(len(spans))
            return
        total = self.bounds[-1]
        self.h = np.empty((m + 1, total))
        self.e = np.empty((m + 1, total))
        self.f = np.empty((m + 1, total))
        self.scores = np.empty(len(spans))
        _fill_windows(
            self._codes[0], sim, self._starts, widths, self.h, self.e, self.f, self.scores
        )

    def __len__(self) -> int:
        return len(self.scores)

    def alignment(self, k: int) -> Alignment | None:
        """Window k's alignment, exactly as `align(rows, sims[k])` returns it."""
        if self.scores[k] <= 0:
            return None
        if k not in self._traced:  # syndicated copies share a window: traced once
            self._traced[k] = _traceback_compiled(
                self.rows,
                self._sim,
                int(self._starts[k]),
                self.h,
                self.e,
                self.f,
                self.bounds[k],
                self.bounds[k + 1],
                self._codes,
            )
        return self._traced[k]


def align_batch(rows: Sequence[Row], sims: Sequence[np.ndarray]) -> AlignedBatch:
    """Align one quote against several windows (each its own similarity matrix) in one pass."""
    spans = []
    start = 0
    for sim in sims:
        spans.append((start, sim.shape[1]))
        start += sim.shape[1]
    joined = np.concatenate(sims, axis=1) if sims else np.zeros((len(rows), 0))
    return AlignedBatch(rows, joined, spans)


def _row_codes(rows: Sequence[Row]) -> tuple[np.ndarray, np.ndarray]:
    """Row kinds and weights as the compiled kernels take them."""
    kinds = np.array([_KIND_CODE[r.kind] for r in rows], dtype=np.int8)
    return kinds, np.array([r.weight for r in rows], dtype=np.float64)


def align_reference(rows: Sequence[Row], sim: np.ndarray) -> Alignment | None:
    """The textbook Gotoh recurrences cell by cell; the oracle `align` must agree with."""
    m, n = sim.shape
    if m == 0 or n == 0:
        return None
    h = np.zeros((m + 1, n + 1))
    h[0] = END_BONUS
    e = np.full((m + 1, n + 1), _NEG)
    f = np.full((m + 1, n + 1), _NEG)
    for i in range(1, m + 1):
        row = rows[i - 1]
        for j in range(n + 1):
            if row.kind == "ellipsis":
                h[i, j] = max(h[i - 1, : j + 1])
                continue
            if row.kind == "bracket":
                h[i, j] = max(h[i - 1, max(0, j - BRACKET_MAX_WORDS) : j + 1])
                continue
            f[i, j] = max(h[i - 1, j] - QUOTE_GAP_OPEN, f[i - 1, j] - QUOTE_GAP_EXTEND)
            if j > 0:
                e[i, j] = max(h[i, j - 1] - ARTICLE_GAP_OPEN, e[i, j - 1] - ARTICLE_GAP_EXTEND)
            diag = h[i - 1, j - 1] + sim[i - 1, j - 1] if j > 0 else _NEG
            h[i, j] = max(0.0, diag, e[i, j], f[i, j])
    return _traceback(rows, sim, h, e, f)


def _traceback(
    rows: Sequence[Row], sim: np.ndarray, h: np.ndarray, e: np.ndarray, f: np.ndarray
) -> Alignment | None:
    """The best path back through the matrices, in plain Python: the oracle for
    `_traceback_compiled`, used by `align_reference`."""
    m = h.shape[0] - 1
    inner = float(h[1:].max())
    at_end = float(h[m].max()) + END_BONUS
    best = max(inner, at_end)
    if best <= 0:
        return None
    # Ties: the earliest end in the article, then the longest quote prefix (deterministic).
    if at_end >= inner:
        i, j = m, int(np.argmax(h[m] + END_BONUS == best))
    else:
        flat = np.flatnonzero(h[1:] == best)
        ends = [(int(x) // h.shape[1] + 1, int(x) % h.shape[1]) for x in flat]
        i, j = min(ends, key=lambda ij: (ij[1], -ij[0]))
    steps: list[Step] = []
    state = "h"
    while i > 0 and j >= 0:
        row = rows[i - 1]
        if state == "h":
            val = h[i, j]
            if val <= 0:
                break
            if row.kind == "ellipsis":
                k = int(np.argmax(h[i - 1, : j + 1] == val))
                if k < j:
                    steps.append(Step("skip", i - 1, k, j))
                i, j = i - 1, k
                continue
            if row.kind == "bracket":
                if h[i - 1, j] == val:
                    steps.append(Step("bracket", i - 1, j, j))
                    i -= 1
                    continue
                k = next(
                    k
                    for k in range(j - 1, max(-1, j - BRACKET_MAX_WORDS - 1), -1)
                    if h[i - 1, k] == val
                )
                steps.append(Step("bracket", i - 1, k, j))
                i, j = i - 1, k
                continue
            if j > 0 and val == h[i - 1, j - 1] + sim[i - 1, j - 1]:
                s = sim[i - 1, j - 1]
                kind = "match" if s == row.weight * MATCH else "fuzzy" if s > 0 else "sub"
                steps.append(Step(kind, i - 1, j - 1))
                i, j = i - 1, j - 1
            elif val == e[i, j]:
                state = "e"
            elif val == f[i, j]:
                state = "f"
            else:  # pragma: no cover - matrices are built so one branch always holds
                raise AssertionError("inconsistent alignment matrices")
        elif state == "e":
            steps.append(Step("delete", None, j - 1))
            if e[i, j] == h[i, j - 1] - ARTICLE_GAP_OPEN:
                state = "h"
            j -= 1
        else:
            steps.append(Step("insert", i - 1, None))
            if f[i, j] == h[i - 1, j] - QUOTE_GAP_OPEN:
                state = "h"
            i -= 1
    steps.reverse()
    return _trimmed(steps, best)


def _trimmed(steps: list[Step], best: float) -> Alignment | None:
    # Scores only rise on matches, so the path starts and ends on one; a zero-width bracket or
    # skip left at either end is not part of the aligned passage.
    while steps and steps[0].kind not in ("match", "fuzzy"):
        steps.pop(0)
    while steps and steps[-1].kind not in ("match", "fuzzy"):
        steps.pop()
    cols = [s.col for s in steps if s.kind in ("match", "fuzzy", "sub")]
    if not cols:
        return None
    row_ids = [s.row for s in steps if s.kind in ("match", "fuzzy", "sub", "insert")]
    return Alignment(
        score=best,
        steps=tuple(steps),
        first_col=min(cols),
        last_col=max(cols),
        first_row=min(row_ids),
        last_row=max(row_ids),
    )


_STEP_KINDS = ("match", "fuzzy", "sub", "insert", "delete", "skip", "bracket")


def _traceback_compiled(
    rows: Sequence[Row],
    sim: np.ndarray,
    sim_start: int,
    h: np.ndarray,
    e: np.ndarray,
    f: np.ndarray,
    col_lo: int,
    col_hi: int,
    codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> Alignment | None:
    """`_traceback` of the window in columns [col_lo, col_hi) of h, e and f (its column 0 first)
    whose article words are scored by sim[:, sim_start:], with the walk compiled."""
    kinds, weights = _row_codes(rows) if codes is None else codes
    path = np.empty((h.shape[0] + col_hi - col_lo + 1, 4), dtype=np.int64)
    count, best = _trace_path(kinds, weights, sim, sim_start, h, e, f, col_lo, col_hi, path)
    if count < 0:
        return None
    walked = path[:count][::-1].tolist()
    # As `_trimmed`: the passage starts and ends on a matched word. Along a path rows and columns
    # only grow, so its first and last steps give its extent.
    first, last = 0, len(walked)
    while first < last and walked[first][0] > 1:
        first += 1
    while last > first and walked[last - 1][0] > 1:
        last -= 1
    if first == last:
        return None
    make = tuple.__new__  # Step(...) without the named tuple's Python-level __new__
    steps = tuple(
        [
            make(
                Step,
                (
                    _STEP_KINDS[kind],
                    None if row < 0 else row,
                    None if col < 0 else col,
                    None if col_end < 0 else col_end,
                ),
            )
            for kind, row, col, col_end in walked[first:last]
        ]
    )
    start, end = walked[first], walked[last - 1]
    return Alignment(best, steps, start[2], end[2], start[1], end[1])


@kernel(
    "Tuple((int64, f8))(int8[::1], f8[::1], f8[:, ::1], int64, f8[:, ::1], f8[:, ::1], f8[:, ::1],"
    " int64, int64, int64[:, ::1])"
)
def _trace_path(
    kinds: np.ndarray,
    weights: np.ndarray,
    sim_all: np.ndarray,
    sim_start: int,
    h_all: np.ndarray,
    e_all: np.ndarray,
    f_all: np.ndarray,
    col_lo: int,
    col_hi: int,
    path: np.ndarray,
) -> tuple[int, float]:  # pragma: no cover - compiled; compared with `_traceback` in the tests
    """Walk back from the best cell as `_traceback` does, writing steps (kind code, row, col,
    col_end; -1 for none) last first into `path`. Returns (steps, best score); -1 steps when
    nothing aligned."""
    h = h_all[:, col_lo:col_hi]
    e = e_all[:, col_lo:col_hi]
    f = f_all[:, col_lo:col_hi]
    sim = sim_all[:, sim_start:]
    m = h.shape[0] - 1
    ncols = h.shape[1]
    inner = _NEG
    for i in range(1, m + 1):
        for j in range(ncols):
            inner = max(inner, h[i, j])
    at_end = _NEG
    for j in range(ncols):
        at_end = max(at_end, h[m, j])
    at_end += END_BONUS
    best = max(inner, at_end)
    if best <= 0:
        return -1, best
    i, j = m, 0
    if at_end >= inner:
        while h[m, j] + END_BONUS != best:
            j += 1
    else:  # the earliest end in the article, then the longest quote prefix
        found = False
        for jj in range(ncols):
            for ii in range(m, 0, -1):
                if h[ii, jj] == best:
                    i, j, found = ii, jj, True
                    break
            if found:
                break
    n = 0
    state = 0  # 0: h, 1: e (article words dropped), 2: f (quote words inserted)
    while i > 0 and j >= 0:
        kind = kinds[i - 1]
        if state == 0:
            val = h[i, j]
            if val <= 0:
                break
            if kind == 1:  # ellipsis: back to the first column holding the same score
                k = 0
                while h[i - 1, k] != val:
                    k += 1
                if k < j:
                    path[n, 0], path[n, 1], path[n, 2], path[n, 3] = 5, i - 1, k, j
                    n += 1
                i, j = i - 1, k
                continue
            if kind == 2:  # bracket
                if h[i - 1, j] == val:
                    path[n, 0], path[n, 1], path[n, 2], path[n, 3] = 6, i - 1, j, j
                    n += 1
                    i -= 1
                    continue
                k = j - 1
                while h[i - 1, k] != val:
                    k -= 1
                path[n, 0], path[n, 1], path[n, 2], path[n, 3] = 6, i - 1, k, j
                n += 1
                i, j = i - 1, k
                continue
            if j > 0 and val == h[i - 1, j - 1] + sim[i - 1, j - 1]:
                s = sim[i - 1, j - 1]
                code = 0 if s == weights[i - 1] * MATCH else 1 if s > 0 else 2
                path[n, 0], path[n, 1], path[n, 2], path[n, 3] = code, i - 1, j - 1, -1
                n += 1
                i, j = i - 1, j - 1
            elif val == e[i, j]:
                state = 1
            else:  # val == f[i, j]: the matrices are built so one branch always holds
                state = 2
        elif state == 1:
            path[n, 0], path[n, 1], path[n, 2], path[n, 3] = 4, -1, j - 1, -1
            n += 1
            if e[i, j] == h[i, j - 1] - ARTICLE_GAP_OPEN:
                state = 0
            j -= 1
        else:
            path[n, 0], path[n, 1], path[n, 2], path[n, 3] = 3, i - 1, -1, -1
            n += 1
            if f[i, j] == h[i - 1, j] - QUOTE_GAP_OPEN:
                state = 0
            i -= 1
    return n, best
