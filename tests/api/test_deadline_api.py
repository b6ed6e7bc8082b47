"""The request budget through the API: a 503 that says what to do, and no write half-done.

The budget is the app's VERBATIM_REQUEST_BUDGET, changed between requests here so one app can
refuse a request and then show what it stored; tests/api/test_deadline_e2e.py sets it through
the environment of a real gunicorn.
"""

from __future__ import annotations

import pytest
from flask import Flask

from service import create_app
from service.deadline import DEFAULT_REQUEST_BUDGET
from tests.api.test_observability import samples, value
from tests.conftest import SEED_ID, TEST_API_KEY

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}
TINY = 1e-6
PREFIX = "This request needed more than the 1e-06 s of computing the service gives one request"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One app for the module: every test gives the budget back and no refused write stores."""
    data_dir = tmp_path_factory.mktemp("deadline")
    return create_app(
        {"VERBATIM_DATA_DIR": str(data_dir), "TESTING": True, "VERBATIM_API_KEY": TEST_API_KEY}
    )


def refusals(app: Flask, route: str) -> float:
    text = app.test_client().get("/metrics").get_data(as_text=True)
    return value(samples(text), "verbatim_deadline_refusals_total", route=route)


def assert_refused(response, stage: str, advice: str) -> None:
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["title"] == "Service Unavailable"
    assert body["status"] == 503
    assert body["detail"] == f"{PREFIX} ({stage} was cut short). {advice}"


@pytest.mark.parametrize(
    ("path", "body", "stage", "advice"),
    [
        (
            "/v1/extract",
            {"text": "“We will stay,” the minister said.\n\nShe left."},
            "extraction",
            "Send a shorter text, or split it and extract each part.",
        ),
        ("/v1/verify", {"quote": "we will stay"}, "alignment", "Send a shorter quote."),
        (
            "/v1/verify/batch",
            {"items": [{"quote": "we will stay"}, {"quote": "no troops"}]},
            "alignment",
            "Send fewer items per batch.",
        ),
        (
            "/v1/check",
            {"text": "“We will stay,” the minister said."},
            "extraction",
            "Send a shorter draft, or check it in parts.",
        ),
    ],
)
def test_work_over_budget_is_a_503_saying_what_to_send(
    app: Flask, path: str, body: dict, stage: str, advice: str
) -> None:
    client = app.test_client()
    before = refusals(app, path)
    app.config["VERBATIM_REQUEST_BUDGET"] = TINY
    response = client.post(path, json=body)
    assert_refused(response, stage, advice)
    assert client.get("/livez").status_code == 200  # no heavy work: never refused
    app.config["VERBATIM_REQUEST_BUDGET"] = DEFAULT_REQUEST_BUDGET
    assert client.post(path, json=body).status_code == 200
    assert refusals(app, path) == before + 1


def test_a_write_over_budget_is_refused_and_nothing_is_stored(app: Flask, seed_text: str) -> None:
    client = app.test_client()
    total = client.get("/v1/articles").get_json()["total"]
    article = {"title": "Slow to attribute", "text": seed_text.replace("Ukraine", "Atlantis")}
    app.config["VERBATIM_REQUEST_BUDGET"] = TINY
    advice = (
        "Nothing was stored or changed: attributing this article's quotes takes longer than "
        "the service allows. Split it into shorter articles."
    )
    assert_refused(
        client.put("/v1/articles/slow-one", json=article, headers=AUTH), "extraction", advice
    )
    created = client.post("/v1/articles", json=article, headers=AUTH)
    assert_refused(
        created,
        "extraction",
        "Nothing was stored: attributing this article's quotes takes longer than the service "
        "allows. Split it into shorter articles.",
    )
    # Replacing a stored article: the old copy stays as it was.
    assert_refused(
        client.put(f"/v1/articles/{SEED_ID}", json=article, headers=AUTH), "extraction", advice
    )
    app.config["VERBATIM_REQUEST_BUDGET"] = DEFAULT_REQUEST_BUDGET

    assert client.get("/v1/articles/slow-one").status_code == 404
    assert client.get("/v1/articles").get_json()["total"] == total
    assert client.get(f"/v1/articles/{SEED_ID}").get_json()["text"] == seed_text
    result = client.post("/v1/verify", json={"quote": "sending troops to Atlantis"}).get_json()
    assert result["verdict"] == "not_found"
    assert refusals(app, "/v1/articles/<article_id>") >= 2
    assert refusals(app, "/v1/articles") >= 1


def test_reads_over_budget_say_retry(app: Flask) -> None:
    client = app.test_client()
    app.extensions["verbatim"].quotes.discard(SEED_ID)  # its quotes are extracted again
    app.config["VERBATIM_REQUEST_BUDGET"] = TINY
    response = client.get(f"/v1/articles/{SEED_ID}")
    assert_refused(
        response, "extraction", "Retry in a few seconds, or ask for a smaller page (limit)."
    )
    app.config["VERBATIM_REQUEST_BUDGET"] = DEFAULT_REQUEST_BUDGET
    assert client.get(f"/v1/articles/{SEED_ID}").status_code == 200
