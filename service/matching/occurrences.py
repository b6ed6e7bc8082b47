"""Where in one article a quote may sit: clusters of the quote's content words, and exact copies.

Run for every candidate article of every query, so both scans are compiled with numba (a Python
loop over a few hundred word hits per article costs a fifth of a query's time).
`reference.windows_reference` is the plain Python the compiled scan is tested against.
"""

from __future__ import annotations

import numpy as np

from service.matching.compiled import first_at_least, kernel

# Article words added on each side of where the quote's first and last rows would sit if it
# aligned without gaps: room for words the quote dropped outside its first/last shared word.
WINDOW_SLACK = 10
# Occurrence clusters per article at most: in effect every one (a long interview may hold the
# true passage in its hundredth cluster; the aligner's per-window bound and cell budget decide
# which are aligned, and the cap only stops a pathological article).
MAX_WINDOWS = 256
# Occurrences of one quote word looked at per article (a word repeated 100,000 times must not
# cost 100,000 steps).
MAX_HITS_PER_WORD = 200
# Bits for a hit's number in the cluster sort key (hits <= MAX_HITS_PER_WORD * quote words).
_HIT_BITS = 20
# Slots of the window scan's filter of quote word ids (a power of two: an id's low bits pick one).
_FILTER_SIZE = 1024


_NO_WINDOWS = np.zeros((0, 2), dtype=np.int64)


class QuoteWords:
    """A quote's content words as the scan needs them: sorted word ids, the first and last quote
    row of each (`spans`: word id -> rows), the quote's length and how far one occurrence of it
    may spread in article words."""

    def __init__(self, spans: dict[int, tuple[int, int]], rows: int, spread: int) -> None:
        ordered = sorted(spans)
        self.keys = np.array(ordered, dtype=np.int64)
        self.first_row = np.array([spans[k][0] for k in ordered], dtype=np.int64)
        self.last_row = np.array([spans[k][1] for k in ordered], dtype=np.int64)
        self.rows = rows
        self.spread = spread

    def windows(self, ids: np.ndarray) -> list[list[int]]:
        """Word ranges [lo, hi) of an article worth aligning, densest cluster first."""
        return self.window_array(ids).tolist()

    def window_array(self, ids: np.ndarray) -> np.ndarray:
        """`windows` as an (n, 2) int64 array (what `first_copy_in` takes)."""
        if not len(self.keys):
            return _NO_WINDOWS
        return _windows(
            ids,
            self.keys,
            self.first_row,
            self.last_row,
            self.rows,
            self.spread,
            WINDOW_SLACK,
            MAX_WINDOWS,
            MAX_HITS_PER_WORD,
        )


