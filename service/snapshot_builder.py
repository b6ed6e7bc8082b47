"""One process indexes a large backlog of writes for every process sharing a data directory.

A serving process keeps two copies of the index (see `engine.Verbatim`), so a write applied
by every refresher costs one indexing per copy per worker: an import of 20,000 articles into a
two-worker server was indexed four times over on a two-core machine and took minutes to be
found. When a process has more than a bulk backlog of writes to apply, it claims the data
directory's build lock instead: the holder opens the saved index snapshot, applies the writes
once, in rounds, and saves each round's result as the new snapshot; every process (the
holder's included) then opens that snapshot in place of its two copies, mapped from the same
file, so the import is indexed once in all and the workers share its pages again.

The lock is an flock, released by the kernel when its holder dies, so the next process with a
backlog takes over. A build that fails (no usable snapshot, a read-only or full data
directory) is not retried by that process for `RETRY_SECONDS`, and its refresher indexes the
backlog itself, as without a snapshot.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from service.corpus.store import Store
from service.index_snapshot import load_snapshot, save_snapshot
from service.matching.matcher import Matcher
from service.os_threads import start_os_thread

log = logging.getLogger(__name__)

# A failed build is not tried again by the same process for this long.
RETRY_SECONDS = 60.0
# Articles re-indexed between two looks at `stop` (a stopping engine ends its build soon).
CHUNK = 2048
# Before a round, the builder waits while writes are still arriving (an import commits in
# batches), up to this long: each round ends in a full save, so one round over the whole import
# is found sooner than several over its parts.
SETTLE_SECONDS = 0.3
SETTLE_LIMIT_SECONDS = 10.0


class SnapshotBuilder:
    """Claims the build lock of one snapshot file and, while holding it, brings the snapshot
    up to the store in a background thread of this process."""

    def __init__(
        self,
        store: Store,
        path: Path,
        reindex: Callable[[Matcher, list[str]], None],
        stop: threading.Event,
        small: int,
    ) -> None:
        """`reindex(matcher, ids)` re-indexes those articles from the store; a round that
        applied at most `small` writes is the last one (the tail is each process's own)."""
        self._store = store
        self.path = path
        self._lock_path = path.with_name(path.name + ".build.lock")
        self._reindex = reindex
        self._stop = stop
        self._small = small
        self._running = False
        self._failed_at: float | None = None
        self.rounds = 0  # snapshots saved by this process's builds (reported in /metrics)

    def claim(self) -> bool:
        """True while a build of this snapshot runs here or in another process, starting one
        here when none does; False when building here failed lately (the caller then indexes
        the backlog itself)."""
        if self._running:
            return True
        if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_SECONDS:
            return False
        try:
            lock = self._lock_path.open("a")
        except OSError as exc:
            log.warning("index build lock %s not usable: %s", self._lock_path, exc)
            self._failed_at = time.monotonic()
            return False
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return True  # another process is building
        self._running = True
        start_os_thread(lambda: self._build(lock), "verbatim-snapshot-build")
        return True

    def _build(self, lock: IO[str]) -> None:
        try:
            with lock:  # closing the file releases the lock
                self._rounds()
        except Exception:
            log.exception("building the index snapshot %s failed; each process indexes", self.path)
            self._failed_at = time.monotonic()
        finally:
            self._running = False

    def _rounds(self) -> None:
        loaded = load_snapshot(self.path)
        if loaded is None or loaded.generation > self._store.generation():
            raise RuntimeError("no snapshot of this store to build on")
        matcher, generation = loaded.matcher, loaded.generation
        while not self._stop.is_set():
            self._wait_for_quiet()
            current, changed = self._store.changes_since(generation)
            if not changed:
                return
            started = time.perf_counter()
            for at in range(0, len(changed), CHUNK):
                if self._stop.is_set():
                    return
                self._reindex(matcher, changed[at : at + CHUNK])
            save_snapshot(self.path, matcher, current)
            self.rounds += 1
            log.info(
                "index snapshot brought to generation %d: %d articles re-indexed in %.1f s",
                current,
                len(changed),
                time.perf_counter() - started,
            )
            generation = current
            if len(changed) <= self._small:
                return

    def _wait_for_quiet(self) -> None:
        """Return once the store's generation has not moved for `SETTLE_SECONDS`, or after
        `SETTLE_LIMIT_SECONDS` of a steady stream of writes."""
        limit = time.monotonic() + SETTLE_LIMIT_SECONDS
        last = self._store.observed_generation()
        # Sleep, not `stop.wait`: under gevent an Event belongs to the first OS thread that
        # waits on it, and the engine's refresher thread waits on this one.
        while time.monotonic() < limit and not self._stop.is_set():
            time.sleep(SETTLE_SECONDS)
            now = self._store.observed_generation()
            if now == last:
                return
            last = now
