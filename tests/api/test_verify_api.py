"""POST /v1/verify and /v1/verify/batch through the real app and the bundled corpus."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import SEED_ID

SEED_QUOTE = "They’re willing to put people on the ground"


def test_seed_quote_is_verbatim_with_exact_offsets_and_speaker(
    client: FlaskClient, seed_text: str
) -> None:
    response = client.post(
        "/v1/verify", json={"quote": "They're willing to put people on the ground"}
    )
    assert response.status_code == 200
    body = response.get_json()
    start = seed_text.index(SEED_QUOTE)
    assert body["verdict"] == "verbatim"
    assert body["match"]["start"] == start
    assert body["match"]["end"] == start + len(SEED_QUOTE)
    assert body["match"]["text"] == SEED_QUOTE
    assert seed_text[body["match"]["start"] : body["match"]["end"]] == body["match"]["text"]
    assert body["match"]["kind"] == "direct"
    assert body["match"]["context"] == "“They’re willing to put people on the ground,” Trump said."
    assert body["match"]["article"] == {
        "id": SEED_ID,
        "title": "Trump rules out sending troops to Ukraine, even if UK and Europe put boots on "
        "the ground",
        "source": "ITV News",
        "url": None,
        "published": "2025-08-19",
    }
    assert body["speaker"]["name"] == "Donald Trump"
    assert body["speaker"]["mention"]["text"] == "Trump"
    mention = body["speaker"]["mention"]
    assert seed_text[mention["start"] : mention["end"]] == "Trump"
    assert body["differences"] == []
    assert body["claimed_speaker"] is None
    assert 0.8 <= body["confidence"] <= 1.0


def test_claimed_speaker_is_checked_against_the_attribution(client: FlaskClient) -> None:
    quote = "I know the president, I know myself, and I believe Vladimir Putin wants to see it end"
    right = client.post("/v1/verify", json={"quote": quote, "speaker": "President Trump"})
    wrong = client.post("/v1/verify", json={"quote": quote, "speaker": "Keir Starmer"})
    assert right.get_json()["claimed_speaker"] == {"name": "President Trump", "matches": True}
    assert wrong.get_json()["claimed_speaker"] == {"name": "Keir Starmer", "matches": False}
    assert right.get_json()["speaker"]["name"] == "Donald Trump"


def test_zelensky_transliteration_matches_the_canonical_name(client: FlaskClient) -> None:
    quote = "A will to end the war is a diplomatic meeting at the level of leaders"
    body = client.post("/v1/verify", json={"quote": quote, "speaker": "Zelensky"}).get_json()
    assert body["verdict"] == "verbatim"
    assert body["speaker"]["name"] == "Volodymyr Zelenskyy"
    assert body["claimed_speaker"] == {"name": "Zelensky", "matches": True}


def test_narration_has_no_speaker(client: FlaskClient) -> None:
    quote = "Russia now controls roughly one-fifth of Ukrainian territory"
    body = client.post("/v1/verify", json={"quote": quote}).get_json()
    assert body["verdict"] == "verbatim"
    assert body["match"]["kind"] == "narration"
    assert body["speaker"] is None


def test_fabricated_quote_is_not_found(client: FlaskClient) -> None:
    quote = "We will send fifty thousand soldiers to the moon before the winter elections"
    body = client.post("/v1/verify", json={"quote": quote, "speaker": "Trump"}).get_json()
    assert body == {
        "verdict": "not_found",
        "confidence": 0.0,
        "match": None,
        "speaker": None,
        "claimed_speaker": {"name": "Trump", "matches": False},
        "differences": [],
        "alternatives": [],
    }


def test_changed_word_is_reported_as_a_difference(client: FlaskClient, seed_text: str) -> None:
    quote = "They’re willing to put troops on the ground"
    body = client.post("/v1/verify", json={"quote": quote}).get_json()
    assert body["verdict"] in ("close", "altered")
    assert body["match"]["text"] == SEED_QUOTE
    assert [(d["op"], d["quote"], d["original"]) for d in body["differences"]] == [
        ("replace", "troops", "people")
    ]


def test_limit_bounds_the_alternatives(client: FlaskClient) -> None:
    body = client.post("/v1/verify", json={"quote": "boots on the ground", "limit": 1}).get_json()
    assert body["alternatives"] == []


def test_batch_answers_in_request_order(client: FlaskClient) -> None:
    items = [
        {"quote": "They're willing to put people on the ground"},
        {"quote": "We will send fifty thousand soldiers to the moon before the winter elections"},
    ]
    response = client.post("/v1/verify/batch", json={"items": items})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["verdict"] for r in results] == ["verbatim", "not_found"]


def test_quote_is_trimmed_before_validation(client: FlaskClient) -> None:
    assert client.post("/v1/verify", json={"quote": "   "}).status_code == 422
    padded = client.post("/v1/verify", json={"quote": "  " + SEED_QUOTE + "\n"})
    assert padded.get_json()["match"]["text"] == SEED_QUOTE


def test_responses_are_utf8_not_ascii_escaped(client: FlaskClient) -> None:
    response = client.post("/v1/verify", json={"quote": SEED_QUOTE})
    assert response.mimetype == "application/json"
    assert SEED_QUOTE.encode("utf-8") in response.get_data()


def test_everyday_fragments_joined_by_an_ellipsis_find_the_seed(
    client: FlaskClient, seed_text: str
) -> None:
    # "I don't think" and "be a problem" are each in other bundled articles; only the seed
    # holds both, a few words apart, and it is the latest published of them.
    body = client.post(
        "/v1/verify", json={"quote": "I don't think ... be a problem.", "limit": 1}
    ).get_json()
    match = body["match"]
    assert (match["article"]["id"], body["verdict"]) == (
        "itv-2025-08-19-trump-rules-out-sending-troops-to-ukraine",
        "verbatim",
    )
    assert seed_text[match["start"] : match["end"]] == "I don't think it's going to be a problem"
