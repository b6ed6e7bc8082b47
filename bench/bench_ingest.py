"""How fast the corpus grows, and what keeping every worker fresh costs.

    .venv/bin/python bench/bench_ingest.py            # full run (about a minute)
    .venv/bin/python bench/bench_ingest.py --quick    # small sizes, a few seconds

Measures, on real SQLite files in a temporary folder:
- store: `bulk_upsert` (batched transactions) and `create` (one fsync'd transaction each);
- `verbatim import`: files -> validation -> store, articles/s (what a newsroom's bulk load sees);
- the API: POST /v1/articles against real gunicorn workers, concurrent clients, articles/s
  (includes authentication, validation, the write, the writer's index update and quote extraction);
- freshness: the per-request `engine.sync()` when nothing changed (the cost every request pays),
  and the cost of applying one change made by another process.
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
from service.corpus.store import ArticleStore, store_path  # noqa: E402
from service.models import Article  # noqa: E402

WIKINEWS = ROOT / "corpus" / "wikinews"


def sample_articles(count: int) -> list[Article]:
    """`count` real news articles: the Wikinews corpus, cycled under fresh ids."""
    base, _ = load_articles([WIKINEWS])
    return [replace(base[n % len(base)], id=f"bench-{n:06d}") for n in range(count)]


def bench_store(folder: Path, count: int) -> dict[str, float]:
    articles = sample_articles(count)
    bulk = ArticleStore(folder / "bulk.sqlite3")
    started = time.perf_counter()
    bulk.bulk_upsert(articles)
    bulk_rate = count / (time.perf_counter() - started)
    started = time.perf_counter()
    bulk.bulk_upsert(articles)
    unchanged_rate = count / (time.perf_counter() - started)

    single = ArticleStore(folder / "single.sqlite3")
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


def bench_import(folder: Path, count: int) -> dict[str, float]:
    source = folder / "import.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for article in sample_articles(count):
            handle.write(json.dumps(asdict(article), ensure_ascii=False) + "\n")
    store = ArticleStore(store_path(folder / "import-data"))
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


def bench_freshness(folder: Path, corpus_size: int, calls: int) -> dict[str, float]:
    """Per-request cost of checking the store for changes, and of applying one change."""
    from service.engine import Verbatim

    path = store_path(folder / "fresh-data")
    store = ArticleStore(path)
    store.bulk_upsert(sample_articles(corpus_size))
    engine = Verbatim(store)
    engine.sync()

    started = time.perf_counter()
    for _ in range(calls):
        store.generation()
    generation_us = (time.perf_counter() - started) / calls * 1e6
    started = time.perf_counter()
    for _ in range(calls):
        engine.sync()
    idle_sync_us = (time.perf_counter() - started) / calls * 1e6

    other_process = ArticleStore(path)  # another worker's connection
    apply_ms: list[float] = []
    for n, article in enumerate(sample_articles(20)):
        other_process.create(replace(article, id=f"fresh-{n}"))
        started = time.perf_counter()
        engine.sync()
        apply_ms.append((time.perf_counter() - started) * 1e3)
    return {
        "freshness_generation_read_us": round(generation_us, 1),
        "freshness_idle_sync_per_request_us": round(idle_sync_us, 1),
        "freshness_apply_one_change_ms_median": round(statistics.median(apply_ms), 2),
        "freshness_corpus_size": corpus_size,
    }


def bench_api(folder: Path, seconds: float, clients: int, workers: int) -> dict[str, float]:
    import requests

    from tests.server import start_server

    corpus = folder / "api-corpus"
    corpus.mkdir()
    key = "bench-key"
    server = start_server(
        {
            "VERBATIM_DATA_DIR": str(folder / "api-data"),
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


def run(quick: bool) -> dict[str, float]:
    sizes = {
        "store": 500 if quick else 5000,
        "import": 300 if quick else 5000,
        "fresh_corpus": 50 if quick else 295,
        "fresh_calls": 2000 if quick else 50000,
        "api_seconds": 1.0 if quick else 10.0,
    }
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results.update(bench_store(folder, sizes["store"]))
        results.update(bench_import(folder, sizes["import"]))
        results.update(bench_freshness(folder, sizes["fresh_corpus"], sizes["fresh_calls"]))
        results.update(bench_api(folder, sizes["api_seconds"], clients=4, workers=2))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    for name, value in run(args.quick).items():
        print(f"{name:48s} {value}")


if __name__ == "__main__":
    main()
