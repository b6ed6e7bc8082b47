"""POST /v1/extract: quotes and speakers in any text, nothing stored."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.extract import ExtractRequestSchema, ExtractResponseSchema
from service.api import examples
from service.api.context import current_engine
from service.api.errors import problems

blp = Blueprint("extract", __name__, url_prefix="/v1/extract", description="Extract quotes")


@blp.route("")
class Extract(MethodView):
    @blp.arguments(ExtractRequestSchema, example=examples.EXTRACT_REQUEST)
    @blp.response(200, ExtractResponseSchema, example=examples.EXTRACT_RESPONSE)
    @problems(blp, 400, 413, 415, 503)
    @blp.doc(operationId="extractQuotes")
    def post(self, body: dict) -> dict:
        """Every quotation in the text with its speaker."""
        engine = current_engine()
        return {"quotes": engine.extract(body["text"], body.get("title"))}
