"""Cross-origin browser access (VERBATIM_CORS_ORIGINS) and running behind a proxy
(VERBATIM_PROXY_FIX), through the real app and its test client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.config import BUNDLED_CORPUS, parse_proxy_fix
from tests.conftest import SEED_ID, TEST_API_KEY

# Only the seed story: these tests are about headers, and indexing 300 articles per app is slow.
SEED_CORPUS = str(BUNDLED_CORPUS / "seed")

TOOL = "https://tool.newsroom.example"
OTHER = "https://other.example"
EXPOSED = "Location, Retry-After, WWW-Authenticate, X-Request-ID"
QUOTE = {"quote": "They are willing to put people on the ground"}
FORWARDED = {
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "news.example",
    "X-Forwarded-Prefix": "/verbatim",
}


def cors_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("Access-Control-")}


@pytest.fixture(scope="module")
def cors_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    from service import create_app

    return create_app(
        {
            "VERBATIM_DATA_DIR": str(tmp_path_factory.mktemp("cors")),
            "VERBATIM_CORPUS_DIR": SEED_CORPUS,
            "TESTING": True,
            "VERBATIM_API_KEY": TEST_API_KEY,
            "VERBATIM_CORS_ORIGINS": f"{TOOL}, https://second.example/",
        }
    )


@pytest.fixture
def cors_client(cors_app: Flask) -> FlaskClient:
    return cors_app.test_client()


def test_allowed_origin_may_read_a_verify_answer(cors_client: FlaskClient) -> None:
    response = cors_client.post("/v1/verify", json=QUOTE, headers={"Origin": TOOL})
    assert response.status_code == 200
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": TOOL,
        "Access-Control-Expose-Headers": EXPOSED,
    }
    assert "Origin" in response.headers["Vary"]


def test_trailing_slash_in_the_setting_is_the_same_origin(cors_client: FlaskClient) -> None:
    response = cors_client.get("/v1/articles?limit=1", headers={"Origin": "https://second.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://second.example"


def test_refused_origin_gets_no_cors_headers(cors_client: FlaskClient) -> None:
    response = cors_client.post("/v1/verify", json=QUOTE, headers={"Origin": OTHER})
    assert response.status_code == 200  # the browser, not the server, withholds the answer
    assert cors_headers(response) == {}
    assert "Origin" in response.headers["Vary"]


def test_preflight_of_an_authorised_write(cors_client: FlaskClient) -> None:
    response = cors_client.options(
        "/v1/articles",
        headers={
            "Origin": TOOL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.data == b""
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": TOOL,
        "Access-Control-Expose-Headers": EXPOSED,
        "Access-Control-Allow-Headers": "authorization, content-type",
        "Access-Control-Max-Age": "600",
        "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, POST, PUT",
    }
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_preflight_from_a_refused_origin(cors_client: FlaskClient) -> None:
    response = cors_client.options(
        "/v1/verify",
        headers={"Origin": OTHER, "Access-Control-Request-Method": "POST"},
    )
    assert cors_headers(response) == {}


def test_preflight_asking_for_an_unlisted_header_is_not_granted_it(
    cors_client: FlaskClient,
) -> None:
    response = cors_client.options(
        "/v1/verify",
        headers={
            "Origin": TOOL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-secret-admin",
        },
    )
    assert "Access-Control-Allow-Headers" not in response.headers


def test_cross_origin_write_still_needs_the_key(cors_client: FlaskClient) -> None:
    article = {"title": "CORS write", "text": "“We tested it,” she said."}
    refused = cors_client.post("/v1/articles", json=article, headers={"Origin": TOOL})
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    # The tool can read why (and the challenge) instead of an opaque network error.
    assert refused.headers["Access-Control-Allow-Origin"] == TOOL
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="verbatim"'
    accepted = cors_client.post(
        "/v1/articles",
        json=article,
        headers={"Origin": TOOL, "Authorization": f"Bearer {TEST_API_KEY}"},
    )
    assert accepted.status_code == 201
    assert accepted.headers["Location"] == "/v1/articles/cors-write"
    assert accepted.headers["Access-Control-Allow-Origin"] == TOOL


def test_contract_is_readable_cross_origin_but_not_the_page(cors_client: FlaskClient) -> None:
    spec = cors_client.get("/openapi.json", headers={"Origin": TOOL})
    assert spec.headers["Access-Control-Allow-Origin"] == TOOL
    page = cors_client.get("/", headers={"Origin": TOOL})
    assert cors_headers(page) == {}


def test_without_the_setting_no_origin_is_allowed(client: FlaskClient) -> None:
    response = client.post("/v1/verify", json=QUOTE, headers={"Origin": TOOL})
    assert cors_headers(response) == {}
    preflight = client.options(
        "/v1/verify", headers={"Origin": TOOL, "Access-Control-Request-Method": "POST"}
    )
    assert cors_headers(preflight) == {}


# --- behind a proxy -------------------------------------------------------------------------


def test_proxy_fix_setting_is_parsed() -> None:
    assert parse_proxy_fix("for=1, proto=1,host=1,prefix=1") == {
        "x_for": 1,
        "x_proto": 1,
        "x_host": 1,
        "x_prefix": 1,
    }
    assert parse_proxy_fix(" ") == {}
    with pytest.raises(RuntimeError, match="'hosts=1' is not KEY=COUNT"):
        parse_proxy_fix("for=1,hosts=1")
    with pytest.raises(RuntimeError, match="'for=one' is not KEY=COUNT"):
        parse_proxy_fix("for=one")


@pytest.fixture(scope="module")
def proxied_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    from service import create_app

    return create_app(
        {
            "VERBATIM_DATA_DIR": str(tmp_path_factory.mktemp("proxied")),
            "VERBATIM_CORPUS_DIR": SEED_CORPUS,
            "TESTING": True,
            "VERBATIM_API_KEY": TEST_API_KEY,
            "VERBATIM_PROXY_FIX": "for=1,proto=1,host=1,prefix=1",
        }
    )


def test_docs_under_a_path_prefix_load_everything_through_it(proxied_app: Flask) -> None:
    client = proxied_app.test_client()
    docs = client.get("/docs", headers=FORWARDED)
    assert docs.status_code == 200
    html = docs.get_data(as_text=True)
    # Relative asset links resolve under /verbatim/; the spec URL carries the prefix itself.
    assert 'href="docs-assets/swagger-ui.css"' in html
    assert 'src="docs-assets/swagger-ui-bundle.js"' in html
    assert 'url: "/verbatim/openapi.json"' in html
    assert client.get("/docs-assets/swagger-ui-bundle.js", headers=FORWARDED).status_code == 200


def test_page_under_a_path_prefix_uses_relative_urls(proxied_app: Flask) -> None:
    client = proxied_app.test_client()
    html = client.get("/", headers=FORWARDED).get_data(as_text=True)
    script = client.get("/assets/verbatim.js", headers=FORWARDED).get_data(as_text=True)
    assert 'href="assets/verbatim.css"' in html
    assert 'src="assets/verbatim.js"' in html
    assert 'href="docs"' in html
    assert 'const API_URL = "v1/verify";' in script
    assert "fetch(`v1/articles/" in script
    # No root-absolute same-origin URL anywhere in the page or its script.
    for text in (html, script):
        assert ' href="/' not in text
        assert ' src="/' not in text
        assert 'fetch("/' not in text
        assert "fetch(`/" not in text


def test_links_built_by_the_service_carry_the_prefix(proxied_app: Flask) -> None:
    client = proxied_app.test_client()
    response = client.post(
        "/v1/articles",
        json={"title": "Behind a proxy", "text": "“It works,” he said."},
        headers={**FORWARDED, "Authorization": f"Bearer {TEST_API_KEY}"},
    )
    assert response.status_code == 201
    assert response.headers["Location"] == "/verbatim/v1/articles/behind-a-proxy"
    missing = client.get("/v1/articles/nope", headers=FORWARDED)
    assert missing.get_json()["instance"] == "/v1/articles/nope"


def test_forwarded_headers_are_ignored_without_the_setting(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(VERBATIM_API_KEY=TEST_API_KEY, VERBATIM_CORPUS_DIR=SEED_CORPUS).test_client()
    docs = client.get("/docs", headers=FORWARDED).get_data(as_text=True)
    assert 'url: "/openapi.json"' in docs
    response = client.post(
        "/v1/articles",
        json={"title": "Not proxied", "text": "“No prefix,” he said."},
        headers={**FORWARDED, "Authorization": f"Bearer {TEST_API_KEY}"},
    )
    assert response.headers["Location"] == "/v1/articles/not-proxied"


def test_seed_article_is_readable_under_the_prefix(proxied_app: Flask) -> None:
    response = proxied_app.test_client().get(f"/v1/articles/{SEED_ID}", headers=FORWARDED)
    assert response.status_code == 200
    assert response.get_json()["id"] == SEED_ID
