"""The persistent article store: the source of truth every gunicorn worker reads from.

SQLite (standard library) in WAL mode: readers never block the single writer and a process killed
mid-write leaves the last committed state intact. Each worker keeps its own in-memory index and asks
the store, per request, whether anything changed (`generation()`, one primary-key read) and, if so,
which articles (`changes_since()`), so no worker serves a stale copy.

Concurrency model:
- one connection per (process, thread): sqlite3 connections must not cross threads, and a
  connection inherited through `fork()` (gunicorn `preload_app`) must never be reused in the child;
- every write is one `BEGIN IMMEDIATE` transaction (takes the write lock up front, so two writers
  never deadlock upgrading read locks), and bumps the generation counter in the same transaction;
- `busy_timeout` makes a writer wait for the lock instead of failing while another process writes.

The change log keeps one row per article id ever written (its latest generation), so it is bounded
by the number of distinct ids and `changes_since` is always complete, however old the caller's
generation: deletions stay visible as ids whose `get()` returns None.

The schema is versioned (`service.corpus.migrations`, shared with the PostgreSQL backend in
`service.corpus.postgres`); `open_store` picks the backend from the configuration. This module never
imports Flask.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import pwd
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Protocol

from service.corpus.migrations import MIGRATIONS, VERSION_TABLE, Migration, pending, statements
from service.models import Article

# Writers wait this long for the write lock before giving up. Long enough to outlast a large import
# batch committing in another process, short enough to surface a wedged lock as an error.
BUSY_TIMEOUT_MS = 30_000
# Articles per transaction in bulk loads: one fsync per batch instead of per article, while an
# interrupted import loses at most one uncommitted batch (which a re-run simply redoes).
DEFAULT_BATCH_SIZE = 500

# The store's file inside VERBATIM_DATA_DIR; the server and the CLI must agree on it.
DATABASE_FILENAME = "verbatim.sqlite3"

_ARTICLE_COLUMNS = tuple(f.name for f in fields(Article))


def article_fields(article: Article) -> dict[str, str | None]:
    """An article's fields as a plain dict (its fields are all strings or None)."""
    return {column: getattr(article, column) for column in _ARTICLE_COLUMNS}


def store_path(data_dir: str | os.PathLike) -> Path:
    """Where the store lives inside a data directory."""
    return Path(data_dir) / DATABASE_FILENAME


class StoreUnavailable(Exception):
    """The store cannot be reached right now (database down, restarting, network): retry later.

    Raised instead of the driver's own errors so the HTTP layer can answer 503, not 500.
    """


class StoreFull(Exception):
    """A write was refused because the store's disk (or the database's tablespace) is full.

    The write's transaction was rolled back whole, so nothing already stored is lost and the
    store stays readable; raised instead of the driver's error so the API can answer 507.
    """


class StoreOpenError(RuntimeError):
    """The store cannot be opened at start-up (corrupt file, no permission, read-only, full).

    A RuntimeError, so gunicorn reports it as its one `Error: <message>` line and exits 1, without
    a traceback; the message names the file and the cause.
    """


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """What /readyz says about the store, apart from the index built from it."""

    backend: str
    reachable: bool
    schema_version: int | None
    error: str | None = None


class Store(Protocol):
    """The methods every backend provides (docs/scaling.md lists who calls which)."""

    backend: str

    @property
    def location(self) -> str: ...
    def is_empty(self) -> bool: ...
    def generation(self) -> int: ...
    def observed_generation(self) -> int: ...
    def wait_for_change(self, known: int, timeout: float) -> None: ...
    def schema_version(self) -> int: ...
    def status(self) -> StoreStatus: ...
    def get(self, article_id: str) -> Article | None: ...
    def list(self, offset: int = 0, limit: int = 50) -> tuple[list[Article], int]: ...
    def count(self) -> int: ...
    def iter_all(self) -> Iterator[Article]: ...
    def changes_since(self, generation: int) -> tuple[int, list[str]]: ...
    def create(self, article: Article) -> Article: ...
    def upsert(self, article: Article) -> bool: ...
    def delete(self, article_id: str) -> bool: ...
    def bulk_upsert(
        self, articles: Iterable[Article], batch_size: int = DEFAULT_BATCH_SIZE
    ) -> BulkResult: ...
    def close(self) -> None: ...


