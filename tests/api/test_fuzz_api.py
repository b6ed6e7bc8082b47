"""Fuzz the HTTP API from its OpenAPI document (schemathesis) and the engine facade (hypothesis).

Every operation in the document gets generated requests, valid and invalid; each response must
not be a 5xx, must match the documented status codes, media types and schemas, and every error
must be a problem+json body whose `status` is the HTTP status. `make test` runs a bounded,
derandomised pass (FUZZ_EXAMPLES per operation and mode); `make fuzz` raises the count and lets
hypothesis explore at random.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode

from service import create_app
from service.api.context import engine_of
from service.models import QuoteSpan, VerifyResult

ROOT = Path(__file__).resolve().parents[2]
FUZZ_KEY = "fuzz-key-0123456789abcdef"
# Bounded for `make test`: ~12 operations x 2 modes x 12 examples is a few hundred requests.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
EXPLORE = os.environ.get("FUZZ_RANDOM") == "1"
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def documented_operations() -> list[tuple[str, str, GenerationMode]]:
    """(method, path, mode) for every operation in the committed document (tests keep it current).

    Invalid requests only where there is something to get wrong: a body or a query parameter (a
    path id is any string, and an unknown id is a plain 404, tested in test_api_errors.py).
    """
    spec = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    cases = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            cases.append((method.upper(), path, GenerationMode.POSITIVE))
            parameters = [*operations.get("parameters", []), *operation.get("parameters", [])]
            if operation.get("requestBody") or any(p["in"] == "query" for p in parameters):
                cases.append((method.upper(), path, GenerationMode.NEGATIVE))
    return cases


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """Its own store and a write key: the fuzzer creates, replaces and deletes articles."""
    data_dir = tmp_path_factory.mktemp("fuzz")
    return create_app(
        {"VERBATIM_DATA_DIR": str(data_dir), "TESTING": True, "VERBATIM_API_KEY": FUZZ_KEY}
    )


@pytest.fixture(scope="module")
def api_schema(fuzz_app: Flask) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", fuzz_app)
    # As `schemathesis run -H` does: the key is configured, not generated, so the auth checks
    # (ignored_auth) know which credentials are the real ones.
    schema.config.update(headers={"Authorization": f"Bearer {FUZZ_KEY}"})
    return schema


@schemathesis.check
def errors_are_problem_json(ctx: object, response: schemathesis.Response, case: object) -> None:
    """Every 4xx/5xx is an RFC 9457 problem whose `status` repeats the HTTP status."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/problem+json"), content_type
    body = json.loads(response.content)
    assert body["status"] == response.status_code, body
    assert body["title"]
    return None


@pytest.mark.parametrize(("method", "path", "mode"), documented_operations())
def test_api_conforms_to_its_openapi_document(
    api_schema: schemathesis.BaseSchema, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def exchange(case: schemathesis.Case) -> None:
        # Every check, positive_data_acceptance included: the document states each rule the
        # service enforces (slugs, not-blank text, the url rule), so a schema-valid request is
        # accepted and a schema-invalid one refused.
        case.call_and_validate(
            headers={"Authorization": f"Bearer {FUZZ_KEY}"},
            additional_checks=[errors_are_problem_json],
        )

    exchange()


def test_api_sequences_keep_their_contract(
    fuzz_app: Flask, api_schema: schemathesis.BaseSchema
) -> None:
    """Stateful: sequences of calls along the document's links and those schemathesis infers
    (create, then read, replace, list, delete what was created), every check on every answer,
    with the write key; bounded like the per-operation pass (`make fuzz` raises it)."""
    machine = api_schema.as_state_machine()
    engine = engine_of(fuzz_app)
    before = {article.id for article in engine.store.list(0, 100_000)[0]}

    class Sequences(machine):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            # Each scenario starts from the same store: hypothesis replays a scenario's prefix
            # and requires the same choices, which an article left by an earlier scenario (a
            # POST answering 409 instead of 201) would change.
            for article in engine.store.list(0, 100_000)[0]:
                if article.id not in before:
                    engine.delete_article(article.id)

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
            super().validate_response(
                response, case, additional_checks=[errors_are_problem_json], **kwargs
            )

    run_state_machine_as_test(
        Sequences,
        settings=settings(FUZZ_SETTINGS, max_examples=EXAMPLES, stateful_step_count=6),
    )


# -- the engine facade the views call: never raises on any string --------------------------------

ANY_TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()),
    max_size=400,
)
# Runs of every kind of quote mark, dots and ellipses: what the quote finder's patterns key on.
MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u2039\u203a.\u2026 \n"
QUOTE_MARKS = st.text(alphabet=MARKS)
WORDY = st.lists(
    st.sampled_from(["Trump", "said", "he", "the", "war", "\u201c", "\u201d", '"', "...", ","]),
    max_size=80,
).map(" ".join)
TEXTS = st.one_of(ANY_TEXT, QUOTE_MARKS, WORDY)


@FUZZ_SETTINGS
@given(quote=TEXTS, speaker=st.one_of(st.none(), ANY_TEXT), limit=st.integers(1, 10))
def test_engine_verify_never_raises(
    fuzz_app: Flask, quote: str, speaker: str | None, limit: int
) -> None:
    result = engine_of(fuzz_app).verify(quote, speaker, limit)
    assert isinstance(result, VerifyResult)
    assert 0.0 <= result.confidence <= 1.0
    assert len(result.alternatives) <= limit - 1
    for report in filter(None, [result.match, *result.alternatives]):
        assert report.article.text[report.start : report.end] == report.text


@FUZZ_SETTINGS
@given(text=TEXTS, title=st.one_of(st.none(), ANY_TEXT))
def test_engine_extract_never_raises(fuzz_app: Flask, text: str, title: str | None) -> None:
    quotes = engine_of(fuzz_app).extract(text, title)
    for quote in quotes:
        assert isinstance(quote, QuoteSpan)
        assert text[quote.start : quote.end] == quote.text


HOSTILE_TEXTS = {
    "100k-char word": "w" * 100_000,
    "RTL override and Arabic/Hebrew": (
        '\u202e\u0645\u0631\u062d\u0628\u0627 "\u05e9\u05dc\u05d5\u05dd," she said.'
    ),
    "combining marks": 'He said: "e\u0301\u0301\u0301 n\u0303\u0303 a\u030a."',
    "emoji and ZWJ": (
        '"We won \U0001f469\u200d\U0001f469\u200d\U0001f467 \U0001f1fa\U0001f1e6," Zelensky said.'
    ),
    "NUL and controls": '"stop\x00 now\x1b[31m," the minister\x07 said.\x00',
    "unpaired marks": '\u201c\u201c\u201c "\u2018 said he \u201d\u201d',
}


@pytest.mark.parametrize("name", HOSTILE_TEXTS)
def test_api_answers_hostile_unicode(fuzz_app: Flask, name: str) -> None:
    text = HOSTILE_TEXTS[name]
    client = fuzz_app.test_client()
    extracted = client.post("/v1/extract", json={"text": text})
    assert extracted.status_code == 200
    for quote in extracted.get_json()["quotes"]:
        assert text[quote["start"] : quote["end"]] == quote["text"]
    verified = client.post("/v1/verify", json={"quote": text[:2000]})
    assert verified.status_code == 200
    match = verified.get_json()["match"]
    if match is not None:
        article = client.get(f"/v1/articles/{match['article']['id']}").get_json()
        assert article["text"][match["start"] : match["end"]] == match["text"]