@kernel(
    "int64[:, :](int32[::1], int64[::1], int64[::1], int64[::1], int64, int64, int64, int64, int64)"
)
def _windows(
    ids: np.ndarray,
    keys: np.ndarray,
    first_row: np.ndarray,
    last_row: np.ndarray,
    m: int,
    spread: int,
    slack: int,
    max_windows: int,
    max_hits: int,
) -> np.ndarray:  # pragma: no cover - compiled; compared with `windows_reference` in the tests
    """Compiled `windows_reference` (same clusters, same order, same merges)."""
    n = ids.shape[0]
    seen_per_word = np.zeros(first_row.shape[0], dtype=np.int64)
    cols = np.empty(n, dtype=np.int64)
    words = np.empty(n, dtype=np.int64)
    hits = 0
    nkeys = keys.shape[0]
    # Most article words are none of the quote's: a filter on the id's low bits turns nearly all
    # of them away before the binary search among the quote words.
    held = np.zeros(_FILTER_SIZE, dtype=np.bool_)
    for k in range(nkeys):
        held[keys[k] & (_FILTER_SIZE - 1)] = True
    for c in range(n):
        if not held[ids[c] & (_FILTER_SIZE - 1)]:
            continue
        s = first_at_least(keys, ids[c])  # a handful of quote words: cheaper than a table
        if s < nkeys and keys[s] == ids[c] and seen_per_word[s] < max_hits:
            seen_per_word[s] += 1
            cols[hits] = c
            words[hits] = s
            hits += 1
    out = np.empty((0, 2), dtype=np.int64)
    if hits == 0:
        return out
    lo_est = np.empty(hits, dtype=np.int64)
    hi_est = np.empty(hits, dtype=np.int64)
    for k in range(hits):
        lo_est[k] = cols[k] - last_row[words[k]]
        hi_est[k] = cols[k] + (m - 1 - first_row[words[k]])
    # Densest span ending at each hit (two pointers with a running count of distinct words),
    # sorted by (-distinct words, first hit, -last hit) through one packed integer key.
    inside = np.zeros(first_row.shape[0], dtype=np.int64)
    distinct = 0
    lo = 0
    order_key = np.empty(hits, dtype=np.int64)
    top = first_row.shape[0] + 1
    mask = (1 << _HIT_BITS) - 1
    for k in range(hits):
        if inside[words[k]] == 0:
            distinct += 1
        inside[words[k]] += 1
        while cols[k] - cols[lo] > spread:
            inside[words[lo]] -= 1
            if inside[words[lo]] == 0:
                distinct -= 1
            lo += 1
        order_key[k] = ((top - distinct) << (2 * _HIT_BITS)) | (lo << _HIT_BITS) | (mask - k)
    order_key.sort()
    win_lo = np.empty(max_windows, dtype=np.int64)
    win_hi = np.empty(max_windows, dtype=np.int64)
    nw = 0
    seen = np.zeros(hits, dtype=np.bool_)
    for key in order_key:
        first = (key >> _HIT_BITS) & mask
        last = mask - (key & mask)
        if seen[first]:
            continue  # the same cluster start with a later end inside it: covered
        seen[first] = True
        lo_w = lo_est[first]
        hi_w = hi_est[first]
        for k in range(first + 1, last + 1):
            lo_w = min(lo_w, lo_est[k])
            hi_w = max(hi_w, hi_est[k])
        lo_w = max(0, lo_w - slack)
        hi_w = min(n, hi_w + slack + 1)
        at = -1
        kept = 0
        for j in range(nw):
            if lo_w < win_hi[j] and win_lo[j] < hi_w:
                # Merged, never dropped: a phrase repeated close by must still be seen.
                if at < 0:
                    at = kept
                    kept += 1
                lo_w = min(lo_w, win_lo[j])
                hi_w = max(hi_w, win_hi[j])
            else:
                win_lo[kept] = win_lo[j]
                win_hi[kept] = win_hi[j]
                kept += 1
        if at >= 0:
            win_lo[at] = lo_w
            win_hi[at] = hi_w
            nw = kept
            continue
        if nw >= max_windows:
            break
        win_lo[nw] = lo_w
        win_hi[nw] = hi_w
        nw += 1
    out = np.empty((nw, 2), dtype=np.int64)
    for j in range(nw):
        out[j, 0] = win_lo[j]
        out[j, 1] = win_hi[j]
    return out


@kernel("int64(int32[::1], int64, int64, int32[::1])")
def _first_copy(ids: np.ndarray, lo: int, hi: int, phrase: np.ndarray) -> int:  # pragma: no cover
    """Compiled `first_copy`."""
    p = phrase.shape[0]
    for start in range(lo, hi - p + 1):
        same = True
        for i in range(p):
            if ids[start + i] != phrase[i]:
                same = False
                break
        if same:
            return start
    return -1


def first_copy(ids: np.ndarray, lo: int, hi: int, phrase: np.ndarray) -> int:
    """Where the word ids of `phrase` first occur in ids[lo:hi], -1 if nowhere."""
    if len(phrase) == 0:
        return -1
    return int(_first_copy(ids, lo, hi, phrase))


@kernel("int64(int32[::1], int64[:, ::1], int32[::1])")
def _first_copy_in(
    ids: np.ndarray, windows: np.ndarray, phrase: np.ndarray
) -> int:  # pragma: no cover - compiled; compared with `first_copy` per window in the tests
    """Compiled `first_copy_in`."""
    best = -1
    for w in range(windows.shape[0]):
        k = _first_copy(ids, windows[w, 0], windows[w, 1], phrase)
        if k >= 0 and (best < 0 or k < best):
            best = k
    return best


def first_copy_in(ids: np.ndarray, windows: np.ndarray, phrase: np.ndarray) -> int:
    """The earliest start of a copy of `phrase` lying inside one of `windows` ((n, 2) ranges
    [lo, hi) of `ids`), -1 if none: `first_copy` of each window at once, since an article has a
    few windows and every call into compiled code has its own cost."""
    if len(phrase) == 0 or not len(windows):
        return -1
    return int(_first_copy_in(ids, windows, phrase))
