"""Liveness, readiness and version: what orchestrators and operators poll."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from schemas.health import HealthSchema, ReadinessSchema, VersionSchema
from service.api import examples
from service.api.context import current_engine, engine_of
from service.api.errors import problems

blp = Blueprint("health", __name__, description="Service health")


def package_version() -> str:
    try:
        return version("verbatim")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


@blp.route("/livez")
class Liveness(MethodView):
    @blp.response(200, HealthSchema, example=examples.LIVEZ_RESPONSE)
    @blp.doc(operationId="getLiveness")
    def get(self) -> dict:
        """The process is up (says nothing about the corpus)."""
        return {"status": "ok"}


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema, example=examples.READYZ_RESPONSE)
    @blp.alt_response(
        503,
        schema=ReadinessSchema,
        description="The store is unreachable (or not indexed yet)",
        example=examples.READYZ_UNAVAILABLE_RESPONSE,
    )
    @blp.doc(operationId="getReadiness")
    def get(self) -> tuple[dict, int]:
        """Ready to answer queries: the store is reachable and the corpus indexed. The store
        (backend, reachable, schema version) and the index are reported separately."""
        engine = engine_of(current_app)
        if engine is None:
            abort(503, message="The corpus is not indexed yet.")
        engine.start_indexing()  # (no-op once ready: orchestrators poll this first)
        store = engine.store.status()
        indexing = {"total": engine.to_index} if not engine.ready else {}
        if not engine.ready and engine.index_error:
            indexing["error"] = engine.index_error
        ready = store.reachable and engine.ready
        body = {
            "status": "ready" if ready else ("indexing" if store.reachable else "unavailable"),
            "articles": len(engine),
            "store": {
                "backend": store.backend,
                "reachable": store.reachable,
                "schema_version": store.schema_version,
                **({"error": store.error} if store.error else {}),
            },
            "index": {
                "articles": len(engine) if engine.ready else engine.indexed,
                "generation": engine.generation,
                "pending": engine.pending,
                **indexing,
            },
        }
        return body, 200 if ready else 503


@blp.route("/version")
class Version(MethodView):
    @blp.response(200, VersionSchema, example=examples.VERSION_RESPONSE)
    @problems(blp, 503)
    @blp.doc(operationId="getVersion")
    def get(self) -> dict:
        """Package version, corpus size and index generation."""
        engine = current_engine()
        return {
            "version": package_version(),
            "articles": len(engine),
            "generation": engine.generation,
        }
