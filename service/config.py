"""Settings, read from environment variables so the same image runs anywhere.

| variable | default | meaning |
|---|---|---|
| VERBATIM_DATA_DIR | ./var | where the SQLite store (and the index snapshot) live |
| VERBATIM_DATABASE_URL | unset | postgresql://user:pass@host:port/db: shared store (else SQLite) |
| VERBATIM_DATABASE_WAIT | 30 | seconds to wait at start for a database that is not up yet |
| VERBATIM_CORPUS_DIR | bundled corpus/ | articles loaded into an empty store on first start |
| VERBATIM_API_KEY | unset | bearer key for write endpoints; unset = writes refused |
| VERBATIM_MAX_BODY | 5242880 | request body limit in bytes (413 above it) |
| VERBATIM_BACKGROUND_INDEX | 0 (gunicorn: 1) | 1: index in the background, /readyz 503 meanwhile |
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_MAX_BODY = 5 * 1024 * 1024
# Replicas and their database are usually started together (compose, Kubernetes): wait this long
# for it at start instead of failing the first worker boot.
DEFAULT_DATABASE_WAIT = 30


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


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
        # 1: each serving process opens or builds the index in a background thread, so /livez
        # answers at once and /readyz says 503 with progress meanwhile (gunicorn.conf.py sets it).
        "VERBATIM_BACKGROUND_INDEX": _int_env("VERBATIM_BACKGROUND_INDEX", 0) == 1,
        # flask-smorest / OpenAPI
        "API_TITLE": "Verbatim",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        # Served from the swagger-ui-bundle package: newsroom networks are often offline.
        "OPENAPI_SWAGGER_UI_URL": "/docs-assets/",
        "JSON_SORT_KEYS": False,
    }
    config.update(overrides or {})
    config["MAX_CONTENT_LENGTH"] = config["VERBATIM_MAX_BODY"]
    return config
