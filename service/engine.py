"""The Verbatim engine: the store, the match index and attribution, kept in step.

This is the one object the HTTP layer talks to. It never imports Flask, so the benchmarks and the
command line use exactly the code the service runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

from service import deadline
from service.admission import StoredArticleTooSlow, quotes_before_write, quotes_for_read
from service.attribution import extract_quotes
from service.attribution.name_parsing import same_person
from service.corpus.paragraphs import paragraph_around
from service.corpus.store import Store
from service.drafts import check_draft
from service.index_snapshot import (
    Snapshot,
    load_snapshot,
    load_snapshot_copies,
    save_snapshot,
    saved_generation,
)
from service.matching.matcher import Matcher
from service.models import (
    Article,
    ClaimedSpeaker,
    DraftCheck,
    EarliestCopy,
    MatchReport,
    QuoteKind,
    QuoteSpan,
    SpanMatch,
    SpeakerAttribution,
    VerifyResult,
)
from service.os_threads import start_os_thread
from service.snapshot_builder import SnapshotBuilder

# Articles re-indexed per step of a process without a background refresher (`sync`): a step
# holds the engine lock, so this bounds how long a query there waits behind a bulk import.
SYNC_STEP = 16
# Articles the background refresher re-indexes before it publishes the result (about a
# millisecond each, twice: once per copy of the index). It never blocks a query, so this only
# sets how often a large import becomes visible, piece by piece.
REFRESH_STEP = 256
# How often the background refresher asks the store for writes made by other processes (a read
# for SQLite; PostgreSQL's NOTIFY-fed value costs nothing), and how often it checks for a write
# made through this process.
REFRESH_SECONDS = 0.05
URGENT_POLL_SECONDS = 0.002
# A write through this process waits up to this long for its own index to match it, so the
# writer's next request finds it; past it the answer is sent and the write shows up soon after.
WRITE_VISIBLE_SECONDS = 5.0
# A query that knows of a newer store generation than its process serves waits up to this long
# for it, but only while the refresher has at most `FRESH_WAIT_BACKLOG` articles to apply (a
# write or two from another worker); behind a bulk import it answers from the published copy.
FRESH_WAIT_SECONDS = 1.0
FRESH_WAIT_BACKLOG = SYNC_STEP
# A refresher with more writes than this to apply hands them to the data directory's snapshot
# builder (`service.snapshot_builder`: indexed once, for every process) and opens the snapshot
# it saves, instead of indexing them in each of its two copies.
BULK_BACKLOG = 4 * REFRESH_STEP
# A process starting behind such a backlog waits this long at most for the builder's snapshot
# (it is not ready meanwhile; replaying the backlog itself would take longer).
BULK_START_WAIT_SECONDS = 120.0
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
    whose offsets belong to a different text. A stored article too slow to attribute under the
    budget (`StoredArticleTooSlow`) is remembered too, so each later read under the same or a
    smaller budget is refused at once instead of spending a whole budget again.
    """

    def __init__(self, capacity: int = QUOTE_CACHE_SIZE) -> None:
        self._items: OrderedDict[str, tuple[str, list[QuoteSpan] | StoredArticleTooSlow]] = (
            OrderedDict()
        )
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, article: Article) -> list[QuoteSpan]:
        with self._lock:
            entry = self._items.get(article.id)
            if entry is not None and entry[0] == article.text:
                self._items.move_to_end(article.id)
                known = entry[1]
                if not isinstance(known, StoredArticleTooSlow):
                    return known
                budget = deadline.allowed()
                if budget is not None and budget <= known.seconds:
                    raise StoredArticleTooSlow(article.id, budget)
        try:
            quotes = quotes_for_read(article)
        except StoredArticleTooSlow as exc:
            self.put(article, exc)
            raise
        self.put(article, quotes)
        return quotes

    def put(self, article: Article, quotes: list[QuoteSpan] | StoredArticleTooSlow) -> None:
        """Remember `quotes` as those of `article`'s current text."""
        with self._lock:
            self._items[article.id] = (article.text, quotes)
            self._items.move_to_end(article.id)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

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


