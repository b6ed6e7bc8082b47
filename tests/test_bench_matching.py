"""Smoke version of bench/bench_matching.py: a tiny corpus, checks structure and accuracy only."""

from bench.bench_matching import run_size
from bench.fit_calibration import split_real
from bench.perturb import ALTERED_KINDS, POSITIVE_KINDS


def test_benchmark_smoke() -> None:
    result = run_size(320, per_kind=4, brute_queries=3, held_out=split_real()[1])
    outcome = result["outcome"]
    assert set(outcome) == {*POSITIVE_KINDS, "unseen", "fabricated"}
    assert result["brute_n"] == 3
    assert result["p95_ms"] >= result["p50_ms"] > 0
    positives = sum(outcome[k]["n"] for k in POSITIVE_KINDS)
    right = sum(outcome[k]["top1"] for k in POSITIVE_KINDS)
    assert right / positives >= 0.9
    assert sum(outcome[k]["top1"] for k in ALTERED_KINDS) >= 0.85 * sum(
        outcome[k]["n"] for k in ALTERED_KINDS
    )
    assert outcome["fabricated"]["found"] == 0
