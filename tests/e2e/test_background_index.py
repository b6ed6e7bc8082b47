"""A real gunicorn opens or builds its index in the background: alive at once, ready later."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.fit_calibration import SEED, split_real
from bench.make_corpus import scaled_articles
from service.api.articles import WORKER_HEADER
from service.corpus.store import ArticleStore, store_path
from service.engine import BULK_BACKLOG
from service.index_snapshot import SNAPSHOT_FILENAME
from tests.server import Server, launch_server, start_server

ARTICLES = 3000


def _launch(data_dir: Path) -> Server:
    """gunicorn as `make run` starts it (two workers), without waiting for anything."""
    # Serve at once (no wait for the index in post_worker_init): the build is seen in progress.
    return launch_server({"VERBATIM_DATA_DIR": str(data_dir), "VERBATIM_INDEX_WAIT": "0"})


def _poll_until_ready(url: str) -> list[tuple[int, int, dict, int, dict, bool]]:
    """(livez, readyz, its body, verify status, its body, whether one worker answered both) every
    50 ms until /readyz is 200: with two workers, one may be ready while the other builds."""
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            live = requests.get(f"{url}/livez", timeout=5).status_code
            # Verify first: a worker turns ready between two requests, never back, so a readyz
            # 503 after it means that worker was still indexing when it answered the verify.
            verify = requests.post(f"{url}/v1/verify", json={"quote": "talks"}, timeout=5)
            ready = requests.get(f"{url}/readyz", timeout=5)
        except requests.ConnectionError:
            time.sleep(0.05)
            continue
        same_worker = ready.headers[WORKER_HEADER] == verify.headers[WORKER_HEADER]
        seen.append(
            (live, ready.status_code, ready.json(), verify.status_code, verify.json(), same_worker)
        )
        if ready.status_code == 200 and verify.status_code == 200:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"never ready: {seen[-1:]}")


def _wait_for_log(server: Server, line: str, count: int) -> None:
    """Until both workers have logged their index (a poll may reach the first one ready)."""
    deadline = time.monotonic() + 60
    while server.log().count(line) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_server_answers_livez_while_it_builds_and_a_restart_opens_the_snapshot(
    tmp_path: Path,
) -> None:
    corpus = list(scaled_articles(split_real()[0], ARTICLES, SEED))
    ArticleStore(store_path(tmp_path)).bulk_upsert(corpus)
    quote = " ".join(corpus[7].text.split()[20:40])
    server = _launch(tmp_path)
    try:
        seen = _poll_until_ready(server.url)
        found = requests.post(f"{server.url}/v1/verify", json={"quote": quote}, timeout=10).json()
        _wait_for_log(server, "index ready: ", 2)
    finally:
        server.stop()
    building = [s for s in seen if s[1] == 503]
    assert building, "the build was never seen in progress"
    assert all(live == 200 for live, *_ in seen)
    for _, _, body, _, _, _ in building:
        assert body["status"] == "indexing"
        assert body["index"]["total"] in (0, ARTICLES)  # (0 while trying the snapshot)
        assert 0 <= body["index"]["articles"] <= ARTICLES
    # A worker still indexing refuses to verify (another, already ready, may answer 200).
    refused = [(status, problem) for *_, status, problem, same in building if same]
    assert refused, "no worker was seen building by both requests"
    for verify_status, problem in refused:
        assert verify_status == 503
        assert problem["title"] == "Service Unavailable"
        assert "being opened or built" in problem["detail"]
    assert seen[-1][2]["index"]["articles"] == ARTICLES
    assert (found["verdict"], found["match"]["article"]["id"]) == ("verbatim", corpus[7].id)
    assert (tmp_path / SNAPSHOT_FILENAME).is_file()
    log = server.log()
    # One worker built the index (under the lock); the other opened what it saved.
    assert log.count(f"index ready: {ARTICLES} articles (built") == 1, log
    assert log.count(f"index ready: {ARTICLES} articles (snapshot") == 1, log

    again = _launch(tmp_path)
    try:
        _poll_until_ready(again.url)
        _wait_for_log(again, "index ready: ", 4)
    finally:
        again.stop()
    assert again.log().count(f"index ready: {ARTICLES} articles (snapshot") == 3, again.log()


def test_an_import_into_a_running_server_is_indexed_once_and_found_by_every_worker(
    tmp_path: Path,
) -> None:
    corpus = list(scaled_articles(split_real()[0], 300, SEED))
    ArticleStore(store_path(tmp_path)).bulk_upsert(corpus)
    records = tmp_path / "import.jsonl"
    count = BULK_BACKLOG + 300
    with records.open("w", encoding="utf-8") as out:
        for n in range(count):
            text = f"Returning officer Ysolde Brannagh{n} declared ward {n} closed at dawn."
            out.write(json.dumps({"id": f"ward-{n:05d}", "title": f"Ward {n}", "text": text}))
            out.write("\n")
    last = f"Returning officer Ysolde Brannagh{count - 1} declared ward {count - 1} closed"
    server = start_server({"VERBATIM_DATA_DIR": str(tmp_path)})
    try:
        cli = Path(sys.executable).with_name("verbatim")
        subprocess.run(
            # One batch, one commit: every refresher sees the whole backlog at once.
            [cli, "--data-dir", tmp_path, "import", records, "-q", "--batch-size", str(count)],
            check=True,
            capture_output=True,
        )
        found_by: dict[str, str] = {}
        deadline = time.monotonic() + 120
        while len(found_by) < 2:
            assert time.monotonic() < deadline, (found_by, server.log()[-3000:])
            answer = requests.post(f"{server.url}/v1/verify", json={"quote": last}, timeout=30)
            assert answer.status_code == 200
            match = answer.json()["match"] or {}
            if match.get("article", {}).get("id") == f"ward-{count - 1:05d}":
                found_by[answer.headers[WORKER_HEADER]] = answer.json()["verdict"]
            time.sleep(0.05)
    finally:
        server.stop()
    assert set(found_by.values()) == {"verbatim"}
    log = server.log()
    assert '"level": "ERROR"' not in log, log
    assert "index snapshot brought to generation" in log, log
    assert log.count("opened the index snapshot of generation") >= 2, log
