"""The journalists' page in a real browser: Debian's Chromium via Playwright, real gunicorn.

One server and one browser for the module keep this to seconds. Each state is saved as a
screenshot under test-artifacts/ for people reviewing a change. Skips (with the reason) when
Chromium or Playwright is missing; .ci/run installs Chromium, so CI runs these.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests

from tests.api.test_check_api import DRAFT as CHECK_DRAFT
from tests.conftest import SEED_ID
from tests.server import ROOT, Server, running_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1024, "height": 800}
PHONE = {"width": 375, "height": 740}

SEED_TITLE = (
    "Trump rules out sending troops to Ukraine, even if UK and Europe put boots on the ground"
)
SEED_QUOTE = "They're willing to put people on the ground"
# Adds "many" and drops "probably" (the original: "We’re willing to help them with things,
# especially probably if you could talk about by air").
ALTERED_QUOTE = (
    "We're willing to help them with many things, especially if you could talk about by air"
)
FABRICATED_QUOTE = "Our submarine fleet will be painted orange before the harvest festival begins"

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python not installed")
expect = sync_api.expect

# WCAG 2.x contrast of every text node's colour against the first opaque background behind it.
CONTRAST_SCRIPT = """
(root) => {
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const parse = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const worst = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const node = t.parentElement;
    if (!t.textContent.trim() || !node.checkVisibility()) continue;
    if (node.closest('.visually-hidden')) continue;
    const fg = lum(parse(getComputedStyle(node).color).slice(0, 3));
    const bg = lum(background(node));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) worst.push([t.textContent.trim().slice(0, 40), Math.round(ratio * 100) / 100]);
  }
  return worst;
}
"""

# Records every aria-busy / disabled state the form goes through, so the loading state is
# observed however fast the answer comes back.
RECORD_BUSY_SCRIPT = """
() => {
  window.busyStates = [];
  const form = document.getElementById('verify-form');
  const button = document.getElementById('submit');
  new MutationObserver(() => window.busyStates.push(
    [form.getAttribute('aria-busy'), button.disabled, button.textContent]
  )).observe(form, {attributes: true, subtree: true, childList: true, characterData: true});
}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("web-e2e"), workers=1) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium"))
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server: Server, request: pytest.FixtureRequest) -> Iterator:
    viewport = getattr(request, "param", DESKTOP)
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.goto(server.url + "/")
    yield tab
    context.close()
    # A script error or a CSP violation shows up here even when the page looks right; Chromium's
    # own "Failed to load resource" line for an error status the test asked for is expected.
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def check(page, quote: str, speaker: str | None = None) -> None:
    page.fill("#quote", quote)
    if speaker is not None:
        page.fill("#speaker", speaker)
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()


def test_seed_quote_is_verbatim_and_said_by_trump(page) -> None:
    page.evaluate(RECORD_BUSY_SCRIPT)
    check(page, SEED_QUOTE, speaker="Trump")
    expect(page.locator(".badge").first).to_have_text("Verbatim")
    expect(page.locator("#confidence")).to_have_text(re.compile(r"^\d{1,3}% confidence$"))
    expect(page.locator("#speaker-name")).to_have_text("Donald Trump")
    expect(page.locator("#claimed-speaker")).to_have_text("✓ Matches: “Trump” is the speaker")
    expect(page.locator("#article-title")).to_have_text(SEED_TITLE)  # the seed has no URL
    expect(page.locator("#article-source")).to_have_text("ITV News")
    expect(page.locator("#article-date")).to_have_text("19 August 2025")
    expect(page.locator("#passage-kind")).to_have_text("Direct quote, in quote marks")
    # The highlight is the article's own characters (curly apostrophe), inside its paragraph.
    expect(page.locator(".context mark")).to_have_text(
        "[matched: They’re willing to put people on the ground]"
    )
    expect(page.locator(".context")).to_contain_text("” Trump said.")
    expect(page.locator("#inline-diff")).to_have_count(0)
    expect(page.locator("#status")).to_have_text(
        re.compile(r"^Verbatim, \d+% confidence, said by Donald Trump")
    )
    busy = page.evaluate("window.busyStates")
    assert ["true", True, "Checking…"] in busy  # loading: aria-busy and the button disabled
    expect(page.locator("#submit")).to_be_enabled()
    expect(page.locator("#verify-form")).to_have_attribute("aria-busy", "false")
    assert page.evaluate(CONTRAST_SCRIPT, page.locator("main").element_handle()) == []
    screenshot(page, "verbatim")


