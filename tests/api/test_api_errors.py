"""Bad input gets the documented status as problem+json: never an HTML page, never a 500."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from schemas.verify import MAX_BATCH_ITEMS, MAX_QUOTE_CHARS
from service.config import DEFAULT_MAX_BODY
from tests.server import Server, start_server

SEED_QUOTE = "They're willing to put people on the ground"


def assert_problem(response: TestResponse, status: int) -> dict:
    """The response is an RFC 9457 problem with this status, and nothing else."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    body = json.loads(response.get_data(as_text=True))
    assert body["status"] == status
    assert body["title"]
    assert body["type"] == "about:blank"
    assert "<html" not in response.get_data(as_text=True).lower()
    assert "Traceback" not in response.get_data(as_text=True)
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def post_raw(client: FlaskClient, path: str, data: bytes | str, **kwargs: object) -> TestResponse:
    kwargs.setdefault("content_type", "application/json")
    return client.post(path, data=data, **kwargs)


# -- body syntax ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/verify", "/v1/verify/batch", "/v1/extract"])
@pytest.mark.parametrize("body", ['{"quote": ', "{'quote': 'x'}", "not json", '{"quote": "a",}'])
def test_malformed_json_is_400(client: FlaskClient, path: str, body: str) -> None:
    assert_problem(post_raw(client, path, body), 400)


def test_invalid_utf8_is_400(client: FlaskClient) -> None:
    body = b'{"quote": "caf\xc3 \xff\xfe willing"}'
    assert_problem(post_raw(client, "/v1/verify", body), 400)


def test_lone_surrogate_escape_is_answered_not_crashed(client: FlaskClient) -> None:
    """`\\ud800` is valid JSON but not encodable text; it must never reach a 500."""
    response = post_raw(client, "/v1/verify", '{"quote": "willing \\ud800 to put people"}')
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert_problem(response, 422)


@pytest.mark.parametrize("path", ["/v1/verify", "/v1/verify/batch", "/v1/extract"])
@pytest.mark.parametrize("body", ["[]", '["quote"]', '"quote"', "42", "null", "true"])
def test_json_that_is_not_an_object_is_422(client: FlaskClient, path: str, body: str) -> None:
    assert_problem(post_raw(client, path, body), 422)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_wrong_content_type_is_415(client: FlaskClient, content_type: str | None) -> None:
    body = json.dumps({"quote": SEED_QUOTE})
    response = client.post("/v1/verify", data=body, content_type=content_type)
    assert_problem(response, 415)


def test_json_with_charset_is_accepted(client: FlaskClient) -> None:
    body = json.dumps({"quote": SEED_QUOTE})
    response = client.post("/v1/verify", data=body, content_type="application/json; charset=utf-8")
    assert response.status_code == 200


# -- fields --------------------------------------------------------------------------------------


def test_missing_quote_is_422_naming_the_field(client: FlaskClient) -> None:
    body = assert_problem(client.post("/v1/verify", json={"speaker": "Donald Trump"}), 422)
    assert "quote" in body["errors"]["json"]


def test_extra_field_is_422_naming_the_field(client: FlaskClient) -> None:
    response = client.post("/v1/verify", json={"quote": SEED_QUOTE, "source": "ITV"})
    body = assert_problem(response, 422)
    assert "source" in body["errors"]["json"]


def test_extra_field_inside_a_batch_item_is_422(client: FlaskClient) -> None:
    response = client.post("/v1/verify/batch", json={"items": [{"quote": "x", "lang": "en"}]})
    body = assert_problem(response, 422)
    assert body["errors"]["json"]["items"]["0"]["lang"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quote", 42),
        ("quote", ["They're", "willing"]),
        ("quote", {"text": SEED_QUOTE}),
        ("quote", None),
        ("speaker", 7),
        ("limit", "three"),
        ("limit", 2.5),
        ("limit", [3]),
        ("limit", 0),
        ("limit", 11),
    ],
)
def test_wrong_type_or_range_is_422(client: FlaskClient, field: str, value: object) -> None:
    body = {"quote": SEED_QUOTE, field: value}
    problem = assert_problem(client.post("/v1/verify", json=body), 422)
    assert field in problem["errors"]["json"]


@pytest.mark.parametrize("quote", ["", " ", "   \t\n  ", "\u00a0\u2003"])
def test_empty_and_whitespace_quotes_are_422(client: FlaskClient, quote: str) -> None:
    problem = assert_problem(client.post("/v1/verify", json={"quote": quote}), 422)
    assert "quote" in problem["errors"]["json"]


def test_quote_length_limit_applies_to_the_quote_as_sent(client: FlaskClient) -> None:
    """The published maxLength is the rule: whitespace around a quote counts towards it (and
    is then ignored for matching), so a schema-valid quote is never refused for its length."""
    at_limit = ("word " * MAX_QUOTE_CHARS)[: MAX_QUOTE_CHARS - 5] + "x"
    padded = f"  {at_limit}  "
    assert len(padded) == MAX_QUOTE_CHARS
    assert client.post("/v1/verify", json={"quote": padded}).status_code == 200
    problem = assert_problem(client.post("/v1/verify", json={"quote": padded + " "}), 422)
    assert problem["errors"]["json"] == {"quote": ["Length must be between 1 and 2000."]}
    problem = assert_problem(client.post("/v1/verify", json={"quote": " \t "}), 422)
    assert problem["errors"]["json"] == {"quote": ["Quote must not be blank."]}


