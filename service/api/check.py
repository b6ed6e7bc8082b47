"""POST /v1/check: every quote of a draft, verified with the speaker the draft gives it."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.check import CheckRequestSchema, CheckResponseSchema
from service.api import examples
from service.api.context import current_engine
from service.api.errors import problems
from service.api.observability import count_verdict
from service.models import DraftCheck

blp = Blueprint("check", __name__, url_prefix="/v1/check", description="Check a draft")


@blp.route("")
class Check(MethodView):
    @blp.arguments(CheckRequestSchema, example=examples.CHECK_REQUEST)
    @blp.response(200, CheckResponseSchema, example=examples.CHECK_RESPONSE)
    @problems(blp, 400, 413, 415, 503)
    @blp.doc(operationId="checkDraft")
    def post(self, body: dict) -> DraftCheck:
        """Check every quote in a draft against the corpus, with who the draft says said it."""
        checked = current_engine().check(body["text"], body["limit"])
        for quote in checked.quotes:
            count_verdict(quote.result.verdict)
        return checked
