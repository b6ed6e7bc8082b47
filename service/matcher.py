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
from dataclasses import dataclass, replace

import numpy as np

from service.align import (
    BRACKET_MAX_WORDS,
    END_BONUS,
    Alignment,
    Row,
    Step,
    align,
    similarity_matrix,
    word_weight,
)
from service.differences import compute_differences
from service.lexicon import is_function_word
from service.models import Article, SpanMatch
from service.normalise import Tokens, split_quote, tokenize
from service.scoring import (
    MatchFeatures,
    decide_verdict,
    extract_features,
    load_calibration,
    source_confidence,
    with_ties,
)
from service.word_index import WordIndex

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
# Windows: how far the shared words of one occurrence may spread, as a multiple of quote length
# (plus slack for dropped clauses), and how much context to add on each side.
SPREAD_FACTOR = 2
SPREAD_SLACK = 20
ELLIPSIS_SPREAD = 400
# Occurrence clusters aligned per article at most (a phrase repeated in one article needs all
# of them looked at; the upper-bound test makes the extra ones cheap).
MAX_WINDOWS = 8
# Aligner work per query (quote rows x window words), whatever the quote and corpus: about
# 30 ms of numpy at worst, so a 100-item batch of adversarial quotes stays within a request.
MAX_ALIGN_CELLS = 600_000
TOKEN_CACHE_SIZE = 512
# Raw-text seed search: a rough word length to turn word counts into characters, and a cap on the
# occurrences of one word looked at (a word repeated 100,000 times must not cost 100,000 steps).
CHARS_PER_WORD = 7
MAX_HITS_PER_WORD = 200