class _Index:
    """One copy of the match index and the store generation it matches.

    `readers` holds a token per query reading it: the background refresher changes a copy only
    once it is no longer published and its last reader has left (set.add/discard are atomic, so
    no lock is shared between queries and the refresher)."""

    __slots__ = ("generation", "matcher", "readers")

    def __init__(self, matcher: Matcher, generation: int) -> None:
        self.matcher = matcher
        self.generation = generation
        self.readers: set[object] = set()


class Verbatim:
    """Store + index + attribution, refreshed from the store's generation counter.

    A process that serves keeps two copies of the index. Queries read the published one; the
    background refresher (`start_refresher`) applies writes to the other in steps of
    `REFRESH_STEP` articles, publishes it with one attribute assignment, waits for the last
    query still reading the old copy, and brings that one up to date for the next step. No
    request ever waits for index work, and a write is matched by every worker within
    `REFRESH_SECONDS` plus the steps queued before it. A process without a refresher (the
    command line, benchmarks) applies writes in place under a lock (`sync`).
    """

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
        self._lock = threading.RLock()  # in-place changes and queries, without a refresher
        self._pending: dict[str, None] = {}  # ids written since `_seen`, in write order
        self._pending_lock = threading.Lock()
        self._refresher_pid: int | None = None
        self._urgent: list[tuple[str, list[bool]]] = []  # this process's writes, to apply first
        self._behind: list[str] = []  # ids the published copy has and the spare one lacks
        self._nudged = False  # a query asks the refresher to look at the store now
        self._backlog = 0  # articles the refresher is applying or has pending (0 when idle)
        # Ids this process indexed itself while not caught up: reapplied over a snapshot it opens
        # that may predate them (see `_take_saved_snapshot`).
        self._local_writes: set[str] = set()
        self.snapshots_opened = 0  # saved snapshots the refresher took in place of a backlog
        self._stopping = threading.Event()  # `stop()`: the background thread is to end
        self._background_done = threading.Event()  # ... and has ended
        self.quotes = QuoteCache()
        self._snapshot = snapshot
        self._builder = (
            SnapshotBuilder(store, snapshot, self._reindex, self._stopping, REFRESH_STEP)
            if snapshot is not None
            else None
        )
        self.ready = not background
        self.index_error: str | None = None
        self.indexed = 0  # articles indexed so far while building (readiness progress)
        self.index_replayed = 0  # writes re-indexed over the opened snapshot at start
        self.to_index = 0
        if background:
            self._served = _Index(Matcher(), 0)
            self._seen = 0
            self.index_source = "pending"
            self.index_build_seconds = 0.0
            return
        self._index(snapshot)

    @property
    def matcher(self) -> Matcher:
        """The published index (benchmarks and tests inspect it)."""
        return self._served.matcher

    def _index(self, snapshot: Path | None) -> None:
        store = self.store
        started = time.perf_counter()
        replayed = self._open_snapshot(snapshot) if snapshot is not None else None
        if replayed is None:
            generation = store.generation()  # every write up to this one is indexed
            self._seen = generation  # every write up to this one is indexed or pending
            self.to_index = store.count()
            self._served = _Index(Matcher(self._counted(store.iter_all())), generation)
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
        start_os_thread(lambda: self._in_background(self._index_then_refresh), "verbatim-index")

    def _in_background(self, work: Callable[[], None]) -> None:
        self._background_done.clear()
        try:
            work()
        finally:
            self._background_done.set()

    def stop(self, timeout: float = 5.0) -> bool:
        """End this process's background indexing and refresh thread, waiting up to `timeout`
        seconds for it; True once it has ended (or none ran). For a process about to take the
        store away under the engine (tests, a shutdown), so the thread never reports the store
        it polls as broken. The engine still answers queries from the index it has."""
        self._stopping.set()
        if self._refresher_pid != os.getpid():
            return True
        return self._background_done.wait(timeout)

    def _index_then_refresh(self) -> None:
        while not self._stopping.is_set():
            try:
                if self._snapshot is None:
                    self._index(None)
                else:
                    lock_path = self._snapshot.with_name(self._snapshot.name + ".lock")
                    with lock_path.open("a") as lock:
                        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
                        self._index(self._snapshot)
                break
            except Exception as exc:  # e.g. the store is unreachable: say so in /readyz, retry
                log.exception("building the index failed; retrying in %s s", REFRESH_SECONDS)
                self.index_error = f"{type(exc).__name__}: {exc}"
                self._stopping.wait(max(REFRESH_SECONDS, 0.5))
        if self._stopping.is_set():
            return
        self.index_error = None
        self.ready = True
        log.info(
            "index ready: %d articles (%s, %.1f s)",
            len(self.matcher),
            self.index_source,
            self.index_build_seconds,
        )
        self._refresh_forever()

    def wait_opened(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for this process's index while a saved snapshot is there
        for it (it is opening it, or will once another process has finished saving it, or
        rebuilds it when it does not fit the store); True once the index is ready. With none
        saved yet the build from the store is not waited for: it takes minutes, and the caller
        answers 503 with progress instead."""
        if self.ready or self._snapshot is None or saved_generation(self._snapshot) is None:
            return self.ready
        return self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the index; True when it is ready."""
        deadline = time.monotonic() + timeout
        while not self.ready and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.ready

    def wait_current(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds until this process matches every write the store held
        when called; True when it does."""
        target = self.store.generation()
        deadline = time.monotonic() + timeout
        while self.generation < target and time.monotonic() < deadline:
            time.sleep(URGENT_POLL_SECONDS)
        return self.generation >= target

    def _open_snapshot(self, snapshot: Path) -> int | None:
        """Take the index from `snapshot` and catch up with the store; the number of articles
        re-indexed to catch up, or None when the snapshot is not usable for this store."""
        loaded = load_snapshot(snapshot)
        if loaded is None or loaded.generation > self.store.generation():
            return None
        self._served = _Index(loaded.matcher, loaded.generation)
        self._pending_since(loaded.generation)
        newer = self._built_for_start(loaded.generation)
        if newer is not None:
            self._served = _Index(newer.matcher, newer.generation)
            self._pending_since(newer.generation)
        replayed = self.index_replayed = self.pending
        self._catch_up()
        if len(self.matcher) != self.store.count():  # another store under the same generation
            log.warning("index snapshot %s does not fit the store; rebuilding", snapshot)
            return None
        self.index_source = "snapshot"
        return replayed

    def _built_for_start(self, generation: int) -> Snapshot | None:
        """A process starting to serve behind a bulk backlog (a worker recycled during an
        import) waits, up to `BULK_START_WAIT_SECONDS`, for the snapshot builder to save a
        snapshot newer than `generation`, instead of replaying the backlog itself; None when
        there is no backlog, no builder, or nothing newer in time."""
        if self._builder is None or not self._refreshed_here():
            return None
        deadline = time.monotonic() + BULK_START_WAIT_SECONDS
        snapshot = self._builder.path
        while self.pending > BULK_BACKLOG and self._builder.claim():
            saved = saved_generation(snapshot)
            if saved is not None and saved > generation:
                loaded = load_snapshot(snapshot)
                if loaded is not None and loaded.generation > generation:
                    return loaded
            if time.monotonic() > deadline or self._stopping.is_set():
                return None
            time.sleep(REFRESH_SECONDS)
        return None

    def _save_snapshot(self, snapshot: Path) -> None:
        try:
            save_snapshot(snapshot, self.matcher, self.generation)
        except OSError as exc:  # a read-only or full data directory: serve without one
            log.warning("index snapshot %s not saved: %s", snapshot, exc)

    @property
    def snapshots_built(self) -> int:
        """Snapshot rounds this process's builder saved for every process (see `BULK_BACKLOG`)."""
        return 0 if self._builder is None else self._builder.rounds

    @property
    def generation(self) -> int:
        """The store generation this process serves: every write up to it is matched."""
        return self._served.generation

    @property
    def pending(self) -> int:
        """Writes seen in the store and not yet applied to this process's index."""
        return len(self._pending)

    def __len__(self) -> int:
        return len(self.matcher)

    def _refreshed_here(self) -> bool:
        """Whether this process's background refresher owns the index (see the class doc); once
        stopped, writes and queries go back to working in place, as without one."""
        return self._refresher_pid == os.getpid() and not self._stopping.is_set()

    def await_fresh(self) -> None:
        """Before a query in a refreshed process: if the store has writes this process does not
        match yet and they are few, wait (at most `FRESH_WAIT_SECONDS`) for the refresher to
        apply them, so a write in another worker is matched by this one's next request."""
        if not self._refreshed_here():
            return
        known = self.store.observed_generation()
        if self.generation >= known:
            return
        self._nudged = True
        deadline = time.monotonic() + FRESH_WAIT_SECONDS
        while self.generation < known and time.monotonic() < deadline:
            if self._backlog > FRESH_WAIT_BACKLOG:
                return
            time.sleep(URGENT_POLL_SECONDS)

    def sync(self, max_articles: int | None = None) -> bool:
        """Apply writes made by any process since we last looked; True when none is left.

        Only for a process without a background refresher (which does this itself, off the
        request path): changed articles are re-indexed in place in steps of `SYNC_STEP`, each
        under the engine lock; `max_articles` bounds the work of this call.
        """
        if not self.ready or self._refreshed_here():
            return not self._pending
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
                self._served.generation = self._seen
            return not self._pending

    def _pending_since(self, generation: int) -> None:
        """Start over from an index that matches every write up to `generation`: pending is
        what the store changed after it."""
        with self._pending_lock:
            self._pending.clear()
            self._seen = generation
        self._collect_changes()

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
        """Re-index these articles in place from the store (no refresher: see `sync`). The read
        happens under the engine lock, so the newest copy always wins."""
        with self._lock:
            with self._pending_lock:
                for article_id in article_ids:
                    self._pending.pop(article_id, None)
            self._reindex(self._served.matcher, article_ids)

    def _reindex(self, matcher: Matcher, article_ids: Iterable[str]) -> None:
        """Re-index these articles from the store, in this order (runs of stored articles go
        through `Matcher.add_many`, which equals one `add` each)."""
        run: list[Article] = []
        for article_id in article_ids:
            article = self.store.get(article_id)
            if article is not None:
                run.append(article)
                continue
            matcher.add_many(run)
            run = []
            matcher.remove(article_id)
        matcher.add_many(run)

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
        start_os_thread(lambda: self._in_background(self._refresh_forever), "verbatim-refresh")

    def _refresh_forever(self) -> None:
        spare = None  # made now, or behind a bulk backlog taken from the snapshot it ends with
        while spare is None and not self._stopping.is_set():
            try:
                self._collect_changes()
                if self._bulk_handed_over():
                    break
                spare = self._second_copy()
            except Exception:  # a store hiccup: queries go on with the published copy
                log.exception("copying the index for the refresher failed; retrying")
                self._stopping.wait(max(REFRESH_SECONDS, 0.5))
        while not self._stopping.is_set():
            try:
                if self._wait_for_work():
                    spare = self._refresh_step(spare)
            except Exception:  # a store hiccup must not end freshness for good
                log.exception("background index refresh failed; retrying")
                self._stopping.wait(max(REFRESH_SECONDS, 0.5))

    def _second_copy(self) -> _Index:
        """The refresher's private copy of the index: the snapshot opened again (its arrays are
        mapped, shared with the published copy's pages) or, without one, built from the store;
        either way brought to at least what the published copy matches."""
        served = self._served
        loaded = load_snapshot(self._snapshot) if self._snapshot is not None else None
        if loaded is not None and loaded.generation <= self.store.generation():
            matcher, since = loaded.matcher, loaded.generation
        else:
            since = self.store.generation()
            matcher = Matcher(self.store.iter_all())
        _, changed = self.store.changes_since(since)
        self._reindex(matcher, changed)
        matcher.settle()
        return _Index(matcher, served.generation)

    def _wait_for_work(self) -> bool:
        """Return True once there is something to apply: a write through this process, articles
        still pending, or a store generation not seen yet (checked every `REFRESH_SECONDS`);
        False when `stop()` was called."""
        next_look = 0.0
        self._backlog = 0
        while not self._urgent and not self._pending:
            if self._stopping.is_set():
                return False
            now = time.monotonic()
            if now >= next_look or self._nudged:
                self._nudged = False
                if self.store.observed_generation() != self._seen:
                    return True
                next_look = now + REFRESH_SECONDS
            time.sleep(URGENT_POLL_SECONDS)
        return True

    def _refresh_step(self, spare: _Index | None) -> _Index | None:
        """Apply one step to `spare`, publish it, and return the copy it replaced (once no query
        reads it any more) as the next spare. Behind a bulk backlog, the step is this process's
        own writes only, and a snapshot the builder saved is opened in place of both copies
        (with no spare yet, this process's writes wait for that snapshot)."""
        self._collect_changes()
        bulk = self._bulk_handed_over()
        if bulk:
            self._backlog = len(self._pending) + len(self._urgent)
            taken = self._take_saved_snapshot()
            if taken is not None:
                return taken
            if not self._urgent or spare is None:
                time.sleep(REFRESH_SECONDS)
                return spare
        if spare is None:
            spare = self._second_copy()
        urgent = []
        while self._urgent:
            urgent.append(self._urgent.pop(0))
        step = list(dict.fromkeys([article_id for article_id, _ in urgent]))
        self._backlog = len(self._pending) + len(self._urgent)
        for article_id in [] if bulk else list(self._pending)[:REFRESH_STEP]:
            if article_id not in step:
                step.append(article_id)
        try:
            self._reindex(spare.matcher, list(dict.fromkeys(self._behind + step)))
            spare.matcher.settle()
        except BaseException:
            self._urgent[:0] = urgent  # (tried again in the next step)
            raise
        with self._pending_lock:
            for article_id in step:
                self._pending.pop(article_id, None)
            caught_up = not self._pending
            seen = self._seen
            if caught_up:
                self._local_writes.clear()
            else:
                self._local_writes.update(step)
        spare.generation = seen if caught_up else max(spare.generation, self.generation)
        old, self._served = self._served, spare
        for _, done in urgent:
            done.append(True)
        self._behind = step
        while old.readers:  # queries that took the old copy just before the swap
            time.sleep(URGENT_POLL_SECONDS)
        return old

    def _bulk_handed_over(self) -> bool:
        """Whether the pending writes are many and a snapshot build (here or in another
        process sharing the data directory) is indexing them."""
        if self._builder is None or len(self._pending) <= BULK_BACKLOG:
            return False
        return self._builder.claim()

    def _take_saved_snapshot(self) -> _Index | None:
        """When the saved snapshot is newer than what this process serves, open it twice (the
        copy to publish and the next spare, both mapped from the file), reapply the writes it
        may lack that this process already matched (or the whole tail when that is small),
        publish it, and return the spare; None when there is nothing newer."""
        assert self._snapshot is not None
        saved = saved_generation(self._snapshot)
        if saved is None or saved <= self._served.generation:
            return None
        started = time.perf_counter()
        loaded = load_snapshot_copies(self._snapshot, 2)
        if loaded is None:
            return None
        first, second = loaded
        self._pending_since(first.generation)
        with self._pending_lock:
            tail = list(self._pending)
        again = tail if len(tail) <= BULK_BACKLOG else [i for i in tail if i in self._local_writes]
        for copy in (first, second):
            self._reindex(copy.matcher, again)
            copy.matcher.settle()
        with self._pending_lock:
            for article_id in again:
                self._pending.pop(article_id, None)
            caught_up = not self._pending
            generation = self._seen if caught_up else first.generation
            if caught_up:
                self._local_writes.clear()
        published = _Index(first.matcher, generation)
        old, self._served = self._served, published
        self._behind = []
        self._backlog = len(self._pending)
        self.snapshots_opened += 1
        log.info(
            "opened the index snapshot of generation %d (serving %d) in %.1f s",
            first.generation,
            generation,
            time.perf_counter() - started,
        )
        while old.readers:
            time.sleep(URGENT_POLL_SECONDS)
        return _Index(second.matcher, generation)

    def _reading(self) -> tuple[_Index, object]:
        """The published copy, registered as read until `readers.discard(token)`."""
        token = object()
        while True:
            index = self._served
            index.readers.add(token)
            if self._served is index:
                return index, token
            index.readers.discard(token)

    def _written(self, article_id: str) -> None:
        """Make this process match a write it just stored: in place without a refresher, else
        first in the refresher's next step, waiting up to `WRITE_VISIBLE_SECONDS` for it."""
        if not self._refreshed_here():
            self._apply([article_id])
            return
        done: list[bool] = []
        self._urgent.append((article_id, done))
        deadline = time.monotonic() + WRITE_VISIBLE_SECONDS
        while not done and time.monotonic() < deadline:
            time.sleep(URGENT_POLL_SECONDS)

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
        """Store a new article (ArticleExists if the id is taken) and match it from now on.
        Its quotes are extracted first, within the write share of the budget: an article too
        slow to attribute is refused before it is stored (`service.admission`)."""
        quotes = quotes_before_write(article)
        self.store.create(article)
        self.quotes.put(article, quotes)
        self._written(article.id)
        return quotes

    def upsert_article(self, article: Article) -> tuple[bool, list[QuoteSpan]]:
        """Create or replace; True when created. Matched from now on."""
        quotes = quotes_before_write(article)
        created = self.store.upsert(article)
        self.quotes.put(article, quotes)
        self._written(article.id)
        return created, quotes

    def delete_article(self, article_id: str) -> bool:
        """Delete; False when there was no such article. Never matched again."""
        deleted = self.store.delete(article_id)
        if deleted:
            self._written(article_id)
        return deleted

    def extract(self, text: str, title: str | None = None) -> list[QuoteSpan]:
        return extract_quotes(text, title)

    def check(self, draft: str, limit: int = 3) -> DraftCheck:
        """Every quotation of a draft verified with the speaker the draft attributes it to."""
        return check_draft(draft, self.verify, limit)

    def _report(
        self, found: SpanMatch, article: Article, earliest: Article | None = None
    ) -> MatchReport:
        """`found` described from `article`, the copy the matcher aligned it in (and `earliest`,
        the copy holding `found.earliest`)."""
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
            copies=found.copies,
            earliest=(
                EarliestCopy(earliest, found.earliest.start, found.earliest.end)
                if found.earliest is not None and earliest is not None
                else None
            ),
        )

    def verify(self, quote: str, speaker: str | None = None, limit: int = 3) -> VerifyResult:
        """The closest verbatim source of `quote`, who said it, and how sure we are."""
        deadline.check("alignment")
        index, token = self._reading()
        try:
            with self._lock if not self._refreshed_here() else contextlib.nullcontext():
                found = index.matcher.find(quote, limit)
                # The indexed copies the offsets refer to (this copy is not changed meanwhile).
                held = [
                    (
                        m,
                        index.matcher.article(m.article_id),
                        None
                        if m.earliest is None
                        else index.matcher.article(m.earliest.article_id),
                    )
                    for m in found
                ]
        finally:
            index.readers.discard(token)
        reports = [self._report(m, article, earliest) for m, article, earliest in held]
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