def test_batch_over_the_limit_is_422(client: FlaskClient) -> None:
    items = [{"quote": SEED_QUOTE}] * (MAX_BATCH_ITEMS + 1)
    problem = assert_problem(client.post("/v1/verify/batch", json={"items": items}), 422)
    assert "items" in problem["errors"]["json"]


def test_empty_batch_is_422(client: FlaskClient) -> None:
    assert_problem(client.post("/v1/verify/batch", json={"items": []}), 422)


def test_batch_reports_the_bad_item_by_index(client: FlaskClient) -> None:
    items = [{"quote": SEED_QUOTE}, {"quote": "   "}, {"quote": SEED_QUOTE}]
    problem = assert_problem(client.post("/v1/verify/batch", json={"items": items}), 422)
    assert set(problem["errors"]["json"]["items"]) == {"1"}


def test_extract_text_over_the_limit_is_422(client: FlaskClient) -> None:
    problem = assert_problem(client.post("/v1/extract", json={"text": "a" * 200_001}), 422)
    assert "text" in problem["errors"]["json"]


# -- sizes ---------------------------------------------------------------------------------------


def test_body_over_the_limit_is_413(client: FlaskClient) -> None:
    body = json.dumps({"text": "a" * DEFAULT_MAX_BODY})
    assert_problem(post_raw(client, "/v1/extract", body), 413)


# -- URLs and methods ----------------------------------------------------------------------------


def test_unknown_article_is_404(client: FlaskClient) -> None:
    problem = assert_problem(client.get("/v1/articles/no-such-article-anywhere"), 404)
    assert "no-such-article-anywhere" in problem["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/articles/..%2F..%2Fetc%2Fpasswd",
        "/v1/articles/../../etc/passwd",
        "/v1/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/v1/articles/..",
        "/v1/articles/%2e%2e",
        "/v1/articles/....%2F%2Fetc%2Fpasswd",
        "/v1/articles/%00",
        "/v1/articles/" + "a" * 5000,
        "/v1/articles/%E2%80%AE%2F..%2Fsecret",
    ],
)
def test_path_traversal_in_ids_never_reads_a_file(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (404, 422)
    assert_problem(response, response.status_code)
    assert "root:" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/v1/nothing", "/v2/verify", "/v1/verify/", "/etc/passwd"])
def test_unknown_route_is_404(client: FlaskClient, path: str) -> None:
    response = client.post(path, json={"quote": SEED_QUOTE})
    assert response.status_code in (404, 405)
    if path != "/v1/verify/":
        assert_problem(response, 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/verify"), ("DELETE", "/v1/verify"), ("PUT", "/v1/extract"), ("POST", "/livez")],
)
def test_wrong_method_is_405_with_allow(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method, json={})
    assert_problem(response, 405)
    assert response.headers["Allow"]
    assert method not in response.headers["Allow"]


# -- real gunicorn: the body limit is enforced from Content-Length, before reading ---------------


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start_server(workers=1)
    yield running
    running.stop()


def raw_http(server: Server, request: bytes, timeout: float = 20.0) -> bytes:
    """Send bytes on a fresh connection and read until the server closes it."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.e2e
def test_huge_content_length_is_refused_without_reading_the_body(server: Server) -> None:
    """The client declares 1 GB and sends 13 bytes. A server that tried to read the body would
    wait for the rest and the read below would time out; the limit check answers at once."""
    head = (
        "POST /v1/extract HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {1024**3}\r\nConnection: close\r\n\r\n"
    )
    reply = raw_http(server, head.encode() + b'{"text": "a"')
    status_line, _, rest = reply.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413"), reply[:300]
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in headers.lower()
    assert json.loads(body)["status"] == 413


@pytest.mark.e2e
def test_invalid_utf8_over_real_http_is_400(server: Server) -> None:
    body = b'{"quote": "\xff\xfe\xfd"}'
    head = (
        "POST /v1/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    reply = raw_http(server, head.encode() + body)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:300]
    assert b"application/problem+json" in reply


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("request_head", "status"),
    [
        (f"GET /v1/articles/{'a' * 5000} HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (f"GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: {'b' * 9000}\r\n\r\n", 431),
        ("NOT AN HTTP REQUEST\r\n\r\n", 400),
        ("GET /livez HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n", 400),
    ],
)
def test_errors_gunicorn_answers_itself_are_problem_json(
    server: Server, request_head: str, status: int
) -> None:
    """Malformed HTTP never reaches Flask; gunicorn's reply must still be problem+json."""
    reply = raw_http(server, request_head.encode())
    status_line, _, rest = reply.partition(b"\r\n")
    assert status_line.startswith(f"HTTP/1.1 {status}".encode()), reply[:300]
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in headers.lower()
    assert b"<html" not in body.lower()
    assert json.loads(body)["status"] == status


@pytest.mark.parametrize("blank", ["\x1e", "\ufeff", " \x85\u3000 "])
def test_blank_means_the_same_to_the_service_and_its_published_pattern(
    client: FlaskClient, blank: str
) -> None:
    """Whitespace to Python (U+001E, U+0085) or to ECMA-262 (U+FEFF), the published pattern's
    dialect, is whitespace to both: such a quote fails the schema and the service alike."""
    spec = client.get("/openapi.json").get_json()
    pattern = spec["components"]["schemas"]["VerifyRequest"]["properties"]["quote"]["pattern"]
    assert re.search(pattern, blank) is None
    problem = assert_problem(client.post("/v1/verify", json={"quote": blank}), 422)
    assert problem["errors"]["json"] == {"quote": ["Quote must not be blank."]}
    assert re.search(pattern, blank + "x") is not None
    assert client.post("/v1/verify", json={"quote": blank + "x"}).status_code == 200
