"""Word -> documents postings in two flat arrays, for the word index (`WordIndex`).

A dict of one growable array per word cost a Python-level append per word of every article (a
fifth of the index build) and pickled as hundreds of thousands of separate objects. Here each
word gets a dense term id (one dict lookup per distinct word, mapped in C) and the postings of a
batch of articles are sorted into place once: `offsets[t]:offsets[t + 1]` of `docs` are the
documents of term t, ascending. Those two arrays are what the saved index maps from its file
(`service.index_snapshot`), shared by every worker.

Postings of articles added since the last merge wait in a pending list and are sorted together
on first lookup, as for word pairs (`shingles.ShingleIndex`), so a write costs its own words
and a query after a write sorts at most MERGE_MIN pending postings.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from service.matching.frozen import GrowingTable
from service.matching.shingles import MERGE_MIN, MERGE_SHARE

_EMPTY_DOCS = np.zeros(0, dtype=np.int32)


class WordPostings:
    """The ascending document numbers holding each word (removed ones included until `remap`)."""

    def __init__(self) -> None:
        # Word -> term id (a new id for a word seen for the first time); saved as a shared
        # table, with a private overlay for words first met since (`frozen.GrowingTable`).
        self._terms = GrowingTable()
        self._offsets = np.zeros(1, dtype=np.int64)  # merged postings of terms below len - 1
        self._docs = _EMPTY_DOCS
        self._df = np.zeros(1024, dtype=np.int32)  # postings per term, pending included
        self._pending_terms: list[np.ndarray] = []
        self._pending_docs: list[int] = []
        self._pending_n = 0
        self._recent: tuple[np.ndarray, np.ndarray] | None = None  # pending, sorted by term

    def add(self, doc: int, words: Iterable[str]) -> None:
        """Postings for a new document number (higher than any added before), one per word;
        `words` must be distinct."""
        self.add_terms(doc, self.term_ids(words))

    def term_ids(self, words: Iterable[str]) -> np.ndarray:
        """The term id of each word (int32), a new one for a word not seen before."""
        return np.fromiter(map(self._terms.__getitem__, words), dtype=np.int32)

    @property
    def term_table(self) -> object:
        """Changes (by identity) whenever term ids are renumbered (`remap`), so a caller
        keeping `term_ids` answers knows when they stopped being valid."""
        return self._terms

    def add_terms(self, doc: int, terms: np.ndarray) -> None:
        """`add` with the words given as distinct `term_ids`."""
        if not len(terms):
            return
        if len(self._terms) > len(self._df):
            grown = np.zeros(max(len(self._terms), 2 * len(self._df)), dtype=np.int32)
            grown[: len(self._df)] = self._df
            self._df = grown
        self._df[terms] += 1
        self._pending_terms.append(terms)
        self._pending_docs.append(doc)
        self._pending_n += len(terms)
        self._recent = None
        if self._pending_n > max(MERGE_MIN, MERGE_SHARE * len(self._docs)):
            self._merge()

    def frequency(self, word: str) -> int:
        """Postings of `word` (0 for a word never seen)."""
        term = self._terms.get(word)
        return 0 if term is None else int(self._df[term])

    def docs(self, word: str) -> np.ndarray:
        """The documents holding `word`, ascending (int32)."""
        term = self._terms.get(word)
        if term is None:
            return _EMPTY_DOCS
        if self._pending_n > MERGE_MIN:
            self._merge()
        found = (
            self._docs[self._offsets[term] : self._offsets[term + 1]]
            if (term + 1 < len(self._offsets))
            else _EMPTY_DOCS
        )
        if self._pending_n:
            terms, docs = self._recent_sorted()
            lo, hi = np.searchsorted(terms, [term, term + 1])
            if hi > lo:
                found = np.concatenate((found, docs[lo:hi]))
        return found

    def settle(self) -> None:
        """Do now what the next lookup would do lazily (merge, or sort the pending postings),
        so an index about to be published is only read by queries, never changed."""
        if self._pending_n > MERGE_MIN:
            self._merge()
        elif self._pending_n:
            self._recent_sorted()

    def flush(self) -> None:
        """Fold pending postings into the merged arrays (after a bulk load)."""
        if self._pending_n:
            self._merge()

    def remap(self, remap: np.ndarray) -> None:
        """Renumber documents (`remap[old]`, -1 = removed), and forget words no document holds
        any more, as `WordIndex` compaction does."""
        terms, docs = self._all_pairs()
        new = remap[docs]
        keep = new >= 0
        order = np.argsort(terms[keep], kind="stable")  # (pending postings come after merged)
        terms, docs = terms[keep][order], new[keep][order].astype(np.int32)
        held = np.bincount(terms, minlength=len(self._terms)) > 0
        words = np.array(list(self._terms), dtype=object)[held]
        term_remap = np.cumsum(held) - 1
        self._terms = GrowingTable.of(words.tolist())
        self._set_merged(term_remap[terms].astype(np.int32), docs)
        self._clear_pending()

    def nbytes(self) -> int:
        """Bytes held by the postings arrays (the words' strings not counted)."""
        return self._offsets.nbytes + self._docs.nbytes + self._df.nbytes + 8 * self._pending_n

    def __getstate__(self) -> dict:
        self.flush()
        return {
            "terms": self._terms,
            "offsets": self._offsets,
            "docs": self._docs,
            "df": self._df,
        }

    def __setstate__(self, state: dict) -> None:
        self.__init__()
        self._terms = state["terms"]
        self._offsets, self._docs, self._df = state["offsets"], state["docs"], state["df"]

    def _recent_sorted(self) -> tuple[np.ndarray, np.ndarray]:
        if self._recent is None:
            terms = np.concatenate(self._pending_terms)
            docs = np.repeat(
                np.array(self._pending_docs, dtype=np.int32),
                [len(t) for t in self._pending_terms],
            )
            order = np.argsort(terms, kind="stable")  # (docs stay ascending within a term)
            self._recent = (terms[order], docs[order])
        return self._recent

    def _all_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(term, doc) of every posting: merged ones by term, then pending ones by term."""
        terms = np.repeat(np.arange(len(self._offsets) - 1, dtype=np.int32), np.diff(self._offsets))
        docs = self._docs
        if self._pending_n:
            recent_terms, recent_docs = self._recent_sorted()
            terms = np.concatenate((terms, recent_terms))
            docs = np.concatenate((docs, recent_docs))
        return terms, docs

    def _merge(self) -> None:
        """Fold the pending postings into the merged arrays.

        Pending documents are numbered above every merged one, so each term's pending postings
        go right after its merged ones: one insertion pass over the merged array (linear, no
        sort of the whole index; `_merge_by_sorting` is the plain version it is tested against).
        A refresher folding a thousand new articles into a 100,000-article index spent most of
        its time re-sorting every posting."""
        terms, docs = self._recent_sorted()
        offsets = self._offsets
        n_terms = len(self._terms)
        if n_terms + 1 > len(offsets):  # terms first seen since the last merge hold nothing yet
            offsets = np.concatenate(
                (offsets, np.full(n_terms + 1 - len(offsets), offsets[-1], dtype=np.int64))
            )
        self._docs = np.ascontiguousarray(np.insert(self._docs, offsets[terms + 1], docs))
        added = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=n_terms), out=added[1:])
        self._offsets = offsets + added
        self._clear_pending()

    def _merge_by_sorting(self) -> None:
        """`_merge` as a stable sort of every (term, document) posting by term (merged
        documents are all numbered below pending ones, so each term's stay ascending)."""
        terms, docs = self._all_pairs()
        order = np.argsort(terms, kind="stable")
        self._set_merged(terms[order], docs[order])
        self._clear_pending()

    def _set_merged(self, terms: np.ndarray, docs: np.ndarray) -> None:
        """From postings sorted by term (docs ascending within each)."""
        counts = np.bincount(terms, minlength=len(self._terms)).astype(np.int64)
        self._offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=self._offsets[1:])
        self._docs = np.ascontiguousarray(docs, dtype=np.int32)
        self._df = np.zeros(max(1024, len(counts)), dtype=np.int32)
        self._df[: len(counts)] = counts

    def _clear_pending(self) -> None:
        self._pending_terms, self._pending_docs, self._pending_n = [], [], 0
        self._recent = None
