"""Request hooks every resource shares: the JSON content-type rule, a fresh index and a deadline.

Freshness has one owner, the engine's background refresher, started here on a process's first
request: it applies every process's writes off the request path (`Verbatim`), so a request does
no index work; it only waits, briefly, for a few writes the refresher is about to apply
(`Verbatim.await_fresh`). Writes through this process are matched before their answer is sent.

Every request gets a budget of VERBATIM_REQUEST_BUDGET CPU seconds for its heavy work
(`service.deadline`), opened by the last hook, once the body is read and the index fresh (waits
that let other greenlets of a gevent worker compute, whose CPU time would count); past it the
engines stop at their next loop point and the client gets a 503 saying what to send instead, long
before gunicorn's timeout would kill the worker.
"""

from __future__ import annotations

import io
import json
import logging
import re

from flask import Flask, Response, current_app, request

from service import deadline
from service.admission import StoredArticleTooSlow
from service.api.context import current_engine
from service.api.errors import STATUS_DETAILS, problem_response
from service.api.observability import (
    UNMATCHED_ROUTE,
    count_deadline_refusal,
    count_slow_article_refusal,
)

log = logging.getLogger(__name__)

JSON_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Seconds a client should wait before retrying while the index is being built.
INDEXING_RETRY_AFTER = 2
# Paths whose answers depend on the corpus: the API and the corpus gauges of /metrics.
FRESH_PREFIXES = ("/v1/", "/metrics")
# /version reports the generation served, so it too waits for an index being opened.
VERSION_PATH = "/version"
WAIT_FOR_OPEN_PREFIXES = ("/v1/", VERSION_PATH)


def require_json_body() -> Response | None:
    """A body-carrying /v1/ request must say it is JSON: 415 otherwise, before any parsing.

    Only for a route that takes the method: a URL that does not exist, or does not accept the
    method, answers 404 or 405 (with `Allow`) whatever the body, as the contract says."""
    if (
        request.path.startswith("/v1/")
        and request.method in JSON_BODY_METHODS
        and request.mimetype != "application/json"
        and request.routing_exception is None
    ):
        return problem_response(
            415,
            "Unsupported Media Type",
            "Send the body as JSON with Content-Type: application/json.",
        )
    return None


# Cheap triggers for the full parse in `reject_unparseable_json`: without this many brackets a
# body cannot nest deep enough to exhaust the recursion limit, and without a run of more than
# 4,300 digits no number can exceed Python's int conversion limit.
DEEP_NESTING_BRACKETS = 200
LONG_DIGITS = re.compile(rb"[0-9]{%d}" % (4300 + 1))
CHUNK_READ = 64 * 1024


def limit_streamed_body() -> Response | None:
    """A chunked body (no Content-Length) over VERBATIM_MAX_BODY is refused with 413.

    Werkzeug caps such a stream at the limit but then returns what it read, so a long body was
    silently cut short (and could even answer 200). Read it here, one byte past the limit at
    most, and hand the rest of the request the buffered body with a real Content-Length.
    """
    environ = request.environ
    if (
        request.content_length is not None
        or "chunked" not in request.headers.get("Transfer-Encoding", "").lower()
    ):
        return None
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    stream = environ["wsgi.input"]
    chunks: list[bytes] = []
    size = 0
    try:
        while limit is None or size <= limit:
            want = CHUNK_READ if limit is None else min(CHUNK_READ, limit + 1 - size)
            chunk = stream.read(want)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except Exception:  # the server's chunk parser: a malformed chunk size or early end
        return problem_response(
            400, "Bad Request", "The chunked request body is malformed or ended early."
        )
    if limit is not None and size > limit:
        return problem_response(413, "Request Entity Too Large", STATUS_DETAILS[413])
    body = b"".join(chunks)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    request.__dict__.pop("stream", None)  # not read yet; drop it if anything cached it
    return None


def reject_unparseable_json() -> Response | None:
    """Valid JSON that Python cannot load is a 400 naming why, not a 500.

    Nesting thousands deep raises RecursionError and a number of more than 4,300 digits raises
    ValueError (int conversion limit) inside the JSON decoder; neither is a JSONDecodeError, so
    the argument parser would let both escape. Syntax errors are left to it (its 400 says so).
    """
    if not (
        request.path.startswith("/v1/")
        and request.method in JSON_BODY_METHODS
        and request.mimetype == "application/json"
    ):
        return None
    data = request.get_data(cache=True)
    if (
        data.count(b"[") + data.count(b"{") < DEEP_NESTING_BRACKETS
        and LONG_DIGITS.search(data) is None
    ):
        return None
    try:
        json.loads(data)
    except RecursionError:
        return problem_response(
            400, "Bad Request", "The JSON body is nested too deeply to be read."
        )
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None  # the argument parser answers malformed JSON and bad UTF-8 with a 400
    except ValueError:
        return problem_response(
            400,
            "Bad Request",
            "A number in the JSON body has more than 4,300 digits; no field accepts one that long.",
        )
    return None