def test_altered_quote_shows_the_differences_inline(page) -> None:
    check(page, ALTERED_QUOTE, speaker="Keir Starmer")
    expect(page.locator(".badge").first).to_have_text("Altered")
    expect(page.locator("#speaker-name")).to_have_text("Donald Trump")
    expect(page.locator("#claimed-speaker")).to_have_text(
        "✗ Does not match: you said “Keir Starmer”, the article attributes it to Donald Trump"
    )
    diff = page.locator("#inline-diff")
    # The candidate's own words, "many" struck through as added, "probably" shown where it was.
    expect(diff).to_have_text(
        "We're willing to help them with [you added: many] things, especially "
        "[you dropped: probably] if you could talk about by air"
    )
    expect(diff.locator("del")).to_have_text(["[you added: many]"])
    expect(diff.locator("ins")).to_have_text(["[you dropped: probably]"])
    expect(page.locator("#changes li")).to_have_text(
        ["you added “many”, not in the original", "you dropped “probably” from the original"]
    )
    expect(page.locator(".context mark")).to_contain_text(
        "We’re willing to help them with things, especially probably if you could talk about by air"
    )
    assert page.evaluate(CONTRAST_SCRIPT, page.locator("main").element_handle()) == []
    screenshot(page, "altered")


def test_fabricated_quote_is_plainly_not_found(page) -> None:
    check(page, FABRICATED_QUOTE)
    expect(page.locator(".badge")).to_have_text(["Not found"])
    expect(page.locator("#not-found")).to_contain_text(
        "We could not find this quote in any article we hold."
    )
    # No closest match dressed up as a hit.
    expect(page.locator(".context")).to_have_count(0)
    expect(page.locator("#article-link")).to_have_count(0)
    expect(page.locator("#speaker-name")).to_have_count(0)
    expect(page.locator("#status")).to_have_text(
        "Not found: no article we hold contains this quote."
    )
    screenshot(page, "not-found")


