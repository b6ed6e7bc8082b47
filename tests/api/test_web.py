"""The journalists' page (service/api/web.py) through the Flask test client.

What a browser does with the page is tested in test_web_browser.py; here: what the server sends.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from service.api.web import STATIC_DIR

ASSET_FILES = ("verbatim.css", "verbatim.js")
# Anything that would make the page fetch from another host: absolute or protocol-relative URLs.
EXTERNAL_URL = re.compile(r"(?:https?:)?//[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)


class PageParser(HTMLParser):
    """Collect the tags the tests look at: form fields, labels, and every referenced URL."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: dict[str, tuple[str, dict[str, str | None]]] = {}
        self.labels: dict[str, str] = {}
        self.urls: list[str] = []
        self._label_for: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.elements[attributes["id"]] = (tag, attributes)
        if tag == "label":
            self._label_for = attributes.get("for")
            self.labels[self._label_for or ""] = ""
        for name in ("href", "src", "action", "cite"):
            if attributes.get(name):
                self.urls.append(attributes[name])

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self.labels[self._label_for] += data


@pytest.fixture(scope="module")
def page_html(app) -> str:
    response = app.test_client().get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def page(page_html: str) -> PageParser:
    parser = PageParser()
    parser.feed(page_html)
    return parser


def test_page_is_html_with_the_form(client: FlaskClient, page: PageParser) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.mimetype_params["charset"] == "utf-8"
    assert page.elements["verify-form"][0] == "form"
    assert page.elements["quote"][0] == "textarea"
    assert page.elements["speaker"][0] == "input"
    assert page.elements["speaker"][1]["type"] == "text"
    assert page.elements["submit"][0] == "button"
    assert page.elements["submit"][1]["type"] == "submit"


def test_fields_are_labelled_and_wired_to_their_error_messages(page: PageParser) -> None:
    assert page.labels["quote"].strip() == "Quote or draft"
    assert page.labels["speaker"].split() == ["Attributed", "to", "(optional)"]
    for field in ("quote", "speaker"):
        described_by = page.elements[field][1]["aria-describedby"].split()
        assert f"{field}-error" in described_by
        assert f"{field}-hint" in described_by
        assert f"{field}-error" in page.elements


def test_quote_is_not_required_client_side_so_the_api_validates_it(page: PageParser) -> None:
    """The API's 422 message is what the journalist sees; `required` would pre-empt it."""
    assert "required" not in page.elements["quote"][1]
    assert "novalidate" in page.elements["verify-form"][1]


def test_results_are_announced_in_a_live_region(page: PageParser) -> None:
    status = page.elements["status"][1]
    assert status["role"] == "status"
    assert status["aria-live"] == "polite"
    assert page.elements["problem"][1]["role"] == "alert"


@pytest.mark.parametrize(
    ("name", "mimetypes"),
    [
        ("verbatim.css", {"text/css"}),
        ("verbatim.js", {"text/javascript", "application/javascript"}),
    ],
)
def test_assets_are_served_with_their_content_type(
    client: FlaskClient, page: PageParser, name: str, mimetypes: set[str]
) -> None:
    assert f"assets/{name}" in page.urls  # relative: the page works behind a path prefix too
    response = client.get(f"/assets/{name}")
    assert response.status_code == 200
    assert response.mimetype in mimetypes
    assert response.get_data() == (STATIC_DIR / name).read_bytes()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_asset_is_a_problem_json_404(client: FlaskClient) -> None:
    response = client.get("/assets/no-such-file.js")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_page_has_a_strict_content_security_policy(client: FlaskClient) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["base-uri"] == "'none'"


def test_api_responses_do_not_get_the_page_headers(client: FlaskClient) -> None:
    response = client.post("/v1/verify", json={"quote": ""})
    assert response.status_code == 422
    assert "Content-Security-Policy" not in response.headers


@pytest.mark.parametrize("name", ["index.html", *ASSET_FILES])
def test_nothing_is_loaded_from_another_host(name: str) -> None:
    """No CDN, no web fonts: newsroom networks are often offline."""
    text = (STATIC_DIR / name).read_text(encoding="utf-8")
    assert EXTERNAL_URL.findall(text) == []
    assert "@import" not in text
    assert "@font-face" not in text
    assert re.findall(r"url\((?!['\"]?data:)", text) == []


def test_page_urls_are_all_relative(page: PageParser) -> None:
    assert [url for url in page.urls if not re.match(r"^(?:assets/|#|docs$|data:)", url)] == []


def test_script_never_parses_api_strings_as_html() -> None:
    """Quotes and articles are untrusted text: the script only ever creates text nodes."""
    script = (STATIC_DIR / "verbatim.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script
    assert 'const API_URL = "v1/verify"' in script  # the same JSON API curl users call
