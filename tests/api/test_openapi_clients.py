"""openapi.json is fit for code generators: operation ids, examples that are real answers,
nullable objects generators type correctly, every error status documented; and a client
generated from it by openapi-python-client talks to the real server (gunicorn)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.api import examples
from tests.conftest import SEED_ID, TEST_API_KEY
from tests.server import Server, start_server

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
METHODS = {"get", "post", "put", "patch", "delete"}
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CLIENT_PACKAGE = "verbatim_client"
AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}


def operations() -> Iterator[tuple[str, str, dict]]:
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def resolve(node: dict) -> dict:
    """Follow a `$ref` into components."""
    if "$ref" not in node:
        return node
    _, _, kind, name = node["$ref"].split("/")
    return DOCUMENT["components"][kind][name]


def walk(node: object) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


# --- the document ------------------------------------------------------------------------------


def test_every_operation_has_a_unique_operation_id() -> None:
    ids = {f"{method.upper()} {path}": op.get("operationId") for method, path, op in operations()}
    assert ids == {
        "GET /livez": "getLiveness",
        "GET /readyz": "getReadiness",
        "GET /version": "getVersion",
        "GET /v1/articles": "listArticles",
        "POST /v1/articles": "createArticle",
        "GET /v1/articles/{article_id}": "getArticle",
        "PUT /v1/articles/{article_id}": "replaceArticle",
        "DELETE /v1/articles/{article_id}": "deleteArticle",
        "POST /v1/extract": "extractQuotes",
        "POST /v1/verify": "verifyQuote",
        "POST /v1/verify/batch": "verifyQuotes",
        "POST /v1/check": "checkDraft",
    }


def test_every_request_and_response_body_has_an_example() -> None:
    missing = []
    for method, path, operation in operations():
        bodies = [("request", operation.get("requestBody", {}))]
        bodies += [(status, resolve(r)) for status, r in operation["responses"].items()]
        for where, body in bodies:
            for media, content in body.get("content", {}).items():
                if "example" not in content and "examples" not in content:
                    missing.append(f"{method.upper()} {path} {where} {media}")
    assert missing == []


def test_error_statuses_are_documented_where_they_occur() -> None:
    documented = {
        f"{method.upper()} {path}": sorted(op["responses"]) for method, path, op in operations()
    }
    body = ["400", "413", "415", "422"]
    # Every write may find the store's disk full (507).
    write = ["401", "403", "507"]
    assert documented == {
        "GET /livez": ["200", "default"],
        "GET /readyz": ["200", "503", "default"],
        "GET /version": ["200", "503", "default"],
        "GET /v1/articles": ["200", "422", "503", "default"],
        "POST /v1/articles": sorted(["201", *body, *write, "409", "503", "default"]),
        "GET /v1/articles/{article_id}": ["200", "404", "503", "default"],
        "PUT /v1/articles/{article_id}": sorted(["200", "201", *body, *write, "503", "default"]),
        "DELETE /v1/articles/{article_id}": sorted(["204", *write, "404", "503", "default"]),
        "POST /v1/extract": sorted(["200", *body, "503", "default"]),
        "POST /v1/verify": sorted(["200", *body, "503", "default"]),
        "POST /v1/verify/batch": sorted(["200", *body, "503", "default"]),
        "POST /v1/check": sorted(["200", *body, "503", "default"]),
    }
    unavailable = DOCUMENT["components"]["responses"]["SERVICE_UNAVAILABLE"]
    assert set(unavailable["headers"]) == {"Retry-After"}
    assert set(DOCUMENT["components"]["responses"]["UNAUTHORIZED"]["headers"]) == {
        "WWW-Authenticate"
    }
    for name in ("BAD_REQUEST", "NOT_FOUND", "UNPROCESSABLE_ENTITY", "DEFAULT_ERROR"):
        content = DOCUMENT["components"]["responses"][name]["content"]
        assert list(content) == ["application/problem+json"]


def test_nullable_objects_are_one_type_that_may_be_null() -> None:
    # apispec's anyOf [{type: object, nullable}, $ref] made generators add an empty object type.
    assert not [n for n in walk(DOCUMENT) if "anyOf" in n or "oneOf" in n]
    match = DOCUMENT["components"]["schemas"]["VerifyResponse"]["properties"]["match"]
    assert match == {"allOf": [{"$ref": "#/components/schemas/Match"}], "nullable": True}
    mention = DOCUMENT["components"]["schemas"]["Speaker"]["properties"]["mention"]
    assert mention["allOf"] == [{"$ref": "#/components/schemas/Mention"}]
    assert mention["nullable"] is True


# --- the examples are what the service answers -----------------------------------------------


def test_read_examples_are_real_answers(client: FlaskClient) -> None:
    for path, request, answer in [
        ("/v1/verify", examples.VERIFY_REQUEST, examples.VERIFY_RESPONSE),
        ("/v1/verify", examples.NOT_FOUND_REQUEST, examples.NOT_FOUND_RESPONSE),
        ("/v1/verify/batch", examples.VERIFY_BATCH_REQUEST, examples.VERIFY_BATCH_RESPONSE),
        ("/v1/extract", examples.EXTRACT_REQUEST, examples.EXTRACT_RESPONSE),
        ("/v1/check", examples.CHECK_REQUEST, examples.CHECK_RESPONSE),
    ]:
        response = client.post(path, json=request)
        assert (response.status_code, response.get_json()) == (200, answer), path
    assert client.get("/livez").get_json() == examples.LIVEZ_RESPONSE
    ready = client.get("/readyz").get_json()
    assert (ready["status"], ready["store"]) == ("ready", examples.READYZ_RESPONSE["store"])
    assert set(client.get("/version").get_json()) == set(examples.VERSION_RESPONSE)


def test_write_examples_are_real_answers(tmp_path: Path, make_app: Callable[..., Flask]) -> None:
    empty = tmp_path / "empty-corpus"
    empty.mkdir()
    api = make_app(VERBATIM_API_KEY=TEST_API_KEY, VERBATIM_CORPUS_DIR=str(empty)).test_client()
    created = api.post("/v1/articles", json=examples.ARTICLE_REQUEST, headers=AUTH)
    assert (created.status_code, created.get_json()) == (201, examples.ARTICLE_RESPONSE)
    article_id = examples.ARTICLE_RESPONSE["id"]
    assert api.get(f"/v1/articles/{article_id}").get_json() == examples.ARTICLE_RESPONSE
    assert api.get("/v1/articles").get_json() == examples.ARTICLE_PAGE_RESPONSE
    replaced = api.put(f"/v1/articles/{article_id}", json=examples.ARTICLE_REQUEST, headers=AUTH)
    assert (replaced.status_code, replaced.get_json()) == (200, examples.ARTICLE_RESPONSE)

    def problem(response) -> dict:
        body = response.get_json()
        body.pop("request_id")
        return body

    def documented(status: int) -> dict:
        return {k: v for k, v in examples.PROBLEMS[status].items() if k != "request_id"}

    again = api.post("/v1/articles", json={**examples.ARTICLE_REQUEST, "id": article_id})
    assert again.status_code == 401  # the key is checked before anything else
    assert problem(again) == documented(401)
    conflict = api.post(
        "/v1/articles", json={**examples.ARTICLE_REQUEST, "id": article_id}, headers=AUTH
    )
    assert problem(conflict) == documented(409)
    assert problem(api.get("/v1/articles/no-such-article")) == documented(404)
    assert problem(api.post("/v1/verify", json={"quote": ""})) == documented(422)
    assert problem(api.post("/v1/verify", data="quote", content_type="text/plain")) == (
        documented(415)
    )
    assert problem(api.post("/v1/verify", data="{", content_type="application/json")) == (
        documented(400)
    )
    closed = make_app(VERBATIM_CORPUS_DIR=str(empty), VERBATIM_DATA_DIR=str(tmp_path / "ro"))
    forbidden = closed.test_client().post("/v1/articles", json=examples.ARTICLE_REQUEST)
    assert problem(forbidden) == documented(403)


def test_served_document_names_the_proxy_prefix_as_its_server(
    make_app: Callable[..., Flask],
) -> None:
    seed_only = str(ROOT / "corpus" / "seed")
    client = make_app(VERBATIM_PROXY_FIX="prefix=1", VERBATIM_CORPUS_DIR=seed_only).test_client()
    served = client.get("/openapi.json", headers={"X-Forwarded-Prefix": "/verbatim"}).get_json()
    assert served["servers"] == [{"url": "/verbatim"}]
    assert {k: v for k, v in served.items() if k != "servers"} == DOCUMENT
    assert "servers" not in client.get("/openapi.json").get_json()


# --- a generated client against the real server ------------------------------------------------


@pytest.fixture(scope="module")
def generated_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """openapi-python-client's package for openapi.json, generated once for this module."""
    root = tmp_path_factory.mktemp("generated")
    config = root / "config.yaml"
    config.write_text("post_hooks: []\n", encoding="utf-8")  # no formatter run: not needed
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(ROOT / "openapi.json"),
            "--meta",
            "none",
            "--output-path",
            str(root / CLIENT_PACKAGE),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(CLIENT_PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.split(".")[0] == CLIENT_PACKAGE]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("client-e2e")
    running = start_server(
        {"VERBATIM_DATA_DIR": str(data_dir), "VERBATIM_API_KEY": TEST_API_KEY}, workers=1
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.e2e
def test_generated_client_calls_the_running_service(
    generated_client: ModuleType, server: Server
) -> None:
    pkg = generated_client
    from_module = importlib.import_module
    verify_quote = from_module(f"{CLIENT_PACKAGE}.api.verify.verify_quote")
    extract_quotes = from_module(f"{CLIENT_PACKAGE}.api.extract.extract_quotes")
    list_articles = from_module(f"{CLIENT_PACKAGE}.api.articles.list_articles")
    get_article = from_module(f"{CLIENT_PACKAGE}.api.articles.get_article")
    create_article = from_module(f"{CLIENT_PACKAGE}.api.articles.create_article")
    models = from_module(f"{CLIENT_PACKAGE}.models")

    client = pkg.Client(base_url=server.url, raise_on_unexpected_status=True)

    found = verify_quote.sync(
        client=client, body=models.VerifyRequest.from_dict(examples.VERIFY_REQUEST)
    )
    assert isinstance(found, models.VerifyResponse)
    assert isinstance(found.match, models.Match)  # not an untyped stand-in
    assert found.to_dict() == examples.VERIFY_RESPONSE
    assert (found.match.article.id, found.speaker.name, found.claimed_speaker.matches) == (
        SEED_ID,
        "Donald Trump",
        True,
    )
    missing = verify_quote.sync(
        client=client, body=models.VerifyRequest.from_dict(examples.NOT_FOUND_REQUEST)
    )
    assert (missing.verdict.value, missing.match, missing.speaker) == ("not_found", None, None)
    assert isinstance(found.match.earliest, models.EarliestCopy)

    check_draft = from_module(f"{CLIENT_PACKAGE}.api.check.check_draft")
    checked = check_draft.sync(
        client=client, body=models.CheckRequest.from_dict(examples.CHECK_REQUEST)
    )
    assert isinstance(checked, models.CheckResponse)
    assert checked.to_dict() == examples.CHECK_RESPONSE
    [quote] = checked.quotes
    assert quote.misattributed is True
    assert quote.result.match.earliest.article.id == SEED_ID

    extracted = extract_quotes.sync(
        client=client, body=models.ExtractRequest.from_dict(examples.EXTRACT_REQUEST)
    )
    assert extracted.to_dict() == examples.EXTRACT_RESPONSE

    page = list_articles.sync(client=client, offset=0, limit=2)
    assert (page.total, page.offset, page.limit, len(page.items)) == (300, 0, 2, 2)
    seed = get_article.sync(client=client, article_id=SEED_ID)
    assert isinstance(seed, models.Article)
    assert seed.text[641:684] == "They’re willing to put people on the ground"
    absent = get_article.sync_detailed(client=client, article_id="no-such-article")
    assert absent.status_code == 404
    assert isinstance(absent.parsed, models.Problem)
    assert absent.parsed.detail == "No article with id 'no-such-article'."

    anonymous = create_article.sync_detailed(
        client=client, body=models.ArticleIn.from_dict(examples.ARTICLE_REQUEST)
    )
    assert anonymous.status_code == 401
    assert anonymous.parsed.title == "Unauthorized"
    writer = pkg.AuthenticatedClient(base_url=server.url, token=TEST_API_KEY)
    created = create_article.sync_detailed(
        client=writer, body=models.ArticleIn.from_dict(examples.ARTICLE_REQUEST)
    )
    assert created.status_code == 201
    assert created.headers["Location"] == f"/v1/articles/{examples.ARTICLE_RESPONSE['id']}"
    assert created.parsed.to_dict() == examples.ARTICLE_RESPONSE
    again = verify_quote.sync(
        client=client,
        body=models.VerifyRequest(quote="We have made real progress", limit=1),
    )
    assert again.match.article.id == examples.ARTICLE_RESPONSE["id"]
    assert again.verdict.value == "verbatim"
