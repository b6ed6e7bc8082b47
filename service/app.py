"""The application factory: config, store + index, blueprints, error handling.

`create_app` is the only way an application is built (gunicorn, tests, the CLI), so every process
serves exactly the same configuration. Register new blueprints in `create_app` below.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from service.admission import refuse_if_slow
from service.api import articles, check, docs_assets, extract, health, verify, web
from service.api.context import install_engine
from service.api.errors import ProblemApi, problem_response, register_error_handlers
from service.api.hooks import register_request_hooks
from service.api.observability import init_observability
from service.config import load_config
from service.corpus.importer import import_paths
from service.corpus.store import StoreFull, StoreUnavailable, open_store
from service.engine import Verbatim
from service.index_snapshot import snapshot_path

log = logging.getLogger("verbatim")


# Seconds a client should wait before retrying while the store is unreachable.
STORE_RETRY_AFTER = 2


def open_engine(
    data_dir: str | Path,
    corpus_dir: str | Path,
    database_url: str | None = None,
    database_wait: float = 0.0,
    background: bool = False,
    request_budget: float | None = None,
) -> Verbatim:
    """Open the store (PostgreSQL when `database_url` is set, else SQLite in `data_dir`; an empty
    one is seeded from the corpus folder, leaving out any article too slow to attribute within
    `request_budget`) and index it (`background`: see `Verbatim`)."""
    store = open_store(data_dir, database_url, wait_seconds=database_wait)
    if store.is_empty():
        # The same reader, validation and write check as `verbatim import` and the API.
        report = import_paths(
            store, [corpus_dir], admit=lambda article: refuse_if_slow(article, request_budget)
        )
        for error in report.skipped:
            log.error("corpus file skipped: %s: %s", error.path, error.reason)
        for notice in report.notices:
            log.warning("corpus file: %s: %s", notice.path, notice.message)
        log.info("seeded the store with %d articles from %s", len(report.added), corpus_dir)
    return Verbatim(store, snapshot=snapshot_path(data_dir), background=background)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the WSGI app: config, store + index, blueprints, error handling."""
    app = Flask(__name__, static_folder=None)  # the page serves its own assets (service/api/web.py)
    app.config.update(load_config(test_config))
    app.json.sort_keys = False  # keep fields in schema order: easier to read in curl output
    app.json.ensure_ascii = False  # curly marks go out as UTF-8, not \u escapes

    api = ProblemApi(app)
    app.extensions["verbatim_api"] = api
    register_error_handlers(app)

    engine = open_engine(
        app.config["VERBATIM_DATA_DIR"],
        app.config["VERBATIM_CORPUS_DIR"],
        app.config.get("VERBATIM_DATABASE_URL"),
        app.config.get("VERBATIM_DATABASE_WAIT", 0),
        app.config.get("VERBATIM_BACKGROUND_INDEX", False),
        app.config.get("VERBATIM_REQUEST_BUDGET"),
    )
    install_engine(app, engine)
    init_observability(app)  # request ids, JSON request log, /metrics: before other hooks

    for module in (health, verify, check, extract, articles):
        api.register_blueprint(module.blp)
    app.register_blueprint(docs_assets.blp)
    app.register_blueprint(web.blp)  # the journalists' page at /

    register_request_hooks(app)
    app.register_error_handler(StoreUnavailable, store_unavailable)
    app.register_error_handler(StoreFull, store_full)
    enable_cors(app)
    if app.config["VERBATIM_PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, **app.config["VERBATIM_PROXY_FIX"])
    return app


# What a browser app on another origin may send and read. No cookies: writes authenticate with
# the bearer key, which a browser never sends on its own, so CORS cannot turn into CSRF.
CORS_ALLOW_HEADERS = ["Content-Type", "Authorization", "X-Request-ID"]
CORS_EXPOSE_HEADERS = ["Location", "Retry-After", "WWW-Authenticate", "X-Request-ID"]
CORS_MAX_AGE = 600


def enable_cors(app: Flask) -> None:
    """Let the configured origins call the API and read the contract (flask-cors).

    The API and /openapi.json only: the page and /docs are for this origin. Writes still need
    the key; a preflight (OPTIONS) never reaches the key check, which guards the write itself.
    """
    origins = app.config["VERBATIM_CORS_ORIGINS"]
    if not origins:
        return
    CORS(
        app,
        resources={r"/v1/*": {}, "/openapi.json": {}},
        origins=origins,
        allow_headers=CORS_ALLOW_HEADERS,
        expose_headers=CORS_EXPOSE_HEADERS,
        methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        max_age=CORS_MAX_AGE,
        supports_credentials=False,
    )

    @app.after_request
    def vary_on_origin(response: Response) -> Response:
        # flask-cors adds Vary only for several origins, but one allowed origin still gets
        # different headers from every other: a shared cache must key on Origin either way.
        if request.path.startswith("/v1/") or request.path == "/openapi.json":
            response.vary.add("Origin")
        return response


def store_unavailable(error: StoreUnavailable) -> Response:
    """The database is down or restarting: a 503 the client can retry, never a 500 or a hang."""
    log.warning("store unavailable: %s", error)
    response = problem_response(
        503,
        "Service Unavailable",
        "The article store is unreachable (the database is down or restarting). "
        "Retry in a few seconds.",
    )
    response.headers["Retry-After"] = str(STORE_RETRY_AFTER)
    return response


STORE_FULL_DETAIL = (
    "The store is full: this write was not stored, and nothing stored before it was lost. "
    "Reads still work; retry the write once the operator has freed disk space."
)


def store_full(error: StoreFull) -> Response:
    """The disk under the store is full: a 507 naming it, not a bare 500. The write was rolled
    back whole, so the client knows it must retry and that nothing else changed."""
    log.error("write refused: %s", error)
    return problem_response(507, "Insufficient Storage", STORE_FULL_DETAIL)
