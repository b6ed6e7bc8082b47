"""Slow and idle clients against the real gunicorn server: do real clients still get answers?

For each set-up (gevent workers, the ones gunicorn.conf.py uses; sync workers, to show the
difference; and, with --setups, gthread workers or sync workers behind nginx with
deploy/nginx.conf), one server start and two timed phases in the same run:
  1. baseline: real clients alone, one after another on `GET /livez` and on `POST /v1/verify`;
  2. hostile: the same real clients while N hostile connections are held open, a quarter of each
     kind: idle (connect, send nothing), trickling headers (a byte every few seconds), trickling a
     body (full headers, then a byte every few seconds) and non-reading (ask for large answers,
     never read them). Each reconnects whenever the server closes it, as an attacker would.
A real client's request counts as available when it answers 200 within `PROBE_TIMEOUT` seconds.
Printed per class and phase: availability, p50/p99 latency of the real clients, and how many
times the hostile connections had to reconnect (the server closing them is the defence working).

    .venv/bin/python bench/bench_slow_clients.py [--hostile 200] [--seconds 30] [--json]
        [--setups gevent,sync,gthread,nginx+sync]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import free_port, start_server  # noqa: E402

HOSTILE_KINDS = ("idle", "trickle_headers", "trickle_body", "non_reading")
# A real client gives up after this long: an answer later than that is an outage to a user.
PROBE_TIMEOUT = 5.0
# Seconds between the bytes a trickling connection sends.
TRICKLE_INTERVAL = 2.0
# Pipelined requests a non-reading connection sends: each asks for the API document (about
# 200 KB), far more in all than the socket buffers hold.
NON_READING_REQUESTS = 20
NON_READING_PATH = "/openapi.json"
DEFAULT_SETUPS = ("gevent", "sync")
# Set-up name -> (gunicorn worker class, extra environment, nginx in front).
SETUPS = {
    "gevent": ("gevent", {}, False),
    "sync": ("sync", {}, False),
    "gthread": ("gthread", {"GUNICORN_THREADS": "4"}, False),
    "nginx+sync": ("sync", {}, True),
}


def _opening(kind: str, host: str) -> bytes:
    """What a hostile connection of `kind` sends first."""
    if kind == "idle":
        return b""
    if kind == "trickle_headers":
        return f"GET /livez HTTP/1.1\r\nHost: {host}\r\n".encode()
    if kind == "trickle_body":
        return (
            f"POST /v1/verify HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            "Content-Length: 100000\r\n\r\n"
        ).encode()
    request = f"GET {NON_READING_PATH} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    return request * NON_READING_REQUESTS


@dataclass
class HostileStats:
    """Connections opened per kind (the first of each, plus every reconnect after a close)."""

    opened: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HOSTILE_KINDS, 0))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, kind: str) -> None:
        with self._lock:
            self.opened[kind] += 1


def _hold(kind: str, address: tuple[str, int], stop: threading.Event, stats: HostileStats) -> None:
    """Keep one hostile connection of `kind` open until `stop`, reconnecting when closed."""
    while not stop.is_set():
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            if kind == "non_reading":  # a small receive window fills after a few kilobytes
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.settimeout(PROBE_TIMEOUT)
            sock.connect(address)
            stats.count(kind)
            sock.sendall(_opening(kind, address[0]))
            while not stop.is_set():
                if kind == "non_reading":
                    stop.wait(TRICKLE_INTERVAL)
                    continue
                readable, _, _ = select.select([sock], [], [], TRICKLE_INTERVAL)
                if readable and not sock.recv(65536):
                    break  # the server closed it: reconnect
                if kind == "trickle_headers":
                    sock.sendall(b"X")  # one byte of a header name that never ends
                elif kind == "trickle_body":
                    sock.sendall(b" ")
        except OSError:
            stop.wait(0.2)
        finally:
            sock.close()


@contextmanager
def hostile_connections(base_url: str, count: int) -> Iterator[HostileStats]:
    """`count` hostile connections (a quarter of each kind) held open inside the block."""
    parts = urlsplit(base_url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    stats = HostileStats()
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=_hold, args=(HOSTILE_KINDS[i % 4], address, stop, stats), daemon=True
        )
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    try:
        yield stats
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=PROBE_TIMEOUT + TRICKLE_INTERVAL + 1)


@dataclass
class ProbeResult:
    """One endpoint's real-client requests in a phase."""

    attempts: int = 0
    answered: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, of the answered ones
    failures: dict[str, int] = field(default_factory=dict)  # what went wrong, by kind

    @property
    def availability(self) -> float:
        return self.answered / self.attempts if self.attempts else 0.0

    def percentile(self, q: float) -> float | None:
        if not self.latencies:
            return None
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[round(q * 100) - 1]

    def summary(self) -> dict:
        p50, p99 = self.percentile(0.5), self.percentile(0.99)
        return {
            "attempts": self.attempts,
            "availability": round(self.availability, 4),
            "p50_ms": None if p50 is None else round(p50 * 1000, 1),
            "p99_ms": None if p99 is None else round(p99 * 1000, 1),
            "failures": self.failures,
        }


