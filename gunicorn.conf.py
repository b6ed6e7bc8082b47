"""Gunicorn settings, all overridable from the environment (the container sets PORT).

Command-line flags still win over this file (tests pass `--bind 127.0.0.1:<port>`).
"""

import os

# Slow and idle clients must cost nothing: a sync worker serves one connection at a time, so two
# idle connections took a two-worker service down. gevent workers hold thousands of connections
# each and close one that has not sent its request line and headers within `keepalive` seconds.
# GUNICORN_WORKER_CLASS=sync is there for the benchmark that shows the difference.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gevent")
if worker_class == "gevent":
    # Patched here, in the master, before the app is preloaded: everything the app builds then
    # (the store's per-thread connections become per-greenlet, its locks cooperative) is the
    # kind a gevent worker needs; the worker's own patch_all after fork is then a no-op. The
    # index refresher stays a real OS thread (service/os_threads.py).
    from gevent import monkey

    monkey.patch_all()

# The rest is imported after patching, as gevent asks (E402).
import gc  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import gunicorn.util  # noqa: E402

# Prometheus multiprocess mode: prometheus-client picks its storage when first imported, so the
# directory must be in the environment before the app (preloaded below) imports it. A fresh
# directory per server start: samples left by a previous run would be summed into this one.
_OWN_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
_METRICS_PREFIX = "verbatim-metrics-"


def _remove_orphaned_metrics_dirs() -> None:
    """Directories of masters that were killed (SIGKILL skips on_exit) would pile up in /tmp."""
    for path in Path(tempfile.gettempdir()).glob(f"{_METRICS_PREFIX}*-*"):
        pid = path.name.removeprefix(_METRICS_PREFIX).split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:  # alive, another user's
            pass


if _OWN_METRICS_DIR:
    _remove_orphaned_metrics_dirs()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix=f"{_METRICS_PREFIX}{os.getpid()}-"
    )
METRICS_DIR = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
# An operator-chosen directory is emptied once per server start, before the app is preloaded
# (the master writes its gauges then); the marker stops a config reload (HUP) from emptying it.
if not _OWN_METRICS_DIR and not os.environ.get("VERBATIM_METRICS_DIR_READY"):
    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    for _stale in METRICS_DIR.glob("*.db"):
        _stale.unlink()
os.environ["VERBATIM_METRICS_DIR_READY"] = "1"


# Each worker opens (or, with none saved, builds) the index in a background thread, so /livez
# answers within a second of start at any archive size and /readyz says 503 with progress until
# the index is ready; workers share one build (a file lock) and the snapshot's pages.
os.environ.setdefault("VERBATIM_BACKGROUND_INDEX", "1")


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# Matching is CPU-bound (numba kernels and the Python around them): one worker per core uses
# every core without threads contending for the GIL.
workers = _int_env("WEB_CONCURRENCY", multiprocessing.cpu_count())
# Load the app and its compiled kernels once in the master; each worker then opens the index
# snapshot (or builds it) in the background and shares the snapshot's mapped pages.
preload_app = True
# A 100-item batch is the slowest legitimate request (a few seconds); 30 s means a worker is stuck.
timeout = _int_env("GUNICORN_TIMEOUT", 30)
# On SIGTERM, let in-flight requests finish for up to this long before workers are killed.
graceful_timeout = _int_env("GUNICORN_GRACEFUL_TIMEOUT", 20)
# Threads per worker, for GUNICORN_WORKER_CLASS=gthread only (bench/bench_slow_clients.py).
threads = _int_env("GUNICORN_THREADS", 1)
# Seconds an open connection may take to send a request's line and headers (gevent workers
# close it then), including the wait for the next request on a kept-alive connection.
keepalive = 5
# Connections one gevent worker holds at once (idle, slow or being served); past it new ones
# wait in the listen backlog. Rate limits per client belong in the proxy in front (README).
worker_connections = _int_env("GUNICORN_WORKER_CONNECTIONS", 1000)
# Recycle workers now and then so a slow leak can never take a worker down; jitter staggers them
# so all workers never restart at once. 0 disables recycling (the load benchmark does, to show
# that memory stays flat without it).
max_requests = _int_env("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int_env("GUNICORN_MAX_REQUESTS_JITTER", 500)
# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl): two
# servers on one machine (tests, benchmarks) would fight over it, and we manage workers by signals.
control_socket_disable = True
# Heartbeat files on tmpfs: a container's overlay filesystem can stall the worker heartbeat.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Logging: JSON lines on stderr. The app writes one line per request itself (with the request id
# and route template), so gunicorn's own access log is switched off.
loglevel = os.environ.get("LOG_LEVEL", "info")
accesslog = None
errorlog = "-"
_level = loglevel.upper()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "service.api.observability.JsonFormatter"}},
    "handlers": {
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": _level, "handlers": ["json"]},
    "loggers": {
        "gunicorn.error": {"level": _level, "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}


def pre_fork(server, worker) -> None:
    """Hide everything the master built (the preloaded index) from the garbage collector before
    forking, as the `gc.freeze` documentation recommends: a worker's collections then never
    walk or write to those objects, so their pages stay shared and each collection is short."""
    gc.freeze()


def post_worker_init(worker) -> None:
    """Start this worker's index: open the snapshot (or build) in the background, or, when the
    master preloaded the index, catch up with the writes made since.

    A worker forked late (after max_requests recycling, or a crash) would otherwise replay every
    change since start-up inside its first request, which after a large import can take longer
    than the request timeout.
    """
    engine = getattr(worker.wsgi, "extensions", {}).get("verbatim")
    if engine is not None and not engine.ready:
        # Opens the current snapshot in the background (no replay of history) and serves at
        # once: /livez answers within a second of start at any archive size, and a request
        # that needs the corpus waits for the opening index (VERBATIM_INDEX_WAIT). A first
        # build takes longer: /readyz says 503 with progress meanwhile.
        engine.start_indexing()
    elif engine is not None:
        # The background refresher catches up (off the request path); wait a bounded time so a
        # worker forked late starts out matching what the store holds.
        engine.start_refresher()
        engine.wait_current(worker.wsgi.config["VERBATIM_INDEX_WAIT"])


def child_exit(server, worker) -> None:
    """Count a worker the master aborted for its timeout (in /metrics; the master's own sample
    file outlives the worker), and let a dead worker's metrics stop counting towards live-only
    gauges."""
    from prometheus_client import multiprocess

    if worker.aborted:  # set only by the master's timeout check (SIGABRT, then SIGKILL)
        from service.api.observability import WORKER_TIMEOUTS

        WORKER_TIMEOUTS.inc()
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _OWN_METRICS_DIR:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)


def _write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """Errors gunicorn answers itself (malformed request line, URL or headers over its limits)
    in the app's format: problem+json, never gunicorn's HTML page. Same signature as the
    `gunicorn.util.write_error` it replaces."""
    problem = {"type": "about:blank", "title": reason, "status": status_int}
    if mesg:  # empty for a worker killed mid-request (timeout): nothing useful to add
        problem["detail"] = mesg
    body = json.dumps(problem).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    gunicorn.util.write_nonblock(sock, head.encode("latin-1") + body)


gunicorn.util.write_error = _write_problem
