"""The page and /docs under a reverse proxy's path prefix, in Chromium: real gunicorn with
VERBATIM_PROXY_FIX behind a small proxy that serves it at /verbatim/ (strips the prefix and sets
X-Forwarded-*, as nginx's `proxy_pass http://verbatim:8000/;` does) and answers 404 to anything
outside the prefix, so a root-absolute link or fetch fails the test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.api.test_web_browser import SEED_QUOTE, SEED_TITLE, browser  # noqa: F401
from tests.server import Server, start_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python not installed")
expect = sync_api.expect

PREFIX = "/verbatim"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class PrefixProxy:
    """Forward PREFIX/... to the upstream server; record every path asked for."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.paths: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def _forward(self) -> None:
                proxy.paths.append(self.path)
                if not (self.path == PREFIX or self.path.startswith(PREFIX + "/")):
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                headers.update(
                    {
                        "X-Forwarded-For": self.client_address[0],
                        "X-Forwarded-Proto": "http",
                        "X-Forwarded-Host": self.headers["Host"],
                        "X-Forwarded-Prefix": PREFIX,
                    }
                )
                answer = requests.request(
                    self.command,
                    proxy.upstream + (self.path[len(PREFIX) :] or "/"),
                    headers=headers,
                    data=body,
                    allow_redirects=False,
                    timeout=30,
                )
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in HOP_BY_HOP | {"content-encoding"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def outside_prefix(self) -> list[str]:
        """Paths asked for outside the prefix, bar the browser's own favicon probe (a page
        without an icon link gets /favicon.ico asked for at the root by Chromium itself)."""
        return [p for p in self.paths if not p.startswith(PREFIX + "/") and p != "/favicon.ico"]


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefixProxy]:
    server: Server = start_server(
        {
            "VERBATIM_DATA_DIR": str(tmp_path_factory.mktemp("prefix-e2e")),
            "VERBATIM_PROXY_FIX": "for=1,proto=1,host=1,prefix=1",
        },
        workers=1,
    )
    proxy = PrefixProxy(server.url)
    proxy.thread.start()
    try:
        yield proxy
    finally:
        proxy.httpd.shutdown()
        server.stop()


def test_page_checks_a_quote_under_the_prefix(browser, proxied: PrefixProxy) -> None:  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{proxied.url}{PREFIX}/")
    page.fill("#quote", SEED_QUOTE)
    page.fill("#speaker", "Trump")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    expect(page.locator(".badge").first).to_have_text("Verbatim")
    expect(page.locator("#speaker-name")).to_have_text("Donald Trump")
    expect(page.locator("#article-title")).to_have_text(SEED_TITLE)
    expect(page.locator(".context mark")).to_contain_text("They’re willing to put people")
    docs_link = page.locator("a[href='docs']").first
    assert docs_link.evaluate("a => a.href") == f"{proxied.url}{PREFIX}/docs"
    # The citation's article view (the stable address) and its stylesheet are under the prefix.
    page.click("#article-view-link")
    expect(page.locator("mark#passage")).to_have_text(
        "[highlighted: They’re willing to put people on the ground]"
    )
    assert page.url.startswith(f"{proxied.url}{PREFIX}/articles/")
    assert f"{PREFIX}/assets/verbatim.css" in proxied.paths
    context.close()
    assert errors == []
    assert proxied.outside_prefix() == []
    assert f"{PREFIX}/v1/verify" in proxied.paths


def test_docs_render_and_try_it_out_goes_through_the_prefix(
    browser,  # noqa: F811
    proxied: PrefixProxy,
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{proxied.url}{PREFIX}/docs")
    verify = page.locator("#operations-verify-verifyQuote")
    # The spec was fetched and rendered: Swagger UI's bundle is megabytes of script, slow to
    # parse on a loaded machine (once "loading" after the default 5 s), hence the longer wait.
    expect(verify).to_be_visible(timeout=30_000)
    expect(page.locator(".servers select option")).to_have_text([PREFIX])
    verify.locator(".opblock-summary").click()
    page.locator("#operations-verify-verifyQuote .try-out__btn").click()
    page.locator("#operations-verify-verifyQuote .execute").click()
    status = page.locator(
        "#operations-verify-verifyQuote .live-responses-table tbody .response-col_status"
    )
    expect(status.first).to_have_text("200")
    context.close()
    assert proxied.outside_prefix() == []
    assert f"{PREFIX}/openapi.json" in proxied.paths
    assert proxied.paths.count(f"{PREFIX}/v1/verify") == 2  # the page's check, then Try it out
    assert f"{PREFIX}/docs-assets/swagger-ui-bundle.js" in proxied.paths
