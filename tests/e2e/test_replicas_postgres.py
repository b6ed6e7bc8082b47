"""Two gunicorn replicas, each with its own data directory, sharing one real PostgreSQL database:
the multi-machine layout of deploy/compose.yaml on loopback ports.

- a write through one replica is matched by /v1/verify on the other, within the stated bound;
- eight writers spread over both for a bounded time, while one replica is killed with -9 and
  PostgreSQL is restarted: nothing acknowledged is lost, nothing is duplicated, every answer is a
  success, a clean 409 or a 503 problem (never a 500, never a hang), and both replicas converge.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests

from tests.conftest import SEED_PATH
from tests.postgres import PostgresCluster
from tests.server import Server, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

API_KEY = "replica-test-key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
# The bound the README states for a write on one replica to be matched on another (the NOTIFY
# path is milliseconds; this leaves room for a missed notification's 1 s poll and a busy box).
PROPAGATION_BOUND = 3.0
RUN_SECONDS = 12.0
WRITERS = 8
REQUEST_TIMEOUT = 15  # a request taking longer than this is a hang


def _words(rng: random.Random, n: int) -> str:
    syllables = ["ka", "lo", "mir", "ten", "vos", "dra", "pel", "quin", "zor", "bex", "ul", "fy"]
    return " ".join("".join(rng.choice(syllables) for _ in range(3)) for _ in range(n))


def article(article_id: str, rng: random.Random) -> dict:
    return {
        "id": article_id,
        "title": f"Report {article_id}",
        "text": f"Councillor {_words(rng, 2)} said: \u201c{_words(rng, 10)}.\u201d",
    }


def quote_of(body: dict) -> str:
    return body["text"].split("\u201c", 1)[1].rstrip("\u201d").rstrip(".")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, pg_cluster: PostgresCluster) -> dict:
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / SEED_PATH.name).write_bytes(SEED_PATH.read_bytes())
    meta = SEED_PATH.with_name(SEED_PATH.name + ".meta.json")
    (corpus / meta.name).write_bytes(meta.read_bytes())
    return {"url": pg_cluster.new_database(), "corpus": corpus, "tmp": tmp_path_factory}


def start_replica(shared: dict, name: str) -> Server:
    data_dir: Path = shared["tmp"].mktemp(f"replica-{name}")
    return start_server(
        {
            "VERBATIM_DATABASE_URL": shared["url"],
            "VERBATIM_DATA_DIR": str(data_dir),
            "VERBATIM_CORPUS_DIR": str(shared["corpus"]),
            "VERBATIM_API_KEY": API_KEY,
        },
        workers=2,
    )


@pytest.fixture(scope="module")
def replicas(shared: dict) -> Iterator[list[Server]]:
    # Started together: both find an empty database, both migrate and seed it (once, cleanly).
    servers: list[Server] = []
    threads = [
        threading.Thread(target=lambda n=n: servers.append(start_replica(shared, n))) for n in "ab"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(servers) == 2, "a replica did not start"
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def db_rows(url: str) -> tuple[int, dict[str, str]]:
    with psycopg.connect(url) as conn:
        generation = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
        texts = dict(conn.execute("SELECT id, text FROM articles").fetchall())
    return generation, texts


def test_both_replicas_ready_on_one_seeded_database(replicas: list[Server], shared: dict):
    for server in replicas:
        ready = requests.get(f"{server.url}/readyz", timeout=10).json()
        assert ready["store"] == {"backend": "postgresql", "reachable": True, "schema_version": 1}
        assert ready["index"]["articles"] == 1
    _, texts = db_rows(shared["url"])
    assert len(texts) == 1  # seeded once, not twice


def test_a_write_through_one_replica_is_verified_through_the_other(replicas: list[Server]):
    rng = random.Random(1)
    a, b = replicas
    for source, target in ((a, b), (b, a)):
        body = article(f"cross-{source.url[-5:]}", rng)
        created = requests.post(f"{source.url}/v1/articles", json=body, headers=AUTH, timeout=30)
        assert created.status_code == 201
        acknowledged = time.monotonic()
        while True:
            answer = requests.post(
                f"{target.url}/v1/verify", json={"quote": quote_of(body)}, timeout=30
            ).json()
            if answer["match"] and answer["match"]["article"]["id"] == body["id"]:
                break
            assert time.monotonic() - acknowledged < PROPAGATION_BOUND, "not propagated in time"
            time.sleep(0.01)
        assert answer["verdict"] == "verbatim"


def served(method: str, url: str, **kwargs: object) -> dict:
    """The 200 answer's body, retrying a 503 for a bounded time: /version reports one worker,
    and another may still be (re)opening its index, which it says with a 503 (seen once on a
    heavily loaded machine, after the convergence loop above)."""
    deadline = time.monotonic() + 30
    while True:
        reply = requests.request(method, url, timeout=30, **kwargs)
        if reply.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert reply.status_code == 200, (url, reply.text[:300])
    return reply.json()


def test_writers_survive_a_killed_replica_and_a_database_restart(
    replicas: list[Server], shared: dict, pg_cluster: PostgresCluster
):
    a, b = replicas
    targets = [a.url, b.url]  # writers pick from this; swapped while a replica is down
    acknowledged: dict[str, dict] = {}
    outcomes: Counter[str] = Counter()
    bad: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(number: int) -> None:
        # Seeds apart from the cross-replica test's: a shared seed writes the same text twice
        # under two ids, and verify may then rightly answer with either.
        rng = random.Random(100 + number)
        session = requests.Session()
        k = 0
        while not stop.is_set():
            k += 1
            url = targets[(number + k) % 2]
            if k % 5 == 0:  # replicas race to replace one shared id: last writer wins
                body, method, path = article("contested", rng), "PUT", "/v1/articles/contested"
            else:
                body, method, path = article(f"w{number}-{k}", rng), "POST", "/v1/articles"
            try:
                reply = session.request(
                    method, url + path, json=body, headers=AUTH, timeout=REQUEST_TIMEOUT
                )
            except requests.ConnectionError:
                with lock:
                    outcomes["connection error"] += 1
                time.sleep(0.05)
                continue
            except requests.Timeout:
                with lock:
                    bad.append(f"{method} {path}: hung for {REQUEST_TIMEOUT}s")
                continue
            with lock:
                outcomes[str(reply.status_code)] += 1
                if reply.status_code in (200, 201) and method == "POST":
                    acknowledged[body["id"]] = body
                elif reply.status_code == 503:
                    if reply.headers["Content-Type"] != "application/problem+json":
                        bad.append(f"503 without a problem body: {reply.text[:200]}")
                elif reply.status_code not in (200, 201):
                    bad.append(f"{method} {path}: {reply.status_code} {reply.text[:300]}")
            if reply.status_code == 503:
                time.sleep(0.1)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)
        b.kill9()  # mid-write: eight writers are sending to it
        targets[1] = a.url
        replacement = start_replica(shared, "b2")
        replicas[1] = replacement  # stopped by the fixture
        targets[1] = replacement.url

        time.sleep(1)
        pg_cluster.stop("fast")  # every connection of both replicas is cut
        try:
            probe_started = time.monotonic()
            verify = requests.post(
                f"{a.url}/v1/verify", json={"quote": "willing to put people"}, timeout=10
            )
            probe_seconds = time.monotonic() - probe_started
            ready = requests.get(f"{replacement.url}/readyz", timeout=10)
        finally:
            pg_cluster.start()
        assert verify.status_code == 503
        assert verify.headers["Content-Type"] == "application/problem+json"
        assert verify.headers["Retry-After"]
        assert "unreachable" in verify.json()["detail"]
        assert probe_seconds < 5
        assert ready.status_code == 503
        assert ready.json()["store"]["reachable"] is False
        assert ready.json()["index"]["articles"] >= 1

        time.sleep(max(0.0, RUN_SECONDS - (time.monotonic() - started)))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    assert bad == []
    assert outcomes["201"] > 50, outcomes
    # Converge: both replicas serve the database's generation, and so match every write.
    generation, texts = db_rows(shared["url"])
    deadline = time.monotonic() + 10
    for server in (a, replicas[1]):
        while requests.get(f"{server.url}/version", timeout=10).json()["generation"] < generation:
            assert time.monotonic() < deadline, f"{server.url} did not converge"
            time.sleep(0.1)
    # Nothing acknowledged lost or altered; nothing duplicated (one row per id, one change row).
    missing = [i for i in acknowledged if texts.get(i) != acknowledged[i]["text"]]
    assert missing == []
    with psycopg.connect(shared["url"]) as conn:
        changes = conn.execute("SELECT COUNT(*), COUNT(DISTINCT article_id) FROM changes")
        assert changes.fetchone() == (len(texts), len(texts))
    rng = random.Random(7)
    sample = rng.sample(sorted(acknowledged), 12)
    for server in (a, replicas[1]):
        page = served("GET", f"{server.url}/v1/articles?limit=1")
        assert page["total"] == len(texts)
        contested = served("GET", f"{server.url}/v1/articles/contested")
        assert contested["text"] == texts["contested"]
        for article_id in sample:
            answer = served(
                "POST",
                f"{server.url}/v1/verify",
                json={"quote": quote_of(acknowledged[article_id])},
            )
            assert answer["match"]["article"]["id"] == article_id
            assert answer["verdict"] == "verbatim"
    print(f"outcomes: {dict(outcomes)}; acknowledged {len(acknowledged)}; stored {len(texts)}")