def refresh_index() -> Response | None:
    """Apply other processes' writes before answering from the corpus. While this process opens
    its saved index (a second or so, even for a large archive) a request that needs the corpus
    waits for it, up to VERBATIM_INDEX_WAIT seconds; while it builds one from the store, or past
    that wait, the API answers 503 with progress (the corpus gauges of /metrics still answer)."""
    path = request.path
    if not path.startswith(FRESH_PREFIXES) and path != VERSION_PATH:
        return None
    engine = current_engine()
    if not engine.ready:
        engine.start_indexing()
        if path.startswith(WAIT_FOR_OPEN_PREFIXES):
            engine.wait_opened(current_app.config["VERBATIM_INDEX_WAIT"])
    if path == VERSION_PATH:
        return None  # reports the generation served; it never syncs by itself
    if not engine.ready:
        if not path.startswith("/v1/"):
            return None
        response = problem_response(
            503,
            "Service Unavailable",
            f"The index is being opened or built ({engine.indexed:,} of {engine.to_index:,} "
            "articles so far; /readyz shows progress). Retry in a few seconds.",
        )
        response.headers["Retry-After"] = str(INDEXING_RETRY_AFTER)
        return response
    engine.start_refresher()
    engine.await_fresh()
    return None


# Seconds a client should wait before retrying a request that ran out of time (the server may
# have been busy; the same request on an idle server may fit).
DEADLINE_RETRY_AFTER = 5
# What to send instead, by route: the work that grows with the request is what to shrink.
DEADLINE_ADVICE = {
    "/v1/extract": "Send a shorter text, or split it and extract each part.",
    "/v1/check": "Send a shorter draft, or check it in parts.",
    "/v1/verify": "Send a shorter quote.",
    "/v1/verify/batch": "Send fewer items per batch.",
    "/v1/articles": (
        "Nothing was stored: attributing this article's quotes takes longer than the service "
        "allows. Split it into shorter articles."
    ),
    "/v1/articles/<article_id>": (
        "Nothing was stored or changed: attributing this article's quotes takes longer than "
        "the service allows. Split it into shorter articles."
    ),
}


def start_budget() -> None:
    """Open this request's budget for CPU-heavy work (`service.deadline`)."""
    deadline.start(current_app.config.get("VERBATIM_REQUEST_BUDGET"))


def end_budget(_error: BaseException | None = None) -> None:
    deadline.clear()


def deadline_exceeded(error: deadline.DeadlineExceeded) -> Response:
    """A 503 the client can act on, counted per route, instead of a worker killed mid-request."""
    rule = request.url_rule
    route = rule.rule if rule is not None else UNMATCHED_ROUTE
    count_deadline_refusal(route)
    if isinstance(error, StoredArticleTooSlow):
        return stored_article_too_slow(error)
    advice = DEADLINE_ADVICE.get(route, "Retry in a few seconds.")
    if request.method in ("GET", "HEAD") and route.startswith("/v1/articles"):
        # Each article attributed before the cut is remembered, so a retry gets further.
        advice = "Retry in a few seconds, or ask for a smaller page (limit)."
    response = problem_response(
        503,
        "Service Unavailable",
        f"This request needed more than the {error.seconds:g} s of computing the service gives "
        f"one request ({error.stage} was cut short). {advice}",
    )
    response.headers["Retry-After"] = str(DEADLINE_RETRY_AFTER)
    return response


def register_request_hooks(app: Flask) -> None:
    app.before_request(require_json_body)
    app.before_request(limit_streamed_body)
    app.before_request(reject_unparseable_json)
    app.before_request(refresh_index)
    app.before_request(start_budget)  # last: see the module docstring
    app.teardown_request(end_budget)
    app.register_error_handler(deadline.DeadlineExceeded, deadline_exceeded)


def stored_article_too_slow(error: StoredArticleTooSlow) -> Response:
    """A read that needs a stored article the service cannot attribute within the budget (one
    stored before writes were checked, or imported with the check off): a 503 naming it and the
    fix, with no Retry-After (the same read fails until the article is replaced), a warning
    in the log for the operator, and a count in /metrics."""
    count_slow_article_refusal()
    log.warning(
        "stored article %r takes more than %g CPU seconds to attribute; reads of it are "
        "refused until it is replaced with shorter articles or deleted",
        error.article_id,
        error.seconds,
    )
    path = f"/v1/articles/{error.article_id}"
    return problem_response(
        503,
        "Service Unavailable",
        f"The stored article {error.article_id!r} this request needs takes longer to attribute "
        f"than the {error.seconds:g} s of computing the service gives one request, so it "
        "cannot be served (it was stored unchecked or under a larger budget). Retrying will "
        "not help: "
        f"replace it with shorter articles (PUT {path}) or delete it (DELETE {path}).",
    )
