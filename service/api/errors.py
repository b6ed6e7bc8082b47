"""One error format for everything: RFC 9457 problem details, never an HTML page or a traceback."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, json, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from schemas.errors import ProblemSchema

PROBLEM_MIME = "application/problem+json"
log = logging.getLogger("verbatim.errors")

STATUS_DETAILS = {
    400: "The request body is not valid JSON.",
    404: "There is nothing at this URL.",
    405: "This URL does not accept that method.",
    413: "The request body is larger than this service accepts (VERBATIM_MAX_BODY).",
    415: "Send the body as JSON with Content-Type: application/json.",
    422: "The request is well-formed JSON but some fields are invalid; see `errors`.",
    500: "Something went wrong on our side. The request id identifies it in our logs.",
}
# Werkzeug's `name` and `description` are properties: read on the class they are property
# objects, whose repr ("<property object at 0x...>") once leaked into every 500's title.
INTERNAL_ERROR_TITLE = "Internal Server Error"
_SERVER_ERROR_DETAIL = "The service could not answer this request. Try again later."


def problem_response(status: int, title: str, detail: str | None = None, **extra: Any) -> Response:
    """Serialise a problem through its schema so errors honour the documented contract."""
    body = {"type": "about:blank", "title": title, "status": status, "instance": request.path}
    if detail:
        body["detail"] = detail
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(json.dumps(ProblemSchema().dump(body)), status=status, mimetype=PROBLEM_MIME)


class ProblemApi(Api):
    """flask-smorest Api whose error handler speaks problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        """Document error responses with the media type they are sent with (problem+json)."""
        json_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_MIME
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = json_type

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        if status >= 500:
            # A server error never echoes an exception's own description: it may carry internals.
            # Only a message the service wrote on purpose (abort(..., message=...)) goes out.
            detail = data.get("message") or STATUS_DETAILS.get(status) or _SERVER_ERROR_DETAIL
        else:
            detail = (
                data.get("message") or STATUS_DETAILS.get(status) or str(error.description or "")
            )
        response = problem_response(status, _title(error), detail, errors=errors)
        for key, value in (data.get("headers") or {}).items():
            response.headers[key] = value
        for key, value in error.get_headers():  # only 405 carries one: the methods allowed
            if key.lower() == "allow":
                response.headers["Allow"] = value
        return response


def _title(error: HTTPException) -> str:
    """The status phrase, always a plain string."""
    name = error.name if isinstance(error, HTTPException) else None
    if isinstance(name, str) and name:
        return name
    return INTERNAL_ERROR_TITLE if (error.code or 500) >= 500 else "Bad Request"


def register_error_handlers(app: Flask) -> None:
    """Anything not an HTTPException is a bug: log it with the traceback, answer a plain 500."""

    # HTTPExceptions never reach this handler: Flask prefers the Api's more specific one.
    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unhandled error", extra={"request_id": g.get("request_id")})
        return problem_response(500, INTERNAL_ERROR_TITLE, STATUS_DETAILS[500])
