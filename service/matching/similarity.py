"""Near-miss words: which article words a quote word may stand for, and at what score.

A typo or spelling variant ("Zelensky"/"Zelenskyy", "favour"/"favor") earns part of a match; a
negation or a different number never does. For every window the aligner needs a (quote row x
article word) score matrix; `QuerySimilarity` builds it from the vocabulary's word ids, screening
pairs by letter counts (an upper bound on `fuzz.ratio`) before asking rapidfuzz.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from service.matching.align import END_BONUS, FUZZY, MATCH, MISMATCH, Row
from service.matching.compiled import first_at_least, kernel
from service.matching.lexicon import is_negation, is_number

# Called for every word of every described passage; the answer depends on the word alone.


# fuzz.ratio >= 75 is a decent "same word, typo or spelling variant" test (RESEARCH.md); words
# shorter than 3 letters are too easy to confuse ("he"/"the") to count as near misses.
FUZZY_MIN_RATIO = 75.0


FUZZY_MIN_LENGTH = 3


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

    def __init__(self, rows: np.ndarray | None = None, n: int = 0) -> None:
        """Empty, or the first `n` of `rows` (uint32, five a word; rows beyond `n` are spare
        room that appends fill in place, so a table mapped from a saved index stays shared
        but for the pages a new word touches)."""
        self._rows = np.zeros((1024, 5), dtype=np.uint32) if rows is None else rows
        self._n = n

    def append(self, word: str) -> None:
        if self._n == len(self._rows):
            grown = np.zeros((max(1024, 2 * len(self._rows)), 5), dtype=np.uint32)
            grown[: self._n] = self._rows
            self._rows = grown
        self._rows[self._n] = letter_counts(word)
        self._n += 1

    def table(self) -> np.ndarray:
        return self._rows[: self._n]

    def kept(self, keep: np.ndarray) -> LetterCounts:
        """The rows of only these word ids, in this order."""
        return LetterCounts(np.ascontiguousarray(self.table()[keep]), len(keep))

    def with_room(self, spare: int) -> LetterCounts:
        """The same rows with `spare` free rows after them (for a saved index)."""
        rows = np.zeros((self._n + spare, 5), dtype=np.uint32)
        rows[: self._n] = self.table()
        return LetterCounts(rows, self._n)

    def __getstate__(self) -> dict:
        return {"rows": self._rows, "n": self._n}

    def __setstate__(self, state: dict) -> None:
        self._rows, self._n = state["rows"], state["n"]


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
        # Letter counts: a known word's are stored; an unknown one (a typo) is counted here
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
            pairs = pairs.tolist()
            text = {k: words[k] for k in {k for _, k in pairs}}  # (each word decoded once)
            hits = [
                (q, k)
                for q, k in pairs
                if fuzz.ratio(quote_words[q], text[k], score_cutoff=FUZZY_MIN_RATIO)
                and is_negation(text[k]) == is_negation(quote_words[q])
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
