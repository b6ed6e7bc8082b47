"""The Verbatim engine: the store, the match index and attribution, kept in step.

This is the one object the HTTP layer talks to. It never imports Flask, so the benchmarks and the
command line use exactly the code the service runs.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from service.attribution import extract_quotes
from service.attribution.name_parsing import same_person
from service.corpus.paragraphs import paragraph_around
from service.corpus.store import Store
from service.drafts import check_draft
from service.index_snapshot import load_snapshot, save_snapshot
from service.matching.matcher import Matcher
from service.models import (
    Article,
    ClaimedSpeaker,
    DraftCheck,
    MatchReport,
    QuoteKind,
    QuoteSpan,
    SpanMatch,
    SpeakerAttribution,
    VerifyResult,
)

# Articles re-indexed per step of applying other processes' writes. A step holds the engine lock
# (about a millisecond per article), so this bounds how long a query waits behind a bulk import.
SYNC_STEP = 16
# How often each process's background refresher looks for writes made by other processes: with
# the steps it takes, the bound on how long a write takes to be matched by every worker.
REFRESH_SECONDS = 0.5
# A start that had to re-index more articles than this to catch up with the store saves a new
# snapshot, so the next start replays only what was written since.
SNAPSHOT_REPLAY_LIMIT = 1000

log = logging.getLogger(__name__)

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

    def __init__(
        self, store: Store, snapshot: Path | None = None, background: bool = False
    ) -> None:
        """Index the store: open the `snapshot` of the index when it can be trusted and apply
        the writes made since; otherwise build it (and save a new snapshot).

        With `background`, nothing is indexed here: each process that will serve calls
        `start_indexing` (a gunicorn master forks workers before any thread could finish, and
        threads do not survive fork), and until it is done `ready` is False.
        """
        self.store = store
        self._lock = threading.RLock()
        self._pending: dict[str, None] = {}  # ids written since `_seen`, in write order
        self._pending_lock = threading.Lock()
        self._refresher_pid: int | None = None
        self.quotes = QuoteCache()
        self._snapshot = snapshot
        self.ready = not background
        self._ready_event = threading.Event()
        self.index_error: str | None = None
        self.indexed = 0  # articles indexed so far while building (readiness progress)
        self.to_index = 0
        if background:
            self.matcher = Matcher()
            self._generation = self._seen = 0
            self.index_source = "pending"
            self.index_build_seconds = 0.0
            return
        self._index(snapshot)

    def _index(self, snapshot: Path | None) -> None:
        store = self.store
        started = time.perf_counter()
        replayed = self._open_snapshot(snapshot) if snapshot is not None else None
        if replayed is None:
            self._generation = store.generation()  # every write up to this one is indexed
            self._seen = self._generation  # every write up to this one is indexed or pending
            self.to_index = store.count()
            self.matcher = Matcher(self._counted(store.iter_all()))
            self.index_source = "built"
        self.index_build_seconds = time.perf_counter() - started  # reported in /metrics
        if snapshot is not None and (replayed is None or replayed > SNAPSHOT_REPLAY_LIMIT):
            self._save_snapshot(snapshot)

    def _counted(self, articles: Iterable[Article]) -> Iterable[Article]:
        for self.indexed, article in enumerate(articles, 1):
            yield article

    def start_indexing(self) -> None:
        """Open or build the index in a background thread of this process (once per process),
        which then keeps it fresh (`start_refresher`). Processes sharing a data directory take
        turns under a file lock, so one builds and saves the snapshot and the others open it."""
        pid = os.getpid()
        if self.ready or self._refresher_pid == pid:
            return
        self._refresher_pid = pid
        threading.Thread(
            target=self._index_then_refresh, name="verbatim-index", daemon=True
        ).start()

    def _index_then_refresh(self) -> None:
        try:
            if self._snapshot is None:
                self._index(None)
            else:
                lock_path = self._snapshot.with_name(self._snapshot.name + ".lock")
                with lock_path.open("a") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
                    self._index(self._snapshot)
        except Exception as exc:  # e.g. the store is unreachable: say so in /readyz, retry
            log.exception("building the index failed; retrying in %s s", REFRESH_SECONDS)
            self.index_error = f"{type(exc).__name__}: {exc}"
            time.sleep(REFRESH_SECONDS)
            self._refresher_pid = None
            self.start_indexing()
            return
        self.index_error = None
        self.ready = True
        self._ready_event.set()
        log.info(
            "index ready: %d articles (%s, %.1f s)",
            len(self.matcher),
            self.index_source,
            self.index_build_seconds,
        )
        self._refresh_forever()

    def wait_ready(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the index; True when it is ready."""
        return self.ready or self._ready_event.wait(timeout)

    def _open_snapshot(self, snapshot: Path) -> int | None:
        """Take the index from `snapshot` and catch up with the store; the number of articles
        re-indexed to catch up, or None when the snapshot is not usable for this store."""
        loaded = load_snapshot(snapshot)
        if loaded is None or loaded.generation > self.store.generation():
            return None
        self.matcher = loaded.matcher
        self._generation = self._seen = loaded.generation
        self._collect_changes()
        replayed = self.pending
        self._catch_up()
        if len(self.matcher) != self.store.count():  # another store under the same generation
            log.warning("index snapshot %s does not fit the store; rebuilding", snapshot)
            return None
        self.index_source = "snapshot"
        return replayed

    def _save_snapshot(self, snapshot: Path) -> None:
        try:
            save_snapshot(snapshot, self.matcher, self._generation)
        except OSError as exc:  # a read-only or full data directory: serve without one
            log.warning("index snapshot %s not saved: %s", snapshot, exc)

    @property
    def generation(self) -> int:
        """The store generation this process serves: every write up to it is matched."""
        return self._generation

    @property
    def pending(self) -> int:
        """Writes seen in the store and not yet applied to this process's index."""
        return len(self._pending)

    def __len__(self) -> int:
        return len(self.matcher)

    def sync(self, max_articles: int | None = None) -> bool:
        """Apply writes made by any process since we last looked; True when none is left.

        One indexed read when nothing changed. Changed articles are re-indexed in steps of
        `SYNC_STEP`, each under the engine lock, so a query never waits behind more than one step
        of a large import; `max_articles` bounds the work of this call (a request passes a small
        one and leaves the rest to the background refresher).
        """
        if not self.ready:  # (the indexer applies what was written meanwhile before it is)
            return False
        return self._catch_up(max_articles)

    def _catch_up(self, max_articles: int | None = None) -> bool:
        self._collect_changes()
        done = 0
        while max_articles is None or done < max_articles:
            with self._pending_lock:
                step = list(self._pending)[:SYNC_STEP]
            if not step:
                break
            self._apply(step)
            done += len(step)
        with self._pending_lock:
            if not self._pending:
                self._generation = self._seen
            return not self._pending

    def _collect_changes(self) -> None:
        # observed_generation: a read for SQLite; for PostgreSQL the NOTIFY-fed value, no I/O.
        if self.store.observed_generation() == self._seen:
            return
        with self._pending_lock:
            current, changed = self.store.changes_since(self._seen)
            for article_id in changed:
                self._pending.pop(article_id, None)
                self._pending[article_id] = None
            self._seen = current

    def _apply(self, article_ids: list[str]) -> None:
        """Re-index these articles from the store. The read happens under the engine lock, so
        writes are applied in the order they were read and the newest copy always wins."""
        with self._lock:
            with self._pending_lock:
                for article_id in article_ids:
                    self._pending.pop(article_id, None)
            for article_id in article_ids:
                article = self.store.get(article_id)
                self.quotes.discard(article_id)
                if article is None:
                    self.matcher.remove(article_id)
                else:
                    self.matcher.add(article)

    def start_refresher(self) -> None:
        """Keep this process's index fresh from a background thread (once per process).

        Threads do not survive fork, so each gunicorn worker starts its own on its first request;
        from then on writes from other processes are applied within about `REFRESH_SECONDS` plus
        the steps they take, whether or not requests arrive.
        """
        pid = os.getpid()
        if self._refresher_pid == pid:
            return
        self._refresher_pid = pid
        threading.Thread(target=self._refresh_forever, name="verbatim-refresh", daemon=True).start()

    def _refresh_forever(self) -> None:
        while True:
            # Returns early when the store is told of a write (PostgreSQL NOTIFY); SQLite sleeps.
            self.store.wait_for_change(self._seen, REFRESH_SECONDS)
            try:
                self.sync()
            except Exception:  # a store hiccup must not end freshness for good
                log.exception("background index refresh failed; retrying")

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
        self._apply([article.id])
        return self.quotes.get(article)

    def upsert_article(self, article: Article) -> tuple[bool, list[QuoteSpan]]:
        """Create or replace; True when created. Matched from now on."""
        created = self.store.upsert(article)
        self._apply([article.id])
        return created, self.quotes.get(article)

    def delete_article(self, article_id: str) -> bool:
        """Delete; False when there was no such article. Never matched again."""
        deleted = self.store.delete(article_id)
        if deleted:
            self._apply([article_id])
        return deleted

    def extract(self, text: str, title: str | None = None) -> list[QuoteSpan]:
        return extract_quotes(text, title)

    def check(self, draft: str, limit: int = 3) -> DraftCheck:
        """Every quotation of a draft verified with the speaker the draft attributes it to."""
        return check_draft(draft, self.verify, limit)

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
