"""Word-pair (shingle) postings: which documents hold two given words side by side.

A quote of everyday words ("I don't think it's going to be a problem") shares every single word
with thousands of articles, but its word *pairs* in that order are rare: "a problem", "think it"
and "be a" together name a handful. The document-frequency cut is applied to these pairs, so
common words in a rare order still count as evidence, and an exact phrase can be looked for by
intersecting the postings of all its pairs before any article is scanned.

A pair is the two word ids packed into one 64-bit key (exact: no hashing, no collisions). Postings
live in sorted numpy segments (keys, offsets, documents) rather than a dict of small arrays: at
100,000 articles there are tens of millions of postings, which a dict of Python objects would hold
at ten times the memory. New documents go to a pending list; they are sorted into a small second
segment on the next lookup, and folded into the main one once they are a fair share of it, so
incremental adds stay cheap and lookups stay two binary searches per pair.
"""

from __future__ import annotations

import contextlib
import ctypes

import numpy as np

from service.matching.packed import distinct

# Pending postings are folded into the main segment once they exceed this share of it (so
# building from scratch sorts each posting a few times, not once per add); a lookup folds them in
# as soon as they exceed MERGE_MIN, so sorting the pending ones per lookup stays cheap.
MERGE_MIN = 1 << 18
MERGE_SHARE = 0.5


def pair_keys(ids: np.ndarray, indexed: np.ndarray | None = None) -> np.ndarray:
    """Distinct word-pair keys of a sequence of word ids, sorted (uint64). With `indexed` (a
    flag per word id), only pairs with at least one flagged word: a pair of two content words
    is already told apart by those words' own rarity, so only pairs with a function word need
    postings (about half the memory)."""
    if len(ids) < 2:
        return np.zeros(0, dtype=np.uint64)
    a = ids[:-1]
    b = ids[1:]
    if indexed is not None:
        keep = indexed[a] | indexed[b]
        a, b = a[keep], b[keep]
    return distinct((a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64))


def pair_key(a: int, b: int) -> int:
    """The key of one word pair (both ids known, >= 0)."""
    return (a << 32) | b


class _Segment:
    """Sorted keys, offsets into `docs`, and the documents of each key (ascending)."""

    __slots__ = ("docs", "keys", "offsets")

    def __init__(self, keys: np.ndarray, docs: np.ndarray) -> None:
        """From parallel (key, doc) arrays, in any order; docs ascending within a key is kept by
        a stable sort when the input lists them in document order."""
        order = np.argsort(keys, kind="stable")
        keys, docs = keys[order], docs[order]
        if len(keys):
            starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        else:
            starts = np.zeros(0, dtype=np.int64)
        self.keys = keys[starts]
        self.offsets = np.append(starts, len(keys)).astype(np.int64)
        self.docs = np.ascontiguousarray(docs, dtype=np.int32)

    def __getstate__(self) -> dict:
        # Saved offsets take four bytes while the postings number fewer than 2**32.
        narrow = len(self.docs) < 1 << 32
        return {
            "keys": self.keys,
            "offsets": self.offsets.astype(np.uint32 if narrow else np.int64, copy=False),
            "docs": self.docs,
        }

    def __setstate__(self, state: dict) -> None:
        self.keys, self.offsets, self.docs = state["keys"], state["offsets"], state["docs"]

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        counts = np.diff(self.offsets)
        return np.repeat(self.keys, counts), self.docs

    def lookup(self, keys: np.ndarray) -> list[np.ndarray]:
        # Which keys are held and their postings' bounds in whole-array steps: a query looks up
        # tens of pairs, and numpy scalar indexing per key cost more than the searches.
        n = len(self.keys)
        at = np.searchsorted(self.keys, keys)
        held = at < n
        held[held] = self.keys[at[held]] == keys[held]
        starts = self.offsets[np.minimum(at, n)].tolist()
        ends = self.offsets[np.minimum(at + 1, n)].tolist()
        docs = self.docs
        empty = docs[:0]
        return [
            docs[lo:hi] if h else empty
            for h, lo, hi in zip(held.tolist(), starts, ends, strict=True)
        ]


def _trim_heap() -> None:
    # (Not glibc: nothing to hand back this way.)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


_EMPTY_KEYS = np.zeros(0, dtype=np.uint64)
_EMPTY_DOCS = np.zeros(0, dtype=np.int32)


