"""Verbatim: find the verbatim source of a quote, who said it, and how sure we are.

The package is importable without Flask: the engine modules (matching, attribution, store) are
used on their own by the benchmarks and the command line. The web app is built lazily.
The factory itself lives in `service/app.py`; register blueprints there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the WSGI app (see service.app.create_app)."""
    from service.app import create_app as build

    return build(test_config)
