"""POST /v1/verify: the closest verbatim source of a candidate quote."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.verify import (
    VerifyBatchRequestSchema,
    VerifyBatchResponseSchema,
    VerifyRequestSchema,
    VerifyResponseSchema,
)
from service.api import examples
from service.api.context import current_engine
from service.api.errors import problems
from service.api.observability import count_verdict
from service.models import VerifyResult

blp = Blueprint("verify", __name__, url_prefix="/v1/verify", description="Verify quotes")


def _verify(item: dict) -> VerifyResult:
    engine = current_engine()
    result = engine.verify(item["quote"], item.get("speaker"), item["limit"])
    count_verdict(result.verdict)
    return result


@blp.route("")
class Verify(MethodView):
    @blp.arguments(VerifyRequestSchema, example=examples.VERIFY_REQUEST)
    @blp.response(200, VerifyResponseSchema, example=examples.VERIFY_RESPONSE)
    @problems(blp, 400, 413, 415, 503)
    @blp.doc(operationId="verifyQuote")
    def post(self, item: dict) -> VerifyResult:
        """Find the verbatim original of a quote, who said it, and how sure we are."""
        return _verify(item)


@blp.route("/batch")
class VerifyBatch(MethodView):
    @blp.arguments(VerifyBatchRequestSchema, example=examples.VERIFY_BATCH_REQUEST)
    @blp.response(200, VerifyBatchResponseSchema, example=examples.VERIFY_BATCH_RESPONSE)
    @problems(blp, 400, 413, 415, 503)
    @blp.doc(operationId="verifyQuotes")
    def post(self, batch: dict) -> dict:
        """Verify up to 100 quotes; results come back in request order."""
        return {"results": [_verify(item) for item in batch["items"]]}
