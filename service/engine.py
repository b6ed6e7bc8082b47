"""The Verbatim engine: the store, the match index and attribution, kept in step.

This is the one object the HTTP layer talks to. It never imports Flask, so the benchmarks and the
command line use exactly the code the service runs.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

from service.attribution import extract_quotes
from service.attribution.names import same_person
from service.corpus.paragraphs import paragraph_around
from service.corpus.store import ArticleStore
from service.matching.matcher import Matcher
from service.models import (
    Article,
    ClaimedSpeaker,
    MatchReport,
    QuoteKind,
    QuoteSpan,
    SpanMatch,
    SpeakerAttribution,
    VerifyResult,
)

# Attribution of one article takes milliseconds; caching a few thousand keeps hot articles free
# without letting a 100k-article store grow a worker's memory without bound.
QUOTE_CACHE_SIZE = 4096


class QuoteCache:
    """Bounded LRU of extracted quotes per article id, each kept with the text it came from.

    A cached entry is only used for the very text it was extracted from, so a caller holding an
    older or newer copy of an article (another worker replaced it meanwhile) never gets quotes
    whose offsets belong to a different text.
    """

    def __init__(self, capacity: int = QUOTE_CACHE_SIZE) -> None:
        self._items: OrderedDict[str, tuple[str, list[QuoteSpan]]] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, article: Article) -> list[QuoteSpan]:
        with self._lock:
            entry = self._items.get(article.id)
            if entry is not None and entry[0] == article.text:
                self._items.move_to_end(article.id)
                return entry[1]
        quotes = extract_quotes(article.text, article.title)
        with self._lock:
            self._items[article.id] = (article.text, quotes)
            self._items.move_to_end(article.id)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return quotes

    def discard(self, article_id: str) -> None:
        with self._lock:
            self._items.pop(article_id, None)


def locate_in_quotes(
    quotes: Iterable[QuoteSpan], start: int, end: int
) -> tuple[QuoteKind, SpeakerAttribution | None]:
    """Kind and speaker of the passage [start, end): those of the quote it overlaps most.

    Quoted speech (direct/partial) wins over indirect speech at equal overlap because marks are
    stronger evidence than a reporting verb; no overlap at all means the outlet's own narration.
    """
    best: QuoteSpan | None = None
    best_key = (0, 0)
    for quote in quotes:
        overlap = min(end, quote.end) - max(start, quote.start)
        if overlap <= 0:
            continue
        key = (overlap, 1 if quote.kind in ("direct", "partial") else 0)
        if key > best_key:
            best, best_key = quote, key
    if best is None:
        return "narration", None
    return best.kind, best.speaker


class Verbatim:
    """Store + index + attribution, refreshed from the store's generation counter."""

    def __init__(self, store: ArticleStore) -> None:
        self.store = store
        self._lock = threading.RLock()
        self._generation = store.generation()
        started = time.perf_counter()
        self.matcher = Matcher(store.iter_all())
        self.index_build_seconds = time.perf_counter() - started  # reported in /metrics
        self.quotes = QuoteCache()

    @property
    def generation(self) -> int:
        return self._generation

    def __len__(self) -> int:
        return len(self.matcher)

    def sync(self) -> None:
        """Apply writes made by any process since we last looked (one indexed read when idle).

        Incremental on purpose: re-indexing only the changed articles keeps a write visible to every
        gunicorn worker on its next request without rebuilding a 100k-article index.
        """
        if self.store.generation() == self._generation:
            return
        with self._lock:
            current, changed = self.store.changes_since(self._generation)
            for article_id in changed:
                article = self.store.get(article_id)
                self.quotes.discard(article_id)
                if article is None:
                    self.matcher.remove(article_id)
                else:
                    self.matcher.add(article)
            self._generation = current

    def get_article(self, article_id: str) -> tuple[Article, list[QuoteSpan]] | None:
        """One stored article and its quotes, or None."""
        article = self.store.get(article_id)
        return None if article is None else (article, self.quotes.get(article))

    def list_articles(
        self, offset: int, limit: int
    ) -> tuple[list[tuple[Article, list[QuoteSpan]]], int]:
        """A page of stored articles (ordered by id) with their quotes, and the total: one read."""
        articles, total = self.store.list(offset, limit)
        return [(a, self.quotes.get(a)) for a in articles], total

    def create_article(self, article: Article) -> list[QuoteSpan]:
        """Store a new article (ArticleExists if the id is taken) and match it from now on."""
        self.store.create(article)
        self.sync()
        return self.quotes.get(article)

    def upsert_article(self, article: Article) -> tuple[bool, list[QuoteSpan]]:
        """Create or replace; True when created. Matched from now on."""
        created = self.store.upsert(article)
        self.sync()
        return created, self.quotes.get(article)

    def delete_article(self, article_id: str) -> bool:
        """Delete; False when there was no such article. Never matched again."""
        deleted = self.store.delete(article_id)
        if deleted:
            self.sync()
        return deleted

    def extract(self, text: str, title: str | None = None) -> list[QuoteSpan]:
        return extract_quotes(text, title)

    def _report(self, found: SpanMatch, article: Article) -> MatchReport:
        """`found` described from `article`, the copy the matcher aligned it in."""
        kind, speaker = locate_in_quotes(self.quotes.get(article), found.start, found.end)
        return MatchReport(
            text=article.text[found.start : found.end],
            start=found.start,
            end=found.end,
            article=article,
            context=paragraph_around(article.text, found.start, found.end),
            kind=kind,
            speaker=speaker,
            confidence=found.confidence,
            verdict=found.verdict,
            differences=found.differences,
        )

    def verify(self, quote: str, speaker: str | None = None, limit: int = 3) -> VerifyResult:
        """The closest verbatim source of `quote`, who said it, and how sure we are."""
        with self._lock:
            found = self.matcher.find(quote, limit)
            # The indexed copies the offsets refer to, taken while no sync can replace them.
            held = [(m, self.matcher.article(m.article_id)) for m in found]
        reports = [self._report(m, article) for m, article in held]
        best = reports[0] if reports else None
        claimed = None
        if speaker:
            attributed = best.speaker.name if best and best.speaker else None
            claimed = ClaimedSpeaker(
                name=speaker, matches=bool(attributed and same_person(speaker, attributed))
            )
        if best is None:
            return VerifyResult(
                verdict="not_found",
                confidence=0.0,
                match=None,
                speaker=None,
                claimed_speaker=claimed,
            )
        return VerifyResult(
            verdict=best.verdict,
            confidence=best.confidence,
            match=best,
            speaker=best.speaker,
            claimed_speaker=claimed,
            differences=best.differences,
            alternatives=tuple(reports[1:limit]),
        )
