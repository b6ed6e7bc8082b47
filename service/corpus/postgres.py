"""The article store on PostgreSQL: the same methods as the SQLite store, shared by any number of
replicas on any number of machines (`VERBATIM_DATABASE_URL`).

Design (docs/scaling.md, step 1):
- Same tables as SQLite, created by the same versioned migrations (`migrations.py`), applied at
  start under an advisory lock so replicas starting together migrate once.
- The generation must follow *commit order*, or a reader could see generation 11 committed before
  10 and skip 10 forever. So no sequence: the last statement of every write transaction that
  changed something is `UPDATE meta SET value = value + 1 ... RETURNING value`. The row lock
  serialises the bumps, and a transaction that bumps later commits later.
- Writers `NOTIFY verbatim_changes, '<generation>'` inside the write transaction, so the message
  leaves only when the write commits. Each process has one listening connection
  (`_ChangeListener`) that keeps `observed_generation()` current without a round trip per request,
  and reads the real generation every `POLL_SECONDS` and on every reconnect: the counter, not the
  notification, is the source of truth, so a lost message or a replica that was down still
  converges. While the listener is not connected, `observed_generation()` reads the database.
- Connections come from a psycopg_pool pool per process (gunicorn forks after preloading the app:
  the pool is closed before a fork and reopened lazily in each process).
- Any connection-level failure surfaces as `StoreUnavailable` (503 in the API), quickly: while the
  database is known to be down, waiting for a connection is cut to `DOWN_TIMEOUT`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from service.corpus.migrations import MIGRATIONS, VERSION_TABLE, Migration, pending, statements
from service.corpus.store import (
    _ARTICLE_COLUMNS,
    DEFAULT_BATCH_SIZE,
    ArticleExists,
    BulkResult,
    StoreFull,
    StoreOpenError,
    StoreStatus,
    StoreUnavailable,
    article_digest,
    full_message,
)
from service.models import Article

log = logging.getLogger(__name__)

CHANNEL = "verbatim_changes"
# The listener reads the real generation this often even when no notification came: the bound on
# how late a replica learns of a write whose notification was lost.
POLL_SECONDS = 1.0
# Waiting for a pooled connection when the database looks healthy, and when it is known to be
# down (a request then gets its 503 at once instead of queueing behind the outage).
POOL_TIMEOUT = 3.0
DOWN_TIMEOUT = 0.25
CONNECT_TIMEOUT = 3  # seconds; libpq's connect_timeout
# A statement (or lock wait) running longer than this is a wedged database, not a slow one.
STATEMENT_TIMEOUT_MS = 30_000
DEFAULT_POOL_SIZE = 4
# psycopg_pool stops re-opening connections after reconnect_timeout (0 would mean at once).
RECONNECT_FOREVER = 365 * 24 * 3600.0
# One number for the migration lock (pg_advisory_xact_lock): 'verbatim' in ASCII.
MIGRATION_LOCK = 0x7665726261746D

_COLUMNS = ", ".join(_ARTICLE_COLUMNS)
_UPSERT = (
    f"INSERT INTO articles ({_COLUMNS}, digest, created_at, updated_at) "
    f"VALUES ({', '.join(['%s'] * (len(_ARTICLE_COLUMNS) + 3))}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _ARTICLE_COLUMNS[1:])
    + ", digest = excluded.digest, updated_at = excluded.updated_at "
    "WHERE articles.digest <> excluded.digest "
    # xmax is 0 only on a freshly inserted row: tells 'added' from 'updated' in one statement.
    "RETURNING (xmax = 0)"
)
_INSERT = (
    f"INSERT INTO articles ({_COLUMNS}, digest, created_at, updated_at) "
    f"VALUES ({', '.join(['%s'] * (len(_ARTICLE_COLUMNS) + 3))}) "
    "ON CONFLICT (id) DO NOTHING"
)

T = TypeVar("T")

# Stores whose pools must be closed before this process forks (gunicorn preload_app).
_OPEN_STORES: weakref.WeakSet[PostgresArticleStore] = weakref.WeakSet()


def _close_pools_before_fork() -> None:
    for store in list(_OPEN_STORES):
        store._close_pool_for_fork()


os.register_at_fork(before=_close_pools_before_fork)


def redact(url: str) -> str:
    """The URL without its password, for logs and messages."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unparseable URL)"
    host, port, db = params.get("host", ""), params.get("port", ""), params.get("dbname", "")
    user = params.get("user")
    return f"postgresql://{user + '@' if user else ''}{host}{':' + port if port else ''}/{db}"


def _row_article(row: Sequence[Any]) -> Article:
    return Article(*row)