class ShingleIndex:
    """Document postings per word pair, for documents numbered by the caller (`WordIndex`)."""

    def __init__(self) -> None:
        self._main = _Segment(_EMPTY_KEYS, _EMPTY_DOCS)
        self._pending_keys: list[np.ndarray] = []
        self._pending_docs: list[int] = []
        self._pending_n = 0
        self._recent: _Segment | None = None  # the pending postings, sorted on first lookup

    def add(self, doc: int, keys: np.ndarray) -> None:
        """Postings for a new document number (higher than any added before)."""
        if not len(keys):
            return
        self._pending_keys.append(keys)
        self._pending_docs.append(doc)
        self._pending_n += len(keys)
        self._recent = None
        if self._pending_n > max(MERGE_MIN, MERGE_SHARE * len(self._main.docs)):
            self._merge()

    def lookup(self, keys: np.ndarray) -> list[np.ndarray]:
        """The documents holding each pair (ascending; removed ones included until `remap`)."""
        if self._pending_n > MERGE_MIN:
            self._merge()
        found = self._main.lookup(keys)
        if self._pending_n:
            recent = self._recent_segment().lookup(keys)
            found = [
                a if not len(b) else np.concatenate((a, b))
                for a, b in zip(found, recent, strict=True)
            ]
        return found

    def settle(self) -> None:
        """Do now what the next lookup would do lazily (merge, or sort the pending postings),
        so an index about to be published is only read by queries, never changed."""
        if self._pending_n > MERGE_MIN:
            self._merge()
        elif self._pending_n:
            self._recent_segment()

    def flush(self) -> None:
        """Fold pending postings into the main segment (after a bulk load), and hand the
        sorts' temporaries back to the system (glibc keeps freed heap otherwise, and gunicorn
        workers would inherit it)."""
        if self._pending_n:
            self._merge()
        _trim_heap()

    def remap(self, remap: np.ndarray) -> None:
        """Renumber documents (`remap[old]`, -1 = removed), as `WordIndex` compaction does."""
        keys, docs = self._all_pairs()
        new = remap[docs]
        keep = new >= 0
        self._main = _Segment(keys[keep], new[keep].astype(np.int32))
        self._clear_pending()

    def rekey(self, word_remap: np.ndarray) -> None:
        """Renumber the words in every key (`word_remap[old]`, -1 = dropped, ascending among
        the kept), as vocabulary compaction does. Order-preserving, so each key keeps its place
        and its documents; pairs with a dropped word (held only by removed documents) go."""
        keys, docs = self._all_pairs()
        first = word_remap[(keys >> np.uint64(32)).astype(np.int64)]
        second = word_remap[(keys & np.uint64(0xFFFFFFFF)).astype(np.int64)]
        keep = (first >= 0) & (second >= 0)
        new = (first[keep].astype(np.uint64) << np.uint64(32)) | second[keep].astype(np.uint64)
        self._main = _Segment(new, docs[keep])
        self._clear_pending()

    def nbytes(self) -> int:
        m = self._main
        return m.keys.nbytes + m.offsets.nbytes + m.docs.nbytes + 12 * self._pending_n

    def _recent_segment(self) -> _Segment:
        if self._recent is None:
            keys = np.concatenate(self._pending_keys)
            docs = np.repeat(
                np.array(self._pending_docs, dtype=np.int32),
                [len(k) for k in self._pending_keys],
            )
            self._recent = _Segment(keys, docs)
        return self._recent

    def _all_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        keys, docs = self._main.pairs()
        if self._pending_n:
            recent_keys, recent_docs = self._recent_segment().pairs()
            keys = np.concatenate((keys, recent_keys))
            docs = np.concatenate((docs, recent_docs))
        return keys, docs

    def _merge(self) -> None:
        """Fold the pending postings into the main segment.

        Pending documents are numbered above every main one, so each pair's pending postings go
        right after its main ones, and pairs new to the index between the main keys: insertion
        passes over the main arrays (linear, no sort of the whole index; `_merge_by_sorting` is
        the plain version it is tested against)."""
        main, recent = self._main, self._recent_segment()
        at = np.searchsorted(main.keys, recent.keys)
        known = at < len(main.keys)
        known[known] = main.keys[at[known]] == recent.keys[known]
        keys = np.insert(main.keys, at[~known], recent.keys[~known])
        counts = np.insert(np.diff(main.offsets).astype(np.int64), at[~known], 0)
        counts[np.searchsorted(keys, recent.keys)] += np.diff(recent.offsets)
        offsets = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        # A known pair's postings go after its main ones, a new pair's before the next key's.
        before = np.repeat(main.offsets[at + known].astype(np.int64), np.diff(recent.offsets))
        merged = _Segment(_EMPTY_KEYS, _EMPTY_DOCS)
        merged.keys, merged.offsets = keys, offsets
        merged.docs = np.ascontiguousarray(np.insert(main.docs, before, recent.docs))
        self._main = merged
        self._clear_pending()

    def _merge_by_sorting(self) -> None:
        """`_merge` as a stable sort of every (pair, document) posting by pair (main documents
        are all numbered below pending ones, so each pair's stay ascending)."""
        keys, docs = self._all_pairs()
        self._main = _Segment(keys, docs)
        self._clear_pending()

    def _clear_pending(self) -> None:
        self._pending_keys, self._pending_docs, self._pending_n = [], [], 0
        self._recent = None
