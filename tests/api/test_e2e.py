"""The service as people run it: gunicorn with gunicorn.conf.py on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.api.test_check_api import DRAFT, FABRICATED, MISATTRIBUTED, NEGATED, VERBATIM
from tests.conftest import SEED_ID
from tests.server import Server, running_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("e2e-data"), workers=2) as running:
        yield running


def test_verify_over_http(server: Server, seed_text: str) -> None:
    response = requests.post(
        f"{server.url}/v1/verify",
        json={"quote": "They're willing to put people on the ground"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["verdict"] == "verbatim"
    assert body["speaker"]["name"] == "Donald Trump"
    assert body["match"]["article"]["id"] == SEED_ID
    assert seed_text[body["match"]["start"] : body["match"]["end"]] == (
        "They’re willing to put people on the ground"
    )


def test_errors_over_http_are_problem_json(server: Server) -> None:
    bad = requests.post(
        f"{server.url}/v1/verify",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert bad.status_code == 400
    assert bad.headers["Content-Type"] == "application/problem+json"
    assert bad.json()["status"] == 400
    missing = requests.get(f"{server.url}/no/such/page", timeout=10)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"


def test_store_lives_in_the_data_dir(server: Server) -> None:
    data_dir = Path(server.log_path).parent
    assert (data_dir / "verbatim.sqlite3").exists()


def test_a_respawned_worker_catches_up_before_serving(tmp_path: Path) -> None:
    """Writes made after the master preloaded the index are applied in post_worker_init."""
    import os
    import signal
    import time

    from service.corpus.store import ArticleStore
    from service.models import Article

    data_dir = tmp_path / "data"
    with running_server(data_dir, workers=1) as running:
        first = requests.get(f"{running.url}/version", timeout=10)
        store = ArticleStore(data_dir / "verbatim.sqlite3")
        store.create(Article(id="late-news", title="Late news", text="A late article."))
        worker = int(first.headers["X-Verbatim-Worker"])
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                again = requests.get(f"{running.url}/version", timeout=10)
                if again.headers["X-Verbatim-Worker"] != str(worker):
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        assert again.headers["X-Verbatim-Worker"] != str(worker)
        # /version does not sync by itself: only the start-up hook can have applied the write.
        assert again.json()["generation"] == store.generation()
        assert again.json()["articles"] == first.json()["articles"] + 1


def test_check_a_draft_over_http(server: Server) -> None:
    """The draft of tests/api/test_check_api.py through gunicorn: each quote reported right."""

    response = requests.post(f"{server.url}/v1/check", json={"text": DRAFT}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert [
        (q["text"], q["claimed_speaker"], q["result"]["verdict"], q["misattributed"])
        for q in body["quotes"]
    ] == [
        (VERBATIM, "Donald Trump", "verbatim", False),
        (NEGATED, "Donald Trump", "altered", False),
        (MISATTRIBUTED, "Keir Starmer", "verbatim", True),
        (FABRICATED, "John Healey", "not_found", False),
    ]
    for quote in body["quotes"]:
        assert DRAFT[quote["start"] : quote["end"]] == quote["text"]
    assert body["quotes"][1]["result"]["differences"][0]["flags"] == ["negation"]
    assert body["summary"] == {
        "verbatim": 2,
        "close": 0,
        "altered": 1,
        "not_found": 1,
        "misattributed": 1,
    }
    assert (body["total"], body["truncated"]) == (4, False)
    same = requests.post(
        f"{server.url}/v1/verify",
        json={"quote": MISATTRIBUTED, "speaker": "Keir Starmer"},
        timeout=30,
    )
    assert same.text.strip() in response.text
    empty = requests.post(f"{server.url}/v1/check", json={"text": ""}, timeout=10)
    assert empty.status_code == 422
    assert empty.headers["Content-Type"] == "application/problem+json"
