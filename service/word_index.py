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
from array import array
from collections.abc import Iterable

import numpy as np

from service.normalise import word_set

# Words in more than this share of documents are not read at query time (unless the quote has
# nothing rarer): their posting lists are long and they say nothing about which article it is.
MAX_DF_FRACTION = 0.2
# At most this many distinct query words are looked up (the rarest first), and at most this many
# postings read in total, so a 2,000-character quote of common words stays cheap at any scale.
MAX_QUERY_WORDS = 24
MAX_POSTINGS = 300_000
COMPACT_DEAD_FRACTION = 0.25
MAX_TIED = 2000


class WordIndex:
    """Inverted index from normalised word to the documents containing it."""

    def __init__(self) -> None:
        self._postings: dict[str, array] = {}
        self._ids: list[str | None] = []  # document number -> article id (None once removed)
        self._published: list[str] = []
        # Publication dates as YYYYMMDD numbers so ties are ordered in numpy; -1 when missing,
        # -2 for a date not in ISO form (those candidates are ordered by the strings instead).
        self._day = np.zeros(0, dtype=np.int64)
        self._doc_of: dict[str, int] = {}
        self._alive = np.zeros(0, dtype=bool)
        self._dead = 0

    def __len__(self) -> int:
        return len(self._doc_of)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._doc_of

    def add(
        self,
        article_id: str,
        text: str,
        published: str | None = None,
        words: Iterable[str] | None = None,
    ) -> None:
        """Index (or re-index) one article: the words of `text`, or `words` when the caller
        has already tokenised it."""
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
        postings = self._postings
        for word in word_set(text) if words is None else words:
            plist = postings.get(word)
            if plist is None:
                postings[word] = array("i", (doc,))
            else:
                plist.append(doc)

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
        plist = self._postings.get(word)
        return 0 if plist is None else len(plist)

    def idf(self, word: str) -> float:
        """Smoothed inverse document frequency; unseen words get the maximum."""
        n = max(1, len(self._doc_of))
        return math.log((n + 1) / (self.document_frequency(word) + 0.5))

    def candidates(self, words: Iterable[str], limit: int) -> list[tuple[str, float]]:
        """Up to `limit` (article id, retrieval score) pairs, best first.

        Documents scoring the same are ordered by earlier publication date, then id, so that among
        syndicated copies the earliest is aligned first.
        """
        n = len(self._doc_of)
        if n == 0 or limit <= 0:
            return []
        df_cap = MAX_DF_FRACTION * n
        known = sorted((len(self._postings[w]), w) for w in set(words) if w in self._postings)
        if not known:
            return []
        chosen = [(df, w) for df, w in known if df <= df_cap][:MAX_QUERY_WORDS]
        if not chosen:
            chosen = known[:3]  # only common words: still look, the scorer will judge genericness
        lists, weights, budget = [], [], MAX_POSTINGS
        for df, w in chosen:
            if df > budget and lists:
                break
            budget -= df
            lists.append(np.frombuffer(self._postings[w], dtype=np.int32))
            weights.append(math.log((n + 1) / (df + 0.5)))
        docs = np.concatenate(lists)
        per_posting = np.repeat(np.asarray(weights), [len(x) for x in lists])
        # One pass over the postings into a dense score vector (O(postings + documents)).
        scores = np.bincount(docs, weights=per_posting, minlength=len(self._ids))
        scores[: len(self._ids)] *= self._alive[: len(self._ids)]
        # Only documents sharing a word can be candidates (with few of them, a score floor of 0
        # would otherwise admit every document, numbered order deciding which survive the cut).
        hit = np.flatnonzero(scores > 0)
        # Only the best `limit` scores and whatever ties with the last of them are ordered by
        # date in Python; ties beyond MAX_TIED (corpora of identical copies) are cut by
        # document number. (Scores are rounded so that sums in another order still tie.)
        hit_scores = np.round(scores[hit], 9)
        if len(hit) > limit:
            floor = np.partition(hit_scores, len(hit) - limit)[len(hit) - limit]
            keep = hit_scores >= floor
            hit, hit_scores = hit[keep], hit_scores[keep]
            if len(hit) > MAX_TIED:
                order = np.argsort(-hit_scores, kind="stable")[:MAX_TIED]
                hit, hit_scores = hit[order], hit_scores[order]
        published, ids = self._published, self._ids
        if len(hit) > limit and not (self._day[hit] == -2).any():
            # Best score first, then earliest date, in numpy; only the candidates tying with the
            # last one kept on both need their ids compared.
            days = self._day[hit]
            order = np.lexsort((days, -hit_scores))
            last = order[limit - 1]
            rest = order[limit:]
            tied = rest[(hit_scores[rest] == hit_scores[last]) & (days[rest] == days[last])]
            keep = np.concatenate((order[:limit], tied))
            hit, hit_scores = hit[keep], hit_scores[keep]
        ranked = sorted(
            (-score, published[doc], ids[doc])
            for doc, score in zip(hit.tolist(), hit_scores.tolist(), strict=True)
        )
        return [(aid, -neg) for neg, _, aid in ranked[:limit] if aid is not None]

    def _compact(self) -> None:
        """Renumber live documents densely and drop dead postings."""
        live = [d for d, aid in enumerate(self._ids) if aid is not None]
        remap = np.full(len(self._ids), -1, dtype=np.int32)
        remap[live] = np.arange(len(live), dtype=np.int32)
        for word in list(self._postings):
            old = np.frombuffer(self._postings[word], dtype=np.int32)
            new = remap[old]
            new = new[new >= 0]
            if len(new):
                self._postings[word] = array("i", new.tobytes())
            else:
                del self._postings[word]
        self._ids = [self._ids[d] for d in live]
        self._published = [self._published[d] for d in live]
        self._day = np.zeros(max(1024, len(live)), dtype=np.int64)
        self._day[: len(live)] = [_day_number(p) for p in self._published]
        self._doc_of = {aid: i for i, aid in enumerate(self._ids) if aid is not None}
        self._alive = np.zeros(max(1024, len(live)), dtype=bool)
        self._alive[: len(live)] = True
        self._dead = 0


def _day_number(published: str) -> int:
    """YYYYMMDD for an ISO date (ordered as the strings are), -1 for none, -2 otherwise."""
    if not published:
        return -1
    if len(published) == 10 and published[4] == published[7] == "-":
        digits = published[:4] + published[5:7] + published[8:]
        if digits.isdigit() and digits.isascii():
            return int(digits)
    return -2
