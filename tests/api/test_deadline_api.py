"""The request budget through the API: a 503 that says what to do, and no write half-done.

The budget is the app's VERBATIM_REQUEST_BUDGET, changed between requests here so one app can
refuse a request and then show what it stored; tests/api/test_deadline_e2e.py sets it through
the environment of a real gunicorn.
"""

from __future__ import annotations

import json
import time

import pytest
from flask import Flask

from service import create_app
from service.attribution import extract_quotes
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


def test_a_read_whose_article_alone_is_over_budget_names_it(app: Flask) -> None:
    """Under a budget too small for one extraction, the stored article itself is the cause: the
    answer names it and no Retry-After promises that a retry helps."""
    client = app.test_client()
    app.extensions["verbatim"].quotes.discard(SEED_ID)  # its quotes are extracted again
    app.config["VERBATIM_REQUEST_BUDGET"] = TINY
    response = client.get(f"/v1/articles/{SEED_ID}")
    assert response.status_code == 503
    assert "Retry-After" not in response.headers
    path = f"/v1/articles/{SEED_ID}"
    assert response.get_json()["detail"] == (
        f"The stored article {SEED_ID!r} this request needs takes longer to attribute than the "
        "1e-06 s of computing the service gives one request, so it cannot be served (it was "
        "stored unchecked or under a larger budget). Retrying will not help: replace it with "
        f"shorter articles (PUT {path}) or delete it (DELETE {path})."
    )
    # What was learnt holds for that budget only: under the usual one the article is served.
    app.config["VERBATIM_REQUEST_BUDGET"] = DEFAULT_REQUEST_BUDGET
    assert client.get(f"/v1/articles/{SEED_ID}").status_code == 200


PAGE_ARTICLES = 100
# The budget as a share of what attributing the whole page takes: the page needs several tries,
# while the article being cut has spent about 1/PAGE_ARTICLES of the page, a tenth of the write
# share (half the budget).
PAGE_SHARE = 0.2


def test_a_page_over_budget_says_retry_with_a_smaller_page(make_app, tmp_path) -> None:
    """Many quick articles: none alone comes near the write share, the page as a whole runs
    out, and each article attributed before the cut is kept, so retries get through."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = [
        json.dumps(
            {
                "id": f"note-{n:02d}",
                "title": f"Note {n}",
                "text": f"\u201cWe will open bridge {n} in spring,\u201d the mayor said.",
            }
        )
        for n in range(PAGE_ARTICLES)
    ]
    (corpus / "notes.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(VERBATIM_CORPUS_DIR=str(corpus))
    client = app.test_client()
    texts = [(json.loads(line)["text"], json.loads(line)["title"]) for line in lines]
    for text, title in texts:  # once to warm up, then measured
        extract_quotes(text, title)
    started = time.thread_time()
    for text, title in texts:
        extract_quotes(text, title)
    app.config["VERBATIM_REQUEST_BUDGET"] = (time.thread_time() - started) * PAGE_SHARE
    attempts = 0
    response = client.get(f"/v1/articles?limit={PAGE_ARTICLES}")
    while response.status_code == 503:
        body = response.get_json()
        assert response.headers["Retry-After"] == "5"
        assert body["detail"].endswith(
            "(extraction was cut short). Retry in a few seconds, or ask for a smaller page (limit)."
        )
        attempts += 1
        assert attempts < PAGE_ARTICLES
        response = client.get(f"/v1/articles?limit={PAGE_ARTICLES}")
    assert attempts >= 1
    assert response.get_json()["total"] == PAGE_ARTICLES


def test_a_write_past_the_budget_inside_one_paragraph_is_refused(app: Flask) -> None:
    """Extraction checks its budget between paragraphs; a single paragraph that runs past it
    is caught when extraction returns, and the article is still refused, not stored."""
    client = app.test_client()
    text = '"Yes," he said. ' * 4_000  # one paragraph, about 0.5 s to attribute
    app.config["VERBATIM_REQUEST_BUDGET"] = 0.1
    response = client.put(
        "/v1/articles/one-long-paragraph", json={"title": "Yes", "text": text}, headers=AUTH
    )
    app.config["VERBATIM_REQUEST_BUDGET"] = DEFAULT_REQUEST_BUDGET
    assert response.status_code == 503
    assert response.get_json()["detail"].endswith(
        "(extraction was cut short). Nothing was stored or changed: attributing this article's "
        "quotes takes longer than the service allows. Split it into shorter articles."
    )
    assert client.get("/v1/articles/one-long-paragraph").status_code == 404
