"""The versioned schema: applied once however many replicas start together, upgraded in place,
and the same list for both backends."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from service.corpus.migrations import LATEST_VERSION, MIGRATIONS, Migration, pending, statements
from service.corpus.postgres import PostgresArticleStore
from service.corpus.store import ArticleStore
from service.models import Article

ARTICLE = Article(id="kept", title="Kept", text="Text that must survive a migration.")
# A hypothetical next migration, written the way real ones must be: additive, both dialects.
NEXT = Migration(
    LATEST_VERSION + 1,
    "test: a column with a default",
    "ALTER TABLE articles ADD COLUMN section TEXT NOT NULL DEFAULT 'news'",
    "ALTER TABLE articles ADD COLUMN section TEXT NOT NULL DEFAULT 'news'",
)


def test_every_migration_has_both_dialects_and_increasing_versions():
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))
    for migration in MIGRATIONS:
        assert statements(migration.sqlite)
        assert statements(migration.postgres)
    assert pending(0) == list(MIGRATIONS)
    assert pending(LATEST_VERSION) == []
    with pytest.raises(ValueError, match="unique and increasing"):
        pending(0, [NEXT, *MIGRATIONS])


def test_sqlite_upgrade_keeps_data_and_records_the_version(tmp_path: Path):
    path = tmp_path / "verbatim.sqlite3"
    ArticleStore(path).create(ARTICLE)
    upgraded = ArticleStore(path, migrations=(*MIGRATIONS, NEXT))
    assert upgraded.schema_version() == NEXT.version
    assert upgraded.get(ARTICLE.id) == ARTICLE
    assert upgraded.generation() == 1
    section = sqlite3.connect(path).execute("SELECT section FROM articles").fetchone()
    assert section == ("news",)
    # Opening again (the next replica, the next start) applies nothing twice.
    assert ArticleStore(path, migrations=(*MIGRATIONS, NEXT)).schema_version() == NEXT.version


def test_a_sqlite_file_from_before_migrations_is_adopted_as_version_1(tmp_path: Path):
    path = tmp_path / "verbatim.sqlite3"
    ArticleStore(path).create(ARTICLE)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE schema_migrations")
    conn.commit()
    conn.close()
    store = ArticleStore(path)
    assert store.schema_version() == LATEST_VERSION
    assert store.get(ARTICLE.id) == ARTICLE


def test_postgres_upgrade_keeps_data_and_records_the_version(pg_url: str):
    PostgresArticleStore(pg_url).create(ARTICLE)
    upgraded = PostgresArticleStore(pg_url, migrations=(*MIGRATIONS, NEXT))
    assert upgraded.schema_version() == NEXT.version
    assert upgraded.get(ARTICLE.id) == ARTICLE
    upgraded.upsert(replace(ARTICLE, title="Still writable"))
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT section FROM articles").fetchone() == ("news",)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_replicas_starting_together_migrate_once(backend: str, tmp_path: Path, request):
    """Eight stores opened at the same moment on one empty database: all succeed, each migration
    is recorded once, and the schema is usable."""
    if backend == "postgresql":
        url = request.getfixturevalue("pg_url")

        def opener(migrations):
            return PostgresArticleStore(url, migrations=migrations)
    else:
        path = tmp_path / "verbatim.sqlite3"

        def opener(migrations):
            return ArticleStore(path, migrations=migrations)

    barrier = threading.Barrier(8)
    errors: list[BaseException] = []
    opened = []

    def start() -> None:
        barrier.wait()
        try:
            opened.append(opener((*MIGRATIONS, NEXT)))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {store.schema_version() for store in opened} == {NEXT.version}
    opened[0].create(ARTICLE)
    assert opened[-1].get(ARTICLE.id) == ARTICLE
    if backend == "postgresql":
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT version FROM schema_migrations ORDER BY version")
            assert [r[0] for r in rows] == list(range(1, NEXT.version + 1))
    for store in opened:
        store.close()
