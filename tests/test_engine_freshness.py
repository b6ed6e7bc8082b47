"""Writes by other processes reach this process's index in bounded steps, off the request path."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask

from service.api.context import engine_of
from service.corpus.store import ArticleStore, store_path
from service.engine import SYNC_STEP
from service.models import Article

WRITES = 40


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


def test_a_request_does_one_step_and_the_refresher_the_rest(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    engine = engine_of(app)
    articles = _other_process_writes(app)
    answer = app.test_client().post("/v1/verify", json={"quote": articles[0].text})
    assert answer.status_code == 200
    assert answer.get_json()["match"]["article"]["id"] == "later-000"
    deadline = time.monotonic() + 60
    while engine.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert engine.pending == 0
    last = app.test_client().post("/v1/verify", json={"quote": articles[-1].text}).get_json()
    assert last["verdict"] == "verbatim"
    assert last["match"]["article"]["id"] == f"later-{WRITES - 1:03d}"
    assert app.test_client().get("/version").get_json()["generation"] == engine.store.generation()


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
