"""Word-level local alignment of a candidate quote against a window of article words.

Smith-Waterman with Gotoh affine gaps, on words rather than characters: a dropped clause is one
cheap gap (open once, extend cheaply), not thirty substitutions, and near-miss words (typos,
British/American spelling) score as partial matches. Two special quote rows extend the model:

- an *ellipsis* row skips any number of article words for free, so fragments joined by "..." must
  align in order within the same window;
- a *bracket* row ("[the UK]") is an editorial wildcard that stands for nothing or for up to
  `BRACKET_MAX_WORDS` article words, at no cost.

`AlignedBatch` fills the matrices of many windows side by side in one compiled (numba) pass and
walks the traceback compiled too; `align` is that for one window. `reference.align_reference`
is the plain triple-loop oracle, with a plain-Python traceback, that the tests compare them
with. Near-miss scores come from `similarity`. Every score
is a multiple of 1/8, so all of them compute bit-identical matrices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

import numpy as np

from service.matching.compiled import kernel
from service.matching.lexicon import is_function_word

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
