"""No imported article can make reads fail: `verbatim import` and the start-up corpus load refuse
one too slow to attribute, as API writes are refused (issue 17), and one stored anyway (an older
version, or `--request-budget 0`) is a clear 503 naming it, never a killed worker.

The budget is 1 CPU second, so a write may spend 0.5 s attributing and articles from 6,250
characters are checked (`service.admission`). The slow article is bench/bench_names.py's
adversarial name text at 800,000 characters: about 2.5 s of extraction, five times the write
share; the normal ones take about 0.08 s at most (the seed story twice), a sixth of it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench.bench_names import adversarial_text
from service import create_app
from service.admission import check_threshold
from tests.server import ROOT, Server, start_server

pytestmark = pytest.mark.e2e

BUDGET = "1"
VERBATIM = Path(sys.executable).with_name("verbatim")
SLOW_CHARS = 800_000
SHORT_TEXT = "\u201cWe will keep the bridge open,\u201d the harbour master said on Monday."
SEED_QUOTE = "They're willing to put people on the ground"


def write_batch(folder: Path, seed_text: str) -> Path:
    """A JSON Lines file: a short article, the slow one, and a long normal one (checked)."""
    long_text = f"{seed_text}\n\n{seed_text}"
    assert len(long_text) >= check_threshold(float(BUDGET))  # the check runs on it, and passes
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "batch.jsonl"
    records = [
        {"id": "harbour", "title": "Harbour stays open", "text": SHORT_TEXT},
        {"id": "slow-one", "title": "Councillors speak", "text": adversarial_text(SLOW_CHARS)},
        {"id": "seed-twice", "title": "Trump on troops, twice", "text": long_text},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run_import(
    data_dir: Path, *args: str, budget: str | None = BUDGET
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERBATIM_")}
    env["VERBATIM_DATA_DIR"] = str(data_dir)
    if budget is not None:
        env["VERBATIM_REQUEST_BUDGET"] = budget
    return subprocess.run(
        [str(VERBATIM), "import", "--quiet", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("import-budget")


@pytest.fixture(scope="module")
def imported(data_dir: Path, seed_text: str) -> tuple[Path, subprocess.CompletedProcess]:
    batch = write_batch(data_dir / "incoming", seed_text)
    return batch, run_import(data_dir / "store", str(batch.parent))


@pytest.fixture(scope="module")
def server(data_dir: Path, imported: tuple) -> Iterator[Server]:
    running = start_server(
        {"VERBATIM_DATA_DIR": str(data_dir / "store"), "VERBATIM_REQUEST_BUDGET": BUDGET},
        workers=1,
        timeout=180,
    )
    try:
        yield running
    finally:
        running.stop()


def metric(server: Server, sample: str) -> float:
    text = requests.get(f"{server.url}/metrics", timeout=30).text
    found = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_import_skips_the_slow_article_by_id_and_stores_the_rest(
    imported: tuple[Path, subprocess.CompletedProcess], data_dir: Path, server: Server
) -> None:
    batch, result = imported
    assert result.returncode == 1  # something was skipped (documented in the CLI help)
    assert result.stderr == (
        f"skipped {batch}:2: article 'slow-one' was not stored: attributing its quotes takes "
        "more than 0.5 CPU seconds (half of VERBATIM_REQUEST_BUDGET=1), so every read of it "
        "would be refused; split it into shorter articles\n"
    )
    assert result.stdout == (
        "added 2, updated 0, unchanged 0, skipped 1 (1 too slow to attribute) "
        f"(store: 2 articles in {data_dir / 'store' / 'verbatim.sqlite3'})\n"
    )

    base = server.url
    assert requests.get(f"{base}/v1/articles/slow-one", timeout=30).status_code == 404
    page = requests.get(f"{base}/v1/articles", timeout=30)
    assert page.status_code == 200
    assert [item["id"] for item in page.json()["items"]] == ["harbour", "seed-twice"]
    for article_id in ("harbour", "seed-twice"):
        assert requests.get(f"{base}/v1/articles/{article_id}", timeout=30).status_code == 200
    found = requests.post(f"{base}/v1/verify", json={"quote": SEED_QUOTE}, timeout=30)
    assert found.status_code == 200
    assert found.json()["match"]["article"]["id"] == "seed-twice"
    assert "WORKER TIMEOUT" not in server.log()


def test_an_article_stored_without_the_check_is_a_clear_503_and_counted(
    data_dir: Path, server: Server
) -> None:
    """As an older version would have stored it: `--request-budget 0` turns the check off."""
    text = adversarial_text(SLOW_CHARS, seed=1)
    path = data_dir / "old" / "old-slow.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"id": "old-slow", "title": "Old", "text": text}), "utf-8")
    stored = run_import(data_dir / "store", "--request-budget", "0", str(path))
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout.startswith("added 1, updated 0, unchanged 0, skipped 0 ")

    base = server.url
    detail = (
        "The stored article 'old-slow' this request needs takes longer to attribute than the 1 s "
        "of computing the service gives one request, so it cannot be served (it was stored "
        "unchecked or under a larger budget). Retrying will not help: replace it with shorter "
        "articles (PUT /v1/articles/old-slow) or delete it (DELETE /v1/articles/old-slow)."
    )
    # Twice: the second read is refused from what the first learnt, with the same answer.
    for _ in range(2):
        response = requests.get(f"{base}/v1/articles/old-slow", timeout=60)
        assert response.status_code == 503
        assert response.headers["Content-Type"] == "application/problem+json"
        assert "Retry-After" not in response.headers
        body = response.json()
        assert {k: v for k, v in body.items() if k != "request_id"} == {
            "type": "about:blank",
            "title": "Service Unavailable",
            "status": 503,
            "instance": "/v1/articles/old-slow",
            "detail": detail,
        }
    # A verify that lands in it says the same; others are served (once the index has it).
    quote = text.split("\n\n", 1)[0].split(".", 1)[0]  # 'Councillor <a new name> Khan spoke..'
    until = time.monotonic() + 60
    landed = requests.post(f"{base}/v1/verify", json={"quote": quote}, timeout=60)
    while landed.status_code == 200 and time.monotonic() < until:
        assert landed.json()["verdict"] == "not_found"  # not indexed yet
        time.sleep(0.2)
        landed = requests.post(f"{base}/v1/verify", json={"quote": quote}, timeout=60)
    assert landed.status_code == 503
    assert landed.json()["detail"] == detail
    assert requests.get(f"{base}/livez", timeout=10).status_code == 200
    found = requests.post(f"{base}/v1/verify", json={"quote": SEED_QUOTE}, timeout=30)
    assert found.json()["match"]["article"]["id"] == "seed-twice"
    assert requests.get(f"{base}/v1/articles/harbour", timeout=30).status_code == 200
    assert metric(server, "verbatim_slow_article_refusals_total") == 3
    route = 'verbatim_deadline_refusals_total{route="/v1/articles/<article_id>"}'
    assert metric(server, route) == 2
    assert metric(server, 'verbatim_deadline_refusals_total{route="/v1/verify"}') == 1
    log = server.log()
    assert "WORKER TIMEOUT" not in log
    assert "stored article 'old-slow' takes more than 1 CPU seconds to attribute" in log


def test_start_up_load_leaves_out_the_slow_article_and_logs_it(
    tmp_path: Path, seed_text: str, caplog: pytest.LogCaptureFixture
) -> None:
    batch = write_batch(tmp_path / "corpus", seed_text)
    with caplog.at_level(logging.ERROR, logger="verbatim"):
        app = create_app(
            {
                "VERBATIM_DATA_DIR": str(tmp_path / "data"),
                "VERBATIM_CORPUS_DIR": str(batch.parent),
                "VERBATIM_REQUEST_BUDGET": float(BUDGET),
                "TESTING": True,
            }
        )
    assert [r.getMessage() for r in caplog.records if r.name == "verbatim"] == [
        f"corpus file skipped: {batch}:2: article 'slow-one' was not stored: attributing its "
        "quotes takes more than 0.5 CPU seconds (half of VERBATIM_REQUEST_BUDGET=1), so every "
        "read of it would be refused; split it into shorter articles"
    ]
    client = app.test_client()
    assert client.get("/v1/articles/slow-one").status_code == 404
    assert client.get("/v1/articles").get_json()["total"] == 2
    found = client.post("/v1/verify", json={"quote": SEED_QUOTE})
    assert found.status_code == 200
    assert found.get_json()["match"]["article"]["id"] == "seed-twice"
