"""Slow, idle and non-reading connections against real gunicorn, configured as `make run` is.

48 hostile connections (idle, trickling headers, trickling a body, never reading large answers;
each reconnecting when closed) are held open for 30 s while one real client asks /livez and
another /v1/verify, one request after another. At least 99% of the real requests must answer 200
within bench/bench_slow_clients.PROBE_TIMEOUT seconds. bench/bench_slow_clients.py is the same
run as a benchmark, with sync workers beside it for comparison.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from bench.bench_slow_clients import (
    HOSTILE_KINDS,
    corpus_quote,
    hostile_connections,
    real_clients,
)
from tests.server import start_server

pytestmark = pytest.mark.e2e

HOSTILE = 48
SECONDS = 30.0


def test_real_clients_are_served_while_hostile_connections_are_held(tmp_path: Path) -> None:
    # No worker class given: the one gunicorn.conf.py picks for `make run` and the container.
    server = start_server({"VERBATIM_DATA_DIR": str(tmp_path / "data")}, workers=2, timeout=180)
    try:
        quote = corpus_quote(server.url)
        with hostile_connections(server.url, HOSTILE) as stats:
            results = real_clients(server.url, quote, SECONDS)
        workers = {
            requests.get(f"{server.url}/livez", timeout=10).headers["X-Verbatim-Worker"]
            for _ in range(20)
        }
        # The index refresher of each worker is an OS thread of its own, not a greenlet that
        # would share the event loop with the connections (service/os_threads.py).
        threads = {pid: len(os.listdir(f"/proc/{pid}/task")) for pid in workers}
        log = server.log()
    finally:
        server.stop()
    assert '"Using worker: gevent"' in log
    assert all(count >= 2 for count in threads.values()), threads
    for name, result in results.items():
        assert result.attempts >= 10, (name, result.summary())
        assert result.availability >= 0.99, (name, result.summary())
    # Every hostile connection got in. Idle ones and trickled headers are closed by the server
    # (keepalive seconds to send a request) and come back: more opened than were started.
    per_kind = HOSTILE // len(HOSTILE_KINDS)
    assert all(stats.opened[kind] >= per_kind for kind in HOSTILE_KINDS), stats.opened
    assert stats.opened["idle"] > per_kind, stats.opened
    assert stats.opened["trickle_headers"] > per_kind, stats.opened
    assert "WORKER TIMEOUT" not in log
