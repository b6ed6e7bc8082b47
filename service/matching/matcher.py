"""The matching engine's public face: find where a candidate quote comes from.

Seed-and-extend, as text-reuse systems do it: the word index proposes a few candidate articles by
their rare shared words; inside each (tokenised once, at indexing), every cluster of the quote's
content words becomes a window sized from where those words sit in the quote; the word aligner
finds the best passage over all windows; only the passages that can be reported get differences,
features and the calibrated verdict and confidence. Cost per query is bounded by the number of
candidates and a budget of aligner cells, not by the corpus size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import accumulate

import numpy as np

from service.deadline import check as check_deadline
from service.matching.align import (
    END_BONUS,
    AlignedBatch,
)
from service.matching.lexicon import is_function_word, is_number
from service.matching.memory import release_free_heap
from service.matching.normalise import normalise_word, word_set
from service.matching.occurrences import first_copy
from service.matching.packed import ArticleMap, distinct
from service.matching.passages import (
    AlignedPassage,
    DescribedPassage,
    copied_brackets,
    count_ties,
    describe,
    with_place,
)
from service.matching.query import Query, join_split_numbers, quote_rows
from service.matching.scoring import (
    SPLICE_CONTENT_WORDS,
    SPLICE_MAX_DOC_SHARE,
    SPLICE_MIN_DOCS,
    MatchFeatures,
    distinctive,
    load_calibration,
    may_be_spliced,
    mostly_unexplained,
    source_confidence,
)
from service.matching.shingles import pair_keys
from service.matching.similarity import FUZZY_MIN_RATIO, fuzzy_equal, window_bounds
from service.matching.token_store import DocTokens, TokenStore, WordCodes
from service.matching.word_index import WordIndex
from service.models import Article, CopyPlace, SpanMatch

# Candidates retrieved per query, whatever `limit` asks for (`limit` only decides how many
# answers are returned, so the top match and its verdict never depend on it).
CANDIDATES = 24
# Candidates aligned at least while no strong answer is in hand (the API's largest `limit`).
MIN_ALIGNED = 10
# ... and only those sharing at least this fraction of the best candidate's evidence.
CANDIDATE_SCORE_FLOOR = 0.35
# Near-copies of the best candidate are always aligned together.
NEAR_COPY = 0.8
# An aligned passage covering this share of the quote's weight is a strong answer: weaker
# candidates are then skipped (they could not outrank it and would rarely pass `accept`).
STRONG_COVERAGE = 0.75
# Articles holding the quote's longest run of words verbatim that are checked word for word, and
# aligned (earliest published first); beyond them the phrase is anything but distinctive and
# only the count matters.
PHRASE_CHECKED = 400
PHRASE_ALIGNED = 12
TYPO_NEIGHBOURS = 2


class Matcher:
    """An incrementally updatable index of articles that answers `find(quote)`."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self._index = WordIndex()
        self._articles = ArticleMap()  # packed when pickled (the saved index)
        self._tokens = TokenStore()
        self.add_many(articles)
        self._index.flush()

    def __len__(self) -> int:
        return len(self._articles)

    def add(self, article: Article) -> None:
        """Add an article, or replace the one with the same id."""
        self._articles[article.id] = article
        words = set(self._tokens.add(article.id, article.text))
        words.update(word_set(article.title))
        pairs = pair_keys(self._tokens.get(article.id).ids, self._tokens.vocabulary.function)
        self._index.add(article.id, "", article.published, words=words, pairs=pairs)
        self._compact_vocabulary()

    def add_many(self, articles: Iterable[Article]) -> None:
        """`add` each article in turn, with the same result, at a fraction of the cost per
        article: each raw word is normalised and looked up once for the whole run
        (`WordCodes`), and the index takes the article's distinct word ids."""
        tokens, index = self._tokens, self._index
        codes = WordCodes(tokens.vocabulary)
        term_of = np.zeros(0, dtype=np.int32)  # vocabulary id -> postings term id, -1 unknown
        table = None
        for article in articles:
            self._articles[article.id] = article
            index.remove(article.id)  # (first: a compaction it sets off renumbers the terms)
            held = tokens.add_coded(article.id, article.text, codes)
            vocabulary = tokens.vocabulary
            if index.term_table is not table:
                table, term_of = index.term_table, np.zeros(0, dtype=np.int32)
            if len(term_of) < len(vocabulary.words):
                grown = np.full(max(1024, 2 * len(vocabulary.words)), -1, dtype=np.int32)
                grown[: len(term_of)] = term_of
                term_of = grown
            terms = term_of[held]
            unknown = np.flatnonzero(terms < 0)
            if len(unknown):
                words = vocabulary.words
                found = index.term_ids([words[i] for i in held[unknown].tolist()])
                terms[unknown] = found
                term_of[held[unknown]] = found
            title = word_set(article.title)
            if title:
                terms = distinct(np.concatenate((terms, index.term_ids(title))))
            pairs = pair_keys(tokens.get(article.id).ids, vocabulary.function)
            index.add(article.id, "", article.published, pairs=pairs, terms=terms)
            if self._compact_vocabulary():
                codes = WordCodes(tokens.vocabulary)  # (the words were renumbered)
                term_of = np.zeros(0, dtype=np.int32)

    def remove(self, article_id: str) -> None:
        """Forget an article; unknown ids are ignored."""
        self._articles.pop(article_id, None)
        self._index.remove(article_id)
        self._tokens.remove(article_id)
        self._compact_vocabulary()

    def _compact_vocabulary(self) -> bool:
        """Drop the words of replaced and deleted articles once they are a fair share of the
        vocabulary (the word-pair keys hold word ids, so they are renumbered with it)."""
        if not self._tokens.wants_compaction():
            return False
        self._index.rekey_pairs(self._tokens.compact())
        forget_dropped_words()
        return True

    def settle(self) -> None:
        """Finish the lazy work writes leave for the next query, so that once this index is
        handed to readers (`Verbatim`'s published state) queries only read it."""
        self._index.settle()

    def vocabulary_size(self) -> int:
        """Words known to the index (for benchmarks and tests)."""
        return len(self._tokens.vocabulary.words)

    def article(self, article_id: str) -> Article:
        """The indexed copy of an article: the text every offset `find` returns refers to."""
        return self._articles[article_id]

    def token_bytes(self) -> int:
        """Memory held by the tokenised articles (for benchmarks)."""
        return self._tokens.nbytes()

    def index_bytes(self) -> int:
        """Memory held by the word-pair postings (for benchmarks)."""
        return self._index.pair_nbytes()

    def _query(self, quote: str) -> Query:
        vocabulary = self._tokens.vocabulary
        query = Query(
            quote,
            join_split_numbers(quote, quote_rows(quote), vocabulary),
            self._tokens,
            self._index.idf,
            near=lambda w: vocabulary.near(w, FUZZY_MIN_RATIO, TYPO_NEIGHBOURS),
        )
        keys = sorted({k for _, k in query.pairs})
        query.pair_lists = self._index.pair_postings(keys)
        query.pair_df = {k: len(p) for k, p in zip(keys, query.pair_lists, strict=True)}
        query.pair_idf = self._index.pair_idf
        return query

    def find(self, quote: str, limit: int = 3) -> list[SpanMatch]:
        """Passages this quote may come from, best first, one per article; [] = not found."""
        calibration = load_calibration()
        query = self._query(quote)
        aligned = self._align_candidates(query, limit)
        found: list[SpanMatch] = []
        described: dict[tuple, list[DescribedPassage]] = {}
        # Only a passage scoring exactly as another can be a syndicated copy of it.
        same_score = Counter(item.score for item in aligned)
        # Best alignment first; differences and features only for passages that may be reported.
        for item in aligned:
            copies = described if same_score[item.score] > 1 else None
            ties = count_ties(item, aligned, query.copies_at(item.score))
            match, features = describe(
                quote, query, self._tokens.vocabulary.words, item, ties, copies
            )
            if may_be_spliced(features) and (
                mostly_unexplained(features, query.stats.n_words)
                or self._spliced_from_elsewhere(query, features, item)
            ):
                continue  # most of the quote, or part of it from another article, is not here
            p_source = calibration.probability(features)
            # Below `accept` the passage is more likely not a source: report it only when the
            # words are verbatim (then it *is* one, however generic, with its low confidence)
            # or a distinctive word sequence holds the quote's changes inside it.
            below = p_source < calibration.accept and match.verdict != "verbatim"
            if below and not distinctive(features):
                continue
            confidence = source_confidence(p_source, features)
            match = with_place(match, match.article_id, match.start, round(confidence, 4))
            found.append(self._with_copies(query, match, item, aligned, described))
            if len(found) >= limit:
                break
        # (In alignment order: best score first, then the earliest published among equals.)
        return found

    def _with_copies(
        self,
        query: Query,
        match: SpanMatch,
        item: AlignedPassage,
        aligned: Sequence[AlignedPassage],
        described: dict[tuple, list[DescribedPassage]],
    ) -> SpanMatch:
        """`match` with how many articles hold the same words and where the earliest dated one
        holds them: a syndicated or much-repeated passage should be cited from its first
        publication, and a journalist should know the words are not one outlet's alone.

        The same words are the passages scoring exactly as this one (as in `find`, only those
        can be copies of it) and, for a word-for-word match, every article the exact-phrase
        search found, most never aligned. The earliest is taken among the aligned ones: the
        phrase search aligns the earliest published copies first."""
        same = [other for other in aligned if other.score == item.score]
        count = max(len(same), query.copies_at(item.score))
        first = min(
            (other for other in same if other.article.published),
            key=lambda other: other.article.published or "",
            default=None,
        )
        if first is None:
            return replace(match, copies=count)
        if first is item:
            return replace(match, copies=count, earliest=_place(match))
        ties = count_ties(first, aligned, query.copies_at(first.score))
        copy, _ = describe(
            query.quote, query, self._tokens.vocabulary.words, first, ties, described
        )
        return replace(match, copies=count, earliest=_place(copy))

    def _spliced_from_elsewhere(
        self, query: Query, features: MatchFeatures, item: AlignedPassage
    ) -> bool:
        """Whether the quote's loose edge words (the run its passage does not account for) are
        found together in another article: then the quote joins two publications.

        Why not every long loose run: words replaced at an end or filler added ("to be honest
        with you") are edits of this passage, and the answer a journalist needs is this source
        with the differences. Only a run that is itself some other article's words, and rare
        enough to be more than filler, shows the quote was put together from two places."""
        lo, hi = features.loose_rows
        rows = query.rows
        known = [i for i in range(lo, hi) if rows[i].kind == "word" and query.row_ids[i] >= 0]
        words = [rows[i].word for i in known]
        if sum(1 for w in words if not is_function_word(w)) < SPLICE_CONTENT_WORDS:
            return False
        keys = [k for i, k in query.pairs if lo <= i and i + 1 < hi]
        docs = self._index.phrase_documents(keys, words)
        if keys and len(docs):
            held = self._index.phrase_documents([], words)
            docs = np.intersect1d(docs, held, assume_unique=True)
        others = [d for d in docs.tolist() if self._index.article_of(d) != item.article.id]
        return 0 < len(others) <= max(SPLICE_MIN_DOCS, SPLICE_MAX_DOC_SHARE * len(self._articles))

    def analyse(self, quote: str, limit: int = 3) -> list[tuple[SpanMatch, MatchFeatures, str]]:
        """Every candidate alignment with its features and publication date, unfiltered and
        without confidence (what calibration fits on), best alignment score first."""
        query = self._query(quote)
        aligned = self._align_candidates(query, limit)
        words = self._tokens.vocabulary.words
        described = (
            describe(
                quote, query, words, item, count_ties(item, aligned, query.copies_at(item.score))
            )
            for item in aligned
        )
        return [
            (match, features, item.article.published or "")
            for (match, features), item in zip(described, aligned, strict=True)
        ]

    def align_in(self, quote: str, article_id: str) -> SpanMatch | None:
        """The best passage for `quote` in one given article (confidence not computed)."""
        article = self._articles.get(article_id)
        if article is None:
            return None
        query = self._query(quote)
        if not any(r.kind == "word" for r in query.rows):
            return None
        found = self._align_articles(query, [article_id])
        return (
            describe(quote, query, self._tokens.vocabulary.words, found[0], 0)[0] if found else None
        )

    def _align_candidates(self, query: Query, limit: int) -> list[AlignedPassage]:
        """Best alignment in each candidate article, best score first (earliest among equals).

        Candidates: the articles holding the quote's longest run of words verbatim (an exact
        phrase search over the whole corpus, earliest published first), then the articles
        ranked by shared rare words and word pairs. Near-copies of the best are aligned in one
        batch, weaker candidates only while no strong answer is in hand. Nothing here depends
        on `limit`.
        """
        rows = query.rows
        if limit <= 0 or not any(r.kind == "word" for r in rows):
            return []
        phrase = self._phrase_sources(query)
        words = [r.word for r in rows if r.kind == "word"] + query.near_words + query.bracket_words
        ranked = self._index.candidates(words, CANDIDATES, query.pair_lists)
        if not ranked and not phrase:
            return []
        top = ranked[0][1] if ranked else 0.0
        first = phrase[:PHRASE_ALIGNED]
        seen = set(first)
        near = [aid for aid, score in ranked if score >= NEAR_COPY * top and aid not in seen]
        first += near
        seen.update(near)
        rest = [
            aid for aid, score in ranked if score >= CANDIDATE_SCORE_FLOOR * top and aid not in seen
        ]
        aligned = self._align_articles(query, first)
        taken = 0
        while (
            taken < len(rest)
            and len(aligned) < MIN_ALIGNED
            and query.cells_left > 0
            and (
                not aligned
                or query.coverage(max(aligned, key=lambda a: a.score).alignment) < STRONG_COVERAGE
            )
        ):
            more = MIN_ALIGNED - len(aligned)
            aligned += self._align_articles(query, rest[taken : taken + more])
            taken += more
        # Among equal alignments, the article with the quote's own [editorial] text first, and
        # among word-for-word copies, one with the quote's very characters (case, spacing).
        # Only equal scores compare these, so a passage with a score of its own is not looked at.
        tied = Counter(a.score for a in aligned)
        closer = dict.fromkeys((id(a) for a in aligned if tied[a.score] == 1), 0)
        brackets = any(r.kind == "bracket" for r in rows)
        for a in aligned:
            if tied[a.score] > 1:
                closer[id(a)] = (
                    copied_brackets(query.quote, rows, a)
                    if brackets
                    else self._same_characters(query, a)
                )
        # Fragments joined by an ellipsis align for free however far apart: among equals, the
        # passage that skips least is the one the quote was cut from.
        if any(r.kind == "ellipsis" for r in rows):
            spread = {id(a): a.alignment.last_col - a.alignment.first_col for a in aligned}
        else:
            spread = dict.fromkeys(map(id, aligned), 0)
        aligned.sort(
            key=lambda a: (
                -a.score,
                -closer[id(a)],
                spread[id(a)],
                a.article.published or "",
                a.article.id,
            )
        )
        return aligned

    @staticmethod
    def _same_characters(query: Query, item: AlignedPassage) -> int:
        """1 when a word-for-word copy of the quote is also character for character (case,
        punctuation and spacing), else 0: among syndicated copies, the one the quote was taken
        from is the better evidence."""
        if query.plain_ids is None or item.score < query.perfect:
            return 0
        alignment = item.alignment
        starts, ends = item.doc.offsets(
            item.lo + alignment.first_col, item.lo + alignment.last_col + 1
        )
        rows = query.rows
        quoted = query.quote[rows[0].start : rows[-1].end]
        return int(item.article.text[int(starts[0]) : int(ends[-1])] == quoted)

    def _phrase_sources(self, query: Query) -> list[str]:
        """Articles holding the quote's longest run of known words verbatim, earliest published
        first; `query.copies` is set to how many hold the whole quote (an exact copy's ties).

        The candidates are the documents holding every word pair of the run (intersected
        postings, rarest first), checked word for word: the word pairs of a short quote of
        common words are rare enough together that this touches few documents at any size.
        """
        run = query.longest_run()
        query.copies = 0
        if run is None:
            return []
        lo, hi = run
        docs = self._run_documents(query, lo, hi)
        whole = lo == 0 and hi == len(query.rows)
        # The quote's other runs (fragments around an ellipsis, a bracket or an unknown word)
        # and the words of its [editorial] insertions (an exact copy of bracketed text holds
        # them): articles holding them all come first, since the run alone is often common words.
        others = [
            self._run_documents(query, other_lo, other_hi)
            for other_lo, other_hi in query.word_runs()
            if (other_lo, other_hi) != run and other_hi - other_lo >= 2
        ]
        if query.bracket_words:
            others.append(self._index.phrase_documents([], query.bracket_words))
        every = docs
        for other in others:
            every = np.intersect1d(every, other, assume_unique=True)
        if not whole and len(docs) > PHRASE_CHECKED:
            if not others or not 0 < len(every) <= PHRASE_CHECKED:
                return []  # a part of the quote, and a common one: no help in finding the source
            docs = every
        preferred = set(every.tolist()) if others else set()
        ids = np.array(query.row_ids[lo:hi], dtype=np.int32)
        found = []
        for doc in docs[:PHRASE_CHECKED].tolist():
            article_id = self._index.article_of(doc)
            if article_id is None:
                continue
            tokens = self._tokens.get(article_id).ids
            if first_copy(tokens, 0, len(tokens), ids) >= 0:
                found.append((doc not in preferred, self._index.published_of(doc), article_id))
        found.sort()
        if whole:
            query.copies = len(found) + max(0, len(docs) - PHRASE_CHECKED)
        return [article_id for *_, article_id in found]

    def _run_documents(self, query: Query, lo: int, hi: int) -> np.ndarray:
        """Documents that can hold quote rows [lo, hi) word for word (every word pair held)."""
        keys = [k for i, k in query.pairs if lo <= i < hi - 1]
        return self._index.phrase_documents(keys, [r.word for r in query.rows[lo:hi]])

    def _align_articles(self, query: Query, article_ids: Sequence[str]) -> list[AlignedPassage]:
        """The best alignment in each article over every occurrence window of the quote's words.

        A quote found word for word needs no aligner (nothing scores higher; the earliest
        occurrence wins). Every other window of every article is aligned in one batch, identical
        windows (syndicated copies) once, within the query's cell budget.
        """
        found: list[AlignedPassage] = []
        plans: list[tuple[Article, DocTokens, list[tuple[int, int, int]]]] = []
        unique: list[np.ndarray] = []
        slot_of: dict[bytes, int] = {}
        for article_id in article_ids:
            check_deadline("alignment")
            article = self._articles[article_id]
            doc = self._tokens.get(article_id)
            spans = query.words.window_array(doc.ids)
            if not len(spans):
                spans = query.all_words.window_array(doc.ids)
            windows = spans.tolist()
            if (exact := query.exact(doc, windows, spans)) is not None:
                lo, hi, alignment = exact
                found.append(AlignedPassage(article, doc, lo, hi, alignment.score, alignment))
                continue
            slots = []
            for lo, hi in windows:
                window = doc.ids[lo:hi]
                key = window.tobytes()
                if key not in slot_of:
                    if not query.spend(len(query.rows) * len(window)):
                        break
                    slot_of[key] = len(unique)
                    unique.append(window)
                slots.append((slot_of[key], lo, hi))
            if slots:
                plans.append((article, doc, slots))
        if not unique:
            return found
        # One similarity matrix for all windows (one near-miss lookup), split per window, and an
        # upper bound per window: each quote word at its best there, plus both end bonuses.
        widths = [len(w) for w in unique]
        offsets = list(accumulate(widths, initial=0))
        sim = query.similarity.matrix(np.concatenate(unique))
        bound = window_bounds(sim, np.array(offsets[:-1], dtype=np.int64)).tolist()

        def batch_of(slots: list[int]) -> AlignedBatch:
            return AlignedBatch(query.rows, sim, [(offsets[k], widths[k]) for k in slots])

        # Pass 1 aligns each article's most promising window; pass 2 only the windows that could
        # still beat (or tie earlier than) what pass 1 found, usually none.
        done: dict[int, tuple[AlignedBatch, int]] = {}
        firsts = sorted(
            {min(slots, key=lambda x: (-bound[x[0]], x[1]))[0] for _, _, slots in plans}
        )
        batch = batch_of(firsts)
        done.update({slot: (batch, i) for i, slot in enumerate(firsts)})

        def score(slot: int) -> float:
            batch, i = done[slot]
            return float(batch.scores[i])

        again: set[int] = set()
        for _, _, slots in plans:
            best_score, best_lo = max(
                ((score(k), -lo) for k, lo, _ in slots if k in done), default=(0.0, 0)
            )
            for k, lo, _ in slots:
                if k not in done and (
                    bound[k] > best_score or (bound[k] == best_score and -lo > best_lo)
                ):
                    again.add(k)
        if again:
            more = sorted(again)
            batch = batch_of(more)
            done.update({slot: (batch, i) for i, slot in enumerate(more)})
        for article, doc, slots in plans:
            # Best score first, then the earliest window among equals.
            slot, lo, hi = min(
                (x for x in slots if x[0] in done), key=lambda x: (-score(x[0]), x[1])
            )
            batch, i = done[slot]
            best = float(batch.scores[i])
            if best > 2 * END_BONUS:  # (the end bonuses alone: it may match no word at all)
                found.append(AlignedPassage(article, doc, lo, hi, best, batch=batch, slot=i))
            elif (alignment := batch.alignment(i)) is not None:
                found.append(AlignedPassage(article, doc, lo, hi, best, alignment))
        return found


def forget_dropped_words() -> None:
    """After a vocabulary compaction, empty the per-word caches and hand freed heap back.

    The caches are keyed by word and bounded only by their size: under a stream of edits they
    fill up with the words compaction just dropped, and memory a worker has freed stays in its
    heap unless it is given back, so without this a worker's memory follows the writes it has
    seen, not what it indexes. They refill from what queries and indexing still ask for.
    """
    normalise_word.cache_clear()
    is_number.cache_clear()
    fuzzy_equal.cache_clear()
    release_free_heap()


def _place(match: SpanMatch) -> CopyPlace:
    return CopyPlace(match.article_id, match.start, match.end)
