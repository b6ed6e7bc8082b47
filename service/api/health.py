"""Liveness, readiness and version: what orchestrators and operators poll."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from schemas.health import HealthSchema, ReadinessSchema, VersionSchema
from service.api.context import current_engine, engine_of

blp = Blueprint("health", __name__, description="Service health")


def package_version() -> str:
    try:
        return version("verbatim")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


@blp.route("/livez")
class Liveness(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict:
        """The process is up (says nothing about the corpus)."""
        return {"status": "ok"}


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=None, description="The corpus is not indexed yet")
    def get(self) -> dict:
        """Ready to answer queries: the corpus is loaded and indexed."""
        engine = engine_of(current_app)
        if engine is None:
            abort(503, message="The corpus is not indexed yet.")
        return {"status": "ready", "articles": len(engine)}


@blp.route("/version")
class Version(MethodView):
    @blp.response(200, VersionSchema)
    def get(self) -> dict:
        """Package version, corpus size and index generation."""
        engine = current_engine()
        return {
            "version": package_version(),
            "articles": len(engine),
            "generation": engine.generation,
        }
