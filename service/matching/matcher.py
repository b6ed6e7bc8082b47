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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import cached_property
from itertools import accumulate

import numpy as np

from service.matching.align import (
    BRACKET_MAX_WORDS,
    END_BONUS,
    FUZZY,
    FUZZY_MIN_RATIO,
    MATCH,
    AlignedBatch,
    Alignment,
    QuerySimilarity,
    Row,
    Step,
    window_bounds,
    word_weight,
)
from service.matching.differences import (
    SENTENCE_ENDS,
    QuoteLayout,
    compute_differences,
    quote_layout,
)
from service.matching.lexicon import is_function_word
from service.matching.normalise import Tokens, split_quote, word_set
from service.matching.occurrences import QuoteWords, first_copy
from service.matching.scoring import (
    MatchFeatures,
    QuoteStats,
    decide_verdict,
    extract_features,
    load_calibration,
    quote_stats,
    source_confidence,
)
from service.matching.token_store import DocTokens, TokenStore
from service.matching.word_index import WordIndex
from service.models import Article, SpanMatch

# Candidate articles aligned per query beyond `limit`: the true source is almost always first, the
# extra ones catch syndicated copies and re-ranking after alignment.
EXTRA_CANDIDATES = 6
# ... and only those sharing at least this fraction of the best candidate's rare-word evidence.
CANDIDATE_SCORE_FLOOR = 0.35
# Once `limit` passages are aligned, only near-copies of the best candidate are still worth a look.
NEAR_COPY = 0.8
# An aligned passage covering this share of the quote's weight is a strong answer: weaker
# candidates are then skipped (they could not outrank it and would rarely pass `accept`).
STRONG_COVERAGE = 0.75
# Quote rows beyond this are ignored (the HTTP layer caps quotes at 2,000 characters, ~350 words).
MAX_QUOTE_ROWS = 400
# Clusters: how far the shared words of one occurrence may spread, as a multiple of quote length
# plus slack (dropped clauses), in article words; an ellipsis may skip much more.
SPREAD_FACTOR = 2
SPREAD_SLACK = 20
ELLIPSIS_SPREAD = 400
# Unknown quote words of at least this length (likely typos) are looked up among known words of
# similar spelling, at most this many per query, each adding this many known words to retrieval.
TYPO_MIN_LENGTH = 4
MAX_TYPO_LOOKUPS = 6
TYPO_NEIGHBOURS = 2
# Aligner work per query (quote rows x window words), whatever the quote and corpus: tens of ms
# of numpy at worst, so a 100-item batch of adversarial quotes stays within a request.
MAX_ALIGN_CELLS = 300_000


class _Aligned:
    """The best alignment of the quote in one article, before differences and features. The
    traceback is done on first use: most candidates are ranked by score and never described."""

    __slots__ = ("_alignment", "_batch", "_slot", "article", "doc", "hi", "lo", "score")

    def __init__(
        self,
        article: Article,
        doc: DocTokens,
        lo: int,
        hi: int,
        score: float,
        alignment: Alignment | None = None,
        batch: AlignedBatch | None = None,
        slot: int = 0,
    ) -> None:
        self.article, self.doc, self.lo, self.hi, self.score = article, doc, lo, hi, score
        self._alignment, self._batch, self._slot = alignment, batch, slot

    @property
    def alignment(self) -> Alignment:
        """Alignment columns count from `lo` (window [lo, hi) of the article's words)."""
        if self._alignment is None:
            assert self._batch is not None
            self._alignment = self._batch.alignment(self._slot)
            assert self._alignment is not None  # a score above both end bonuses matched words
        return self._alignment