@dataclass(frozen=True, slots=True)
class _ArticleWords:
    """An article's tokens plus where each word occurs (for finding windows without a scan)."""

    tokens: Tokens
    positions: dict[str, list[int]]


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
        self._tokens: OrderedDict[str, _ArticleWords] = OrderedDict()
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
        calibration = load_calibration()
        found: list[_Scored] = []
        for match, features, published in self.analyse(quote, limit):
            p_source = calibration.probability(features)
            # Below `accept` the passage is more likely not a source: report it only when the
            # words are verbatim (then it *is* one, however generic, with its low confidence).
            if p_source < calibration.accept and match.verdict != "verbatim":
                continue
            confidence = source_confidence(p_source, features)
            found.append(
                _Scored(replace(match, confidence=round(confidence, 4)), features, published)
            )
        found.sort(
            key=lambda s: (-s.match.score, -s.match.confidence, s.published, s.match.article_id)
        )
        return [s.match for s in found[:limit]]

    def analyse(self, quote: str, limit: int = 3) -> list[tuple[SpanMatch, MatchFeatures, str]]:
        """Every candidate alignment with its features and publication date, unfiltered and
        without confidence (what calibration fits on), best alignment score first."""
        rows = quote_rows(quote)
        if limit <= 0 or not any(r.kind == "word" for r in rows):
            return []
        words = [r.word for r in rows if r.kind == "word"]
        candidates = self._index.candidates(words, limit + EXTRA_CANDIDATES)
        floor = CANDIDATE_SCORE_FLOOR * candidates[0][1] if candidates else 0.0
        budget = _Budget(MAX_ALIGN_CELLS)
        results = []
        for article_id, retrieval_score in candidates:
            if retrieval_score < floor:
                break
            if retrieval_score < NEAR_COPY * candidates[0][1] and (
                len(results) >= limit or any(f.values[0] >= STRONG_COVERAGE for _, f, _ in results)
            ):
                break  # a strong answer is in hand and the rest share clearly less evidence
            article = self._articles[article_id]
            result = self._match_article(quote, rows, article, budget)
            if result is not None:
                results.append((*result, article.published or ""))
            if budget.left <= 0:
                break
        # How many other candidates align at least as well: generic phrases ("thank you very
        # much") and syndicated copies align equally well in many articles.
        results = [
            (match, with_ties(features, ties(match, results)), published)
            for match, features, published in results
        ]
        results.sort(key=lambda r: (-r[0].score, r[2], r[0].article_id))
        return results

    def align_in(self, quote: str, article_id: str) -> SpanMatch | None:
        """The best passage for `quote` in one given article (confidence not computed)."""
        article = self._articles.get(article_id)
        rows = quote_rows(quote)
        if article is None or not any(r.kind == "word" for r in rows):
            return None
        result = self._match_article(quote, rows, article)
        return None if result is None else result[0]

    def _article_words(self, article: Article) -> _ArticleWords:
        with self._lock:
            cached = self._tokens.get(article.id)
            if cached is not None:
                self._tokens.move_to_end(article.id)
                return cached
        tokens = tokenize(article.text)
        positions: dict[str, list[int]] = {}
        for j, w in enumerate(tokens.words):
            positions.setdefault(w, []).append(j)
        cached = _ArticleWords(tokens, positions)
        with self._lock:
            self._tokens[article.id] = cached
            while len(self._tokens) > TOKEN_CACHE_SIZE:
                self._tokens.popitem(last=False)
        return cached

    def _match_article(
        self, quote: str, rows: Sequence[Row], article: Article, budget: _Budget | None = None
    ) -> tuple[SpanMatch, MatchFeatures] | None:
        text = article.text
        windows = char_windows(rows, text)
        if windows is None:  # the quote's words are not visible in the raw text (accents, ...)
            cached = self._article_words(article)
            full = cached.tokens
            spans = candidate_windows(rows, full.words, cached.positions)
            token_windows = (
                (lo, Tokens(full.words[lo:hi], full.starts[lo:hi], full.ends[lo:hi]))
                for lo, hi in spans
            )
        else:
            token_windows = ((lo, tokenize(text[lo:hi], lo)) for lo, hi in windows)  # lazily
        # Every window (one per occurrence cluster) may hold the passage: align them all, best
        # score wins, the earliest among equals. A window whose upper bound (each quote word at
        # its best in the window, both end bonuses) cannot beat the best so far is not aligned,
        # so a verbatim hit makes the other occurrences nearly free.
        best: tuple[Alignment, Tokens, int] | None = None
        for lo, tokens in token_windows:
            if not tokens.words:
                continue
            sim = similarity_matrix(rows, tokens.words)
            bound = float(np.maximum(sim.max(axis=1), 0.0).sum()) + 2 * END_BONUS
            if best is not None and (
                bound < best[0].score or (bound == best[0].score and lo > best[2])
            ):
                continue
            if budget is not None and not budget.spend(sim.size):
                break
            alignment = align(rows, sim)
            if alignment is None:
                continue
            if (
                best is None
                or alignment.score > best[0].score
                or (alignment.score == best[0].score and lo < best[2])
            ):
                best = (alignment, tokens, lo)
        if best is None:
            return None
        alignment, tokens, _ = best
        alignment = attach_edge_brackets(quote, rows, alignment, tokens, text)
        differences = compute_differences(quote, rows, alignment, text, tokens)
        features = extract_features(rows, alignment, differences, self._index.idf)
        match = SpanMatch(
            article_id=article.id,
            start=tokens.starts[alignment.first_col],
            end=tokens.ends[alignment.last_col],
            verdict=decide_verdict(differences),
            confidence=0.0,
            differences=differences,
            score=alignment.score,
        )
        return match, features


class _Budget:
    """Aligner cells (quote rows x window words) one query may still spend: a 2,000-character
    quote of repeated words hits every window of every candidate, and must stay cheap."""

    def __init__(self, cells: int) -> None:
        self.left = cells

    def spend(self, cells: int) -> bool:
        if cells > self.left and self.left < MAX_ALIGN_CELLS:
            return False  # (the first window is always aligned, whatever its size)
        self.left -= cells
        return True


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


