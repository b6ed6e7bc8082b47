"""Hostile but well-framed input (issue 17): a clear 400/413/422 problem, never a 500.

Each case goes through the real app and the Flask test client; chunked bodies are sent as
gunicorn hands them over (no Content-Length, `wsgi.input_terminated` set).
"""

from __future__ import annotations

import io
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service import create_app
from service.api import verify as verify_api

SMALL_LIMIT = 4096
QUOTE = "They are willing to put people on the ground"
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "request_id"}


@pytest.fixture(scope="module")
def small_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    data_dir = tmp_path_factory.mktemp("small-body")
    return create_app(
        {"VERBATIM_DATA_DIR": str(data_dir), "TESTING": True, "VERBATIM_MAX_BODY": SMALL_LIMIT}
    )


def problem(response: TestResponse, status: int, path: str) -> dict:
    text = response.get_data(as_text=True)
    assert response.status_code == status, text[:500]
    assert response.mimetype == "application/problem+json"
    body = json.loads(text)
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["instance"] == path
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert isinstance(body["title"], str)
    assert "object at 0x" not in body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert "Traceback" not in text
    assert "<html" not in text.lower()
    return body


def post_json(client: FlaskClient, path: str, body: str | bytes) -> TestResponse:
    return client.post(path, data=body, content_type="application/json")


def post_chunked(client: FlaskClient, path: str, stream: io.RawIOBase | io.BytesIO) -> TestResponse:
    return client.post(
        path,
        input_stream=stream,
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


# -- 1. the 500 contract -------------------------------------------------------------------------


class _Exploding:
    def verify(self, *_: object) -> None:
        raise RuntimeError("secret /var/lib/verbatim/store.sqlite3 at 0xdeadbeef")


def test_500_body_keeps_the_contract(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_api, "current_engine", lambda: _Exploding())
    response = post_json(client, "/v1/verify", json.dumps({"quote": QUOTE}))
    body = problem(response, 500, "/v1/verify")
    assert set(body) == PROBLEM_KEYS
    assert body["title"] == "Internal Server Error"
    assert body["detail"] == (
        "Something went wrong on our side. The request id identifies it in our logs."
    )
    text = response.get_data(as_text=True)
    assert "secret" not in text
    assert "0xdeadbeef" not in text
    assert "RuntimeError" not in text


# -- 2. nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/verify", "/v1/verify/batch", "/v1/extract"])
@pytest.mark.parametrize(("opener", "closer"), [("[", "]"), ('{"a":', "}")])
def test_json_nested_10000_deep_is_400(
    client: FlaskClient, path: str, opener: str, closer: str
) -> None:
    body = problem(post_json(client, path, opener * 10_000 + "1" + closer * 10_000), 400, path)
    assert body["title"] == "Bad Request"
    assert body["detail"] == "The JSON body is nested too deeply to be read."


def test_modest_nesting_still_reaches_validation(client: FlaskClient) -> None:
    """Many brackets that Python can load are not refused by the depth check."""
    items = [{"quote": QUOTE}] * 100
    response = post_json(
        client, "/v1/verify/batch", json.dumps({"items": items, "x": [[[]]] * 100})
    )
    body = problem(response, 422, "/v1/verify/batch")
    assert body["errors"] == {"json": {"x": ["Unknown field."]}}


# -- 3. huge integers ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/verify", "/v1/verify/batch", "/v1/extract"])
def test_integer_over_4300_digits_is_400(client: FlaskClient, path: str) -> None:
    raw = '{{"quote": "{}", "limit": {}}}'.format(QUOTE, "7" * 5000)
    body = problem(post_json(client, path, raw), 400, path)
    assert body["title"] == "Bad Request"
    assert body["detail"] == (
        "A number in the JSON body has more than 4,300 digits; no field accepts one that long."
    )


def test_long_digit_run_inside_a_string_is_not_refused(client: FlaskClient) -> None:
    response = post_json(client, "/v1/verify", json.dumps({"quote": "1" * 1999}))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


# -- 4. lone surrogates --------------------------------------------------------------------------

SURROGATE = "Not valid UTF-8 (contains a lone surrogate)."


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"quote": "willing \\ud800 to put people"}', "quote"),
        ('{"quote": "willing to put people", "speaker": "Tr\\udfffump"}', "speaker"),
    ],
)
def test_lone_surrogate_in_verify_is_422_naming_the_field(
    client: FlaskClient, raw: str, field: str
) -> None:
    body = problem(post_json(client, "/v1/verify", raw), 422, "/v1/verify")
    assert body["title"] == "Unprocessable Entity"
    assert body["errors"] == {"json": {field: [SURROGATE]}}


