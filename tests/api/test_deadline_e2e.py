"""The request budget on real gunicorn, set through the environment as an operator would.

VERBATIM_REQUEST_BUDGET=0.3 makes long texts expensive while the seed story, the one article the
server loads, still fits: it takes about 40 ms to attribute (start-up checks it against the
0.15 s write share). Paragraphs of twenty short quotes just under /v1/extract's 200,000
characters take about 1 s (bench/bench_write_check.py's slowest text per character, cut into
paragraphs: extraction checks its budget once per paragraph), and the story repeated
100 times (an article of 590 KB, under the 1 MiB cap) about 1 s. The extract and the write are
refused with a 503 at the budget, no worker is killed, and nothing refused is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import SEED_ID, SEED_PATH, TEST_API_KEY
from tests.server import Server, start_server

pytestmark = pytest.mark.e2e

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}
BUDGET = "0.3"
EXTRACT_TEXT = ('"Yes," he said. ' * 20 + "\n\n") * 600  # 193,200 characters
ARTICLE_REPEATS = 100


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("deadline-e2e")
    running = start_server(
        {
            "VERBATIM_DATA_DIR": str(data_dir),
            "VERBATIM_API_KEY": TEST_API_KEY,
            "VERBATIM_REQUEST_BUDGET": BUDGET,
            "VERBATIM_CORPUS_DIR": str(SEED_PATH.parent),
        },
        workers=2,
        timeout=180,
    )
    try:
        yield running
    finally:
        running.stop()


def repeated(text: str, times: int) -> str:
    return "\n\n".join([text] * times)


def metric(server: Server, sample: str) -> float:
    """One sample of /metrics (`name` or `name{labels}`); 0 when absent."""
    text = requests.get(f"{server.url}/metrics", timeout=30).text
    found = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def refusals(server: Server, route: str) -> float:
    return metric(server, f'verbatim_deadline_refusals_total{{route="{route}"}}')


def test_an_expensive_extract_is_a_503_within_the_budget(server: Server) -> None:
    response = requests.post(f"{server.url}/v1/extract", json={"text": EXTRACT_TEXT}, timeout=30)
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    assert response.json()["detail"] == (
        "This request needed more than the 0.3 s of computing the service gives one request "
        "(extraction was cut short). Send a shorter text, or split it and extract each part."
    )
    assert requests.get(f"{server.url}/livez", timeout=10).status_code == 200
    assert refusals(server, "/v1/extract") == 1
    assert "WORKER TIMEOUT" not in server.log()


def test_a_write_that_would_be_slow_is_refused_and_reads_stay_fine(
    server: Server, seed_text: str
) -> None:
    base = server.url
    # Not a page of /v1/articles: a page attributes each of its articles, which at this small
    # budget is itself more than one request may do.
    total = metric(server, "verbatim_corpus_articles")
    assert total > 0
    article = {
        "title": "A story told a hundred times",
        "text": repeated(seed_text, ARTICLE_REPEATS),
    }
    response = requests.put(f"{base}/v1/articles/poisoned", json=article, headers=AUTH, timeout=30)
    assert response.status_code == 503
    assert response.json()["detail"].endswith(
        "Nothing was stored or changed: attributing this article's quotes takes longer than "
        "the service allows. Split it into shorter articles."
    )
    assert requests.get(f"{base}/v1/articles/poisoned", timeout=30).status_code == 404
    assert metric(server, "verbatim_corpus_articles") == total
    stored = requests.get(f"{base}/v1/articles/{SEED_ID}", timeout=30)
    assert stored.status_code == 200
    assert stored.json()["text"] == seed_text
    result = requests.post(
        f"{base}/v1/verify",
        json={"quote": "Trump rules out sending troops to Ukraine"},
        timeout=30,
    ).json()
    assert result["match"]["article"]["id"] == SEED_ID
    assert refusals(server, "/v1/articles/<article_id>") == 1
    assert "WORKER TIMEOUT" not in server.log()
