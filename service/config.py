"""Settings, read from environment variables so the same image runs anywhere.

README.md's Configuration table describes every variable read here and in gunicorn.conf.py
(tests/test_readme_configuration.py checks that none is missing).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from service.deadline import DEFAULT_REQUEST_BUDGET

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_MAX_BODY = 5 * 1024 * 1024
# Replicas and their database are usually started together (compose, Kubernetes): wait this long
# for it at start instead of failing the first worker boot.
DEFAULT_DATABASE_WAIT = 30
# A snapshot of 100,000 articles opens in well under a second; this leaves room for a slow disk.
DEFAULT_INDEX_WAIT = 10.0


API_DESCRIPTION = (
    "Find the verbatim source of a quote in a corpus of news articles, who said it, and how sure "
    "the service is. Errors are RFC 9457 problems (application/problem+json) whose `status` "
    "repeats the HTTP status: each operation lists the ones it can answer. Besides those, any "
    "path answers 405 (with `Allow`) to a method it does not accept, and 404 when it does not "
    "exist. The service sets no rate limit (no 429): put one in the reverse proxy in front of it. "
    "A request whose work (extraction, alignment, a batch) would take more CPU time than the "
    "service gives one request (VERBATIM_REQUEST_BUDGET) answers 503 with Retry-After, and its "
    "`detail` says what to send instead (a shorter text, fewer items); a write refused so stores "
    "nothing. A read that needs a stored article which alone takes longer than that to attribute "
    "(stored unchecked or under a larger budget) answers 503 without Retry-After, naming it."
)


def _number_env(name: str, default: float, parse: type, what: str) -> float:
    """A numeric setting; a value that is not a number stops start-up with its name."""
    raw = os.environ.get(name, "")
    try:
        return parse(raw) if raw.strip() else default
    except ValueError as exc:
        raise RuntimeError(f"{name} must be {what}, got {raw!r}") from exc


def _int_env(name: str, default: int) -> int:
    return int(_number_env(name, default, int, "an integer"))


def _float_env(name: str, default: float) -> float:
    return _number_env(name, default, float, "a number of seconds")


def request_budget_from_env() -> float:
    """VERBATIM_REQUEST_BUDGET: the server's per-request budget, which `verbatim import` also
    applies to each article it stores (`service.admission`)."""
    return _float_env("VERBATIM_REQUEST_BUDGET", DEFAULT_REQUEST_BUDGET)


def parse_origins(raw: str) -> list[str]:
    """`https://a.example, https://b.example` -> the list; blank -> no origin."""
    return [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()]


# VERBATIM_PROXY_FIX keys -> werkzeug ProxyFix arguments: how many proxies set each header.
PROXY_FIX_KEYS = {
    "for": "x_for",
    "proto": "x_proto",
    "host": "x_host",
    "port": "x_port",
    "prefix": "x_prefix",
}


def parse_proxy_fix(raw: str) -> dict[str, int]:
    """`for=1,proto=1,host=1,prefix=1` -> ProxyFix keyword arguments; blank -> {} (off).

    Off by default: trusting X-Forwarded-* from a client that is not a proxy lets it forge its
    address and the links the service builds. A typo fails the start, not the first request.
    """
    counts: dict[str, int] = {}
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if key not in PROXY_FIX_KEYS or not sep or not value.strip().isdigit():
            raise RuntimeError(
                f"VERBATIM_PROXY_FIX: {part!r} is not KEY=COUNT with KEY one of "
                f"{', '.join(PROXY_FIX_KEYS)} (e.g. 'for=1,proto=1,host=1,prefix=1')"
            )
        counts[PROXY_FIX_KEYS[key]] = int(value)
    return counts


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Flask config from the environment, then `overrides` (tests pass their own paths)."""
    config: dict[str, Any] = {
        "VERBATIM_DATA_DIR": os.environ.get("VERBATIM_DATA_DIR", "var"),
        "VERBATIM_CORPUS_DIR": os.environ.get("VERBATIM_CORPUS_DIR", str(BUNDLED_CORPUS)),
        "VERBATIM_API_KEY": os.environ.get("VERBATIM_API_KEY") or None,
        # Several replicas on several hosts share one PostgreSQL database; unset, one SQLite file.
        "VERBATIM_DATABASE_URL": os.environ.get("VERBATIM_DATABASE_URL") or None,
        "VERBATIM_DATABASE_WAIT": _int_env("VERBATIM_DATABASE_WAIT", DEFAULT_DATABASE_WAIT),
        "VERBATIM_MAX_BODY": _int_env("VERBATIM_MAX_BODY", DEFAULT_MAX_BODY),
        # Browser apps on these origins may call the API; none by default (same origin only).
        "VERBATIM_CORS_ORIGINS": parse_origins(os.environ.get("VERBATIM_CORS_ORIGINS", "")),
        "VERBATIM_PROXY_FIX": parse_proxy_fix(os.environ.get("VERBATIM_PROXY_FIX", "")),
        # Extraction, alignment and batches stop at this many CPU seconds (service/deadline.py),
        # well under gunicorn's 30 s timeout, so a slow request is a 503, not a killed worker.
        "VERBATIM_REQUEST_BUDGET": request_budget_from_env(),
        # 1: each serving process opens or builds the index in a background thread, so /livez
        # answers at once and /readyz says 503 with progress meanwhile (gunicorn.conf.py sets it).
        "VERBATIM_BACKGROUND_INDEX": _int_env("VERBATIM_BACKGROUND_INDEX", 0) == 1,
        # Seconds a request that needs the corpus waits while its process opens the saved index
        # (a restart); a build from scratch is not waited for (503 with progress at once).
        "VERBATIM_INDEX_WAIT": _float_env("VERBATIM_INDEX_WAIT", DEFAULT_INDEX_WAIT),
        # flask-smorest / OpenAPI
        "API_TITLE": "Verbatim",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "API_SPEC_OPTIONS": {"info": {"description": API_DESCRIPTION}},
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        # Served from the swagger-ui-bundle package: newsroom networks are often offline.
        # Relative to /docs, so the page also loads under a proxy's path prefix.
        "OPENAPI_SWAGGER_UI_URL": "docs-assets/",
        "JSON_SORT_KEYS": False,
    }
    config.update(overrides or {})
    # Overrides may be written as the environment would spell them.
    if isinstance(config["VERBATIM_CORS_ORIGINS"], str):
        config["VERBATIM_CORS_ORIGINS"] = parse_origins(config["VERBATIM_CORS_ORIGINS"])
    if isinstance(config["VERBATIM_PROXY_FIX"], str):
        config["VERBATIM_PROXY_FIX"] = parse_proxy_fix(config["VERBATIM_PROXY_FIX"])
    config["MAX_CONTENT_LENGTH"] = config["VERBATIM_MAX_BODY"]
    return config