def test_lone_surrogate_in_one_batch_item_is_422_naming_the_index(client: FlaskClient) -> None:
    raw = (
        '{"items": [{"quote": "willing to put people"}, {"quote": "people"},'
        ' {"quote": "willing", "speaker": "\\ud800"}]}'
    )
    body = problem(post_json(client, "/v1/verify/batch", raw), 422, "/v1/verify/batch")
    assert body["errors"] == {"json": {"items": {"2": {"speaker": [SURROGATE]}}}}


@pytest.mark.parametrize("field", ["text", "title"])
def test_lone_surrogate_in_extract_is_422_naming_the_field(client: FlaskClient, field: str) -> None:
    doc = {"text": '"I will go there," said Jane Smith.', "title": "Story"}
    raw = json.dumps(doc).replace("there,", "there \\ud800," if field == "text" else "there,")
    if field == "title":
        raw = raw.replace('"Story"', '"St\\ud800ory"')
    body = problem(post_json(client, "/v1/extract", raw), 422, "/v1/extract")
    assert body["errors"] == {"json": {field: [SURROGATE]}}


# -- 5. chunked bodies ---------------------------------------------------------------------------


def test_chunked_body_over_the_limit_is_413(small_app: Flask) -> None:
    payload = json.dumps({"quote": QUOTE, "pad": " " * (SMALL_LIMIT * 2)}).encode()
    response = post_chunked(small_app.test_client(), "/v1/verify", io.BytesIO(payload))
    body = problem(response, 413, "/v1/verify")
    assert body["title"] == "Request Entity Too Large"
    assert body["detail"] == (
        "The request body is larger than this service accepts (VERBATIM_MAX_BODY)."
    )


def test_chunked_body_one_byte_over_the_limit_is_413(small_app: Flask) -> None:
    """A valid object whose closing brace lands past the limit was once cut and answered."""
    head = json.dumps({"quote": QUOTE})[:-1].encode()
    payload = head + b" " * (SMALL_LIMIT - len(head)) + b"}"
    assert len(payload) == SMALL_LIMIT + 1
    response = post_chunked(small_app.test_client(), "/v1/verify", io.BytesIO(payload))
    problem(response, 413, "/v1/verify")


def test_chunked_body_within_the_limit_is_served_whole(small_app: Flask) -> None:
    head = json.dumps({"quote": QUOTE})[:-1].encode()
    payload = head + b" " * (SMALL_LIMIT - len(head) - 1) + b"}"
    assert len(payload) == SMALL_LIMIT
    response = post_chunked(small_app.test_client(), "/v1/verify", io.BytesIO(payload))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["verdict"] in ("verbatim", "close")


class _BrokenChunks(io.BytesIO):
    """What gunicorn's body reader does on a malformed chunk size: raise mid-read."""

    def read(self, size: int | None = -1) -> bytes:
        raise ValueError("Invalid chunk size: 'zz'")


def test_malformed_chunked_body_is_400(small_app: Flask) -> None:
    response = post_chunked(small_app.test_client(), "/v1/verify", _BrokenChunks())
    body = problem(response, 400, "/v1/verify")
    assert body["detail"] == "The chunked request body is malformed or ended early."
