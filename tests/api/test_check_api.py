"""POST /v1/check through the real app and the bundled corpus: a draft's quotes, each verified."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from schemas import check as check_schema
from schemas import verify as verify_schema
from service import drafts
from service.api.context import engine_of
from tests.conftest import SEED_ID

# Four quotes: Trump's own words verbatim, Trump's words with a negation added, Trump's words put
# in Starmer's mouth, and a sentence no article holds; plus a scare quote that is not checked.
DRAFT = (
    "Donald Trump ruled out sending American troops to Ukraine on Tuesday.\n"
    '"They\'re willing to put people on the ground," Trump said of European allies.\n'
    "\"I know the president, I know myself, and I don't believe Vladimir Putin wants to see it "
    'end," he added.\n'
    'Sir Keir Starmer, who leads the so-called "coalition of the willing", struck a different '
    "note. \"We're willing to help them with things, especially probably if you could talk about "
    'by air," Starmer said.\n'
    'Defence Secretary John Healey was blunt: "Our submarine fleet will be painted orange before '
    'the harvest festival begins."\n'
)
VERBATIM = "They're willing to put people on the ground,"
NEGATED = (
    "I know the president, I know myself, and I don't believe Vladimir Putin wants to see it end,"
)
MISATTRIBUTED = (
    "We're willing to help them with things, especially probably if you could talk about by air,"
)
LIMIT_RANGE = "Must be greater than or equal to 1 and less than or equal to 10."
FABRICATED = "Our submarine fleet will be painted orange before the harvest festival begins."


def check(client: FlaskClient, body: object) -> dict:
    response = client.post("/v1/check", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def test_each_quote_of_the_draft_is_reported_with_its_verdict_and_speaker(
    client: FlaskClient, seed_text: str
) -> None:
    body = check(client, {"text": DRAFT})
    quotes = body["quotes"]
    assert [(q["text"], q["kind"], q["claimed_speaker"], q["misattributed"]) for q in quotes] == [
        (VERBATIM, "direct", "Donald Trump", False),
        (NEGATED, "direct", "Donald Trump", False),
        (MISATTRIBUTED, "direct", "Keir Starmer", True),
        (FABRICATED, "direct", "John Healey", False),
    ]
    for quote in quotes:
        assert quote["start"] == DRAFT.index(quote["text"])
        assert DRAFT[quote["start"] : quote["end"]] == quote["text"]
    assert [q["result"]["verdict"] for q in quotes] == [
        "verbatim",
        "altered",
        "verbatim",
        "not_found",
    ]
    assert body["summary"] == {
        "verbatim": 2,
        "close": 0,
        "altered": 1,
        "not_found": 1,
        "misattributed": 1,
    }
    assert body["total"] == 4
    assert body["truncated"] is False

    verbatim, negated, misattributed, fabricated = (q["result"] for q in quotes)
    assert verbatim["match"]["text"] == "They’re willing to put people on the ground"
    assert verbatim["match"]["article"]["id"] == SEED_ID
    assert verbatim["claimed_speaker"] == {"name": "Donald Trump", "matches": True}
    assert negated["differences"] == [
        {"op": "insert", "quote": "don't", "original": "", "flags": ["negation"]}
    ]
    assert negated["claimed_speaker"] == {"name": "Donald Trump", "matches": True}
    assert misattributed["speaker"]["name"] == "Donald Trump"
    assert misattributed["claimed_speaker"] == {"name": "Keir Starmer", "matches": False}
    start, end = misattributed["match"]["start"], misattributed["match"]["end"]
    assert seed_text[start:end] == MISATTRIBUTED.replace("'", "’").rstrip(",")
    assert fabricated["match"] is None
    assert fabricated["claimed_speaker"] == {"name": "John Healey", "matches": False}


@pytest.mark.parametrize("limit", [None, 1, 10])
def test_every_result_is_byte_for_byte_what_verify_answers(
    client: FlaskClient, limit: int | None
) -> None:
    request = {"text": DRAFT} if limit is None else {"text": DRAFT, "limit": limit}
    checked = client.post("/v1/check", json=request)
    raw = checked.get_data(as_text=True)
    quotes = checked.get_json()["quotes"]
    assert len(quotes) == 4
    for quote in quotes:
        ask = {"quote": quote["text"], "speaker": quote["claimed_speaker"]}
        if limit is not None:
            ask["limit"] = limit
        verified = client.post("/v1/verify", json=ask)
        assert verified.status_code == 200
        # The compact JSON of the verify answer appears verbatim inside the check answer.
        assert verified.get_data(as_text=True).strip() in raw
        assert json.dumps(quote["result"]) == json.dumps(verified.get_json())


def test_scare_quotes_titles_indirect_speech_and_narration_are_not_checked(
    client: FlaskClient,
) -> None:
    draft = (
        'Keir Starmer appeared on "Meet the Press" to defend the so-called "peace plan". '
        "He said the coalition would meet again.\n"
        "The talks lasted two hours."
    )
    body = check(client, {"text": draft})
    assert body == {
        "quotes": [],
        "summary": {"verbatim": 0, "close": 0, "altered": 0, "not_found": 0, "misattributed": 0},
        "total": 0,
        "truncated": False,
    }


def test_a_partial_quote_is_checked_with_its_speaker(client: FlaskClient) -> None:
    draft = 'Trump said Putin would face a "rough situation" if he did not cooperate.'
    (quote,) = check(client, {"text": draft})["quotes"]
    assert (quote["text"], quote["kind"], quote["claimed_speaker"]) == (
        "rough situation",
        "partial",
        "Trump",  # the draft names only "Trump": its canonical name is the one it gives
    )
    assert (quote["start"], quote["end"]) == (31, 46)
    assert quote["result"]["verdict"] == "verbatim"
    assert quote["result"]["match"]["article"]["id"] == SEED_ID
    assert quote["result"]["claimed_speaker"] == {"name": "Trump", "matches": True}
    assert quote["misattributed"] is False


def test_a_quote_nobody_is_named_for_is_checked_without_a_claimed_speaker(
    client: FlaskClient,
) -> None:
    draft = "Officials were blunt on Tuesday.\n“They’re willing to put people on the ground.”"
    (quote,) = check(client, {"text": draft})["quotes"]
    assert quote["text"] == "They’re willing to put people on the ground."
    assert quote["claimed_speaker"] is None
    assert quote["result"]["claimed_speaker"] is None
    assert quote["result"]["verdict"] == "verbatim"
    assert quote["misattributed"] is False


def test_more_quotes_than_the_bound_are_cut_and_the_answer_says_so(client: FlaskClient) -> None:
    count = drafts.MAX_CHECKED_QUOTES + 30
    draft = "\n".join(
        f'"Quote number {i} about zebras and tangerines stays unpublished," Trump said.'
        for i in range(count)
    )
    body = check(client, {"text": draft, "limit": 1})
    assert len(body["quotes"]) == drafts.MAX_CHECKED_QUOTES
    assert body["total"] == count
    assert body["truncated"] is True
    assert body["quotes"][-1]["text"].startswith(f"Quote number {drafts.MAX_CHECKED_QUOTES - 1} ")
    assert body["summary"]["not_found"] == drafts.MAX_CHECKED_QUOTES


def test_a_quote_longer_than_verify_accepts_is_checked_on_its_opening_words(
    client: FlaskClient,
) -> None:
    long_quote = " ".join(["They’re willing to put people on the ground"] * 60)  # 2,699 chars
    draft = f"Trump was asked again.\n“{long_quote},” Trump said."
    (quote,) = check(client, {"text": draft})["quotes"]
    assert len(quote["text"]) <= verify_schema.MAX_QUOTE_CHARS
    assert long_quote.startswith(quote["text"])
    assert long_quote[len(quote["text"])] == " "  # cut between words
    assert draft[quote["start"] : quote["end"]] == quote["text"]
    verified = client.post(
        "/v1/verify", json={"quote": quote["text"], "speaker": quote["claimed_speaker"]}
    )
    assert verified.status_code == 200
    assert verified.get_json() == quote["result"]


def test_a_repeated_quote_is_verified_once(app: Flask) -> None:
    engine = engine_of(app)
    calls: list[tuple[str, str | None, int]] = []

    def counting_verify(quote: str, speaker: str | None, limit: int):
        calls.append((quote, speaker, limit))
        return engine.verify(quote, speaker, limit)

    draft = (
        "“They’re willing to put people on the ground,” Trump said.\n"
        "Later he repeated it: “They’re willing to put people on the ground.”\n"
        "“They’re willing to put people on the ground,” Trump said."
    )
    checked = drafts.check_draft(draft, counting_verify, 2)
    assert [q.text for q in checked.quotes] == [
        "They’re willing to put people on the ground,",
        "They’re willing to put people on the ground.",
        "They’re willing to put people on the ground,",
    ]
    assert calls == [
        ("They’re willing to put people on the ground,", "Trump", 2),
        ("They’re willing to put people on the ground.", "Trump", 2),
    ]
    assert checked.quotes[0].result is checked.quotes[2].result


def test_bounds_match_the_verify_contract() -> None:
    assert drafts.MAX_QUOTE_CHARS == verify_schema.MAX_QUOTE_CHARS
    assert drafts.MAX_CHECKED_QUOTES == check_schema.MAX_CHECKED_QUOTES
    assert drafts.CHECKED_KINDS == check_schema.CHECKED_KINDS


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "text", "Missing data for required field."),
        ({"text": ""}, "text", "Length must be between 1 and 200000."),
        ({"text": "   \n "}, "text", "Text must not be blank."),
        ({"text": "x" * 200_001}, "text", "Length must be between 1 and 200000."),
        ({"text": 42}, "text", "Not a valid string."),
        ({"text": ["a draft"]}, "text", "Not a valid string."),
        ({"text": DRAFT, "limit": 0}, "limit", LIMIT_RANGE),
        ({"text": DRAFT, "limit": 11}, "limit", LIMIT_RANGE),
        ({"text": DRAFT, "limit": "3"}, "limit", "Not a valid integer."),
        ({"text": DRAFT, "limit": 2.5}, "limit", "Not a valid integer."),
        ({"text": DRAFT, "speaker": "Trump"}, "speaker", "Unknown field."),
    ],
)
def test_invalid_drafts_are_422_problems_naming_the_field(
    client: FlaskClient, body: dict, field: str, message: str
) -> None:
    response = client.post("/v1/check", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422
    assert problem["instance"] == "/v1/check"
    assert problem["errors"] == {"json": {field: [message]}}


def test_a_lone_surrogate_is_a_422(client: FlaskClient) -> None:
    response = client.post(
        "/v1/check", data='{"text": "\\ud800 said"}', content_type="application/json"
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "json": {"text": ["Not valid UTF-8 (contains a lone surrogate)."]}
    }


def test_a_body_that_is_not_an_object_json_or_json_at_all_is_a_problem(
    client: FlaskClient,
) -> None:
    array = client.post("/v1/check", json=["a draft"])
    assert array.status_code == 422
    assert array.mimetype == "application/problem+json"
    malformed = client.post("/v1/check", data="{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.mimetype == "application/problem+json"
    form = client.post("/v1/check", data={"text": DRAFT})
    assert form.status_code == 415
    assert form.mimetype == "application/problem+json"
    wrong_method = client.get("/v1/check")
    assert wrong_method.status_code == 405
    assert set(wrong_method.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
