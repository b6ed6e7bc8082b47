"""Both store backends against real databases (a SQLite file; a throw-away PostgreSQL server):
transactions, generations, change log, concurrency. Every test taking `store` or `reopen` runs
once per backend."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from service.corpus.postgres import PostgresArticleStore
from service.corpus.store import ArticleExists, ArticleStore, BulkResult, Store, open_store
from service.models import Article

TRUMP = Article(
    id="trump-rules-out-troops",
    title="Trump rules out sending troops to Ukraine",
    text='Trump said: "They\'re willing to put people on the ground."',
    source="ITV News",
    url="https://www.itv.com/news/2025-08-19/trump",
    published="2025-08-19",
    licence=None,
    credit=None,
)
STARMER = Article(
    id="starmer-coalition",
    title="Coalition of the willing",
    text="The Prime Minister said: \u201cWe can't allow President Putin to play games.\u201d",
    source="gov.uk",
    published="2025-08-13",
    licence="Open Government Licence v3.0",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str | None]:
    """(data dir, database URL or None): what `open_store` takes, one backend per param."""
    if request.param == "sqlite":
        return tmp_path / "data", None
    return tmp_path / "data", request.getfixturevalue("pg_url")


@pytest.fixture
def reopen(location: tuple[Path, str | None]) -> Iterator[Callable[[], Store]]:
    """Opens another store on the same data, as another worker or replica would."""
    opened: list[Store] = []

    def open_another() -> Store:
        opened.append(open_store(*location))
        return opened[-1]

    yield open_another
    for each in opened:
        each.close()


@pytest.fixture
def store(reopen: Callable[[], Store]) -> Store:
    return reopen()


def test_new_store_creates_file_in_wal_mode_and_is_empty(tmp_path):
    path = tmp_path / "nested" / "dir" / "verbatim.sqlite3"
    store = ArticleStore(path)
    assert path.exists()
    assert store.is_empty()
    assert store.generation() == 0
    assert store.list() == ([], 0)
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_create_get_roundtrip_keeps_text_exactly(store):
    assert store.create(TRUMP) == TRUMP
    assert store.get(TRUMP.id) == TRUMP
    assert store.get("missing") is None
    assert not store.is_empty()
    assert store.generation() == 1


def test_create_existing_id_raises_and_changes_nothing(store):
    store.create(TRUMP)
    with pytest.raises(ArticleExists) as info:
        store.create(replace(TRUMP, title="Other"))
    assert info.value.article_id == TRUMP.id
    assert store.get(TRUMP.id) == TRUMP
    assert store.generation() == 1


def test_upsert_reports_created_then_replaced_and_skips_identical(store):
    assert store.upsert(TRUMP) is True
    assert store.generation() == 1
    changed = replace(TRUMP, title="Trump: no US troops")
    assert store.upsert(changed) is False
    assert store.get(TRUMP.id) == changed
    assert store.generation() == 2
    # Identical content: nothing written, generation unchanged, so no worker reindexes it.
    assert store.upsert(changed) is False
    assert store.generation() == 2


def test_delete(store):
    store.create(TRUMP)
    assert store.delete(TRUMP.id) is True
    assert store.get(TRUMP.id) is None
    assert store.generation() == 2
    assert store.delete(TRUMP.id) is False
    assert store.generation() == 2
    # Emptied by deletion is not "never populated": the bundled corpus must not come back.
    assert not store.is_empty()


def test_list_pages_in_stable_id_order_with_total(store):
    ids = [f"article-{n:02d}" for n in range(7)]
    for article_id in reversed(ids):
        store.create(replace(TRUMP, id=article_id))
    page, total = store.list(offset=0, limit=3)
    assert total == 7
    assert [a.id for a in page] == ids[:3]
    page, total = store.list(offset=6, limit=3)
    assert [a.id for a in page] == ids[6:]
    assert store.list(offset=10, limit=3) == ([], 7)
    assert [a.id for a in store.iter_all()] == ids
    with pytest.raises(ValueError, match="non-negative"):
        store.list(offset=-1)


def test_iter_all_crosses_its_internal_pages(store):
    store.bulk_upsert(replace(TRUMP, id=f"a{n:04d}") for n in range(450))
    ids = [a.id for a in store.iter_all()]
    assert ids == [f"a{n:04d}" for n in range(450)]


def test_changes_since_lists_each_changed_id_once(store):
    store.create(TRUMP)  # generation 1
    store.create(STARMER)  # generation 2
    assert store.changes_since(0) == (2, [TRUMP.id, STARMER.id])
    assert store.changes_since(1) == (2, [STARMER.id])
    assert store.changes_since(2) == (2, [])
    store.upsert(replace(TRUMP, title="New title"))  # generation 3
    store.delete(STARMER.id)  # generation 4
    assert store.changes_since(2) == (4, [TRUMP.id, STARMER.id])
    assert store.changes_since(3) == (4, [STARMER.id])
    # Deleted ids stay in the log: a reader learns of the deletion from get() returning None.
    assert store.get(STARMER.id) is None


def test_changes_since_a_future_generation_returns_everything(store):
    store.create(TRUMP)
    store.create(STARMER)
    store.delete(TRUMP.id)
    assert store.changes_since(99) == (3, [STARMER.id, TRUMP.id])


def test_bulk_upsert_classifies_and_commits_per_batch(store):
    store.create(TRUMP)
    articles = [
        TRUMP,
        replace(STARMER),
        *(replace(STARMER, id=f"extra-{n}") for n in range(4)),
    ]
    result = store.bulk_upsert(articles, batch_size=2)
    assert result.counts == {"added": 5, "updated": 0, "unchanged": 1}
    assert result.unchanged == [TRUMP.id]
    # Three batches, each changing something -> three generations after the create.
    assert store.generation() == 4
    again = store.bulk_upsert([*articles[:1], replace(STARMER, text="Changed.")])
    assert again == BulkResult(added=[], updated=[STARMER.id], unchanged=[TRUMP.id])
    assert store.generation() == 5


def test_failed_batch_rolls_back_whole_batch(store):
    """A batch is atomic: an error mid-batch leaves neither its articles nor a generation bump."""
    store.create(TRUMP)

    def articles():
        yield replace(STARMER, id="first-batch-1")
        yield replace(STARMER, id="first-batch-2")
        yield replace(STARMER, id="second-batch-1")
        raise RuntimeError("source file vanished")

    with pytest.raises(RuntimeError):
        store.bulk_upsert(articles(), batch_size=2)
    assert [a.id for a in store.iter_all()] == ["first-batch-1", "first-batch-2", TRUMP.id]
    assert store.generation() == 2


def test_invalid_row_rolls_back(store):
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
        store.bulk_upsert([TRUMP, replace(STARMER, title=None)])
    assert store.is_empty()
    assert store.generation() == 0


def test_second_store_on_same_data_sees_writes(reopen):
    writer, reader = reopen(), reopen()
    assert reader.generation() == 0
    writer.create(TRUMP)
    assert reader.generation() == 1
    assert reader.get(TRUMP.id) == TRUMP


def test_threads_share_one_store_without_losing_writes(store):
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(25):
                store.create(replace(TRUMP, id=f"t{worker}-{n}"))
                assert store.get(f"t{worker}-{n}") is not None
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count() == 150
    assert store.generation() == 150
    current, ids = store.changes_since(0)
    assert current == 150
    assert sorted(ids) == sorted(f"t{w}-{n}" for w in range(6) for n in range(25))


def _process_writer(location: tuple[Path, str | None], worker: int, count: int) -> None:
    store = open_store(*location)
    for n in range(count):
        store.upsert(replace(TRUMP, id=f"p{worker}-{n}", text=f"Article {n} from {worker}."))


def test_processes_write_concurrently_and_generation_counts_every_commit(location, reopen):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_process_writer, args=(location, w, 30)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=60)
        assert process.exitcode == 0
    store = reopen()
    assert store.count() == 120
    assert store.generation() == 120
    assert len(store.changes_since(0)[1]) == 120


def test_sqlite_connection_is_reopened_after_fork(tmp_path):
    """gunicorn's preload_app forks after the store was opened: the child must not reuse the
    parent's SQLite connection."""
    store = ArticleStore(tmp_path / "verbatim.sqlite3")
    store.create(TRUMP)
    parent_conn = store._connection()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def child() -> None:
        queue.put((store._connection() is not parent_conn, store.get(TRUMP.id) == TRUMP))

    process = context.Process(target=child)
    process.start()
    process.join(timeout=30)
    assert queue.get(timeout=5) == (True, True)


