"""POST /v1/extract: quotes and speakers in text that is not stored."""

from __future__ import annotations

from flask.testing import FlaskClient

TEXT = (
    "The minister spoke to reporters on Monday.\n"
    "“We will not give up,” said Jane Doe, the health minister.\n"
    "“Nobody expected this,” she added."
)


def test_extract_returns_quotes_with_offsets_and_speakers(client: FlaskClient) -> None:
    response = client.post("/v1/extract", json={"text": TEXT, "title": "A test"})
    assert response.status_code == 200
    quotes = response.get_json()["quotes"]
    assert [(q["text"], q["kind"], q["speaker"]["name"]) for q in quotes] == [
        ("We will not give up,", "direct", "Jane Doe"),
        ("Nobody expected this,", "direct", "Jane Doe"),
    ]
    for quote in quotes:
        assert TEXT[quote["start"] : quote["end"]] == quote["text"]
    assert [q["speaker"]["mention"]["text"] for q in quotes] == ["Jane Doe", "she"]


def test_extract_does_not_store_anything(client: FlaskClient) -> None:
    before = client.get("/version").get_json()["generation"]
    client.post("/v1/extract", json={"text": TEXT})
    assert client.get("/version").get_json()["generation"] == before


def test_extract_rejects_empty_and_oversized_text(client: FlaskClient) -> None:
    assert client.post("/v1/extract", json={"text": ""}).status_code == 422
    too_long = client.post("/v1/extract", json={"text": "a" * 200_001})
    assert too_long.status_code == 422
    assert too_long.mimetype == "application/problem+json"
