"""The journalists' page at `/`: plain HTML/CSS/JS that calls POST /v1/verify like any client.

No templates and no build step: the page is a static file, so it cannot drift from the API it
calls, and everything it needs is served from here (newsroom networks are often offline).
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, render_template, request, send_from_directory
from marshmallow import ValidationError

from schemas.article_view import ArticleViewArgsSchema
from schemas.articles import is_valid_article_id
from service.api.context import current_engine
from service.api.errors import problem_response
from service.corpus.paragraphs import paragraphs
from service.engine import locate_in_quotes

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

blp = Blueprint(
    "web",
    __name__,
    static_folder=str(STATIC_DIR),
    static_url_path="/assets",
    template_folder="templates",
)


@blp.get("/")
def page() -> Response:
    """The quote-checking form."""
    return send_from_directory(STATIC_DIR, PAGE, mimetype="text/html", max_age=0)


QUERY_DETAIL = "Some query parameters are invalid; see `errors`."


@blp.get("/articles/<article_id>")
def article_view(article_id: str) -> Response | str:
    """A stored article as a readable page, the passage [start, end) highlighted: the stable
    address a citation points to (many articles have no URL of their own)."""
    try:
        args = ArticleViewArgsSchema().load(request.args.to_dict())
    except ValidationError as error:
        return problem_response(
            422, "Unprocessable Entity", QUERY_DETAIL, errors={"query": error.messages}
        )
    found = current_engine().get_article(article_id) if is_valid_article_id(article_id) else None
    if found is None:
        abort(404)
    article, quotes = found
    passage = None
    if "start" in args:
        start, end = args["start"], args["end"]
        if end > len(article.text):
            return problem_response(
                422,
                "Unprocessable Entity",
                QUERY_DETAIL,
                errors={"query": {"end": [f"The article has {len(article.text)} characters."]}},
            )
        _, speaker = locate_in_quotes(quotes, start, end)
        passage = {"start": start, "end": end, "speaker": speaker.name if speaker else None}
    return render_template(
        "article.html",
        article=article,
        published=_long_date(article.published),
        url=_http_url(article.url),
        passage=passage,
        paragraphs=_marked_paragraphs(article.text, passage),
    )


def _marked_paragraphs(text: str, passage: dict | None) -> list[list[dict]]:
    """Each paragraph as pieces of text, those inside the passage marked (it may span several)."""
    lo, hi = (passage["start"], passage["end"]) if passage else (0, 0)
    out = []
    first = True
    for start, end in paragraphs(text):
        pieces = []
        cuts = sorted({start, end, *(x for x in (lo, hi) if start < x < end)})
        for a, b in pairwise(cuts):
            marked = lo <= a and b <= hi and lo < hi
            pieces.append({"text": text[a:b], "marked": marked, "first": marked and first})
            first = first and not marked
        out.append(pieces)
    return out


def _long_date(iso: str | None) -> str | None:
    """ "2025-08-19" -> "19 August 2025", as the page writes dates."""
    try:
        day = date.fromisoformat(iso or "")
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def _http_url(url: str | None) -> str | None:
    """Only http(s) URLs become links: a `javascript:` URL in an article record must not run."""
    return url if url and urlsplit(url).scheme in ("http", "https") else None


@blp.after_request
def protect_page(response: Response) -> Response:
    """Security headers on the page and its assets (the API's own responses are left alone)."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Article links open outlets' sites: don't tell them which quote a journalist was checking.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response