def test_fork_gives_the_child_its_own_connections_and_leaves_the_parents_working(reopen):
    """Both backends: a forked child (a gunicorn worker after preload) reads and writes through
    connections of its own, and the parent's keep working afterwards."""
    store = reopen()
    store.create(TRUMP)
    store.observed_generation()  # the PostgreSQL listener is running in the parent
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def child() -> None:
        store.create(STARMER)
        queue.put((store.get(TRUMP.id) == TRUMP, store.generation()))

    process = context.Process(target=child)
    process.start()
    process.join(timeout=30)
    assert queue.get(timeout=5) == (True, 2)
    assert process.exitcode == 0
    assert store.get(STARMER.id) == STARMER
    assert store.generation() == 2


def test_the_schema_version_is_reported(store):
    from service.corpus.migrations import LATEST_VERSION

    assert store.schema_version() == LATEST_VERSION
    status = store.status()
    assert (status.reachable, status.schema_version) == (True, LATEST_VERSION)
    assert status.backend in ("sqlite", "postgresql")


def test_observed_generation_catches_up_with_another_stores_write(reopen):
    """The cheap per-request read (a NOTIFY-fed value on PostgreSQL) converges on the counter."""
    import time

    writer, reader = reopen(), reopen()
    start = reader.observed_generation()
    writer.create(TRUMP)
    deadline = time.monotonic() + 3
    while reader.observed_generation() == start and time.monotonic() < deadline:
        reader.wait_for_change(start, 0.1)
    assert reader.observed_generation() == writer.generation() == start + 1