def open_store(
    data_dir: str | os.PathLike, database_url: str | None = None, *, wait_seconds: float = 0.0
) -> Store:
    """The store the configuration names: PostgreSQL when `database_url` is set, else the SQLite
    file in `data_dir`. `wait_seconds`: how long to wait for a database that is still starting."""
    if database_url:
        from service.corpus.postgres import PostgresArticleStore  # psycopg only when used

        return PostgresArticleStore(database_url, wait_seconds=wait_seconds)
    return ArticleStore(store_path(data_dir))


class ArticleExists(Exception):
    """`create()` was asked to store an id that is already taken."""

    def __init__(self, article_id: str) -> None:
        super().__init__(f"article {article_id!r} already exists")
        self.article_id = article_id


@dataclass(slots=True)
class BulkResult:
    """What a bulk load did, id by id, so callers can report and re-runs can be checked."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(ids) for name, ids in self._lists().items()}

    def _lists(self) -> dict[str, list]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged}

    def merge(self, other: BulkResult) -> None:
        self.added.extend(other.added)
        self.updated.extend(other.updated)
        self.unchanged.extend(other.unchanged)


def article_digest(article: Article) -> str:
    """A fingerprint of every field, so an identical re-import is recognised and not rewritten."""
    # A shallow dict, not dataclasses.asdict(): every field is a plain string, and asdict's deep
    # copy would be the largest single cost of a bulk import.
    payload = json.dumps(article_fields(article), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ArticleStore:
    """Articles in one SQLite file, safe to share between threads and gunicorn worker processes."""

    backend = "sqlite"

    def __init__(
        self, path: str | os.PathLike, migrations: Sequence[Migration] = MIGRATIONS
    ) -> None:
        self.path = Path(path)
        self._local = threading.local()
        try:
            self._open(migrations)
        except (sqlite3.Error, OSError, StoreFull) as exc:
            self.close()
            raise StoreOpenError(open_failure(self.path, exc)) from exc

    def _open(self, migrations: Sequence[Migration]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connection()
        # Switching to WAL needs a moment of exclusive access; several workers starting at once
        # may collide, so retry briefly (busy_timeout does not cover this pragma on every build).
        for attempt in range(50):
            try:
                mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                busy = exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
                if attempt == 49 or not busy:
                    raise
                time.sleep(0.05)
        if str(mode).lower() != "wal":
            raise StoreOpenError(f"SQLite refused WAL mode for {self.path} (got {mode!r})")
        self._migrate(migrations)
        self.generation()  # reads the meta table: a damaged file fails here, not on a request

    def _migrate(self, migrations: Sequence[Migration]) -> None:
        """Apply the migrations this file lacks, under the write lock (see migrations.py)."""
        with self._write() as tx:
            tx.conn.execute(VERSION_TABLE)
            current = tx.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
            for migration in pending(current or 0, migrations):
                for statement in statements(migration.sqlite):
                    tx.conn.execute(statement)
                tx.conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, datetime.now(UTC).isoformat()),
                )

    @property
    def location(self) -> str:
        """Where the articles are, for messages."""
        return str(self.path)

    # -- connections and transactions -------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is not None and local.pid == os.getpid():
            return conn
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly what
        # the code says and never silently spans several statements.
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=True)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # FULL: a write acknowledged to a client is on disk, even across a power cut (NORMAL in WAL
        # mode survives a process crash but may lose the last commits on power loss).
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        local.conn = conn
        local.pid = os.getpid()
        return conn

    def _write(self) -> _WriteTransaction:
        return _WriteTransaction(self._connection(), self.path)

    def close(self) -> None:
        """Close this thread's connection (others close when their thread or process ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            conn.close()
        self._local.conn = None

    # -- reads ------------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """True only for a store that has never held an article.

        A newsroom that deleted every article keeps an empty corpus: the bundled corpus is loaded
        once, on first start, never resurrected.
        """
        row = self._connection().execute("SELECT 1 FROM changes LIMIT 1").fetchone()
        return row is None

    def generation(self) -> int:
        """The store's version: bumped by every committed write, read per request to stay fresh."""
        row = (
            self._connection().execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        )
        return int(row[0])

    def observed_generation(self) -> int:
        """The generation as cheaply as this backend can tell it: for a local file, the read."""
        return self.generation()

    def wait_for_change(self, known: int, timeout: float) -> None:
        """Block up to `timeout` s for a write after `known`. SQLite has no notifications, so
        this just sleeps and the caller polls."""
        time.sleep(timeout)

    def schema_version(self) -> int:
        """The newest migration applied to this file."""
        row = self._connection().execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def status(self) -> StoreStatus:
        """Reachable and at which schema version; never raises (it answers /readyz)."""
        try:
            return StoreStatus(self.backend, True, self.schema_version())
        except sqlite3.Error as exc:
            return StoreStatus(self.backend, False, None, str(exc))

    def get(self, article_id: str) -> Article | None:
        row = (
            self._connection()
            .execute(
                f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE id = ?", (article_id,)
            )
            .fetchone()
        )
        return Article(*row) if row else None

    def list(self, offset: int = 0, limit: int = 50) -> tuple[list[Article], int]:
        """One page of articles ordered by id (stable across calls) and the total count."""
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must be non-negative")
        conn = self._connection()
        # One read transaction so the page and the total describe the same snapshot.
        conn.execute("BEGIN")
        try:
            total = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            rows = conn.execute(
                f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles ORDER BY id LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        return [Article(*row) for row in rows], int(total)

    def count(self) -> int:
        return int(self._connection().execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def iter_all(self) -> Iterator[Article]:
        """Every article, ordered by id, read in pages so a large corpus is never all in memory
        at once and no read transaction is held open while the caller works."""
        last_id = ""
        query = (
            f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE id > ? ORDER BY id LIMIT 200"
        )
        while True:
            rows = self._connection().execute(query, (last_id,)).fetchall()
            if not rows:
                return
            for row in rows:
                yield Article(*row)
            last_id = rows[-1][0]

    def changes_since(self, generation: int) -> tuple[int, list[str]]:
        """(current generation, ids created, replaced or deleted after `generation`).

        A caller whose generation is ahead of the store (the file was replaced or restored from a
        backup) gets every id ever written, i.e. a full resynchronisation.
        """
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            current = int(
                conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
            )
            since = generation if generation <= current else -1
            ids = [
                row[0]
                for row in conn.execute(
                    "SELECT article_id FROM changes WHERE generation > ? ORDER BY generation",
                    (since,),
                )
            ]
        finally:
            conn.execute("COMMIT")
        return current, ids

    # -- writes -----------------------------------------------------------------------------------

    def create(self, article: Article) -> Article:
        """Store a new article; raises ArticleExists (and changes nothing) if the id is taken."""
        with self._write() as tx:
            if tx.exists(article.id):
                raise ArticleExists(article.id)
            tx.insert(article)
        return article

    def upsert(self, article: Article) -> bool:
        """Create or replace; True if created. Replacing with identical content is a no-op."""
        with self._write() as tx:
            outcome = tx.put(article)
        return outcome == "added"

    def delete(self, article_id: str) -> bool:
        with self._write() as tx:
            return tx.delete(article_id)

    def bulk_upsert(
        self, articles: Iterable[Article], batch_size: int = DEFAULT_BATCH_SIZE
    ) -> BulkResult:
        """Create or replace many articles, committing every `batch_size` of them.

        Each batch is atomic: a crash leaves whole batches, never half an article or a generation
        that does not match the data. Unchanged articles are not rewritten, so re-running an
        interrupted load only does the remaining work.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        result = BulkResult()
        iterator = iter(articles)
        while batch := list(islice(iterator, batch_size)):
            with self._write() as tx:
                batch_result = BulkResult()
                for article in batch:
                    getattr(batch_result, tx.put(article)).append(article.id)
            result.merge(batch_result)
        return result


class _WriteTransaction:
    """One `BEGIN IMMEDIATE` transaction; bumps the generation once if anything changed.

    A write the disk has no room for (SQLITE_FULL) is rolled back whole and raised as StoreFull.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._changed: list[str] = []

    def __enter__(self) -> _WriteTransaction:
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._rollback()
            if _is_full(exc):
                raise StoreFull(full_message(self.path)) from exc
            return
        try:
            if self._changed:
                self.conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
                generation = self.conn.execute(
                    "SELECT value FROM meta WHERE key = 'generation'"
                ).fetchone()[0]
                self.conn.executemany(
                    "INSERT INTO changes (article_id, generation) VALUES (?, ?) "
                    "ON CONFLICT (article_id) DO UPDATE SET generation = excluded.generation",
                    [(article_id, generation) for article_id in dict.fromkeys(self._changed)],
                )
            self.conn.execute("COMMIT")
        except BaseException as error:
            self._rollback()
            if _is_full(error):
                raise StoreFull(full_message(self.path)) from error
            raise

    def _rollback(self) -> None:
        # SQLite may already have rolled the transaction back itself (it does on SQLITE_FULL).
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def exists(self, article_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def insert(self, article: Article) -> None:
        now = time.time()
        self.conn.execute(
            f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}, digest, created_at, updated_at) "
            f"VALUES ({', '.join('?' * (len(_ARTICLE_COLUMNS) + 3))})",
            (*_values(article), article_digest(article), now, now),
        )
        self._changed.append(article.id)

    def put(self, article: Article) -> str:
        """Insert or replace one article; returns 'added', 'updated' or 'unchanged'."""
        row = self.conn.execute(
            "SELECT digest FROM articles WHERE id = ?", (article.id,)
        ).fetchone()
        if row is None:
            self.insert(article)
            return "added"
        digest = article_digest(article)
        if row[0] == digest:
            return "unchanged"
        assignments = ", ".join(f"{column} = ?" for column in _ARTICLE_COLUMNS[1:])
        self.conn.execute(
            f"UPDATE articles SET {assignments}, digest = ?, updated_at = ? WHERE id = ?",
            (*_values(article)[1:], digest, time.time(), article.id),
        )
        self._changed.append(article.id)
        return "updated"

    def delete(self, article_id: str) -> bool:
        cursor = self.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        if cursor.rowcount:
            self._changed.append(article_id)
        return cursor.rowcount > 0


def _values(article: Article) -> tuple[str | None, ...]:
    return tuple(getattr(article, column) for column in _ARTICLE_COLUMNS)


def _is_full(error: BaseException | None) -> bool:
    return isinstance(error, sqlite3.Error) and (
        getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    )


def full_message(location: object) -> str:
    return (
        f"The store at {location} is full (no space left on its disk): the write was not "
        "stored, and nothing stored before it was lost."
    )


def open_failure(path: Path, error: BaseException) -> str:
    """Why the SQLite store at `path` cannot be opened, naming the file and what to do: one line
    for the start-up log (the driver's own message rarely says which file, or why)."""
    code = getattr(error, "sqlite_errorcode", None)
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return (
            f"the store {path} is corrupt or not an SQLite database ({reason}): restore it "
            "from a backup, or move it away to start with an empty store"
        )
    folder = _existing_parent(path)
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    if read_only:
        return (
            f"the store {path} is on a read-only filesystem ({folder} is on a read-only "
            "mount): the store writes beside the file (its -wal and -shm journals), so its "
            "folder must be writable"
        )
    if (
        isinstance(error, StoreFull)
        or code == sqlite3.SQLITE_FULL
        or (isinstance(error, OSError) and error.errno == errno.ENOSPC)
    ):
        return f"the store {path} cannot be opened: its disk is full; free some space"
    user = _user_name()
    for target, access, needs in (
        (folder, os.W_OK | os.X_OK, "write access to its folder (for the -wal and -shm files)"),
        (path, os.R_OK | os.W_OK, "read and write access to the file"),
        (Path(f"{path}-wal"), os.R_OK | os.W_OK, "read and write access to its -wal file"),
        (Path(f"{path}-shm"), os.R_OK | os.W_OK, "read and write access to its -shm file"),
    ):
        if _exists(target) and not os.access(target, access):
            return (
                f"the store {path} cannot be opened: permission denied on {target} for user "
                f"{user}; the store needs {needs}"
            )
    if code == sqlite3.SQLITE_READONLY:
        return f"the store {path} is read-only ({reason}): it must be writable"
    return f"the store {path} cannot be opened: {reason}"


def _exists(path: Path) -> bool:
    """Whether `path` exists; a folder we may not search counts (it is the one to name)."""
    try:
        os.stat(path)
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _existing_parent(path: Path) -> Path:
    for parent in path.parents:
        if _exists(parent):
            return parent
    return Path("/")


def _user_name() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())
