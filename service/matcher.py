"""The matching engine's public face: find where a candidate quote comes from.

Seed-and-extend, as text-reuse systems do it: the word index proposes a few candidate articles by
their rare shared words; inside each, the densest cluster of shared words picks a bounded window;
the word aligner finds the exact passage, the differences and the features; the calibrated scorer
turns those into a verdict and a confidence. Cost per query is bounded by the number of candidates
and the window size, not by the corpus size.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from service.align import Alignment, Row, align, similarity_matrix, word_weight
from service.differences import compute_differences
from service.lexicon import is_function_word
from service.models import Article, SpanMatch
from service.normalise import Tokens, split_quote, tokenize
from service.scoring import (
    MatchFeatures,
    decide_verdict,
    extract_features,
    load_calibration,
)
from service.word_index import WordIndex

# Candidate articles aligned per query beyond `limit`: the true source is almost always first, the
# extra ones catch syndicated copies and re-ranking after alignment.
EXTRA_CANDIDATES = 6
# Quote rows beyond this are ignored (the HTTP layer caps quotes at 2,000 characters, ~350 words).
MAX_QUOTE_ROWS = 400
# Windows: how far the shared words of one occurrence may spread, as a multiple of quote length
# (plus slack for dropped clauses), and how much context to add on each side.
SPREAD_FACTOR = 2
SPREAD_SLACK = 20
ELLIPSIS_SPREAD = 400
WINDOWS_PER_ARTICLE = 2
TOKEN_CACHE_SIZE = 512


@dataclass(frozen=True, slots=True)
class _Scored:
    match: SpanMatch
    features: MatchFeatures
    published: str


class Matcher:
    """An incrementally updatable index of articles that answers `find(quote)`."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self._index = WordIndex()
        self._articles: dict[str, Article] = {}
        self._tokens: OrderedDict[str, Tokens] = OrderedDict()
        self._lock = threading.Lock()  # guards the token cache (threaded gunicorn workers)
        for article in articles:
            self.add(article)

    def __len__(self) -> int:
        return len(self._articles)

    def add(self, article: Article) -> None:
        """Add an article, or replace the one with the same id."""
        self._articles[article.id] = article
        self._index.add(article.id, article.title + "\n" + article.text, article.published)
        with self._lock:
            self._tokens.pop(article.id, None)

    def remove(self, article_id: str) -> None:
        """Forget an article; unknown ids are ignored."""
        self._articles.pop(article_id, None)
        self._index.remove(article_id)
        with self._lock:
            self._tokens.pop(article_id, None)

    def find(self, quote: str, limit: int = 3) -> list[SpanMatch]:
        """Passages this quote may come from, best first, one per article; [] = not found."""
        rows = quote_rows(quote)
        if limit <= 0 or not any(r.kind == "word" for r in rows):
            return []
        words = [r.word for r in rows if r.kind == "word"]
        calibration = load_calibration()
        scored: list[_Scored] = []
        for article_id, _ in self._index.candidates(words, limit + EXTRA_CANDIDATES):
            article = self._articles[article_id]
            result = self._match_article(quote, rows, article)
            if result is None:
                continue
            match, features = result
            confidence = calibration.probability(features)
            if confidence < calibration.accept and match.verdict != "verbatim":
                continue
            match = SpanMatch(
                match.article_id,
                match.start,
                match.end,
                match.verdict,
                round(confidence, 4),
                match.differences,
                match.score,
            )
            scored.append(_Scored(match, features, article.published or ""))
        scored.sort(
            key=lambda s: (-s.match.score, -s.match.confidence, s.published, s.match.article_id)
        )
        return [s.match for s in scored[:limit]]

    def _article_tokens(self, article: Article) -> Tokens:
        with self._lock:
            tokens = self._tokens.get(article.id)
            if tokens is not None:
                self._tokens.move_to_end(article.id)
                return tokens
        tokens = tokenize(article.text)
        with self._lock:
            self._tokens[article.id] = tokens
            while len(self._tokens) > TOKEN_CACHE_SIZE:
                self._tokens.popitem(last=False)
        return tokens

    def _match_article(
        self, quote: str, rows: Sequence[Row], article: Article
    ) -> tuple[SpanMatch, MatchFeatures] | None:
        tokens = self._article_tokens(article)
        best: tuple[Alignment, int] | None = None
        for lo, hi in candidate_windows(rows, tokens.words):
            sim = similarity_matrix(rows, tokens.words[lo:hi])
            alignment = align(rows, sim)
            if alignment is not None and (best is None or alignment.score > best[0].score):
                best = (alignment, lo)
        if best is None:
            return None
        alignment, lo = best
        differences = compute_differences(quote, rows, alignment, article.text, tokens, lo)
        features = extract_features(rows, alignment, differences, self._index.idf)
        start = tokens.starts[alignment.first_col + lo]
        end = tokens.ends[alignment.last_col + lo]
        match = SpanMatch(
            article_id=article.id,
            start=start,
            end=end,
            verdict=decide_verdict(differences),
            confidence=0.0,
            differences=differences,
            score=alignment.score,
        )
        return match, features


def quote_rows(quote: str) -> list[Row]:
    """Alignment rows for a candidate quote: its words, ellipses and [editorial] insertions."""
    rows: list[Row] = []
    for part in split_quote(quote):
        if part.kind == "words":
            t = part.tokens
            rows.extend(
                Row("word", w, word_weight(w), s, e)
                for w, s, e in zip(t.words, t.starts, t.ends, strict=True)
            )
        elif part.kind == "bracket":
            rows.append(Row("bracket", "", 0.0, part.start, part.start + len(part.text)))
        else:
            rows.append(Row("ellipsis"))
        if len(rows) >= MAX_QUOTE_ROWS:
            return rows[:MAX_QUOTE_ROWS]
    return rows


def candidate_windows(rows: Sequence[Row], words: Sequence[str]) -> list[tuple[int, int]]:
    """Word ranges [lo, hi) of an article worth aligning: around the densest clusters of the
    quote's words, so the aligner never sees a whole long article."""
    quote_words = [r.word for r in rows if r.kind == "word"]
    if not words or not quote_words:
        return []
    keys = {w for w in quote_words if not is_function_word(w)} or set(quote_words)
    hits = [j for j, w in enumerate(words) if w in keys]
    m = len(quote_words)
    spread = SPREAD_FACTOR * m + SPREAD_SLACK
    if any(r.kind == "ellipsis" for r in rows):
        spread += ELLIPSIS_SPREAD
    pad = m + 10
    if not hits:
        return []
    # Two pointers over the hits, keeping a count of each word inside the current span, so the
    # number of distinct quote words per span is known in O(hits) even for adversarial articles.
    clusters: list[tuple[int, int, int]] = []  # (distinct quote words hit, first, last)
    inside: Counter[str] = Counter()
    lo = 0
    for j in hits:
        inside[words[j]] += 1
        while j - hits[lo] > spread:
            gone = words[hits[lo]]
            inside[gone] -= 1
            if not inside[gone]:
                del inside[gone]
            lo += 1
        clusters.append((len(inside), hits[lo], j))
    clusters.sort(key=lambda c: (-c[0], c[1]))
    windows: list[tuple[int, int]] = []
    for _, first, last in clusters:
        lo_w, hi_w = max(0, first - pad), min(len(words), last + pad + 1)
        if any(lo_w < b and a < hi_w for a, b in windows):
            continue
        windows.append((lo_w, hi_w))
        if len(windows) >= WINDOWS_PER_ARTICLE:
            break
    return windows
