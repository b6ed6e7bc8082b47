"""A worker serves from its first moment: a request that needs the corpus waits while the saved
index is opened (a restart), and answers 503 with progress at once while one is built."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from service.api.context import engine_of

SEED_QUOTE = "I don't think it's going to be a problem."


def test_a_request_waits_for_the_snapshot_being_opened(make_app: Callable[..., Flask]) -> None:
    make_app()  # indexes the bundled corpus and saves the snapshot, as a first start does
    restarted = make_app(VERBATIM_BACKGROUND_INDEX=True)
    engine = engine_of(restarted)
    assert not engine.ready
    client = restarted.test_client()
    assert client.get("/livez").status_code == 200
    answer = client.post("/v1/verify", json={"quote": SEED_QUOTE})
    assert answer.status_code == 200
    assert answer.get_json()["verdict"] == "verbatim"
    assert engine.index_source == "snapshot"
    engine.stop()


def test_version_waits_for_the_snapshot_being_opened(make_app: Callable[..., Flask]) -> None:
    first = make_app()
    expected = first.test_client().get("/version").get_json()
    restarted = make_app(VERBATIM_BACKGROUND_INDEX=True)
    version = restarted.test_client().get("/version").get_json()
    assert (version["generation"], version["articles"]) == (
        expected["generation"],
        expected["articles"],
    )
    engine_of(restarted).stop()


def test_a_build_from_scratch_is_not_waited_for(make_app: Callable[..., Flask]) -> None:
    fresh = make_app(VERBATIM_BACKGROUND_INDEX=True)  # no snapshot yet: the corpus is built
    client = fresh.test_client()
    answer = client.post("/v1/verify", json={"quote": SEED_QUOTE})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.get_json()["title"] == "Service Unavailable"
    assert client.get("/livez").status_code == 200
    engine = engine_of(fresh)
    assert engine.wait_ready(120)
    assert client.post("/v1/verify", json={"quote": SEED_QUOTE}).get_json()["verdict"] == (
        "verbatim"
    )
    engine.stop()


def test_no_wait_when_configured_so(make_app: Callable[..., Flask]) -> None:
    make_app()
    restarted = make_app(VERBATIM_BACKGROUND_INDEX=True, VERBATIM_INDEX_WAIT=0)
    assert restarted.test_client().post("/v1/verify", json={"quote": SEED_QUOTE}).status_code == (
        503
    )
    engine_of(restarted).stop()
