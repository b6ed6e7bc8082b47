"""Nothing lost: real gunicorn workers, real SQLite files, kill -9, concurrent clients.

Each test is bounded to a few seconds of traffic; the corpus is one small article so servers start
fast. Articles written here use generated sentences, so each quote has exactly one true source.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from service.corpus.store import ArticleStore, store_path
from tests.server import ROOT, Server, start_server

pytestmark = pytest.mark.e2e

API_KEY = "durability-test-key-5d1c"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
WORKER_HEADER = "X-Verbatim-Worker"
SEED_QUOTE = "They're willing to put people on the ground."
SEED_ID = "seed-troops"
SEED_TEXT = (
    "Title: Trump rules out troops\n\n"
    "US President Donald Trump ruled out sending troops to Ukraine.\n"
    f"Trump said: \u201c{SEED_QUOTE}\u201d\n"
)
# Made-up words from a large space: each is rare across the corpus, as names and places are in
# real news, so a quote drawn from them has exactly one true source. (A small vocabulary of common
# words would make every article look alike to candidate retrieval, which is not what we test.)
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 4)))


def sentence(seed: str, words: int = 14) -> str:
    rng = random.Random(seed)
    return " ".join(_word(rng) for _ in range(words)).capitalize() + "."


def article_for(client: int, n: int) -> tuple[dict, str]:
    quote = sentence(f"{client}-{n}")
    body = {
        "title": f"Client {client} report {n}",
        "text": (
            f"The regional assembly met on Monday to discuss report {n} from desk {client}.\n"
            f'Mayor Anna Kowalski said: "{quote}"\n'
        ),
    }
    return body, quote


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"{SEED_ID}.txt").write_text(SEED_TEXT, encoding="utf-8")
    return {
        "VERBATIM_DATA_DIR": str(tmp_path / "data"),
        "VERBATIM_CORPUS_DIR": str(corpus),
        "VERBATIM_API_KEY": API_KEY,
        "LOG_LEVEL": "warning",
    }


@pytest.fixture
def servers():
    """Every server a test starts is killed, even when the test fails (its data is throw-away,
    so there is nothing to shut down gracefully for)."""
    started: list[Server] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.kill9()


def start(servers: list[Server], env: dict[str, str], workers: int) -> Server:
    server = start_server(env, workers=workers)
    servers.append(server)
    return server


def verify(url: str, quote: str) -> requests.Response:
    response = requests.post(f"{url}/v1/verify", json={"quote": quote}, timeout=30)
    assert response.status_code == 200, response.text
    return response


def matched_within(url: str, quote: str, article_id: str, seconds: float) -> bool:
    """Whether verify comes to answer `article_id` for `quote` before `seconds` are up (writes
    from other processes reach a worker's index in the background, so not on the next request)."""
    deadline = time.monotonic() + seconds
    while True:
        match = verify(url, quote).json()["match"]
        if match is not None and match["article"]["id"] == article_id:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def all_ids(url: str) -> list[str]:
    ids: list[str] = []
    offset = 0
    while True:
        page = requests.get(
            f"{url}/v1/articles", params={"offset": offset, "limit": 200}, timeout=30
        ).json()
        ids.extend(item["id"] for item in page["items"])
        offset += 200
        if offset >= page["total"]:
            return ids


def test_acknowledged_writes_survive_kill_9_and_restart(env, servers):
    server = start(servers, env, workers=2)
    acknowledged: dict[str, str] = {}
    for n in range(20):
        body, quote = article_for(0, n)
        response = requests.post(f"{server.url}/v1/articles", json=body, headers=AUTH, timeout=30)
        assert response.status_code == 201, response.text
        acknowledged[response.json()["id"]] = quote
    server.kill9()  # no shutdown, no checkpoint: whatever was acknowledged must be on disk

    restarted = start(servers, env, workers=2)
    assert sorted(all_ids(restarted.url)) == sorted([SEED_ID, *acknowledged])
    for article_id, quote in acknowledged.items():
        found = verify(restarted.url, quote).json()
        assert found["verdict"] == "verbatim"
        assert found["match"]["article"]["id"] == article_id
    integrity = sqlite3.connect(store_path(env["VERBATIM_DATA_DIR"]))
    assert integrity.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_eight_clients_writing_and_verifying_lose_nothing(env, servers):
    server = start(servers, env, workers=3)
    deadline = time.monotonic() + 4.0  # bounded: a few seconds of traffic
    acknowledged: dict[str, str] = {}
    failures: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> int:
        session = requests.Session()
        n = 0
        while time.monotonic() < deadline:
            body, quote = article_for(number, n)
            response = session.post(
                f"{server.url}/v1/articles", json=body, headers=AUTH, timeout=30
            )
            if response.status_code != 201:
                failures.append(f"POST {body['title']}: {response.status_code} {response.text}")
                return n
            article_id = response.json()["id"]
            with lock:
                acknowledged[article_id] = quote
            # Our own write, on whichever worker answers, and the seed: both must be right.
            for text, expected in ((quote, article_id), (SEED_QUOTE, SEED_ID)):
                found = session.post(
                    f"{server.url}/v1/verify", json={"quote": text}, timeout=30
                ).json()
                match = found.get("match") or {}
                if found.get("verdict") != "verbatim" or match["article"]["id"] != expected:
                    failures.append(f"verify {text!r}: {json.dumps(found)[:300]}")
            n += 1
        return n

    with ThreadPoolExecutor(max_workers=8) as pool:
        written = list(pool.map(client, range(8)))

    assert failures == []
    assert sum(written) == len(acknowledged) >= 8
    ids = all_ids(server.url)
    assert len(ids) == len(set(ids))  # none duplicated
    assert sorted(ids) == sorted([SEED_ID, *acknowledged])  # every acknowledged one present
    store = ArticleStore(store_path(env["VERBATIM_DATA_DIR"]))
    assert store.count() == len(acknowledged) + 1


def test_interrupted_import_is_consistent_and_rerun_completes(env, servers, tmp_path):
    total, batch = 1000, 25
    source = tmp_path / "bulk.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for n in range(total):
            handle.write(
                json.dumps(
                    {
                        "id": f"bulk-{n:05d}",
                        "title": f"Bulk report {n}",
                        "text": f"The assembly heard that {sentence(f'bulk-{n}', 40)}",
                    }
                )
                + "\n"
            )
    server = start(servers, env, workers=2)
    data_dir = env["VERBATIM_DATA_DIR"]
    store = ArticleStore(store_path(data_dir))
    command = [
        str(Path(sys.executable).with_name("verbatim")),
        "--data-dir",
        data_dir,
        "import",
        "--batch-size",
        str(batch),
        "--quiet",
        str(source),
    ]
    importer = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while store.count() <= 1 + batch and time.monotonic() < deadline:
        time.sleep(0.005)
    importer.send_signal(signal.SIGKILL)
    importer.wait(timeout=10)
    assert importer.returncode == -signal.SIGKILL, "import finished before it could be killed"

    # Whole batches only, the generation matches the data, and the file is sound.
    imported = store.count() - 1
    assert 0 < imported < total
    assert imported % batch == 0
    assert store.generation() == 1 + imported // batch  # seeding was one batch
    conn = sqlite3.connect(store_path(data_dir))
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # Every committed article is complete and correct, and the server comes to serve them: each
    # worker's refresher applies the backlog in the background, in bounded steps.
    last = store.get(f"bulk-{imported - 1:05d}")
    assert last is not None
    assert store.get(f"bulk-{imported:05d}") is None
    phrase = sentence(f"bulk-{imported - 1}", 40)
    assert last.text == f"The assembly heard that {phrase}"
    assert matched_within(server.url, phrase, last.id, seconds=90)

    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.startswith(
        f"added {total - imported}, updated 0, unchanged {imported}, skipped 0 "
    )
    assert store.count() == total + 1
    final = sentence(f"bulk-{total - 1}", 40)
    assert matched_within(server.url, final, f"bulk-{total - 1:05d}", seconds=90)


def test_a_write_in_one_worker_is_matched_by_verify_in_another(env, servers):
    server = start(servers, env, workers=3)
    body, quote = article_for(42, 0)
    response = requests.post(f"{server.url}/v1/articles", json=body, headers=AUTH, timeout=30)
    assert response.status_code == 201
    writer = response.headers[WORKER_HEADER]
    article_id = response.json()["id"]

    # Concurrent requests spread over the workers; keep going until another worker has answered.
    served_by: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(20):
            for answer in pool.map(lambda _: verify(server.url, quote), range(6)):
                found = answer.json()
                assert found["verdict"] == "verbatim"
                assert found["match"]["article"]["id"] == article_id
                worker = answer.headers[WORKER_HEADER]
                served_by[worker] = served_by.get(worker, 0) + 1
            if set(served_by) - {writer}:
                break
    assert set(served_by) - {writer}, f"every verify was served by the writer {writer}"
    assert os.getpid() != int(writer)