def test_empty_quote_shows_the_api_validation_message_next_to_the_field(page) -> None:
    with page.expect_response("**/v1/verify") as answer:
        page.click("#submit")
    assert answer.value.status == 422
    api_message = " ".join(answer.value.json()["errors"]["json"]["quote"])
    error = page.locator("#quote-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(api_message)
    expect(page.locator("#quote")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#quote")).to_be_focused()
    expect(page.locator("#result")).to_be_hidden()
    # Fixing the field and resubmitting clears the error.
    page.fill("#quote", SEED_QUOTE)
    page.click("#submit")
    expect(page.locator(".badge").first).to_have_text("Verbatim")
    expect(error).to_be_hidden()
    expect(page.locator("#quote")).not_to_have_attribute("aria-invalid", "true")
    page.fill("#quote", "   ")
    page.click("#submit")
    expect(error).to_be_visible()
    screenshot(page, "validation")


def test_keyboard_only_submit_with_ctrl_enter(page) -> None:
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#quote")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # a visible focus ring
    page.keyboard.type(SEED_QUOTE)
    page.keyboard.press("Tab")
    expect(page.locator("#speaker")).to_be_focused()
    page.keyboard.type("Donald Trump")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".badge").first).to_have_text("Verbatim")
    expect(page.locator("#claimed-speaker")).to_contain_text("Matches")
    page.keyboard.press("Tab")  # the "check as" radio group is one tab stop
    expect(page.locator("input[name=mode][value=auto]")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#submit")).to_be_focused()
    screenshot(page, "keyboard")
    # Cmd+Enter, as a Mac user would press it, from the quote field.
    page.locator("#quote").focus()
    page.keyboard.press("End")
    page.keyboard.type(" and then some extra words nobody ever said here")
    page.keyboard.press("Meta+Enter")
    expect(page.locator("#status")).to_have_text(re.compile(r"^(Altered|Close|Not found)"))


def test_common_phrase_lists_the_alternatives_the_api_returned(page, server: Server) -> None:
    """Words found in several articles: the page shows each, linked, as the API ranked them, each
    with its citation and article view."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.fill("#quote", "the United States")
    with page.expect_response("**/v1/verify") as answer:
        page.click("#submit")
    body = answer.value.json()
    assert len(body["alternatives"]) == 3  # the page asks for the best match + 3
    expect(page.locator("#article-link")).to_have_attribute("href", body["match"]["article"]["url"])
    expect(page.locator("#article-link")).to_contain_text(body["match"]["article"]["title"])
    items = page.locator("#alternatives > li")
    expect(items).to_have_count(3)
    for item, alt in zip(items.all(), body["alternatives"], strict=True):
        expect(item.locator(".alt-article-link")).to_have_attribute("href", alt["article"]["url"])
        expect(item.locator(".alt-article-link")).to_contain_text(alt["article"]["title"])
        expect(item.locator(".alt-text")).to_contain_text(f"“{alt['text']}”")
        article = alt["article"]
        day = date.fromisoformat(article["published"])
        speaker = alt["speaker"]["name"] if alt["speaker"] else "Unattributed"
        expect(item.locator(".alt-citation")).to_have_text(
            f"{speaker}: “{alt['text']}” ({article['source']}, “{article['title']}”, "
            f"{day.day} {day:%B %Y}). {article['url']}"
        )
        expect(item.locator(".alt-view-link")).to_have_attribute(
            "href", f"{page.url}articles/{article['id']}?start={alt['start']}&end={alt['end']}"
        )
    items.nth(1).locator(".copy-citation").click()
    expect(items.nth(1).locator("[role=status]")).to_have_text("Copied.")
    assert (
        page.evaluate("navigator.clipboard.readText()")
        == items.nth(1).locator(".alt-citation").text_content()
    )
    # How many articles hold the words, and the earliest, linked to its highlighted passage.
    match = body["match"]
    earliest = match["earliest"]
    assert match["copies"] > 3
    day = date.fromisoformat(earliest["article"]["published"])
    when = f"{day.day} {day:%B %Y}"
    if earliest["article"]["id"] == match["article"]["id"]:
        named = f"this article ({when})"
    else:
        named = f"{earliest['article']['title']} ({earliest['article']['source']}, {when})"
    expect(page.locator("#copies")).to_have_text(
        f"in {match['copies']} articles; earliest: {named}"
    )
    view = (
        f"{page.url}articles/{earliest['article']['id']}"
        f"?start={earliest['start']}&end={earliest['end']}"
    )
    expect(page.locator("#earliest-link")).to_have_attribute("href", view)
    # (The citation's long URL once ran out of its box and widened the page.)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert page.evaluate(CONTRAST_SCRIPT, page.locator("main").element_handle()) == []
    screenshot(page, "alternatives")
    page.click("#earliest-link")
    expect(page.locator("mark#passage")).to_have_text(f"[highlighted: {match['text']}]")
    screenshot(page, "earliest-copy")


@pytest.mark.parametrize("page", [DESKTOP, PHONE], indirect=True)
def test_a_single_quote_given_to_the_wrong_person_says_so_next_to_the_verdict(page) -> None:
    check(page, SEED_QUOTE, speaker="Keir Starmer")
    expect(page.locator("#status")).to_have_text(
        "Verbatim, 99% confidence, said by Donald Trump, "
        f"in “{SEED_TITLE}”; not said by Keir Starmer."
    )
    line = page.locator("#result .verdict-line")
    note = line.locator("#verdict-misattributed")
    expect(note).to_have_text(
        "Attributed to the wrong person: you said Keir Starmer, "
        "the article attributes it to Donald Trump."
    )
    # With the verdict on screen, the misattribution is too, at either width.
    line.locator(".badge").scroll_into_view_if_needed()
    viewport = page.viewport_size
    badge, stated = line.locator(".badge").bounding_box(), note.bounding_box()
    assert badge["y"] >= 0
    assert stated["y"] + stated["height"] <= viewport["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"misattributed-{viewport['width']}")


def test_highlight_is_placed_by_offsets_when_the_paragraph_repeats_the_words(
    page, server: Server
) -> None:
    """ "limited to two terms" occurs twice in its paragraph; the highlight must follow `start`.

    The engine returns the first occurrence, so to exercise the second the real answer is passed
    through with its span moved to the other, equally real, occurrence in the same paragraph.
    """
    quote = "limited to two terms"
    moved: dict = {}

    def second_occurrence(route) -> None:
        real = route.fetch()
        body = real.json()
        match = body["match"]
        article = requests.get(f"{server.url}/v1/articles/{match['article']['id']}", timeout=10)
        text = article.json()["text"]
        paragraph_start = text.rfind(match["context"], 0, match["start"] + len(match["context"]))
        second = text.index(quote, match["end"])
        assert second + len(quote) <= paragraph_start + len(match["context"])
        match.update(start=second, end=second + len(quote))
        moved["offset"] = second - paragraph_start
        moved["first"] = match["context"].index(quote)
        route.fulfill(response=real, json=body)

    page.route("**/v1/verify", second_occurrence)
    check(page, quote)
    expect(page.locator(".context mark")).to_have_text(f"[matched: {quote}]")
    before_mark = page.evaluate(
        """() => {
          let length = 0;
          const mark = document.querySelector('.context mark');
          for (let node = mark.previousSibling; node; node = node.previousSibling) {
            length += node.textContent.length;
          }
          return length;
        }"""
    )
    assert moved["offset"] != moved["first"]
    assert before_mark == moved["offset"]


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_phone_width_has_no_horizontal_scroll(page) -> None:
    check(page, "They are willing to put troops on the ground")  # the example
    expect(page.locator(".badge").first).to_have_text("Altered")
    expect(page.locator("#inline-diff del")).to_contain_text(["troops"])
    expect(page.locator("#inline-diff ins")).to_contain_text(["people"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator("#submit").bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "phone")


def test_untrusted_text_is_shown_as_text_not_markup(page) -> None:
    """The claimed speaker comes back from the API and is echoed: it must stay inert text."""
    payload = "<img src=x onerror=window.pwned=1><b>Trump</b>"
    check(page, SEED_QUOTE, speaker=payload)
    expect(page.locator("#claimed-speaker")).to_contain_text(payload)
    expect(page.locator("#result b, #result img")).to_have_count(0)
    assert page.evaluate("window.pwned") is None


def test_network_failure_says_the_service_cannot_be_reached(page) -> None:
    page.route("**/v1/verify", lambda route: route.abort("connectionrefused"))
    page.fill("#quote", SEED_QUOTE)
    page.click("#submit")
    expect(page.locator("#problem")).to_contain_text("Could not reach the Verbatim service.")
    expect(page.locator("#submit")).to_be_enabled()
    expect(page.locator("#result")).to_be_hidden()
    screenshot(page, "network-error")


def test_unavailable_service_says_so(page) -> None:
    problem = (
        '{"type": "about:blank", "title": "Service Unavailable", "status": 503,'
        ' "detail": "The corpus is not indexed yet.", "request_id": "req-42"}'
    )
    page.route(
        "**/v1/verify",
        lambda route: route.fulfill(
            status=503, content_type="application/problem+json", body=problem
        ),
    )
    page.fill("#quote", SEED_QUOTE)
    page.click("#submit")
    expect(page.locator("#problem")).to_contain_text(
        "The Verbatim service is unavailable right now."
    )
    expect(page.locator("#problem")).to_contain_text("request id req-42")
    screenshot(page, "unavailable")


# The draft of tests/api/test_check_api.py (a verbatim quote, a negation added, Trump's words given
# to Starmer, a sentence no article holds) with markup in its narration, which must stay text.
XSS = "<img src=x onerror=window.pwned=1>"
DRAFT = CHECK_DRAFT.replace('begins."\n', f'begins." {XSS} was in the notes.\n')
assert XSS in DRAFT
DRAFT_SUMMARY = "4 quotes: 2 verbatim, 1 altered, 1 not found; 1 attributed to the wrong person."
DRAFT_LABELS = ["[Verbatim]", "[Altered]", "[Verbatim; wrong speaker]", "[Not found]"]
DESKTOP_WIDE = {"width": 1280, "height": 800}
PHONE_390 = {"width": 390, "height": 844}


def check_draft(page) -> dict:
    page.fill("#quote", DRAFT)
    with page.expect_response("**/v1/check") as answer:
        page.click("#submit")
    expect(page.locator("#draft-summary")).to_have_text(DRAFT_SUMMARY)
    return answer.value.json()


@pytest.mark.parametrize("page", [DESKTOP_WIDE, PHONE_390], indirect=True)
def test_draft_marks_each_quote_and_states_the_misattribution_first(page, server: Server) -> None:
    viewport = page.viewport_size
    body = check_draft(page)
    expect(page.locator("#status")).to_have_text(DRAFT_SUMMARY)
    marks = page.locator("#draft-text .quote-mark")
    expect(marks.locator(".quote-label")).to_have_text(DRAFT_LABELS)
    for mark in marks.all():
        expect(mark).to_have_attribute("aria-expanded", "false")
    # The draft's own characters, markup included, shown as text around the marked quotes.
    expect(page.locator("#draft-text")).to_have_text(
        DRAFT.replace('by air,"', 'by air,[Verbatim; wrong speaker]"')
        .replace('ground,"', 'ground,[Verbatim]"')
        .replace('end,"', 'end,[Altered]"')
        .replace('begins."', 'begins.[Not found]"')
    )
    expect(page.locator("#result img")).to_have_count(0)
    assert page.evaluate("window.pwned") is None
    # The summary line, misattribution included, is on the first screen at either width.
    box = page.locator("#draft-summary").bounding_box()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= viewport["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"draft-{viewport['width']}")

    # Keyboard: the altered quote opens with Enter; its details show the negation.
    marks.nth(1).focus()
    page.keyboard.press("Enter")
    expect(marks.nth(1)).to_have_attribute("aria-expanded", "true")
    detail = page.locator("#quote-detail")
    expect(detail.locator("#quote-detail-heading")).to_have_text("Quote 2 of 4")
    expect(detail.locator("#quote-detail-heading")).to_be_focused()
    expect(detail.locator(".badge").first).to_have_text("Altered")
    expect(detail.locator("#changes .flag")).to_have_text(["Meaning change: negation"])

    marks.nth(2).click()
    expect(marks.nth(1)).to_have_attribute("aria-expanded", "false")
    # Stated in the verdict line, and on screen with the heading the click focused.
    stated = detail.locator(".verdict-line #detail-misattributed")
    expect(stated).to_have_text(
        "Attributed to the wrong person: the draft says Keir Starmer, "
        "the article attributes it to Donald Trump."
    )
    expect(detail.locator("#quote-detail-heading")).to_be_focused()
    box = stated.bounding_box()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= viewport["height"]
    expect(detail.locator("#speaker-name")).to_have_text("Donald Trump")
    match = body["quotes"][2]["result"]["match"]
    view = f"{server.url}/articles/{SEED_ID}?start={match['start']}&end={match['end']}"
    expect(detail.locator("#article-view-link")).to_have_attribute("href", view)
    expect(detail.locator("#citation")).to_have_text(
        f"Donald Trump: “{match['text']}” (ITV News, “{SEED_TITLE}”, 19 August 2025). {view}"
    )
    assert page.evaluate(CONTRAST_SCRIPT, page.locator("main").element_handle()) == []
    screenshot(page, f"draft-{viewport['width']}-detail")


def test_copy_citation_puts_the_citation_on_the_clipboard(page, server: Server) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    check(page, SEED_QUOTE)
    page.click("#copy-citation")
    expect(page.locator("#citation-status")).to_have_text("Copied.")
    match_text = "They’re willing to put people on the ground"
    start = page.evaluate("document.getElementById('article-view-link').href")
    assert start.startswith(f"{server.url}/articles/{SEED_ID}?start=")
    expected = f"Donald Trump: “{match_text}” (ITV News, “{SEED_TITLE}”, 19 August 2025). {start}"
    expect(page.locator("#citation")).to_have_text(expected)
    assert page.evaluate("navigator.clipboard.readText()") == expected


def test_the_mode_rule_and_the_explicit_choice(page) -> None:
    """A quoted sentence alone is one quote; narration around quote marks makes a draft; the
    radio buttons override the rule either way."""
    check(page, f'"{SEED_QUOTE}"')
    expect(page.locator(".badge").first).to_have_text("Verbatim")
    expect(page.locator("#draft-summary")).to_have_count(0)
    page.check("input[name=mode][value=draft]")
    with page.expect_response("**/v1/check"):
        page.click("#submit")
    expect(page.locator("#draft-summary")).to_have_text("1 quote: 1 verbatim.")
    page.check("input[name=mode][value=quote]")
    page.fill("#quote", DRAFT)
    with page.expect_response("**/v1/verify"):
        page.click("#submit")
    expect(page.locator("#draft-summary")).to_have_count(0)
    expect(page.locator("#result .badge").first).to_be_visible()
