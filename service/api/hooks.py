"""Request hooks every resource shares: the JSON content-type rule and a fresh index.

Freshness has one owner, here: before a request that reads the corpus, the engine applies
writes any other process made since (`Verbatim.sync`, one indexed read when nothing changed), at
most `REQUEST_SYNC_ARTICLES` of them; the process's background refresher, started here, applies
the rest. Writes through this process apply themselves inside the engine.
"""

from __future__ import annotations

from flask import Flask, Response, request

from service.api.context import current_engine
from service.api.errors import problem_response
from service.engine import SYNC_STEP

# Re-indexing a request may do before it is answered: one step, so a bulk import into a running
# server costs a request milliseconds, never the import.
REQUEST_SYNC_ARTICLES = SYNC_STEP
JSON_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Paths whose answers depend on the corpus: the API and the corpus gauges of /metrics.
FRESH_PREFIXES = ("/v1/", "/metrics")


def require_json_body() -> Response | None:
    """A body-carrying /v1/ request must say it is JSON: 415 otherwise, before any parsing."""
    if (
        request.path.startswith("/v1/")
        and request.method in JSON_BODY_METHODS
        and request.mimetype != "application/json"
    ):
        return problem_response(
            415,
            "Unsupported Media Type",
            "Send the body as JSON with Content-Type: application/json.",
        )
    return None


def refresh_index() -> None:
    """Apply other processes' writes before answering from the corpus."""
    if request.path.startswith(FRESH_PREFIXES):
        engine = current_engine()
        engine.start_refresher()
        engine.sync(max_articles=REQUEST_SYNC_ARTICLES)


def register_request_hooks(app: Flask) -> None:
    app.before_request(require_json_body)
    app.before_request(refresh_index)