def test_concurrent_creates_of_one_id_from_two_stores_make_one_article(reopen):
    stores = [reopen(), reopen()]
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def create(n: int) -> None:
        barrier.wait()
        try:
            stores[n % 2].create(replace(TRUMP, title=f"version {n}"))
            outcomes.append("created")
        except ArticleExists:
            outcomes.append("exists")

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["exists"] * 7
    assert stores[0].count() == 1
    assert stores[1].generation() == 1


def test_concurrent_replaces_of_one_id_leave_the_last_writer_and_one_change_row(reopen):
    stores = [reopen(), reopen()]
    stores[0].create(TRUMP)
    barrier = threading.Barrier(6)

    def replace_many(n: int) -> None:
        barrier.wait()
        for k in range(10):
            stores[n % 2].upsert(replace(TRUMP, title=f"writer {n} round {k}"))

    threads = [threading.Thread(target=replace_many, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stores[1].count() == 1
    assert stores[1].get(TRUMP.id).title.endswith("round 9")
    assert stores[0].generation() == 61
    assert stores[0].changes_since(0) == (61, [TRUMP.id])


def test_postgres_connection_failures_are_store_unavailable(tmp_path):
    """A database that is not there is a StoreUnavailable (the API's 503), raised quickly."""
    import time

    from service.corpus.store import StoreUnavailable
    from tests.server import free_port

    url = f"postgresql://nobody@127.0.0.1:{free_port()}/none"
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="unavailable"):
        PostgresArticleStore(url)
    assert time.monotonic() - started < 10