class Matcher:
    """An incrementally updatable index of articles that answers `find(quote)`."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self._index = WordIndex()
        self._articles: dict[str, Article] = {}
        self._tokens = TokenStore()
        for article in articles:
            self.add(article)

    def __len__(self) -> int:
        return len(self._articles)

    def add(self, article: Article) -> None:
        """Add an article, or replace the one with the same id."""
        self._articles[article.id] = article
        words = set(self._tokens.add(article.id, article.text))
        words.update(word_set(article.title))
        self._index.add(article.id, "", article.published, words=words)

    def remove(self, article_id: str) -> None:
        """Forget an article; unknown ids are ignored."""
        self._articles.pop(article_id, None)
        self._index.remove(article_id)
        self._tokens.remove(article_id)

    def token_bytes(self) -> int:
        """Memory held by the tokenised articles (for benchmarks)."""
        return self._tokens.nbytes()

    def find(self, quote: str, limit: int = 3) -> list[SpanMatch]:
        """Passages this quote may come from, best first, one per article; [] = not found."""
        calibration = load_calibration()
        query = _Query(quote_rows(quote), self._tokens, self._index.idf)
        aligned = self._align_candidates(query, limit)
        found: list[tuple[SpanMatch, str]] = []
        described: dict[tuple, list[_Described]] = {}
        # Only a passage scoring exactly as another can be a syndicated copy of it.
        same_score = Counter(item.score for item in aligned)
        # Best alignment first; differences and features only for passages that may be reported.
        for item in aligned:
            copies = described if same_score[item.score] > 1 else None
            match, features = self._describe(quote, query, item, _ties(item, aligned), copies)
            p_source = calibration.probability(features)
            # Below `accept` the passage is more likely not a source: report it only when the
            # words are verbatim (then it *is* one, however generic, with its low confidence).
            if p_source < calibration.accept and match.verdict != "verbatim":
                continue
            confidence = source_confidence(p_source, features)
            match = _with(match, match.article_id, match.start, round(confidence, 4))
            found.append((match, item.article.published))
            if len(found) >= limit:
                break
        found.sort(key=lambda f: (-f[0].score, -f[0].confidence, f[1] or "", f[0].article_id))
        return [match for match, _ in found]

    def analyse(self, quote: str, limit: int = 3) -> list[tuple[SpanMatch, MatchFeatures, str]]:
        """Every candidate alignment with its features and publication date, unfiltered and
        without confidence (what calibration fits on), best alignment score first."""
        query = _Query(quote_rows(quote), self._tokens, self._index.idf)
        aligned = self._align_candidates(query, limit)
        described = (self._describe(quote, query, item, _ties(item, aligned)) for item in aligned)
        return [
            (match, features, item.article.published or "")
            for (match, features), item in zip(described, aligned, strict=True)
        ]

    def align_in(self, quote: str, article_id: str) -> SpanMatch | None:
        """The best passage for `quote` in one given article (confidence not computed)."""
        article = self._articles.get(article_id)
        rows = quote_rows(quote)
        if article is None or not any(r.kind == "word" for r in rows):
            return None
        query = _Query(rows, self._tokens, self._index.idf)
        found = self._align_articles(query, [article_id])
        return self._describe(quote, query, found[0], 0)[0] if found else None

    def _align_candidates(self, query: _Query, limit: int) -> list[_Aligned]:
        """Best alignment in each candidate article, best score first (earliest among equals).

        Near-copies of the best candidate are aligned in one batch; weaker candidates only while
        no strong answer is in hand.
        """
        rows = query.rows
        if limit <= 0 or not any(r.kind == "word" for r in rows):
            return []
        words = [r.word for r in rows if r.kind == "word"]
        words += self._near_known_words(query)
        candidates = self._index.candidates(words, limit + EXTRA_CANDIDATES)
        if not candidates:
            return []
        top = candidates[0][1]
        eligible = [aid for aid, score in candidates if score >= CANDIDATE_SCORE_FLOOR * top]
        taken = max(1, sum(1 for _, score in candidates if score >= NEAR_COPY * top))
        aligned = self._align_articles(query, eligible[:taken])
        # Weaker candidates only while no strong answer is in hand and `limit` is not filled.
        while (
            taken < len(eligible)
            and len(aligned) < limit
            and query.cells_left > 0
            and (
                not aligned
                or query.coverage(max(aligned, key=lambda a: a.score).alignment) < STRONG_COVERAGE
            )
        ):
            more = limit - len(aligned)
            aligned += self._align_articles(query, eligible[taken : taken + more])
            taken += more
        aligned.sort(key=lambda a: (-a.score, a.article.published or "", a.article.id))
        return aligned

    def _near_known_words(self, query: _Query) -> list[str]:
        """Known words that a mistyped quote word may stand for, as extra retrieval evidence.

        A typo in a rare word (often a name) would otherwise remove the very word that tells the
        source from its syndicated copies; the aligner still scores the typo as a near miss.
        """
        vocabulary = self._tokens.vocabulary
        unknown = sorted(
            {
                r.word
                for r, known in zip(query.rows, query.row_ids, strict=True)
                if r.kind == "word" and known < 0 and len(r.word) >= TYPO_MIN_LENGTH
                if r.word.isalpha()
            }
        )
        near: list[str] = []
        for word in unknown[:MAX_TYPO_LOOKUPS]:
            near += vocabulary.near(word, FUZZY_MIN_RATIO, TYPO_NEIGHBOURS)
        return near

    def _align_articles(self, query: _Query, article_ids: Sequence[str]) -> list[_Aligned]:
        """The best alignment in each article over every occurrence window of the quote's words.

        A quote found word for word needs no aligner (nothing scores higher; the earliest
        occurrence wins). Every other window of every article is aligned in one batch, identical
        windows (syndicated copies) once, within the query's cell budget.
        """
        found: list[_Aligned] = []
        plans: list[tuple[Article, DocTokens, list[tuple[int, int, int]]]] = []
        unique: list[np.ndarray] = []
        slot_of: dict[bytes, int] = {}
        for article_id in article_ids:
            article = self._articles[article_id]
            doc = self._tokens.get(article_id)
            windows = query.words.windows(doc.ids)
            if (exact := query.exact(doc, windows)) is not None:
                lo, hi, alignment = exact
                found.append(_Aligned(article, doc, lo, hi, alignment.score, alignment))
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
                found.append(_Aligned(article, doc, lo, hi, best, batch=batch, slot=i))
            elif (alignment := batch.alignment(i)) is not None:
                found.append(_Aligned(article, doc, lo, hi, best, alignment))
        return found

    def _describe(
        self,
        quote: str,
        query: _Query,
        item: _Aligned,
        ties: int,
        described: dict[tuple, list[_Described]] | None = None,
    ) -> tuple[SpanMatch, MatchFeatures]:
        """Differences, verdict and features of one aligned passage.

        Syndicated copies align the same way in the same words: a passage whose surroundings
        (every word the description looks at, within the window) have the same words, text and
        alignment as one already described (`described`, per query) is that one moved to another
        article, so it is shifted rather than worked out again."""
        key = None
        rows = query.rows
        lo, hi = _passage_region(rows, item)
        # Only the region's words (and one beyond each end) are looked at: a window is
        # typically four times the passage.
        view_lo, view_hi = _with_margin(item, lo, hi)
        in_view = _shifted(item.alignment, view_lo - item.lo)
        if described is not None:
            key = (item.doc.ids[view_lo:view_hi].tobytes(), in_view.steps, in_view.score)
            key += (lo == item.lo, ties)
            for seen in described.get(key, ()):
                origin, context = _passage_text(item, lo, hi)
                seen_origin, seen_context = seen.text()
                if context == seen_context:
                    shift = origin - seen_origin
                    moved = _with(seen.match, item.article.id, seen.match.start + shift)
                    return moved, seen.features
        text = item.article.text
        tokens = item.doc.view(view_lo, view_hi, self._tokens.vocabulary.words)
        alignment = extend_over_insertions(rows, in_view, tokens.words)
        alignment = attach_edge_brackets(quote, rows, alignment, tokens, text)
        differences = compute_differences(quote, rows, alignment, text, tokens, query.layout)
        features = extract_features(query.stats, alignment, differences, ties)
        match = SpanMatch(
            article_id=item.article.id,
            start=tokens.starts[alignment.first_col],
            end=tokens.ends[alignment.last_col],
            verdict=decide_verdict(differences),
            confidence=0.0,
            differences=differences,
            score=alignment.score,
        )
        if key is not None and described is not None:
            described.setdefault(key, []).append(_Described(match, features, item, lo, hi))
        return match, features


class _Described:
    """A described passage kept for its syndicated copies; its text is read only if one shows up."""

    __slots__ = ("_text", "features", "hi", "item", "lo", "match")

    def __init__(
        self, match: SpanMatch, features: MatchFeatures, item: _Aligned, lo: int, hi: int
    ) -> None:
        self.match, self.features, self.item, self.lo, self.hi = match, features, item, lo, hi
        self._text: tuple[int, tuple] | None = None

    def text(self) -> tuple[int, tuple]:
        if self._text is None:
            self._text = _passage_text(self.item, self.lo, self.hi)
        return self._text


def _passage_region(rows: Sequence[Row], item: _Aligned) -> tuple[int, int]:
    """The article words [lo, hi) a passage's description can look at: the passage, the quote
    words left unaligned at each end (`extend_over_insertions`) and a bracket's reach there,
    within the window."""
    alignment = item.alignment
    first, last = item.lo + alignment.first_col, item.lo + alignment.last_col
    before = alignment.first_row
    if alignment.first_row > 0 and rows[alignment.first_row - 1].kind == "bracket":
        before += BRACKET_MAX_WORDS
    after = len(rows) - 1 - alignment.last_row
    if alignment.last_row + 1 < len(rows) and rows[alignment.last_row + 1].kind == "bracket":
        after += BRACKET_MAX_WORDS
    return max(item.lo, first - before), min(item.hi, last + after + 1)


def _with_margin(item: _Aligned, lo: int, hi: int) -> tuple[int, int]:
    """Words [lo, hi) and one more on each side within the window: whether an edge word is half
    of a contraction depends on its neighbour."""
    return max(item.lo, lo - 1), min(item.hi, hi + 1)


def _shifted(alignment: Alignment, shift: int) -> Alignment:
    """The same alignment with its article columns counted from `shift` columns later."""
    if shift == 0:
        return alignment
    make = tuple.__new__  # Step(...) without the named tuple's Python-level __new__
    steps = tuple(
        [
            make(
                Step,
                (
                    kind,
                    row,
                    None if col is None else col - shift,
                    None if col_end is None else col_end - shift,
                ),
            )
            for kind, row, col, col_end in alignment.steps
        ]
    )
    return Alignment(
        alignment.score,
        steps,
        alignment.first_col - shift,
        alignment.last_col - shift,
        alignment.first_row,
        alignment.last_row,
    )


def _with(
    match: SpanMatch, article_id: str, start: int, confidence: float | None = None
) -> SpanMatch:
    """The match moved to `article_id` at `start` (same length), with `confidence` if given
    (`dataclasses.replace` costs several times more, and this runs for most passages)."""
    return SpanMatch(
        article_id,
        start,
        start + match.end - match.start,
        match.verdict,
        match.confidence if confidence is None else confidence,
        match.differences,
        match.score,
    )


def _passage_text(item: _Aligned, lo: int, hi: int) -> tuple[int, tuple]:
    """Where article words [lo, hi) start, and all of the text around them that a description
    reads: the characters, whether an edge word is half of a contraction (one word beyond),
    and whether the first one starts a sentence (name detection looks back three characters)."""
    outer_lo, outer_hi = _with_margin(item, lo, hi)
    starts, ends = item.doc.offsets(outer_lo, outer_hi)
    char_lo, char_hi = int(starts[lo - outer_lo]), int(ends[hi - 1 - outer_lo])
    halves = (
        lo > outer_lo and starts[0] == starts[1],
        hi < outer_hi and starts[-1] == starts[-2],
    )
    text = item.article.text
    lookback = text[max(0, char_lo - 3) : char_lo]
    sentence_start = any(ch in lookback for ch in SENTENCE_ENDS)
    return char_lo, (halves, sentence_start, text[char_lo:char_hi])


def _ties(item: _Aligned, aligned: Sequence[_Aligned]) -> int:
    """Other aligned candidates scoring at least as high: generic phrases ("thank you very
    much") and syndicated copies align equally well in many articles."""
    return sum(1 for other in aligned if other is not item and other.score >= item.score)


class _Query:
    """One quote's rows with what every candidate article reuses: word ids, near-miss lookups,
    alignments of windows already seen, and the remaining aligner budget."""

    def __init__(
        self, rows: Sequence[Row], tokens: TokenStore, idf: Callable[[str], float]
    ) -> None:
        self.rows = rows
        self._idf = idf
        vocabulary = tokens.vocabulary
        get = dict.get  # (TokenStore.word_id, without a Python call per row)
        self.row_ids = [get(vocabulary, r.word, -1) if r.kind == "word" else -1 for r in rows]
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
        for i in content or word_rows:
            if (known := self.row_ids[i]) >= 0:
                first, last = span.get(known, (i, i))
                span[known] = (min(first, i), max(last, i))
        spread = SPREAD_FACTOR * self.m + SPREAD_SLACK
        if len(word_rows) < len(rows) and any(r.kind == "ellipsis" for r in rows):
            spread += ELLIPSIS_SPREAD
        self.words = QuoteWords(span, self.m, spread)
        plain = 0 < len(word_rows) == len(rows) and -1 not in self.row_ids
        self.plain_ids = self.similarity.q_ids.astype(np.int32) if plain else None

    @cached_property
    def layout(self) -> QuoteLayout:
        return quote_layout(self.rows)

    @cached_property
    def stats(self) -> QuoteStats:
        return quote_stats(self.rows, self._idf)

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
        self, doc: DocTokens, windows: Sequence[Sequence[int]]
    ) -> tuple[int, int, Alignment] | None:
        """The earliest word-for-word copy of the quote in the windows, if any (no aligner
        needed: no alignment can score higher, and the earliest occurrence is the one the aligner
        picks)."""
        q = self.plain_ids
        if q is None:
            return None
        found = [k for lo, hi in windows if (k := first_copy(doc.ids, lo, hi, q)) >= 0]
        if not found:
            return None
        k = min(found)
        lo, hi = next((lo, hi) for lo, hi in windows if lo <= k and k + len(q) <= hi)
        steps = tuple(Step("match", i, k - lo + i) for i in range(len(q)))
        alignment = Alignment(self.perfect, steps, k - lo, k - lo + len(q) - 1, 0, len(q) - 1)
        return (lo, hi, alignment)


