"""Smoke run of bench/load.py against real gunicorn: one worker, one second per phase."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_load_bench_smoke_run_has_no_errors() -> None:
    # A subprocess: locust monkey-patches the standard library with gevent when imported.
    result = subprocess.run(
        [
            sys.executable,
            "bench/load.py",
            "--duration",
            "1",
            "--users",
            "2",
            "--workers",
            "1",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["errors"] == 0, summary
    assert set(summary["phases"]) == {"livez", "verify", "mixed"}
    for phase in summary["phases"].values():
        assert phase["total"]["requests"] > 0
        assert phase["errors"] == []
    assert set(summary["phases"]["livez"]["endpoints"]) == {"GET /livez"}
    assert set(summary["phases"]["verify"]["endpoints"]) == {"POST /v1/verify"}
    assert summary["verify_to_livez_ratio"] > 0
    assert summary["workload"]["exact"] > 0
    assert len(summary["rss_mib_start"]) == len(summary["rss_mib_end"]) == 1