class PostgresArticleStore:
    """Articles in a PostgreSQL database, safe to share between threads, processes and hosts."""

    backend = "postgresql"

    def __init__(
        self,
        url: str,
        *,
        pool_size: int | None = None,
        wait_seconds: float = 0.0,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> None:
        """Connect and migrate; retry for up to `wait_seconds` while the database is starting
        (several replicas and the database are often started together)."""
        self.url = url
        self._conninfo = make_conninfo(url, connect_timeout=CONNECT_TIMEOUT)
        self.pool_size = pool_size or int(
            os.environ.get("VERBATIM_DATABASE_POOL_SIZE") or DEFAULT_POOL_SIZE
        )
        self._pool: ConnectionPool | None = None
        self._pool_pid: int | None = None
        self._pool_lock = threading.Lock()
        self._down = False  # the last attempt to reach the database failed
        self._listener: _ChangeListener | None = None
        self._listener_lock = threading.Lock()
        _OPEN_STORES.add(self)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                self._migrate(migrations)
                break
            except StoreUnavailable as exc:
                if time.monotonic() >= deadline:
                    raise
                log.warning("waiting for the database at %s: %s", self.location, exc)
                time.sleep(0.5)

    @property
    def location(self) -> str:
        """Where the articles are, without the password."""
        return redact(self.url)

    # -- connections --------------------------------------------------------------------------

    def _configure(self, conn: psycopg.Connection) -> None:
        conn.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
        conn.execute(f"SET lock_timeout = {STATEMENT_TIMEOUT_MS}")

    def _get_pool(self) -> ConnectionPool:
        pid = os.getpid()
        with self._pool_lock:
            if self._pool is None or self._pool_pid != pid:
                # A pool inherited through fork was closed in the parent before the fork
                # (_close_pools_before_fork); this process opens its own.
                self._pool = ConnectionPool(
                    self._conninfo,
                    min_size=1,
                    max_size=self.pool_size,
                    kwargs={"autocommit": True},
                    configure=self._configure,
                    check=ConnectionPool.check_connection,
                    timeout=POOL_TIMEOUT,
                    reconnect_timeout=RECONNECT_FOREVER,  # outages end: never give up
                    name=f"verbatim-{pid}",
                    open=True,
                )
                self._pool_pid = pid
            return self._pool

    def _close_pool_for_fork(self) -> None:
        if self._pool is not None and self._pool_pid == os.getpid():
            self._pool.close(timeout=1.0)
            self._pool = None
            self._pool_pid = None

    def close(self) -> None:
        """Close this process's pool and listener."""
        with self._listener_lock:
            if self._listener is not None:
                self._listener.stop()
                self._listener = None
        if self._pool is not None and self._pool_pid == os.getpid():
            self._pool.close()
        self._pool = None

    def _set_down(self, down: bool) -> None:
        self._down = down

    def _run(self, work: Callable[[psycopg.Connection], T]) -> T:
        """Run `work` on a pooled connection; connection failures become StoreUnavailable."""
        try:
            pool = self._get_pool()
            with pool.connection(timeout=DOWN_TIMEOUT if self._down else POOL_TIMEOUT) as conn:
                result = work(conn)
        except psycopg.errors.DiskFull as exc:
            # (Rolled back whole by the server: the database is up and what it held is intact.)
            raise StoreFull(full_message(self.location)) from exc
        except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout) as exc:
            if isinstance(exc, psycopg.errors.QueryCanceled | psycopg.errors.LockNotAvailable):
                raise  # a timeout of ours, not an outage: a 500 with a traceback, not a 503
            self._down = True
            raise StoreUnavailable(f"PostgreSQL at {self.location} is unavailable: {exc}") from exc
        self._down = False
        return result

    @contextmanager
    def _transaction(self, conn: psycopg.Connection) -> Iterator[psycopg.Cursor]:
        with conn.transaction(), conn.cursor() as cur:
            yield cur

    # -- schema -------------------------------------------------------------------------------

    def _migrate(self, migrations: Sequence[Migration]) -> None:
        """Over a connection of its own, not the pool: a wrong URL, password or database name
        fails at once with the server's own message instead of a pool timeout."""
        try:
            with psycopg.connect(self._conninfo, autocommit=True) as conn:
                self._configure(conn)
                self._migrate_on(conn, migrations)
        except psycopg.errors.DiskFull as exc:
            raise StoreOpenError(
                f"the store {self.location} cannot be opened: its disk is full ({exc})"
            ) from exc
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise StoreUnavailable(f"PostgreSQL at {self.location} is unavailable: {exc}") from exc

    def _migrate_on(self, conn: psycopg.Connection, migrations: Sequence[Migration]) -> None:
        with self._transaction(conn) as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            cur.execute(VERSION_TABLE)
            cur.execute("SELECT MAX(version) FROM schema_migrations")
            current = cur.fetchone()[0] or 0
            for migration in pending(current, migrations):
                for statement in statements(migration.postgres):
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                    (migration.version, migration.name, datetime.now(UTC).isoformat()),
                )
                log.info("applied schema migration %d: %s", migration.version, migration.name)

    def schema_version(self) -> int:
        """The newest migration applied to this database."""
        return self._run(
            lambda conn: int(
                conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] or 0
            )
        )

    def status(self) -> StoreStatus:
        """Reachable and at which schema version; never raises (it answers /readyz)."""
        try:
            return StoreStatus(self.backend, True, self.schema_version())
        except (StoreUnavailable, psycopg.Error) as exc:
            return StoreStatus(self.backend, False, None, str(exc).splitlines()[0])

    # -- reads --------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """True only for a store that has never held an article (see the SQLite store)."""
        return self._run(lambda c: c.execute("SELECT 1 FROM changes LIMIT 1").fetchone() is None)

    def generation(self) -> int:
        """The store's version, read from the database: the source of truth."""
        return self._run(_read_generation)

    def observed_generation(self) -> int:
        """The newest generation this process knows of, without a round trip while the change
        listener is connected (it learns of every commit by NOTIFY, and polls as a fallback)."""
        listener = self._ensure_listener()
        known = listener.generation if listener is not None else None
        return known if known is not None else self.generation()

    def wait_for_change(self, known: int, timeout: float) -> None:
        """Block up to `timeout` s until the listener sees a generation other than `known`."""
        listener = self._ensure_listener()
        if listener is None:
            time.sleep(timeout)
        else:
            listener.wait(known, timeout)

    def _ensure_listener(self) -> _ChangeListener | None:
        with self._listener_lock:
            listener = self._listener
            if listener is None or listener.pid != os.getpid():
                # Threads do not survive fork: each process listens for itself.
                listener = self._listener = _ChangeListener(self._conninfo, self._set_down)
            return listener

    def get(self, article_id: str) -> Article | None:
        row = self._run(
            lambda c: c.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE id = %s", (article_id,)
            ).fetchone()
        )
        return _row_article(row) if row else None

    def list(self, offset: int = 0, limit: int = 50) -> tuple[list[Article], int]:
        """One page ordered by id and the total, from one statement (so one snapshot)."""
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must be non-negative")
        rows = self._run(
            lambda c: c.execute(
                f"SELECT total.n, {', '.join('page.' + col for col in _ARTICLE_COLUMNS)} "
                "FROM (SELECT COUNT(*) AS n FROM articles) AS total LEFT JOIN LATERAL "
                f"(SELECT {_COLUMNS} FROM articles ORDER BY id LIMIT %s OFFSET %s) AS page "
                "ON true ORDER BY page.id",
                (limit, offset),
            ).fetchall()
        )
        total = int(rows[0][0]) if rows else 0
        return [_row_article(row[1:]) for row in rows if row[1] is not None], total

    def count(self) -> int:
        return self._run(lambda c: int(c.execute("SELECT COUNT(*) FROM articles").fetchone()[0]))

    def iter_all(self) -> Iterator[Article]:
        """Every article ordered by id, in pages, with no transaction held between pages."""
        last_id = ""
        query = f"SELECT {_COLUMNS} FROM articles WHERE id > %s ORDER BY id LIMIT 500"
        while True:
            rows = self._run(lambda c, after=last_id: c.execute(query, (after,)).fetchall())
            if not rows:
                return
            for row in rows:
                yield _row_article(row)
            last_id = rows[-1][0]

    def changes_since(self, generation: int) -> tuple[int, list[str]]:
        """(current generation, ids changed after `generation`), from one snapshot; a caller
        ahead of the store (restored from a backup) gets every id: a full resynchronisation."""
        rows = self._run(
            lambda c: c.execute(
                "SELECT meta.value, changes.article_id FROM meta LEFT JOIN changes "
                "ON changes.generation > (CASE WHEN %s <= meta.value THEN %s ELSE -1 END) "
                "WHERE meta.key = 'generation' ORDER BY changes.generation, changes.article_id",
                (generation, generation),
            ).fetchall()
        )
        current = int(rows[0][0])
        return current, [row[1] for row in rows if row[1] is not None]

    # -- writes -------------------------------------------------------------------------------

    def _write(self, body: Callable[[psycopg.Cursor], tuple[T, list[str]]]) -> T:
        """One transaction: `body` writes and names the ids it changed; the generation is bumped
        and the change log and NOTIFY written in the same transaction, only if it changed any."""

        def work(conn: psycopg.Connection) -> T:
            with self._transaction(conn) as cur:
                result, changed = body(cur)
                if changed:
                    cur.execute(
                        "UPDATE meta SET value = value + 1 WHERE key = 'generation' RETURNING value"
                    )
                    generation = cur.fetchone()[0]
                    cur.execute(
                        "INSERT INTO changes (article_id, generation) "
                        "SELECT unnest(%s::text[]), %s "
                        "ON CONFLICT (article_id) DO UPDATE SET generation = excluded.generation",
                        (list(dict.fromkeys(changed)), generation),
                    )
                    cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(generation)))
            return result

        return self._run(work)

    def create(self, article: Article) -> Article:
        """Store a new article; raises ArticleExists (and changes nothing) if the id is taken.
        Two replicas creating one id at once: one wins, the other waits for it and gets 409."""

        def body(cur: psycopg.Cursor) -> tuple[bool, list[str]]:
            now = time.time()
            cur.execute(_INSERT, (*_values(article), article_digest(article), now, now))
            inserted = cur.rowcount == 1
            return inserted, [article.id] if inserted else []

        if not self._write(body):
            raise ArticleExists(article.id)
        return article

    def upsert(self, article: Article) -> bool:
        """Create or replace; True if created. Concurrent replaces: the last to commit wins."""
        return self._write(lambda cur: _put_many(cur, [article]))[0] == "added"

    def delete(self, article_id: str) -> bool:
        def body(cur: psycopg.Cursor) -> tuple[bool, list[str]]:
            cur.execute("DELETE FROM articles WHERE id = %s", (article_id,))
            deleted = cur.rowcount > 0
            return deleted, [article_id] if deleted else []

        return self._write(body)

    def bulk_upsert(
        self, articles: Iterable[Article], batch_size: int = DEFAULT_BATCH_SIZE
    ) -> BulkResult:
        """Create or replace many articles, one transaction per `batch_size` (see SQLite)."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        result = BulkResult()
        iterator = iter(articles)
        while batch := list(islice(iterator, batch_size)):
            outcomes = self._write(lambda cur, batch=batch: _put_many(cur, batch))
            for article, outcome in zip(batch, outcomes, strict=True):
                getattr(result, outcome).append(article.id)
        return result


def _read_generation(conn: psycopg.Connection) -> int:
    return int(conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])


def _values(article: Article) -> tuple[str | None, ...]:
    return tuple(getattr(article, column) for column in _ARTICLE_COLUMNS)


def _put_many(cur: psycopg.Cursor, articles: list[Article]) -> tuple[list[str], list[str]]:
    """Upsert `articles` in id order (two batches sharing ids lock rows in the same order, so
    they queue instead of deadlocking); outcomes in the caller's order, and the changed ids."""
    now = time.time()
    order = sorted(range(len(articles)), key=lambda i: articles[i].id)
    cur.executemany(
        _UPSERT,
        [(*_values(articles[i]), article_digest(articles[i]), now, now) for i in order],
        returning=True,
    )
    outcomes: list[str] = [""] * len(articles)
    position = 0
    while True:
        row = cur.fetchone()
        outcomes[order[position]] = (
            "unchanged" if row is None else ("added" if row[0] else "updated")
        )
        position += 1
        if not cur.nextset():
            break
    changed = [articles[i].id for i in order if outcomes[i] != "unchanged"]
    return outcomes, changed


