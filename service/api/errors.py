"""One error format for everything: RFC 9457 problem details, never an HTML page or a traceback."""

from __future__ import annotations

import http
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, json, request
from flask_smorest import Api, Blueprint
from marshmallow import fields
from werkzeug.exceptions import HTTPException

from schemas.errors import ProblemSchema
from service.api.examples import PROBLEMS

PROBLEM_MIME = "application/problem+json"
# Path prefixes (SCRIPT_NAME, set by a trusted proxy) whose /openapi.json is kept serialised.
OPENAPI_CACHED_PREFIXES = 8
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
# The title of a 500 for an unexpected exception. Not `InternalServerError.name`: werkzeug's
# `name` is a property, so on the class it is a property object, not the phrase.
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


# Headers that go with an error, documented so generated clients expose them.
PROBLEM_HEADERS: dict[int, dict[str, dict[str, Any]]] = {
    401: {
        "WWW-Authenticate": {
            "description": "The bearer challenge (RFC 6750)",
            "schema": {"type": "string"},
        }
    },
    503: {
        "Retry-After": {
            "description": "Seconds to wait before retrying",
            "schema": {"type": "integer"},
        }
    },
}
ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def problems(blp: Blueprint, *statuses: int) -> Callable[[ViewFunc], ViewFunc]:
    """Document the error statuses a view can answer, each a reference to its problem response
    (components.responses, with an example), so client generators know every outcome."""

    def decorate(view: ViewFunc) -> ViewFunc:
        for status in statuses:
            view = blp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view

    return decorate


class ProblemApi(Api):
    """flask-smorest Api whose error handler speaks problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Flask | None = None, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._type_nullable_references()

    def _type_nullable_references(self) -> None:
        """A nullable nested object as `allOf: [$ref], nullable: true` (OpenAPI 3.0).

        apispec writes `anyOf: [{type: object, nullable: true}, $ref]`, which generators read as
        a union with an empty object type that matches any object first (openapi-python-client
        parsed every `match` as that empty type). The allOf form is one type that may be null.
        """
        converter = self.ma_plugin.converter
        functions = converter.attribute_functions
        original = next(f for f in functions if f.__name__ == "field2nullable")

        def field2nullable(field: fields.Field, ret: dict, **kwargs: Any) -> dict:
            if field.allow_none and "$ref" in ret:
                return {"allOf": [{"$ref": ret.pop("$ref")}], "nullable": True}
            if field.allow_none and "allOf" in ret:  # a $ref with a description beside it
                return {"allOf": ret.pop("allOf"), "nullable": True}
            return original(field, ret=ret, **kwargs)

        functions[functions.index(original)] = field2nullable

    def _openapi_json(self) -> Response:
        """The document; behind a proxy's path prefix it names the prefix as its server, so
        /docs' "Try it out" calls the API through the proxy (the committed copy has none).

        Serialised once per prefix: building it costs tens of milliseconds, and it cannot
        change while the process runs, so any client asking for it again and again must not
        cost the service that work each time. A few prefixes at most (the proxies in front).
        """
        cache: dict[str, str] = self.__dict__.setdefault("_openapi_cache", {})
        root = request.script_root
        body = cache.get(root)
        if body is None:
            document = self.spec.to_dict()
            if root:
                document = {**document, "servers": [{"url": root}]}
            body = json.dumps(document, indent=2, sort_keys=False)
            if len(cache) < OPENAPI_CACHED_PREFIXES:
                cache[root] = body
        return current_app.response_class(body, mimetype="application/json")

    def _register_responses(self) -> None:
        """One problem+json response per status, with the service's own example and headers;
        registered lazily, so the document lists only the statuses some operation answers."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                media: dict[str, Any] = {"schema": self.ERROR_SCHEMA}
                if status in PROBLEMS:
                    media["example"] = PROBLEMS[status]
                response["content"] = {PROBLEM_MIME: media}
                if status in PROBLEM_HEADERS:
                    response["headers"] = PROBLEM_HEADERS[status]
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            "DEFAULT_ERROR",
            {
                "description": "Any other error, such as a server error (500)",
                "content": {PROBLEM_MIME: {"schema": self.ERROR_SCHEMA, "example": PROBLEMS[500]}},
            },
            lazy=True,
        )

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
        return problem_response(500, INTERNAL_ERROR_TITLE, STATUS_DETAILS[500])