def char_windows(rows: Sequence[Row], text: str) -> list[tuple[int, int]] | None:
    """Character ranges of `text` worth aligning, found without tokenising the article.

    The quote's content words are looked up in the lower-cased raw text (C-speed `str.find`);
    the densest clusters of hits, padded and snapped to whitespace, become the windows. Returns
    None when lower-casing changes the text's length or no word is found verbatim (accents,
    ligatures...), so the caller falls back to full tokenisation.
    """
    quote_words = [r.word for r in rows if r.kind == "word"]
    keys = {w for w in quote_words if not is_function_word(w)} or set(quote_words)
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    hits: list[tuple[int, str]] = []
    for key in keys:
        if not key.isascii():
            continue
        pos = lowered.find(key)
        count = 0
        while pos >= 0 and count < MAX_HITS_PER_WORD:
            hits.append((pos, key))
            count += 1
            pos = lowered.find(key, pos + len(key))
    if not hits:
        return None
    hits.sort()
    m = len(quote_words)
    spread = CHARS_PER_WORD * (SPREAD_FACTOR * m + SPREAD_SLACK)
    if any(r.kind == "ellipsis" for r in rows):
        spread += CHARS_PER_WORD * ELLIPSIS_SPREAD
    pad = CHARS_PER_WORD * (m + 10)
    windows = merged_windows(_densest(hits, spread), pad, len(text))
    return [(_snap_back(text, lo), _snap_forward(text, hi)) for lo, hi in windows]


def merged_windows(
    clusters: Sequence[tuple[int, int, int]], pad: int, length: int
) -> list[tuple[int, int]]:
    """Padded ranges around the densest clusters, densest first; overlapping ranges are merged
    (never dropped: a phrase repeated close by must still be seen), at most MAX_WINDOWS."""
    windows: list[tuple[int, int]] = []
    seen: set[int] = set()
    for _, first, last in clusters:
        if first in seen:
            continue  # the same cluster start again (a later end inside it): already covered
        seen.add(first)
        lo, hi = max(0, first - pad), min(length, last + pad + 1)
        overlapping = [k for k, (a, b) in enumerate(windows) if lo < b and a < hi]
        if overlapping:
            for k in overlapping:
                lo, hi = min(lo, windows[k][0]), max(hi, windows[k][1])
            keep = overlapping[0]
            windows[keep] = (lo, hi)
            windows = [w for k, w in enumerate(windows) if k == keep or k not in overlapping]
            continue
        if len(windows) >= MAX_WINDOWS:
            break
        windows.append((lo, hi))
    return windows


def _densest(hits: list[tuple[int, str]], spread: int) -> list[tuple[int, int, int]]:
    """(distinct words, first, last) for each hit as the end of a span of at most `spread`,
    densest first (two pointers with a running word count: O(hits))."""
    clusters: list[tuple[int, int, int]] = []
    inside: Counter[str] = Counter()
    lo = 0
    for pos, word in hits:
        inside[word] += 1
        while pos - hits[lo][0] > spread:
            gone = hits[lo][1]
            inside[gone] -= 1
            if not inside[gone]:
                del inside[gone]
            lo += 1
        clusters.append((len(inside), hits[lo][0], pos))
    clusters.sort(key=lambda c: (-c[0], c[1]))
    return clusters


def _snap_back(text: str, pos: int) -> int:
    """Move a window start back to whitespace so no word is cut in half."""
    while pos > 0 and not text[pos - 1].isspace():
        pos -= 1
    return pos


def _snap_forward(text: str, pos: int) -> int:
    while pos < len(text) and not text[pos].isspace():
        pos += 1
    return pos


def ties(match: SpanMatch, results: Sequence[tuple[SpanMatch, object, str]]) -> int:
    """Other aligned candidates scoring at least as high as `match`."""
    return sum(1 for other, _, _ in results if other is not match and other.score >= match.score)


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


def candidate_windows(
    rows: Sequence[Row], words: Sequence[str], positions: dict[str, list[int]]
) -> list[tuple[int, int]]:
    """Word ranges [lo, hi) of an article worth aligning: around the densest clusters of the
    quote's words, so the aligner never sees a whole long article."""
    quote_words = [r.word for r in rows if r.kind == "word"]
    if not words or not quote_words:
        return []
    keys = {w for w in quote_words if not is_function_word(w)} or set(quote_words)
    hits = sorted(j for w in keys for j in positions.get(w, ()))
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
    return merged_windows(clusters, pad, len(words))
