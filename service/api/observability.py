"""What operators see: a request id on every exchange, one JSON log line per request, metrics.

Metrics go through prometheus-client. Under gunicorn, `gunicorn.conf.py` points
PROMETHEUS_MULTIPROC_DIR at a fresh directory before anything imports prometheus-client, so every
worker writes its samples to shared files and `/metrics` (see `service/api/metrics.py`) adds them
up. Without it (tests, `flask run`) the same metric objects use the ordinary in-process registry.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import Counter, Gauge, Histogram

from service.api.context import engine_of

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is echoed into headers and logs, so only short ids from a conservative charset are
# accepted (no CR/LF header injection, no log forging, no multi-kilobyte ids); anything else is
# replaced with a fresh one rather than rejected, so a sloppy client still gets an answer.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")
# Label values must come from a small fixed set or every scanner probing random URLs or methods
# would create new time series (unbounded memory in every worker and in Prometheus).
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "<unmatched>"
# Paths are logged for debugging, cut short so a 100 KB URL cannot bloat the log.
MAX_LOGGED_PATH = 200

access_log = logging.getLogger("verbatim.access")

# Latency buckets span a /livez hit (sub-millisecond) to a 100-item batch (seconds).
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

HTTP_REQUESTS = Counter(
    "verbatim_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "verbatim_http_request_duration_seconds",
    "Time from the start of request handling to the response, by route template and status.",
    ["method", "route", "status"],
    buckets=_LATENCY_BUCKETS,
)
VERDICTS = Counter(
    "verbatim_verdicts_total",
    "Verify results by verdict (each item of a batch counts once).",
    ["verdict"],
)
# Counted by the gunicorn master (gunicorn.conf.py `child_exit`) when it reaps a worker it had
# aborted for running past GUNICORN_TIMEOUT: the request that worker held got no answer.
WORKER_TIMEOUTS = Counter(
    "verbatim_worker_timeouts",
    "Workers gunicorn aborted for running past GUNICORN_TIMEOUT (their request was cut off).",
)
DEADLINE_REFUSALS = Counter(
    "verbatim_deadline_refusals_total",
    "Requests answered 503 because their work ran past VERBATIM_REQUEST_BUDGET, by route.",
    ["route"],
)
SLOW_ARTICLE_REFUSALS = Counter(
    "verbatim_slow_article_refusals_total",
    "Reads refused because a stored article takes longer to attribute than the request budget "
    "allows (also counted in verbatim_deadline_refusals_total).",
)
# Gauges: every process reports the same facts, so the freshest write wins across workers.
CORPUS_ARTICLES = Gauge(
    "verbatim_corpus_articles",
    "Articles in the index.",
    multiprocess_mode="mostrecent",
)
INDEX_GENERATION = Gauge(
    "verbatim_index_generation",
    "Store write counter the index has caught up with.",
    multiprocess_mode="mostrecent",
)
INDEX_BUILD_SECONDS = Gauge(
    "verbatim_index_build_seconds",
    "Wall-clock time the last full index build took.",
    multiprocess_mode="mostrecent",
)

SNAPSHOTS_BUILT = Gauge(
    "verbatim_index_snapshots_built",
    "Index snapshot rounds saved for every process by this process's bulk builder.",
    multiprocess_mode="livesum",
)
SNAPSHOTS_OPENED = Gauge(
    "verbatim_index_snapshots_opened",
    "Saved index snapshots opened in place of indexing a bulk backlog.",
    multiprocess_mode="livesum",
)


def request_id_from(header_value: str | None) -> str:
    """The caller's X-Request-ID when it is sane, otherwise a fresh random one."""
    if header_value and _SANE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def count_verdict(verdict: str) -> None:
    """Called by the verify views once per result."""
    VERDICTS.labels(verdict=verdict).inc()


def count_deadline_refusal(route: str) -> None:
    """Called once per request refused for running out of its budget."""
    DEADLINE_REFUSALS.labels(route=route).inc()


def count_slow_article_refusal() -> None:
    """Called once per read refused for a stored article too slow to attribute."""
    SLOW_ARTICLE_REFUSALS.inc()


def update_corpus_gauges(engine: Any) -> None:
    """Corpus size, generation and index build time as this process's engine sees them."""
    CORPUS_ARTICLES.set(len(engine))
    INDEX_GENERATION.set(engine.generation)
    SNAPSHOTS_BUILT.set(getattr(engine, "snapshots_built", 0))
    SNAPSHOTS_OPENED.set(getattr(engine, "snapshots_opened", 0))
    build_seconds = getattr(engine, "index_build_seconds", None)
    if build_seconds is not None:
        INDEX_BUILD_SECONDS.set(build_seconds)


# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
_STANDARD_RECORD_FIELDS = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))
) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so log shippers need no parsing rules.

    Fields passed with `extra=` become top-level keys; tracebacks go in `exc_info` as one string.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_RECORD_FIELDS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        # ASCII escapes: a lone surrogate or stray control character from a client can never
        # make the line unwritable or split it in two.
        return json.dumps(entry, default=str)


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED_ROUTE


def _start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))


def _finish_request(response: Response) -> Response:
    started = g.get("request_started")
    duration = time.perf_counter() - started if started is not None else 0.0
    request_id = g.get("request_id") or request_id_from(None)
    response.headers[REQUEST_ID_HEADER] = request_id

    method = request.method if request.method in _KNOWN_METHODS else "OTHER"
    route = _route()
    status = str(response.status_code)
    HTTP_REQUESTS.labels(method=method, route=route, status=status).inc()
    HTTP_LATENCY.labels(method=method, route=route, status=status).observe(duration)
    engine = engine_of(current_app)
    if engine is not None:
        update_corpus_gauges(engine)

    # Never the body or query string: quotes are unpublished material and keys are secrets.
    access_log.info(
        "%s %s %s",
        method,
        route,
        status,
        extra={
            "request_id": request_id,
            "method": method,
            "route": route,
            "path": request.path[:MAX_LOGGED_PATH],
            "status": response.status_code,
            "duration_ms": round(duration * 1000, 3),
        },
    )
    return response


def init_observability(app: Flask) -> None:
    """Install the request-id, logging and metrics hooks and the /metrics endpoint.

    Call it before other `before_request` hooks are registered so every later hook (and every
    error body, which quotes `g.request_id`) already has the request id.
    """
    from service.api import metrics  # the blueprint imports this module

    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.register_blueprint(metrics.blp)
    engine = engine_of(app)
    if engine is not None:
        update_corpus_gauges(engine)
