"""A bulk backlog is indexed once per data directory and opened by every process from the saved
snapshot; a build that cannot run leaves each process indexing for itself.

Two apps on one data directory stand for two gunicorn workers (each has its own engine, index
copies and refresher thread; the build lock is an flock, which two open files in one process
contend for as two processes do)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from service.api.context import engine_of
from service.corpus.store import ArticleStore, store_path
from service.engine import BULK_BACKLOG, Verbatim
from service.index_snapshot import SNAPSHOT_FILENAME, saved_generation
from service.models import Article
from tests.conftest import TEST_API_KEY

BULK = BULK_BACKLOG + 200
AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}


def _workers(make_app: Callable[..., Flask]) -> list[Flask]:
    apps = [make_app(VERBATIM_API_KEY=TEST_API_KEY) for _ in range(2)]
    for app in apps:  # the first request starts each one's refresher
        assert app.test_client().get("/v1/articles?limit=1").status_code == 200
    return apps


def _bulk(app: Flask) -> list[Article]:
    """What `verbatim import` does from another process: one committed batch of many articles."""
    articles = [
        Article(
            id=f"bulk-{n:05d}",
            title=f"Ward report {n}",
            text=f"Returning officer Ysolde Brannagh{n} declared ward {n} closed at dawn.",
        )
        for n in range(BULK)
    ]
    store = ArticleStore(store_path(app.config["VERBATIM_DATA_DIR"]))
    store.bulk_upsert(articles, batch_size=BULK)
    return articles


def _converged(engines: list[Verbatim], while_waiting: Callable[[], None] = lambda: None) -> None:
    target = engines[0].store.generation()
    deadline = time.monotonic() + 120
    while any(e.generation < target for e in engines):
        assert time.monotonic() < deadline, [e.generation for e in engines]
        while_waiting()
        time.sleep(0.01)


def _found(app: Flask, article: Article) -> tuple[str, str | None]:
    answer = app.test_client().post("/v1/verify", json={"quote": article.text}).get_json()
    return answer["verdict"], (answer["match"] or {}).get("article", {}).get("id")


def test_a_bulk_backlog_is_indexed_once_and_every_process_opens_the_saved_snapshot(
    make_app: Callable[..., Flask],
) -> None:
    apps = _workers(make_app)
    engines = [engine_of(app) for app in apps]
    articles = _bulk(apps[0])
    _converged(engines)
    snapshot = Path(apps[0].config["VERBATIM_DATA_DIR"]) / SNAPSHOT_FILENAME
    assert saved_generation(snapshot) == engines[0].store.generation()
    assert sorted(e.snapshots_built for e in engines) == [0, 1]  # one round, in one process
    assert [e.snapshots_opened for e in engines] == [1, 1]
    assert [len(e) for e in engines] == [engines[0].store.count()] * 2
    for app in apps:
        for article in (articles[0], articles[-1]):
            assert _found(app, article) == ("verbatim", article.id)
        metrics = app.test_client().get("/metrics").get_data(as_text=True)
        assert "verbatim_index_snapshots_opened 1.0" in metrics


def test_a_write_acknowledged_during_a_bulk_build_is_matched_throughout(
    make_app: Callable[..., Flask],
) -> None:
    apps = _workers(make_app)
    engines = [engine_of(app) for app in apps]
    _bulk(apps[0])
    mine = Article(id="mine", title="Mine", text="Harbourmaster Odile Vantreck closed the quay.")
    body = {"id": mine.id, "title": mine.title, "text": mine.text}
    assert apps[0].test_client().post("/v1/articles", json=body, headers=AUTH).status_code == 201
    answers: list[tuple[str, str | None]] = []
    _converged(engines, lambda: answers.append(_found(apps[0], mine)))
    answers.append(_found(apps[0], mine))
    assert set(answers) == {("verbatim", "mine")}
    assert _found(apps[1], mine) == ("verbatim", "mine")


def test_without_a_usable_snapshot_each_process_indexes_the_backlog_itself(
    make_app: Callable[..., Flask],
) -> None:
    apps = _workers(make_app)
    engines = [engine_of(app) for app in apps]
    snapshot = Path(apps[0].config["VERBATIM_DATA_DIR"]) / SNAPSHOT_FILENAME
    snapshot.unlink()  # the build has nothing to start from
    articles = _bulk(apps[0])
    _converged(engines)
    assert [e.snapshots_built for e in engines] == [0, 0]
    assert [e.snapshots_opened for e in engines] == [0, 0]
    for app in apps:
        assert _found(app, articles[-1]) == ("verbatim", articles[-1].id)


def test_a_process_starting_behind_a_bulk_backlog_opens_the_built_snapshot(
    make_app: Callable[..., Flask],
) -> None:
    running = make_app(VERBATIM_API_KEY=TEST_API_KEY)
    assert running.test_client().get("/v1/articles?limit=1").status_code == 200
    articles = _bulk(running)
    # A worker recycled now: it opens the snapshot saved before the import, finds the backlog,
    # and takes the builder's snapshot instead of re-indexing it.
    late = make_app(VERBATIM_API_KEY=TEST_API_KEY, VERBATIM_BACKGROUND_INDEX=True)
    engine = engine_of(late)
    engine.start_indexing()
    assert engine.wait_ready(120)
    assert engine.index_source == "snapshot"
    assert engine.index_replayed == 0
    assert _found(late, articles[-1]) == ("verbatim", articles[-1].id)
    engine.stop()
