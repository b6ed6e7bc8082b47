"""Candidate retrieval: which articles could contain a quote, in well under a millisecond.

A document-level inverted index over normalised words (word -> compact array of document numbers).
A query scores documents by the summed inverse document frequency of the quote's rarest words, so
names and content words decide and "the", "said", boilerplate and syndicated phrases (very high
document frequency) are pruned before their long posting lists are ever read. Word-level (not
n-gram) postings keep retrieval robust to quotes altered every few words: any surviving rare word
still votes for its article. Where in the article the quote sits is decided later, by the aligner.

Articles are added and removed one at a time (newsrooms publish all day). Removal marks the
document number dead; dead entries are filtered at query time and compacted away once they make up
a quarter of the index, so a long-running worker never grows without bound.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable

import numpy as np

from service.matching.compiled import kernel
from service.matching.frozen import RowMap, StringList
from service.matching.normalise import word_set
from service.matching.postings import WordPostings
from service.matching.shingles import ShingleIndex

# Words in more than this share of documents are not read at query time (unless the quote has
# nothing rarer): their posting lists are long and they say nothing about which article it is.
MAX_DF_FRACTION = 0.2
# At most this many distinct query terms (words and word pairs) are looked up (the rarest
# first), and at most this many postings read in total, so a 2,000-character quote of common
# words stays cheap at any scale.
MAX_QUERY_WORDS = 48
MAX_POSTINGS = 300_000
COMPACT_DEAD_FRACTION = 0.25
PAIR_IDF_MIN_DOCS = 1000
# Retrieval stops admitting new documents only when they would fall short by more than this
# (scores are compared after rounding to 9 decimal places).
PRUNE_MARGIN = 1e-6
MAX_TIED = 2000


class WordIndex:
    """Inverted index from normalised word to the documents containing it."""

    def __init__(self) -> None:
        self._postings = WordPostings()
        # Document number -> article id (None once removed), and its publication date.
        self._ids: list[str | None] | StringList = []
        self._published: list[str] | StringList = []
        # Publication dates as YYYYMMDD numbers so ties are ordered in numpy; -1 when missing,
        # -2 for a date not in ISO form (those candidates are ordered by the strings instead).
        self._day = np.zeros(0, dtype=np.int64)
        self._doc_of: dict[str, int] | RowMap = {}
        self._alive = np.zeros(0, dtype=bool)
        self._dead = 0
        self._local = threading.local()
        self._pairs = ShingleIndex()

    def __len__(self) -> int:
        return len(self._doc_of)

    def __getstate__(self) -> dict:
        # Per-thread scratch arrays are not part of the index (and threading.local can't pickle).
        # The per-document strings are saved as flat arrays (`frozen`), shared once mapped.
        state = {k: v for k, v in self.__dict__.items() if k != "_local"}
        for name in ("_ids", "_published"):
            if not isinstance(state[name], StringList):
                state[name] = StringList.of(state[name])
        if not isinstance(self._doc_of, RowMap):
            state["_doc_of"] = RowMap.of(self._doc_of.items())
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    def add(
        self,
        article_id: str,
        text: str,
        published: str | None = None,
        words: Iterable[str] | None = None,
        pairs: np.ndarray | None = None,
        terms: np.ndarray | None = None,
    ) -> None:
        """Index (or re-index) one article: the words of `text`, or `words` when the caller
        has already tokenised it, or their distinct `term_ids` (valid for `term_table`), and
        its word-pair keys (`shingles.pair_keys`) if given."""
        if article_id in self._doc_of:
            self.remove(article_id)
        doc = len(self._ids)
        self._ids.append(article_id)
        self._published.append(published or "")
        self._doc_of[article_id] = doc
        if doc >= len(self._alive):
            grown = np.zeros(max(1024, 2 * len(self._alive)), dtype=bool)
            grown[: len(self._alive)] = self._alive
            self._alive = grown
            days = np.zeros(len(grown), dtype=np.int64)
            days[: len(self._day)] = self._day
            self._day = days
        self._alive[doc] = True
        self._day[doc] = _day_number(published or "")
        if pairs is not None:
            self._pairs.add(doc, pairs)
        if terms is not None:
            self._postings.add_terms(doc, terms)
        else:
            self._postings.add(doc, word_set(text) if words is None else words)

    def term_ids(self, words: Iterable[str]) -> np.ndarray:
        """The postings' term id of each word (new ones for unseen words): see `add`."""
        return self._postings.term_ids(words)

    @property
    def term_table(self) -> object:
        """Changes (by identity) whenever `term_ids` answers stop being valid."""
        return self._postings.term_table

    def remove(self, article_id: str) -> None:
        """Forget one article; unknown ids are ignored."""
        doc = self._doc_of.pop(article_id, None)
        if doc is None:
            return
        self._ids[doc] = None
        self._alive[doc] = False
        self._dead += 1
        if self._dead > COMPACT_DEAD_FRACTION * max(1, len(self._ids)):
            self._compact()

    def document_frequency(self, word: str) -> int:
        """Documents containing `word` (counting removed ones until the next compaction)."""
        return self._postings.frequency(word)

    def flush(self) -> None:
        """Sort pending word and word-pair postings in (after a bulk load, before forking)."""
        self._postings.flush()
        self._pairs.flush()

    def settle(self) -> None:
        """Leave nothing for a lookup to merge or sort (see `WordPostings.settle`)."""
        self._postings.settle()
        self._pairs.settle()

    def rekey_pairs(self, word_remap: np.ndarray) -> None:
        """Follow a vocabulary compaction (`ShingleIndex.rekey`)."""
        self._pairs.rekey(word_remap)

    def pair_nbytes(self) -> int:
        return self._pairs.nbytes()

    def pair_postings(self, keys: list[int]) -> list[np.ndarray]:
        """Documents holding each word pair (removed ones included; see `phrase_documents`)."""
        if not keys:
            return []
        return self._pairs.lookup(np.array(keys, dtype=np.uint64))

    def phrase_documents(self, keys: list[int], words: list[str]) -> np.ndarray:
        """Live documents holding every given word pair (or, with no pairs, every given word):
        the only documents that can hold a phrase made of them, ascending."""
        lists = (
            self.pair_postings(sorted(set(keys)))
            if keys
            else [self._postings.docs(w) for w in set(words)]
        )
        if not lists:
            return np.zeros(0, dtype=np.int32)
        lists.sort(key=len)
        common = lists[0]
        for other in lists[1:]:
            if not len(common):
                break
            at = np.minimum(np.searchsorted(other, common), len(other) - 1)
            common = common[other[at] == common] if len(other) else common[:0]
        return common[self._alive[common]]

    def article_of(self, doc: int) -> str | None:
        return self._ids[doc]

    def published_of(self, doc: int) -> str:
        return self._published[doc]

    def idf(self, word: str) -> float:
        """Smoothed inverse document frequency; unseen words get the maximum."""
        n = max(1, len(self._doc_of))
        return math.log((n + 1) / (self.document_frequency(word) + 0.5))

    def pair_idf(self, df: int) -> float:
        """The inverse document frequency of a word pair held by `df` documents, counted as if
        the corpus had at least PAIR_IDF_MIN_DOCS: a pair in one article of three is as rare as
        a pair can be there, and rarity should not wait for the corpus to grow."""
        return math.log((max(PAIR_IDF_MIN_DOCS, len(self._doc_of)) + 1) / (df + 0.5))

    def candidates(
        self, words: Iterable[str], limit: int, pairs: Iterable[np.ndarray] = ()
    ) -> list[tuple[str, float]]:
        """Up to `limit` (article id, retrieval score) pairs, best first: the summed IDF of the
        shared words and of the shared word pairs (`pairs`: the `pair_postings` of the distinct
        pairs of adjacent quote words).

        The document-frequency cut applies to words and pairs alike: "going" and "problem" are
        each in a fifth of the articles, "a problem" and "think it" in far fewer, so a quote of
        common words in a rare order still has evidence. Documents scoring the same are ordered
        by earlier publication date, then id, so that among syndicated copies the earliest is
        aligned first.
        """
        n = len(self._doc_of)
        if n == 0 or limit <= 0:
            return []
        df_cap = MAX_DF_FRACTION * n
        frequency = self._postings.frequency
        terms: list[tuple[int, int, object]] = [
            (df, 0, w) for w in set(words) if (df := frequency(w))
        ]
        for plist in pairs:
            if len(plist):
                terms.append((len(plist), 1, plist))
        if not terms:
            return []
        terms.sort(key=lambda t: (t[0], t[1], str(t[2]) if t[1] == 0 else ""))
        chosen = [t for t in terms if t[0] <= df_cap][:MAX_QUERY_WORDS]
        if not chosen:
            chosen = terms[:3]  # only common words: still look, the scorer will judge genericness
        lists, weights, budget = [], [], MAX_POSTINGS
        for df, is_pair, term in chosen:
            if df > budget and lists:
                break
            budget -= df
            if is_pair:
                lists.append(np.ascontiguousarray(term, dtype=np.int32))
            else:
                lists.append(self._postings.docs(term))
            weights.append(math.log((n + 1) / (df + 0.5)))
        hit, hit_scores = _best_documents(
            np.concatenate(lists),
            np.array([len(x) for x in lists], dtype=np.int64),
            np.array(weights),
            self._alive,
            self._day,
            *self._scratch(),
            limit,
            MAX_TIED,
        )
        published, ids = self._published, self._ids
        ranked = sorted(
            (-score, published[doc], ids[doc])
            for doc, score in zip(hit.tolist(), hit_scores.tolist(), strict=True)
        )
        return [(aid, -neg) for neg, _, aid in ranked[:limit] if aid is not None]

    def _scratch(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-thread score accumulator and touched flags, one slot per document number, left
        all zero by every query (so a query costs its postings, not the corpus size)."""
        scores = getattr(self._local, "scores", None)
        if scores is None or len(scores) < len(self._alive):
            self._local.scores = np.zeros(len(self._alive))
            self._local.touched = np.zeros(len(self._alive), dtype=np.bool_)
        return self._local.scores, self._local.touched

    def _compact(self) -> None:
        """Renumber live documents densely and drop dead postings."""
        live = [d for d, aid in enumerate(self._ids) if aid is not None]
        remap = np.full(len(self._ids), -1, dtype=np.int32)
        remap[live] = np.arange(len(live), dtype=np.int32)
        self._postings.remap(remap)
        self._ids = [self._ids[d] for d in live]
        self._published = [self._published[d] for d in live]
        self._day = np.zeros(max(1024, len(live)), dtype=np.int64)
        self._day[: len(live)] = [_day_number(p) for p in self._published]
        self._doc_of = {aid: i for i, aid in enumerate(self._ids) if aid is not None}
        self._alive = np.zeros(max(1024, len(live)), dtype=bool)
        self._alive[: len(live)] = True
        self._dead = 0
        self._pairs.remap(remap)


def _day_number(published: str) -> int:
    """YYYYMMDD for an ISO date (ordered as the strings are), -1 for none, -2 otherwise."""
    if not published:
        return -1
    if len(published) == 10 and published[4] == published[7] == "-":
        digits = published[:4] + published[5:7] + published[8:]
        if digits.isdigit() and digits.isascii():
            return int(digits)
    return -2


@kernel("void(f8[::1], f8)")
def _keep_best(best: np.ndarray, value: float) -> None:  # pragma: no cover - compiled
    """Keep `best` (ascending, fixed length) the largest values seen: `value` replaces the
    smallest when it beats it."""
    if value > best[0]:
        i = 0
        while i + 1 < best.shape[0] and best[i + 1] < value:
            best[i] = best[i + 1]
            i += 1
        best[i] = value


@kernel(
    "Tuple((int64[:], f8[:]))(int32[::1], int64[::1], f8[::1], b1[::1], int64[::1], f8[::1],"
    " b1[::1], int64, int64)"
)
def _best_documents(
    docs: np.ndarray,
    lengths: np.ndarray,
    weights: np.ndarray,
    alive: np.ndarray,
    day: np.ndarray,
    scores: np.ndarray,
    touched: np.ndarray,
    limit: int,
    max_tied: int,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled; compared with the reference
    """`best_documents_reference` over only the documents the postings name (`scores` and
    `touched`, one slot per document and all zero, are scratch and left all zero). Documents come
    out in the order they were first seen, not numbered order: the caller sorts what is kept, and
    only the cut at `max_tied` (rare) depends on the numbering, so it sorts first."""
    seen = np.empty(docs.shape[0], dtype=np.int64)
    n_seen = 0
    p = 0
    # MaxScore pruning (words come rarest first, so the longest lists come last): once the
    # words left could not lift a document not yet seen to the `limit`-th best partial score,
    # later postings only add to documents already seen. Exact, since every weight is positive
    # (partial scores only grow) and a margin keeps rounding to 9 places from making a tie.
    n_words = lengths.shape[0]
    left = np.zeros(n_words + 1)
    for w in range(n_words - 1, -1, -1):
        left[w] = left[w + 1] + weights[w]
    can_prune = limit > 0 and n_words > 1 and weights.min() > 0
    closed = False
    top = 0.0
    for w in range(n_words):
        if can_prune and not closed and w > 0 and left[w] < top - PRUNE_MARGIN:
            best = np.full(limit, -np.inf)
            for k in range(n_seen):
                if alive[seen[k]]:
                    _keep_best(best, scores[seen[k]])
            closed = left[w] < best[0] - PRUNE_MARGIN
        weight = weights[w]
        for _ in range(lengths[w]):
            doc = docs[p]
            p += 1
            if not touched[doc]:
                if closed:
                    continue
                touched[doc] = True
                seen[n_seen] = doc
                n_seen += 1
            scores[doc] += weight  # postings in the same order as bincount: equal sums
            if scores[doc] > top:
                top = scores[doc]
    hit = np.empty(n_seen, dtype=np.int64)
    hit_scores = np.empty(n_seen)
    n_hit = 0
    best = np.full(max(limit, 1), -np.inf)  # the `limit` best scores, ascending
    for k in range(n_seen):
        doc = seen[k]
        if alive[doc] and scores[doc] > 0:
            score = np.rint(scores[doc] * 1e9) / 1e9  # (numpy's round to 9 places)
            hit[n_hit] = doc
            hit_scores[n_hit] = score
            n_hit += 1
            _keep_best(best, score)
        scores[doc] = 0.0
        touched[doc] = False
    hit, hit_scores = hit[:n_hit], hit_scores[:n_hit]
    if n_hit > limit:
        keep = hit_scores >= best[0]  # (the limit-th best score, ties included)
        hit, hit_scores = hit[keep], hit_scores[keep]
    # (Not only after the cut above: whether a document below it was seen depends on pruning.)
    if hit.shape[0] > max_tied:
        by_doc = np.argsort(hit, kind="mergesort")
        hit, hit_scores = hit[by_doc], hit_scores[by_doc]
        order = np.argsort(-hit_scores, kind="mergesort")[:max_tied]
        hit, hit_scores = hit[order], hit_scores[order]
    if hit.shape[0] > limit:
        days = day[hit]
        if not (days == -2).any():
            by_day = np.argsort(days, kind="mergesort")
            order = by_day[np.argsort(-hit_scores[by_day], kind="mergesort")]
            last = order[limit - 1]
            rest = order[limit:]
            tied = rest[(hit_scores[rest] == hit_scores[last]) & (days[rest] == days[last])]
            keep_order = np.concatenate((order[:limit], tied))
            hit, hit_scores = hit[keep_order], hit_scores[keep_order]
    return hit, hit_scores
