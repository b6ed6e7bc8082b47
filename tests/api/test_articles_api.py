"""/v1/articles through the Flask test client, on real stores in temporary folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.test_article_view import parse
from tests.conftest import TEST_API_KEY

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}
SEED_ARTICLE = (
    "Title: Trump rules out troops\nSource: ITV News\nURL: https://www.itv.com/news/2025-08-19/x\n"
    "Date: 2025-08-19\n\n"
    "US President Donald Trump has ruled out putting US boots on the ground in Ukraine.\n"
    "Speaking to Fox News, Trump said: \u201cThey're willing to put people on the ground.\u201d\n"
)
NEW_ARTICLE = {
    "title": "Coalition leaders meet in Paris",
    "text": (
        "French President Emmanuel Macron hosted the meeting on Thursday.\n"
        'Macron said: "We will stand with Ukraine for as long as it takes, whatever it costs."\n'
    ),
    "source": "Example Wire",
    "url": "https://wire.example.org/paris-meeting",
    "published": "2025-09-04",
    "licence": "CC BY 4.0",
    "credit": "Example Wire staff",
}
NEW_QUOTE = "We will stand with Ukraine for as long as it takes, whatever it costs."


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "trump-rules-out-troops.txt").write_text(SEED_ARTICLE, encoding="utf-8")
    return folder


@pytest.fixture
def writable_app(make_app, corpus_dir: Path) -> Flask:
    return make_app(VERBATIM_CORPUS_DIR=str(corpus_dir), VERBATIM_API_KEY=TEST_API_KEY)


@pytest.fixture
def api(writable_app: Flask) -> FlaskClient:
    return writable_app.test_client()


def verify(client: FlaskClient, quote: str) -> dict:
    response = client.post("/v1/verify", json={"quote": quote})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    return body


# -- reading -------------------------------------------------------------------------------------


def test_list_and_get_are_open_and_carry_quotes(api):
    listing = api.get("/v1/articles")
    assert listing.status_code == 200
    page = listing.get_json()
    assert (page["total"], page["offset"], page["limit"]) == (1, 0, 50)
    [item] = page["items"]
    assert item["id"] == "trump-rules-out-troops"
    assert item["title"] == "Trump rules out troops"
    assert item["published"] == "2025-08-19"
    assert "text" not in item

    article = api.get("/v1/articles/trump-rules-out-troops").get_json()
    text = article["text"]
    assert text == SEED_ARTICLE.split("\n\n", 1)[1]
    assert item["quote_count"] == len(article["quotes"]) >= 1
    direct = [q for q in article["quotes"] if q["kind"] == "direct"]
    assert len(direct) == 1
    quote = direct[0]
    assert text[quote["start"] : quote["end"]] == quote["text"]
    assert "They're willing to put people on the ground" in quote["text"]
    assert quote["speaker"]["name"] == "Donald Trump"


def test_get_unknown_article_is_404(api):
    body = assert_problem(api.get("/v1/articles/no-such-article"), 404)
    assert body["detail"] == "No article with id 'no-such-article'."


def test_list_pages_with_offset_and_limit(api):
    for n in range(3):
        api.post(
            "/v1/articles",
            json={"id": f"page-test-{n}", "title": f"Page {n}", "text": f"Body {n}."},
            headers=AUTH,
        )
    page = api.get("/v1/articles?offset=1&limit=2").get_json()
    assert [i["id"] for i in page["items"]] == ["page-test-1", "page-test-2"]
    assert (page["total"], page["offset"], page["limit"]) == (4, 1, 2)
    assert api.get("/v1/articles?offset=10").get_json()["items"] == []
    assert_problem(api.get("/v1/articles?limit=0"), 422)
    assert_problem(api.get("/v1/articles?limit=201"), 422)
    assert_problem(api.get("/v1/articles?offset=-1"), 422)
    assert_problem(api.get("/v1/articles?page=2"), 422)


# -- authentication ------------------------------------------------------------------------------


def test_writes_are_refused_with_403_when_no_key_is_configured(make_app, corpus_dir):
    client = make_app(VERBATIM_CORPUS_DIR=str(corpus_dir), VERBATIM_API_KEY=None).test_client()
    for response in (
        client.post("/v1/articles", json=NEW_ARTICLE, headers=AUTH),
        client.put("/v1/articles/x", json=NEW_ARTICLE, headers=AUTH),
        client.delete("/v1/articles/trump-rules-out-troops", headers=AUTH),
    ):
        body = assert_problem(response, 403)
        assert "VERBATIM_API_KEY" in body["detail"]
    # Reads stay open and nothing was deleted.
    assert client.get("/v1/articles/trump-rules-out-troops").status_code == 200


@pytest.mark.parametrize(
    ("headers", "challenge"),
    [
        ({}, 'Bearer realm="verbatim"'),
        ({"Authorization": f"Basic {TEST_API_KEY}"}, 'Bearer realm="verbatim"'),
        ({"Authorization": "Bearer "}, 'Bearer realm="verbatim"'),
        ({"Authorization": "Bearer wrong-key"}, 'Bearer realm="verbatim", error="invalid_token"'),
        ({"Authorization": "Bearer cl\u00e9"}, 'Bearer realm="verbatim", error="invalid_token"'),
    ],
)
def test_missing_or_wrong_key_is_401_with_challenge(api, headers, challenge):
    response = api.post("/v1/articles", json={"title": "", "bogus": 1}, headers=headers)
    assert_problem(response, 401)  # not 422: validation is never run for strangers
    assert response.headers["WWW-Authenticate"] == challenge
    assert api.get("/v1/articles").get_json()["total"] == 1


# -- create --------------------------------------------------------------------------------------


def test_post_creates_with_slug_id_and_is_matched_at_once(api):
    response = api.post("/v1/articles", json=NEW_ARTICLE, headers=AUTH)
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] == "coalition-leaders-meet-in-paris"
    assert response.headers["Location"] == "/v1/articles/coalition-leaders-meet-in-paris"
    for key, value in NEW_ARTICLE.items():
        assert body[key] == value
    [quote] = [q for q in body["quotes"] if q["kind"] == "direct"]
    assert body["text"][quote["start"] : quote["end"]] == quote["text"]
    assert NEW_QUOTE in quote["text"]
    assert quote["speaker"]["name"] == "Emmanuel Macron"
    assert body["quote_count"] == len(body["quotes"])

    result = verify(api, NEW_QUOTE)
    assert result["verdict"] == "verbatim"
    assert result["match"]["article"]["id"] == "coalition-leaders-meet-in-paris"
    assert result["speaker"]["name"] == "Emmanuel Macron"
    assert api.get("/v1/articles").get_json()["total"] == 2


def test_resending_the_same_article_is_409_not_a_duplicate(api):
    assert api.post("/v1/articles", json=NEW_ARTICLE, headers=AUTH).status_code == 201
    body = assert_problem(api.post("/v1/articles", json=NEW_ARTICLE, headers=AUTH), 409)
    assert body["detail"] == "This article is already stored as 'coalition-leaders-meet-in-paris'."
    assert api.get("/v1/articles").get_json()["total"] == 2


def test_same_title_different_article_gets_next_slug(api):
    api.post("/v1/articles", json=NEW_ARTICLE, headers=AUTH)
    other = {**NEW_ARTICLE, "text": "A second report of the Paris meeting, from another desk."}
    response = api.post("/v1/articles", json=other, headers=AUTH)
    assert response.status_code == 201
    assert response.get_json()["id"] == "coalition-leaders-meet-in-paris-2"


def test_post_with_taken_id_is_409(api):
    body = assert_problem(
        api.post(
            "/v1/articles", json={**NEW_ARTICLE, "id": "trump-rules-out-troops"}, headers=AUTH
        ),
        409,
    )
    assert "PUT /v1/articles/{id}" in body["detail"]
    assert api.get("/v1/articles/trump-rules-out-troops").get_json()["title"] == (
        "Trump rules out troops"
    )


def test_post_normalises_a_datetime_to_its_date_and_accepts_nulls(api):
    article = {
        "id": "dated",
        "title": "  Dated  ",
        "text": "Body.",
        "published": "2025-08-20T10:15:00+01:00",
        "url": None,
        "source": None,
    }
    body = api.post("/v1/articles", json=article, headers=AUTH).get_json()
    assert (body["title"], body["published"], body["url"]) == ("Dated", "2025-08-20", None)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": None}, "title", "Field may not be null."),
        ({"title": "   "}, "title", "Title must not be blank."),
        ({"text": " \n "}, "text", "Text must not be blank."),
        ({"text": "x" * (1024 * 1024 + 1)}, "text", "Text is larger than 1048576 bytes of UTF-8."),
        (
            {"published": "03/04/2025"},
            "published",
            "Ambiguous date '03/04/2025' (could be 2025-03-04 or 2025-04-03); write it as "
            "YYYY-MM-DD.",
        ),
        (
            {"published": "August 2025"},
            "published",
            "Incomplete date 'August 2025' (no day); write it as YYYY-MM-DD.",
        ),
        (
            {"url": "javascript:alert(1)"},
            "url",
            "Must start with http:// or https:// and hold no spaces or control characters.",
        ),
        ({"id": "../../etc/passwd"}, "id", "Not a valid article id."),
        ({"id": "Upper-Case"}, "id", "Not a valid article id."),
        ({"id": "a" * 101}, "id", "Not a valid article id."),
        ({"author": "Jane"}, "author", "Unknown field."),
    ],
)
def test_post_validation_errors_are_422_per_field(api, change, field, message):
    response = api.post("/v1/articles", json={**NEW_ARTICLE, **change}, headers=AUTH)
    body = assert_problem(response, 422)
    [reported] = body["errors"]["json"][field]
    assert reported.startswith(message)
    assert api.get("/v1/articles").get_json()["total"] == 1


def test_missing_title_and_text_are_required(api):
    body = assert_problem(api.post("/v1/articles", json={}, headers=AUTH), 422)
    assert body["errors"]["json"] == {
        "title": ["Missing data for required field."],
        "text": ["Missing data for required field."],
    }


def test_lone_surrogate_is_not_valid_utf8(api):
    raw = json.dumps({**NEW_ARTICLE, "text": "PLACEHOLDER"}).replace("PLACEHOLDER", "bad \\ud800")
    response = api.post(
        "/v1/articles", data=raw, headers={**AUTH, "Content-Type": "application/json"}
    )
    body = assert_problem(response, 422)
    assert body["errors"]["json"]["text"] == ["Not valid UTF-8 (contains a lone surrogate)."]


def test_post_with_wrong_content_type_is_415(api):
    response = api.post(
        "/v1/articles", data="title=x", headers={**AUTH, "Content-Type": "text/plain"}
    )
    assert_problem(response, 415)


# -- replace and delete --------------------------------------------------------------------------


def test_put_replaces_and_the_index_follows(api):
    old_quote = "They're willing to put people on the ground."
    assert verify(api, old_quote)["match"]["article"]["id"] == "trump-rules-out-troops"
    replacement = {**NEW_ARTICLE, "id": "trump-rules-out-troops"}
    response = api.put("/v1/articles/trump-rules-out-troops", json=replacement, headers=AUTH)
    assert response.status_code == 200
    assert response.get_json()["title"] == NEW_ARTICLE["title"]
    assert verify(api, NEW_QUOTE)["match"]["article"]["id"] == "trump-rules-out-troops"
    assert verify(api, old_quote)["verdict"] == "not_found"


def test_put_creates_a_new_id_with_201(api):
    response = api.put("/v1/articles/paris-meeting", json=NEW_ARTICLE, headers=AUTH)
    assert response.status_code == 201
    assert response.get_json()["id"] == "paris-meeting"
    assert api.get("/v1/articles/paris-meeting").status_code == 200


def test_put_rejects_mismatched_or_unsafe_ids(api):
    body = assert_problem(
        api.put("/v1/articles/paris", json={**NEW_ARTICLE, "id": "london"}, headers=AUTH), 422
    )
    assert body["errors"] == {"json": {"id": ["Must match the id in the URL."]}}
    body = assert_problem(api.put("/v1/articles/Paris..x", json=NEW_ARTICLE, headers=AUTH), 422)
    assert body["errors"] == {"path": {"article_id": ["Not a valid article id."]}}
    assert api.get("/v1/articles").get_json()["total"] == 1


def test_delete_removes_from_store_and_index(api):
    response = api.delete("/v1/articles/trump-rules-out-troops", headers=AUTH)
    assert response.status_code == 204
    assert response.data == b""
    assert api.get("/v1/articles/trump-rules-out-troops").status_code == 404
    assert verify(api, "They're willing to put people on the ground.")["verdict"] == "not_found"
    assert_problem(api.delete("/v1/articles/trump-rules-out-troops", headers=AUTH), 404)


# -- several workers on one store ----------------------------------------------------------------


def test_a_write_in_one_app_is_served_by_another_on_its_next_request(make_app, corpus_dir):
    """Two apps on one data folder stand in for two gunicorn workers (see test_durability for
    the real thing)."""
    settings = {"VERBATIM_CORPUS_DIR": str(corpus_dir), "VERBATIM_API_KEY": TEST_API_KEY}
    writer = make_app(**settings).test_client()
    reader = make_app(**settings).test_client()
    assert verify(reader, NEW_QUOTE)["verdict"] == "not_found"
    assert writer.post("/v1/articles", json=NEW_ARTICLE, headers=AUTH).status_code == 201
    assert verify(reader, NEW_QUOTE)["match"]["article"]["id"] == "coalition-leaders-meet-in-paris"
    assert (
        writer.delete("/v1/articles/coalition-leaders-meet-in-paris", headers=AUTH).status_code
        == 204
    )
    assert verify(reader, NEW_QUOTE)["verdict"] == "not_found"
    assert reader.get("/v1/articles").get_json()["total"] == 1


def test_openapi_documents_the_bearer_scheme(api):
    spec = api.get("/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The server's VERBATIM_API_KEY",
    }
    assert spec["paths"]["/v1/articles"]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/v1/articles"]["get"]


def test_words_held_by_several_articles_name_the_earliest_and_its_view_marks_them(api):
    """Syndicated copies: verify and check say how many articles hold the words and point at the
    earliest publication, whose article view highlights exactly them."""
    wire = {**NEW_ARTICLE, "title": "Paris talks: Macron pledges support"}
    earlier = {
        **wire,
        "title": "Macron hosts coalition",
        "text": "By our Paris correspondent.\n" + NEW_ARTICLE["text"],
        "published": "2025-09-03",
        "url": None,
    }
    undated = {**wire, "title": "Coalition meets (undated copy)", "published": None}
    for article in (NEW_ARTICLE, earlier, undated):
        assert api.post("/v1/articles", json=article, headers=AUTH).status_code == 201
    match = verify(api, NEW_QUOTE)["match"]
    assert match["copies"] == 3
    earliest = match["earliest"]
    assert earliest["article"] == {
        "id": "macron-hosts-coalition",
        "title": "Macron hosts coalition",
        "source": "Example Wire",
        "url": None,
        "published": "2025-09-03",
    }
    held = api.get("/v1/articles/macron-hosts-coalition").get_json()["text"]
    passage = NEW_QUOTE.rstrip(".")  # a match is the words, not the sentence's full stop
    assert held[earliest["start"] : earliest["end"]] == passage
    view = api.get(
        f"/articles/macron-hosts-coalition?start={earliest['start']}&end={earliest['end']}"
    )
    assert view.status_code == 200
    assert parse(view.get_data(as_text=True)).marked == [f"[highlighted: {passage}]"]
    draft = f'Macron was firm. "{NEW_QUOTE}" he said.'
    checked = api.post("/v1/check", json={"text": draft}).get_json()["quotes"]
    assert [
        (q["result"]["match"]["copies"], q["result"]["match"]["earliest"]) for q in checked
    ] == [(3, earliest)]
