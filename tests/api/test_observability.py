"""Request ids, the per-request JSON log line, /metrics and /version."""

from __future__ import annotations

import json
import logging
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from service.api.context import engine_of
from service.api.observability import JsonFormatter, request_id_from
from service.config import BUNDLED_CORPUS
from tests.server import start_server

SEED_QUOTE = "They're willing to put people on the ground"
SECRET_QUOTE = "the unpublished scoop nobody may read in a log file"
HEX32 = re.compile(r"[0-9a-f]{32}")


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Prometheus exposition text as {(sample name, sorted labels): value}."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(metrics: dict, name: str, **labels: str) -> float:
    return metrics.get((name, tuple(sorted(labels.items()))), 0.0)


# -- request ids ---------------------------------------------------------------------------------


def test_sane_request_id_is_echoed(client: FlaskClient) -> None:
    response = client.get("/livez", headers={"X-Request-ID": "newsroom-tool.42:abc"})
    assert response.headers["X-Request-ID"] == "newsroom-tool.42:abc"


def test_missing_request_id_is_generated(client: FlaskClient) -> None:
    first = client.get("/livez").headers["X-Request-ID"]
    second = client.get("/livez").headers["X-Request-ID"]
    assert HEX32.fullmatch(first)
    assert HEX32.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "unsafe",
    ["", "a" * 129, "has space", "new\nline", "semi;colon", "<script>", "caf\u00e9", "x\x00y"],
)
def test_unsafe_request_id_is_replaced(unsafe: str) -> None:
    assert HEX32.fullmatch(request_id_from(unsafe))


def test_request_id_is_in_error_bodies(client: FlaskClient) -> None:
    response = client.post(
        "/v1/verify", json={"quote": " "}, headers={"X-Request-ID": "trace-0001"}
    )
    assert response.status_code == 422
    assert response.headers["X-Request-ID"] == "trace-0001"
    assert response.get_json()["request_id"] == "trace-0001"


def test_request_id_on_routing_errors(client: FlaskClient) -> None:
    response = client.get("/no/such/page", headers={"X-Request-ID": "trace-404"})
    assert response.status_code == 404
    assert response.get_json()["request_id"] == "trace-404"
    assert response.headers["X-Request-ID"] == "trace-404"


# -- the request log line ------------------------------------------------------------------------


def access_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "verbatim.access"]


def test_one_log_line_per_request_with_the_fields(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="verbatim.access")
    client.post("/v1/verify", json={"quote": SEED_QUOTE}, headers={"X-Request-ID": "log-1"})
    client.get("/v1/articles/no-such-article", headers={"X-Request-ID": "log-2"})
    records = access_records(caplog)
    assert len(records) == 2
    verify, missing = (json.loads(JsonFormatter().format(r)) for r in records)
    assert verify["level"] == "INFO"
    assert verify["request_id"] == "log-1"
    assert verify["method"] == "POST"
    assert verify["route"] == "/v1/verify"
    assert verify["path"] == "/v1/verify"
    assert verify["status"] == 200
    assert isinstance(verify["duration_ms"], float)
    assert verify["duration_ms"] >= 0
    assert (missing["route"], missing["status"]) == ("/v1/articles/<article_id>", 404)
    assert missing["path"] == "/v1/articles/no-such-article"