def _probe(method: str, url: str, body: dict | None, seconds: float, out: ProbeResult) -> None:
    """Requests one after another for `seconds`, each on a new connection as a new user's is."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        out.attempts += 1
        started = time.perf_counter()
        try:
            response = requests.request(method, url, json=body, timeout=PROBE_TIMEOUT)
        except requests.RequestException as exc:
            kind = type(exc).__name__
            out.failures[kind] = out.failures.get(kind, 0) + 1
            continue
        if response.status_code == 200:
            out.answered += 1
            out.latencies.append(time.perf_counter() - started)
        else:
            kind = f"status {response.status_code}"
            out.failures[kind] = out.failures.get(kind, 0) + 1


def real_clients(base_url: str, quote: str, seconds: float) -> dict[str, ProbeResult]:
    """One client on /livez and one on /v1/verify, side by side for `seconds`."""
    results = {"livez": ProbeResult(), "verify": ProbeResult()}
    threads = [
        threading.Thread(
            target=_probe, args=("GET", f"{base_url}/livez", None, seconds, results["livez"])
        ),
        threading.Thread(
            target=_probe,
            args=("POST", f"{base_url}/v1/verify", {"quote": quote}, seconds, results["verify"]),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def corpus_quote(base_url: str) -> str:
    """Twelve words from the middle of the first stored article: a quote the corpus holds."""
    page = requests.get(f"{base_url}/v1/articles", params={"limit": 1}, timeout=30).json()
    article_id = page["items"][0]["id"]
    words = requests.get(f"{base_url}/v1/articles/{article_id}", timeout=30).json()["text"].split()
    middle = len(words) // 2
    return " ".join(words[middle : middle + 12])


def nginx_config(upstream_port: int, listen_port: int, prefix: Path, limits: bool = False) -> str:
    """deploy/nginx.conf pointed at one local server, inside a minimal main configuration;
    without its per-address limits unless `limits` (every client here, hostile or not, is
    127.0.0.1, so they would measure the limits rather than the buffering)."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = re.sub(
        r"upstream verbatim \{.*?\n\}",
        f"upstream verbatim {{\n    server 127.0.0.1:{upstream_port};\n    keepalive 32;\n}}",
        site,
        flags=re.DOTALL,
    )
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    if not limits:
        site = "\n".join(line for line in site.splitlines() if "limit_" not in line)
    (prefix / "verbatim.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = " ".join(
        f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'};\nevents {{ worker_connections 4096; }}\n"
        f"http {{ access_log off; {temp} uwsgi_temp_path {prefix / 'uwsgi'}; "
        f"scgi_temp_path {prefix / 'scgi'}; include {prefix / 'verbatim.conf'}; }}\n"
    )


@contextmanager
def nginx_in_front(upstream_url: str) -> Iterator[str]:
    """nginx with deploy/nginx.conf in front of `upstream_url`; yields the proxy's URL."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    prefix = Path(tempfile.mkdtemp(prefix="verbatim-nginx-"))
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(urlsplit(upstream_url).port or 80, port, prefix))
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(conf)])
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(f"{url}/livez", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(prefix, ignore_errors=True)


def run_setup(setup: str, hostile: int, seconds: float, baseline_seconds: float) -> dict:
    """Baseline and hostile phases against one server of `setup` with two workers."""
    worker_class, env, behind_nginx = SETUPS[setup]
    server = start_server({"GUNICORN_WORKER_CLASS": worker_class, **env}, workers=2, timeout=180)
    try:
        with nginx_in_front(server.url) if behind_nginx else _direct(server.url) as url:
            quote = corpus_quote(url)
            baseline = real_clients(url, quote, baseline_seconds)
            with hostile_connections(url, hostile) as stats:
                time.sleep(1.0)  # let the hostile connections take their places
                attacked = real_clients(url, quote, seconds)
        killed = server.log().count("WORKER TIMEOUT")
    finally:
        server.stop()
    return {
        "setup": setup,
        "hostile": hostile,
        "baseline": {name: r.summary() for name, r in baseline.items()},
        "under_attack": {name: r.summary() for name, r in attacked.items()},
        "hostile_connections_opened": stats.opened,
        "worker_timeouts": killed,
    }


@contextmanager
def _direct(url: str) -> Iterator[str]:
    yield url


def _print(result: dict) -> None:
    print(f"\n{result['setup']} (2 workers), {result['hostile']} hostile connections")
    print(f"{'phase':<14}{'endpoint':<9}{'attempts':>9}{'avail':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for phase in ("baseline", "under_attack"):
        for name, row in result[phase].items():
            print(
                f"{phase:<14}{name:<9}{row['attempts']:>9}{row['availability']:>9.2%}"
                f"{row['p50_ms'] if row['p50_ms'] is not None else '-':>9}"
                f"{row['p99_ms'] if row['p99_ms'] is not None else '-':>9}"
                + (f"  {row['failures']}" if row["failures"] else "")
            )
    print(f"hostile connections opened: {result['hostile_connections_opened']}")
    print(f"worker timeouts (killed workers): {result['worker_timeouts']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hostile", type=int, default=200, help="hostile connections")
    parser.add_argument("--seconds", type=float, default=30.0, help="hostile phase length")
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--setups", default=",".join(DEFAULT_SETUPS), help=", ".join(SETUPS))
    parser.add_argument("--json", action="store_true", help="also print one JSON summary line")
    args = parser.parse_args()
    results = [
        run_setup(setup, args.hostile, args.seconds, args.baseline_seconds)
        for setup in args.setups.split(",")
    ]
    for result in results:
        _print(result)
    if args.json:
        print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