class _ChangeListener:
    """One connection per process that LISTENs for commits and tracks the generation.

    `generation` is None while not connected (callers then read the database). On connect and
    every `POLL_SECONDS` it reads the real counter; notifications in between only move it on.
    """

    def __init__(self, conninfo: str, on_connection: Callable[[bool], None]) -> None:
        """`on_connection(down)` is told when the database is lost and found again."""
        self.pid = os.getpid()
        self._conninfo = conninfo
        self._on_connection = on_connection
        self._generation: int | None = None
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="verbatim-listen", daemon=True)
        self._thread.start()

    @property
    def generation(self) -> int | None:
        return self._generation

    def wait(self, known: int, timeout: float) -> None:
        with self._changed:
            self._changed.wait_for(
                lambda: self._generation is not None and self._generation != known, timeout
            )

    def stop(self) -> None:
        self._stop.set()

    def _set(self, generation: int | None, exact: bool) -> None:
        with self._changed:
            if generation is None or exact or self._generation is None:
                self._generation = generation
            else:
                self._generation = max(self._generation, generation)
            self._changed.notify_all()

    def _run(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")  # listen first, then read: no gap
                    self._set(_read_generation(conn), exact=True)
                    self._on_connection(False)
                    backoff = 0.2
                    while not self._stop.is_set():
                        for notice in conn.notifies(timeout=POLL_SECONDS):
                            if notice.payload.isdigit():
                                self._set(int(notice.payload), exact=False)
                        self._set(_read_generation(conn), exact=True)
            except psycopg.Error as exc:
                if self._generation is not None:
                    log.warning("change listener lost the database (%s); reconnecting", exc)
                self._set(None, exact=True)
                self._on_connection(True)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 2.0)