def test_quote_text_and_keys_never_reach_the_log(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client.post(
        "/v1/verify?note=secret-query",
        json={"quote": SECRET_QUOTE, "speaker": "Anonymous Source"},
        headers={"Authorization": "Bearer super-secret-key"},
    )
    client.post("/v1/extract", json={"text": f'"{SECRET_QUOTE}," she said.'})
    client.post(
        "/v1/articles",
        json={"title": "t", "text": SECRET_QUOTE},
        headers={"Authorization": "Bearer super-secret-key"},
    )
    logged = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert len(access_records(caplog)) == 3
    for secret in ("unpublished scoop", "Anonymous Source", "super-secret-key", "secret-query"):
        assert secret not in logged


def test_unmatched_routes_share_one_label(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="verbatim.access")
    client.get("/random-probe-1")
    client.open("/v1/verify", method="BREW")
    routes = [(r.route, r.method, r.status) for r in access_records(caplog)]
    assert routes == [("<unmatched>", "GET", 404), ("<unmatched>", "OTHER", 405)]


def test_json_formatter_puts_tracebacks_in_one_field() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("t").makeRecord(
            "t", logging.ERROR, __file__, 1, "failed %s", ("x",), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed x"
    assert entry["level"] == "ERROR"
    assert "ValueError: boom" in entry["exc_info"]


# -- metrics and version -------------------------------------------------------------------------


def test_metrics_count_requests_verdicts_and_corpus(client: FlaskClient, app: Flask) -> None:
    before = samples(client.get("/metrics").get_data(as_text=True))
    client.post("/v1/verify", json={"quote": SEED_QUOTE})
    client.post(
        "/v1/verify/batch",
        json={"items": [{"quote": SEED_QUOTE}, {"quote": "zebra quantum marmalade xylophone"}]},
    )
    client.post("/v1/verify", json={"quote": ""})
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    after = samples(response.get_data(as_text=True))

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    ok = {"method": "POST", "route": "/v1/verify", "status": "200"}
    assert delta("verbatim_http_requests_total", **ok) == 1
    assert delta("verbatim_http_requests_total", **{**ok, "status": "422"}) == 1
    assert delta("verbatim_http_request_duration_seconds_count", **ok) == 1
    batch = {"method": "POST", "route": "/v1/verify/batch", "status": "200"}
    assert delta("verbatim_http_requests_total", **batch) == 1
    assert delta("verbatim_verdicts_total", verdict="verbatim") == 2
    assert delta("verbatim_verdicts_total", verdict="not_found") == 1
    engine = engine_of(app)
    assert value(after, "verbatim_corpus_articles") == len(engine) > 290
    assert value(after, "verbatim_index_generation") == engine.generation
    assert value(after, "verbatim_index_build_seconds") == engine.index_build_seconds > 0


def test_version_reports_package_corpus_and_generation(client: FlaskClient, app: Flask) -> None:
    body = client.get("/version").get_json()
    engine = engine_of(app)
    assert body == {
        "version": body["version"],
        "articles": len(engine),
        "generation": engine.generation,
    }
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", body["version"])


# -- under gunicorn: every worker counted, JSON lines on stderr ----------------------------------


@pytest.mark.e2e
def test_gunicorn_metrics_add_up_every_worker_and_logs_are_json() -> None:
    server = start_server(workers=2)
    try:
        with requests.Session() as session:
            # A new connection per request; keep going until both workers have answered.
            workers: set[str] = set()
            sent = 0
            while len(workers) < 2 and sent < 400:
                response = requests.get(f"{server.url}/livez", timeout=10)
                workers.add(response.headers["X-Verbatim-Worker"])
                sent += 1
            verify = session.post(
                f"{server.url}/v1/verify",
                json={"quote": SEED_QUOTE},
                headers={"X-Request-ID": "e2e-trace-7"},
                timeout=30,
            )
            assert verify.headers["X-Request-ID"] == "e2e-trace-7"
            text = session.get(f"{server.url}/metrics", timeout=10).text
    finally:
        server.stop()
    metrics = samples(text)
    livez = {"method": "GET", "route": "/livez", "status": "200"}
    assert len(workers) == 2
    assert value(metrics, "verbatim_http_requests_total", **livez) == sent
    assert value(metrics, "verbatim_verdicts_total", verdict="verbatim") == 1
    assert value(metrics, "verbatim_corpus_articles") > 290
    assert value(metrics, "verbatim_index_build_seconds") > 0

    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    requests_logged = [e for e in lines if e.get("logger") == "verbatim.access"]
    traced = [e for e in requests_logged if e["request_id"] == "e2e-trace-7"]
    assert len(traced) == 1
    assert traced[0]["route"] == "/v1/verify"
    assert traced[0]["status"] == 200
    assert SEED_QUOTE not in server.log()


def slow_draft() -> str:
    """The largest draft /v1/check accepts in its number of quotes: 100 quotations of about
    1,900 characters each, taken from the bundled corpus, each with a speaker to compare."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED_CORPUS.rglob("*.txt"))]
    rng = random.Random(17)
    paragraphs = []
    for _ in range(100):
        text = rng.choice([t for t in texts if len(t) > 4000])
        start = rng.randrange(len(text) - 2000)
        quote = " ".join(text[start : start + 1900].split())
        quote = re.sub('["\u201c\u201d]', "", quote)
        paragraphs.append(f"\u201c{quote},\u201d Minister Alex Smith said on Tuesday.")
    return "\n\n".join(paragraphs)


@pytest.mark.e2e
def test_worker_timeouts_are_counted_in_metrics() -> None:
    """With a one-second worker timeout, a legitimate but heavy request (a draft of 100 long
    quotations to check, a few seconds of work) gets its worker aborted; the master counts each
    such abort, and /metrics says how many there were."""
    draft = slow_draft()
    server = start_server(
        {"GUNICORN_TIMEOUT": "1", "VERBATIM_INDEX_WAIT": "0"}, workers=1, timeout=90
    )
    cut_off = 0
    try:
        # Whether the master's once-a-second check falls inside a given request varies; a few
        # tries give several aborts (each answered 200 is a request that finished in time).
        for _ in range(10):
            wait_ready(server.url)
            try:
                answer = requests.post(f"{server.url}/v1/check", json={"text": draft}, timeout=60)
                assert answer.status_code in (200, 500), answer.text
                cut_off += answer.status_code == 500
            except requests.ConnectionError:
                cut_off += 1
            if cut_off >= 2:
                break
        wait_ready(server.url)
        deadline = time.monotonic() + 10
        while True:  # (the master counts once it has reaped the worker)
            try:
                metrics = samples(requests.get(f"{server.url}/metrics", timeout=10).text)
            except requests.RequestException:  # (a worker aborted while answering)
                if time.monotonic() > deadline:
                    raise
                continue
            counted = value(metrics, "verbatim_worker_timeouts_total")
            aborted = server.log().count("WORKER TIMEOUT")  # the master's line per abort
            if (counted == aborted and counted >= cut_off) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        server.stop()
    assert cut_off >= 1
    # Every abort the master made is counted, once: those of the cut-off requests and, on a
    # machine too busy to let an idle worker beat within a second, any others.
    assert counted == aborted
    assert counted >= cut_off


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} not ready in {timeout} s")


def test_unhandled_error_is_a_problem_logged_with_its_request_id(
    make_app: Callable[..., Flask], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "one.txt").write_text("One article\n\nNothing to see here.\n", encoding="utf-8")
    app = make_app(VERBATIM_CORPUS_DIR=str(corpus))

    def explode() -> str:
        raise RuntimeError("engine bug")

    app.add_url_rule("/explode", view_func=explode)
    caplog.set_level(logging.INFO)
    response = app.test_client().get("/explode", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["request_id"] == "trace-500"
    assert "engine bug" not in response.get_data(as_text=True)
    errors = [
        json.loads(JsonFormatter().format(r)) for r in caplog.records if r.levelname == "ERROR"
    ]
    assert [e["request_id"] for e in errors] == ["trace-500"]
    assert "RuntimeError: engine bug" in errors[0]["exc_info"]
    logged = [r for r in access_records(caplog) if r.request_id == "trace-500"]
    assert [(r.route, r.status) for r in logged] == [("/explode", 500)]


def test_json_formatter_survives_lone_surrogates_and_newlines() -> None:
    record = logging.getLogger("t").makeRecord(
        "t", logging.WARNING, __file__, 1, "bad input %s", ("a\ud800b\nc",), None
    )
    line = JsonFormatter().format(record)
    line.encode("ascii")  # writable to any stream
    assert "\n" not in line
    assert json.loads(line)["message"] == "bad input a\ud800b\nc"
