"""The journalists' page at `/`: plain HTML/CSS/JS that calls POST /v1/verify like any client.

No templates and no build step: the page is a static file, so it cannot drift from the API it
calls, and everything it needs is served from here (newsroom networks are often offline).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE = "index.html"

# The page loads nothing from elsewhere and only talks to this origin; saying so in a CSP turns a
# slip (an innerHTML with a quote in it, a stray CDN link) into a blocked request, not an exploit.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

blp = Blueprint("web", __name__, static_folder=str(STATIC_DIR), static_url_path="/assets")


@blp.get("/")
def page() -> Response:
    """The quote-checking form."""
    return send_from_directory(STATIC_DIR, PAGE, mimetype="text/html", max_age=0)


@blp.after_request
def protect_page(response: Response) -> Response:
    """Security headers on the page and its assets (the API's own responses are left alone)."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Article links open outlets' sites: don't tell them which quote a journalist was checking.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response
