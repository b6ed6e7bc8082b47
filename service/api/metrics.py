"""GET /metrics: Prometheus text exposition, summed over every gunicorn worker.

A plain Flask blueprint rather than an OpenAPI operation: it is for the scraper, not API clients,
and its body is Prometheus text, not JSON.
"""

from __future__ import annotations

import os

from flask import Blueprint, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from service.api.context import engine_of
from service.api.observability import update_corpus_gauges

blp = Blueprint("metrics", __name__)


def _registry() -> CollectorRegistry:
    """Under gunicorn, a throw-away registry reading every worker's sample files."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


@blp.get("/metrics")
def metrics() -> Response:
    engine = engine_of(current_app)
    if engine is not None:  # (refreshed by the request hooks, like every corpus read)
        update_corpus_gauges(engine)
    return Response(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
