"""How fast the corpus grows, and what keeping every worker fresh costs.

    .venv/bin/python bench/bench_ingest.py            # full run, both backends (a few minutes)
    .venv/bin/python bench/bench_ingest.py --quick    # small sizes, a few seconds
    .venv/bin/python bench/bench_ingest.py --backend postgresql

Measures, for each backend: real SQLite files in a temporary folder, and a throw-away PostgreSQL
server (tests/postgres.py: initdb on a loopback port, fsync on, as in production):
- store: `bulk_upsert` (batched transactions) and `create` (one fsync'd transaction each);
- `verbatim import`: files -> validation -> store, articles/s (what a newsroom's bulk load sees);
- the API: POST /v1/articles against real gunicorn workers, concurrent clients, articles/s
  (includes authentication, validation, the write, the writer's index update and quote extraction);
- freshness: the per-request `engine.sync()` when nothing changed (the cost every request pays),
  and the time until a change made by another process is applied (PostgreSQL: includes NOTIFY);
- across replicas: two gunicorn servers on one store (SQLite: one data directory on one host;
  PostgreSQL: one database), the delay from a 201 on one to a matching /v1/verify on the other.
Articles are Wikinews texts from the bundled corpus, re-used under fresh ids.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.corpus.importer import import_paths, load_articles  # noqa: E402
from service.corpus.store import ArticleStore, Store  # noqa: E402
from service.models import Article  # noqa: E402

WIKINEWS = ROOT / "corpus" / "wikinews"


class SqliteBackend:
    """Stores are files in the bench folder; a server's store is its data directory's file."""

    name = "sqlite"

    def store(self, folder: Path, name: str) -> Store:
        return ArticleStore(folder / name / "verbatim.sqlite3")

    def server_env(self, folder: Path, name: str, replica: str) -> dict[str, str]:
        return {"VERBATIM_DATA_DIR": str(folder / name)}  # replicas share the file (one host)


class PostgresBackend:
    """Stores are databases on one PostgreSQL server, one per `name`."""

    name = "postgresql"

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self._urls: dict[str, str] = {}

    def url(self, name: str) -> str:
        if name not in self._urls:
            self._urls[name] = self.cluster.new_database()
        return self._urls[name]

    def store(self, folder: Path, name: str) -> Store:
        from service.corpus.postgres import PostgresArticleStore

        return PostgresArticleStore(self.url(name))

    def server_env(self, folder: Path, name: str, replica: str) -> dict[str, str]:
        return {
            "VERBATIM_DATABASE_URL": self.url(name),
            "VERBATIM_DATA_DIR": str(folder / f"{name}-{replica}"),
        }


def sample_articles(count: int) -> list[Article]:
    """`count` real news articles: the Wikinews corpus, cycled under fresh ids."""
    base, _ = load_articles([WIKINEWS])
    return [replace(base[n % len(base)], id=f"bench-{n:06d}") for n in range(count)]


def bench_store(folder: Path, count: int, backend=None) -> dict[str, float]:
    backend = backend or SqliteBackend()
    articles = sample_articles(count)
    bulk = backend.store(folder, "bulk")
    started = time.perf_counter()
    bulk.bulk_upsert(articles)
    bulk_rate = count / (time.perf_counter() - started)
    started = time.perf_counter()
    bulk.bulk_upsert(articles)
    unchanged_rate = count / (time.perf_counter() - started)

    single = backend.store(folder, "single")
    few = articles[: max(1, count // 10)]
    started = time.perf_counter()
    for article in few:
        single.create(article)
    create_rate = len(few) / (time.perf_counter() - started)
    return {
        "store_bulk_upsert_articles_per_s": round(bulk_rate),
        "store_bulk_unchanged_articles_per_s": round(unchanged_rate),
        "store_create_one_transaction_each_per_s": round(create_rate),
    }


def bench_import(folder: Path, count: int, backend=None) -> dict[str, float]:
    backend = backend or SqliteBackend()
    source = folder / f"import-{backend.name}.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for article in sample_articles(count):
            handle.write(json.dumps(asdict(article), ensure_ascii=False) + "\n")
    store = backend.store(folder, "import-data")
    started = time.perf_counter()
    report = import_paths(store, [source])
    elapsed = time.perf_counter() - started
    assert report.counts["added"] == count, report.counts
    started = time.perf_counter()
    again = import_paths(store, [source])
    rerun = time.perf_counter() - started
    assert again.counts["unchanged"] == count, again.counts
    return {
        "import_articles_per_s": round(count / elapsed),
        "import_rerun_unchanged_articles_per_s": round(count / rerun),
    }


def bench_freshness(folder: Path, corpus_size: int, calls: int, backend=None) -> dict[str, float]:
    """Per-request cost of checking the store for changes, and the time until one change made
    elsewhere is applied (from the other store's commit to this engine serving it)."""
    from service.engine import Verbatim

    backend = backend or SqliteBackend()
    store = backend.store(folder, "fresh-data")
    store.bulk_upsert(sample_articles(corpus_size))
    engine = Verbatim(store)
    engine.sync()
    time.sleep(0.2)  # PostgreSQL: let the change listener connect (otherwise sync reads the db)

    started = time.perf_counter()
    for _ in range(calls):
        store.generation()
    generation_us = (time.perf_counter() - started) / calls * 1e6
    started = time.perf_counter()
    for _ in range(calls):
        engine.sync()
    idle_sync_us = (time.perf_counter() - started) / calls * 1e6

    other_process = backend.store(folder, "fresh-data")  # another worker's or replica's
    apply_ms: list[float] = []
    for n, article in enumerate(sample_articles(20)):
        other_process.create(replace(article, id=f"fresh-{n}"))
        target = other_process.generation()
        started = time.perf_counter()
        while engine.generation < target:
            engine.sync()
        apply_ms.append((time.perf_counter() - started) * 1e3)
    return {
        "freshness_generation_read_us": round(generation_us, 1),
        "freshness_idle_sync_per_request_us": round(idle_sync_us, 1),
        "freshness_apply_one_change_ms_median": round(statistics.median(apply_ms), 2),
        "freshness_corpus_size": corpus_size,
    }


def bench_api(
    folder: Path, seconds: float, clients: int, workers: int, backend=None
) -> dict[str, float]:
    import requests

    from tests.server import start_server

    backend = backend or SqliteBackend()
    corpus = folder / "api-corpus"
    corpus.mkdir(exist_ok=True)
    key = "bench-key"
    server = start_server(
        {
            **backend.server_env(folder, "api-data", "a"),
            "VERBATIM_CORPUS_DIR": str(corpus if seconds < 2 else WIKINEWS),
            "VERBATIM_API_KEY": key,
            "LOG_LEVEL": "warning",
        },
        workers=workers,
    )
    articles = sample_articles(5000)
    try:
        deadline = time.monotonic() + seconds
        latencies: list[float] = []

        def client(number: int) -> int:
            session = requests.Session()
            written = 0
            while time.monotonic() < deadline:
                article = articles[(number * 1000 + written) % len(articles)]
                body = {k: v for k, v in asdict(article).items() if v is not None}
                body["id"] = f"api-{number}-{written}"
                started = time.perf_counter()
                response = session.post(
                    f"{server.url}/v1/articles",
                    json=body,
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=60,
                )
                latencies.append(time.perf_counter() - started)
                if response.status_code != 201:
                    raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
                written += 1
            return written

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            total = sum(pool.map(client, range(clients)))
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
    latencies.sort()
    return {
        "api_articles_per_s": round(total / elapsed, 1),
        "api_post_latency_ms_median": round(statistics.median(latencies) * 1e3, 1),
        "api_post_latency_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1e3, 1),
        "api_clients": clients,
        "api_workers": workers,
    }


def bench_replicas(folder: Path, writes: int, backend) -> dict[str, float]:
    """Two servers on one store: delay from a 201 on A to /v1/verify on B matching it."""
    import requests

    from tests.server import start_server

    corpus = folder / "replica-corpus"
    corpus.mkdir(exist_ok=True)
    key = "bench-key"
    servers = []
    try:
        for replica in ("a", "b"):
            env = {
                **backend.server_env(folder, "replicas", replica),
                "VERBATIM_CORPUS_DIR": str(corpus),
                "VERBATIM_API_KEY": key,
                "LOG_LEVEL": "warning",
            }
            servers.append(start_server(env, workers=1))
        writer, reader = servers
        delays: list[float] = []
        for n, article in enumerate(sample_articles(writes)):
            body = {k: v for k, v in asdict(article).items() if v is not None}
            body["id"] = f"replica-{n}"
            quote = " ".join(article.text.split()[20:32])
            reply = requests.post(
                f"{writer.url}/v1/articles",
                json=body,
                headers={"Authorization": f"Bearer {key}"},
                timeout=60,
            )
            assert reply.status_code == 201, reply.text
            acknowledged = time.perf_counter()
            while True:
                answer = requests.post(
                    f"{reader.url}/v1/verify", json={"quote": quote, "limit": 10}, timeout=60
                ).json()
                ids = [answer["match"]["article"]["id"]] if answer["match"] else []
                ids += [alt["article"]["id"] for alt in answer.get("alternatives", [])]
                if body["id"] in ids:
                    break
                if time.perf_counter() - acknowledged > 30:
                    raise RuntimeError(f"{body['id']} not matched on the other replica in 30 s")
                time.sleep(0.005)
            delays.append((time.perf_counter() - acknowledged) * 1e3)
    finally:
        for server in servers:
            server.stop()
    delays.sort()
    return {
        "replicas_write_to_match_ms_median": round(statistics.median(delays), 1),
        "replicas_write_to_match_ms_max": round(delays[-1], 1),
    }


def run_backend(folder: Path, backend, quick: bool) -> dict[str, float]:
    sizes = {
        "store": 500 if quick else 5000,
        "import": 300 if quick else 5000,
        "fresh_corpus": 50 if quick else 295,
        "fresh_calls": 2000 if quick else 50000,
        "api_seconds": 1.0 if quick else 10.0,
        "replica_writes": 5 if quick else 30,
    }
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, float] = {}
    results.update(bench_store(folder, sizes["store"], backend))
    results.update(bench_import(folder, sizes["import"], backend))
    results.update(bench_freshness(folder, sizes["fresh_corpus"], sizes["fresh_calls"], backend))
    results.update(bench_api(folder, sizes["api_seconds"], clients=4, workers=2, backend=backend))
    results.update(bench_replicas(folder, sizes["replica_writes"], backend))
    return {f"{backend.name}.{name}": value for name, value in results.items()}


def run(quick: bool, backends: tuple[str, ...] = ("sqlite", "postgresql")) -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "sqlite" in backends:
            results.update(run_backend(folder / "sqlite", SqliteBackend(), quick))
        if "postgresql" in backends:
            from tests.postgres import start_cluster

            cluster = start_cluster(fsync=True)
            try:
                results.update(run_backend(folder / "postgresql", PostgresBackend(cluster), quick))
            finally:
                cluster.destroy()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument(
        "--backend", choices=["sqlite", "postgresql", "both"], default="both", help="store(s)"
    )
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for name, value in run(args.quick, backends).items():
        print(f"{name:48s} {value}")


if __name__ == "__main__":
    main()
