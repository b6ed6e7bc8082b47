"""Take the README's screenshot of the journalists' page: real gunicorn, Debian's Chromium.

    .venv/bin/python scripts/screenshot.py [--quote ...] [--speaker ...] [--out docs/screenshot.png]

Uses the same server launcher as the end-to-end tests, on a throw-away store of the bundled corpus.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.api.test_web_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.server import start_server  # noqa: E402

# An altered quote, so the picture shows the differences as well as the verdict and the source.
DEFAULT_QUOTE = (
    "We're willing to help them with many things, especially if you could talk about by air"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quote", default=DEFAULT_QUOTE)
    parser.add_argument("--speaker", default="Keir Starmer")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--width", type=int, default=900)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server({"VERBATIM_DATA_DIR": data_dir}, workers=1)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": args.width, "height": 900})
                page.goto(server.url + "/")
                page.fill("#quote", args.quote)
                page.fill("#speaker", args.speaker)
                page.click("#submit")
                page.wait_for_selector("#result:not([hidden])")
                page.mouse.move(0, 0)  # no hover colour on the button in the picture
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out), full_page=True)
                verdict = page.inner_text(".badge")
                browser.close()
        finally:
            server.stop()
    print(f"{args.out.relative_to(ROOT)}: verdict {verdict!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
