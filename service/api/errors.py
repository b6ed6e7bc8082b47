"""One error format for everything: RFC 9457 problem details, never an HTML page or a traceback."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, json, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from schemas.errors import ProblemSchema

PROBLEM_MIME = "application/problem+json"
log = logging.getLogger("verbatim.errors")

_DETAILS = {
    400: "The request body is not valid JSON.",
    404: "There is nothing at this URL.",
    405: "This URL does not accept that method.",
    413: "The request body is larger than this service accepts (VERBATIM_MAX_BODY).",
    415: "Send the body as JSON with Content-Type: application/json.",
    422: "The request is well-formed JSON but some fields are invalid; see `errors`.",
    500: "Something went wrong on our side. The request id identifies it in our logs.",
}


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
        detail = data.get("message") or _DETAILS.get(status) or error.description
        errors = data.get("errors") or data.get("messages")
        response = problem_response(status, error.name, detail, errors=errors)
        for key, value in (data.get("headers") or {}).items():
            response.headers[key] = value
        for key, value in error.get_headers():  # only 405 carries one: the methods allowed
            if key.lower() == "allow":
                response.headers["Allow"] = value
        return response


def register_error_handlers(app: Flask) -> None:
    """Anything not an HTTPException is a bug: log it with the traceback, answer a plain 500."""

    # HTTPExceptions never reach this handler: Flask prefers the Api's more specific one.
    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unhandled error", extra={"request_id": g.get("request_id")})
        return problem_response(500, InternalServerError.name, _DETAILS[500])
