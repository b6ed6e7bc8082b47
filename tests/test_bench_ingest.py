"""Smoke run of bench/bench_ingest.py at tiny sizes, so the benchmark cannot rot unnoticed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_bench():
    spec = importlib.util.spec_from_file_location(
        "bench_ingest", ROOT / "bench" / "bench_ingest.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ingest_benchmark_runs_at_small_sizes(tmp_path):
    bench = load_bench()
    assert len({a.id for a in bench.sample_articles(300)}) == 300
    results = {
        **bench.bench_store(tmp_path, 40),
        **bench.bench_import(tmp_path, 30),  # asserts added == 30, then unchanged == 30
        **bench.bench_freshness(tmp_path, corpus_size=10, calls=100),
    }
    assert set(results) == {
        "store_bulk_upsert_articles_per_s",
        "store_bulk_unchanged_articles_per_s",
        "store_create_one_transaction_each_per_s",
        "import_articles_per_s",
        "import_rerun_unchanged_articles_per_s",
        "freshness_generation_read_us",
        "freshness_idle_sync_per_request_us",
        "freshness_apply_one_change_ms_median",
        "freshness_corpus_size",
    }
    assert all(value > 0 for value in results.values())


def test_ingest_benchmark_runs_on_postgresql(tmp_path, pg_cluster):
    bench = load_bench()
    backend = bench.PostgresBackend(pg_cluster)
    results = {
        **bench.bench_store(tmp_path, 40, backend),
        **bench.bench_import(tmp_path, 30, backend),
        **bench.bench_freshness(tmp_path, corpus_size=10, calls=100, backend=backend),
    }
    assert len(results) == 9
    assert all(value > 0 for value in results.values())
