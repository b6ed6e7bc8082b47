"""The one way the HTTP layer reaches the engine of the app serving the request."""

from __future__ import annotations

from flask import Flask, current_app

from service.engine import Verbatim

_ENGINE_KEY = "verbatim"


def install_engine(app: Flask, engine: Verbatim) -> None:
    app.extensions[_ENGINE_KEY] = engine


def engine_of(app: Flask) -> Verbatim | None:
    """The app's engine, or None while it is still being built (health checks ask early)."""
    return app.extensions.get(_ENGINE_KEY)


def current_engine() -> Verbatim:
    """The engine of the app handling this request."""
    return current_app.extensions[_ENGINE_KEY]