def extend_over_insertions(
    rows: Sequence[Row], alignment: Alignment, words: Sequence[str]
) -> Alignment:
    """Carry the passage over a long insertion to the quote's first or last words when they
    resume the article exactly where the aligned passage stops.

    Local alignment clips a quote end when the words inserted before it cost more than the few
    words after it earn ("...with things, at the end of the day, especially"); but when those last
    words are the very next article words, the quote plainly continues there: the middle is an
    insertion and the passage includes the resumed words. At least one content word must resume,
    so a stray "the" never extends a passage.
    """
    steps = list(alignment.steps)
    first_col, last_col = alignment.first_col, alignment.last_col
    first_row, last_row = alignment.first_row, alignment.last_row
    tail = _resumed(rows, range(last_row + 1, len(rows)), words, last_col + 1, forward=True)
    if tail:
        gap = range(last_row + 1, len(rows) - tail)
        steps += [Step("insert", i, None) for i in gap]
        steps += [Step("match", len(rows) - tail + k, last_col + 1 + k) for k in range(tail)]
        last_col, last_row = last_col + tail, len(rows) - 1
    head = _resumed(rows, range(first_row - 1, -1, -1), words, first_col - 1, forward=False)
    if head:
        gap = range(head, first_row)
        steps = (
            [Step("match", k, first_col - head + k) for k in range(head)]
            + [Step("insert", i, None) for i in gap]
            + steps
        )
        first_col, first_row = first_col - head, 0
    if not head and not tail:
        return alignment
    return replace(
        alignment,
        steps=tuple(steps),
        first_col=first_col,
        last_col=last_col,
        first_row=first_row,
        last_row=last_row,
    )


