"""Versioned schema migrations, one list for both store backends (SQLite and PostgreSQL).

Each migration has a version, a name and the SQL for each backend; a store applies, at start and
inside one write transaction that holds the backend's writer lock (SQLite `BEGIN IMMEDIATE`,
PostgreSQL an advisory transaction lock), every migration newer than the version recorded in its
`schema_migrations` table. Several replicas starting at once therefore apply each migration exactly
once: the first takes the lock and migrates, the others wait, then find nothing left to do.

Rules for adding one: append, never edit or reorder a released migration; keep it additive (new
tables, columns with defaults, indexes) so replicas still running the previous release keep
working during a rolling deploy; write both dialects and run `tests/corpus/test_migrations.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Created before anything else, in both backends, by the same statement.
VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step, written once per dialect."""

    version: int
    name: str
    sqlite: str
    postgres: str


_V1_SQLITE = """
CREATE TABLE IF NOT EXISTS articles (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    text        TEXT NOT NULL,
    source      TEXT,
    url         TEXT,
    published   TEXT,
    licence     TEXT,
    credit      TEXT,
    digest      TEXT NOT NULL,   -- sha256 of all fields: lets re-imports skip unchanged articles
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
-- One row per id ever written, with the generation of its latest change (create/replace/delete).
CREATE TABLE IF NOT EXISTS changes (
    article_id  TEXT PRIMARY KEY,
    generation  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_generation ON changes (generation);
CREATE TABLE IF NOT EXISTS meta (
    key    TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', 0);
"""

# COLLATE "C": ids sort by code point, as in SQLite, whatever the database's locale, so paging
# (`WHERE id > last ORDER BY id`) and exports come out in the same order on both backends.
_V1_POSTGRES = """
CREATE TABLE IF NOT EXISTS articles (
    id          TEXT COLLATE "C" PRIMARY KEY,
    title       TEXT NOT NULL,
    text        TEXT NOT NULL,
    source      TEXT,
    url         TEXT,
    published   TEXT,
    licence     TEXT,
    credit      TEXT,
    digest      TEXT NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL,
    updated_at  DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    article_id  TEXT COLLATE "C" PRIMARY KEY,
    generation  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_generation ON changes (generation);
CREATE TABLE IF NOT EXISTS meta (
    key    TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('generation', 0) ON CONFLICT (key) DO NOTHING;
"""

# Version 1 uses IF NOT EXISTS throughout, so a SQLite store created before migrations existed
# (same tables, no schema_migrations) is adopted as version 1 without being rewritten.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, change log and generation counter", _V1_SQLITE, _V1_POSTGRES),
)
LATEST_VERSION = MIGRATIONS[-1].version


def statements(script: str) -> list[str]:
    """A script split into statements (ours never put ';' inside a literal or a comment)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def pending(current: int, migrations: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    """The migrations a store at version `current` still needs, oldest first."""
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError(f"migration versions must be unique and increasing: {versions}")
    return [m for m in migrations if m.version > current]
