"""Smoke run of bench/bench_adversarial.py: tiny sizes, checks shape and that nothing raises."""

from __future__ import annotations

from flask import Flask

from bench.bench_adversarial import ADVERSARIAL_INPUTS, doubling, report, run
from service.api.context import engine_of


def test_inputs_have_the_requested_length() -> None:
    for make in ADVERSARIAL_INPUTS.values():
        assert [len(make(n)) for n in (16, 160, 1600)] == [16, 160, 1600]


def test_doubling_sizes_end_at_the_api_limit() -> None:
    assert doubling(200_000) == [25_000, 50_000, 100_000, 200_000]


def test_smoke_run_times_every_case_and_reports_growth(app: Flask) -> None:
    engine = engine_of(app)
    timings = run(engine, doubling(800), doubling(160), repeats=1)
    assert [(t.case, t.operation) for t in timings] == [
        (case, operation) for case in ADVERSARIAL_INPUTS for operation in ("extract", "verify")
    ]
    for timing in timings:
        assert len(timing.seconds) == 4
        assert all(seconds >= 0 for seconds in timing.seconds)
        assert timing.growth > 0
    lines = report(timings).splitlines()
    rows = [line for line in lines if line.startswith(" " * 8) and line.strip()]
    assert len(rows) == 2 * len(ADVERSARIAL_INPUTS)
    assert lines[-1].startswith("worst growth per doubling")