def _resumed(
    rows: Sequence[Row], outside: range, words: Sequence[str], col: int, forward: bool
) -> int:
    """How many of the quote's unaligned edge words reappear, in order, as the article words
    right after (`forward`) or right before the passage, leaving at least one word inserted.

    `outside` lists the unaligned rows; `col` is the article word next to the passage."""
    if len(outside) < 2 or any(rows[i].kind != "word" for i in outside):
        return 0
    quote_words = [rows[i].word for i in sorted(outside)]
    best = 0
    for n in range(1, len(quote_words)):
        if forward:
            wanted, lo = quote_words[-n:], col
        else:
            wanted, lo = quote_words[:n], col - n + 1
        if lo < 0 or lo + n > len(words):
            break
        if list(words[lo : lo + n]) == wanted and any(not is_function_word(w) for w in wanted):
            best = n
    return best


def attach_edge_brackets(
    quote: str, rows: Sequence[Row], alignment: Alignment, tokens: Tokens, text: str
) -> Alignment:
    """Let an [editorial] insertion at either end of the quote stand for the article words it
    replaced ("[Trump] wants" for "He wants"), as a bracket inside the quote already does.

    Inside a quote the aligner places a bracket between two anchors; at an edge nothing anchors
    it, so it takes the adjacent words of the same phrase (no punctuation in between), as many as
    the bracket itself has (an editor swaps like for like), at most BRACKET_MAX_WORDS.
    """
    steps = list(alignment.steps)
    first_col, last_col = alignment.first_col, alignment.last_col
    first_row, last_row = alignment.first_row, alignment.last_row
    before = first_row - 1
    if before >= 0 and rows[before].kind == "bracket":
        want = _bracket_words(quote, rows[before])
        col = first_col
        while (
            first_col - col < want
            and col > 0
            and not text[tokens.ends[col - 1] : tokens.starts[col]].strip()
        ):
            col -= 1
        if col < first_col:
            steps.insert(0, Step("bracket", before, col, first_col))
            first_col, first_row = col, before
    after = last_row + 1
    if after < len(rows) and rows[after].kind == "bracket":
        want = _bracket_words(quote, rows[after])
        col = last_col
        while (
            col - last_col < want
            and col + 1 < len(tokens.words)
            and not text[tokens.ends[col] : tokens.starts[col + 1]].strip()
        ):
            col += 1
        if col > last_col:
            steps.append(Step("bracket", after, last_col + 1, col + 1))
            last_col, last_row = col, after
    if first_col == alignment.first_col and last_col == alignment.last_col:
        return alignment
    return replace(
        alignment,
        steps=tuple(steps),
        first_col=first_col,
        last_col=last_col,
        first_row=first_row,
        last_row=last_row,
    )


def _bracket_words(quote: str, row: Row) -> int:
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
