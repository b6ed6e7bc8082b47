"""Writes by other processes reach this process's index in bounded steps, off the request path."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask

from service.api.context import engine_of
from service.corpus.store import ArticleStore, store_path
from service.engine import SYNC_STEP
from service.models import Article
from tests.conftest import TEST_API_KEY

WRITES = 40
AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}


def _other_process_writes(app: Flask) -> list[Article]:
    """What another worker or `verbatim import` would do: write to the same store file."""
    store = ArticleStore(store_path(app.config["VERBATIM_DATA_DIR"]))
    articles = [
        Article(id=f"later-{n:03d}", title=f"Later {n}", text=f"Councillor Brom{n} voted again.")
        for n in range(WRITES)
    ]
    store.bulk_upsert(articles)
    return articles


def test_a_bounded_sync_applies_one_step_and_serves_the_old_generation(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    engine = engine_of(app)
    before, size = engine.generation, len(engine)
    _other_process_writes(app)
    assert engine.sync(max_articles=SYNC_STEP) is False
    assert engine.pending == WRITES - SYNC_STEP
    assert len(engine) == size + SYNC_STEP
    assert engine.generation == before  # not every write up to the new one is matched yet
    assert engine.sync() is True
    assert engine.pending == 0
    assert len(engine) == size + WRITES
    assert engine.generation == engine.store.generation()


def test_the_refresher_applies_other_processes_writes_with_no_request_doing_index_work(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    engine = engine_of(app)
    client = app.test_client()
    assert client.get("/v1/articles?limit=1").status_code == 200  # starts the refresher
    before = engine.generation
    articles = _other_process_writes(app)
    # Answered from the copy published before the writes: the request applied none of them.
    assert client.post("/v1/verify", json={"quote": articles[0].text}).status_code == 200
    deadline = time.monotonic() + 10  # the refresher's bound here is well under a second
    while engine.generation != engine.store.generation() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert engine.generation == engine.store.generation() > before
    assert engine.pending == 0
    for n in (0, WRITES - 1):
        found = client.post("/v1/verify", json={"quote": articles[n].text}).get_json()
        assert (found["verdict"], found["match"]["article"]["id"]) == ("verbatim", f"later-{n:03d}")
    assert client.get("/version").get_json()["generation"] == engine.store.generation()


def test_a_write_through_a_refreshed_process_is_matched_by_its_next_request(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(VERBATIM_API_KEY=TEST_API_KEY)
    client = app.test_client()
    assert client.get("/v1/articles?limit=1").status_code == 200  # starts the refresher
    _other_process_writes(app)  # a backlog the refresher has not reached yet
    text = "Alderman Quillfeather resigned on Tuesday after the vote."
    mine = {"id": "mine", "title": "Mine", "text": text}
    written = client.post("/v1/articles", json=mine, headers=AUTH)
    assert written.status_code == 201
    produced = int(written.headers["X-Verbatim-Generation"])
    assert produced == engine_of(app).store.generation()
    found = client.post("/v1/verify", json={"quote": text}).get_json()
    assert (found["verdict"], found["match"]["article"]["id"]) == ("verbatim", "mine")


def test_a_write_through_this_process_is_matched_at_once_behind_a_backlog(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    engine = engine_of(app)
    _other_process_writes(app)
    assert engine.sync(max_articles=0) is False  # seen, none applied yet
    assert engine.pending == WRITES
    mine = Article(id="mine", title="Mine", text="Alderman Quillfeather resigned on Tuesday.")
    engine.create_article(mine)
    assert engine.pending == WRITES  # the backlog waits; the acknowledged write does not
    found = engine.verify("Alderman Quillfeather resigned on Tuesday.")
    assert (found.verdict, found.match.article.id) == ("verbatim", "mine")
