"""/v1/articles: read the corpus (open to all) and grow it (bearer key required).

Every read and write goes through the engine: a write is stored, then applied to this worker's
index at once, so the worker that acknowledged it already matches it; every other worker picks it
up from the store's generation counter on its next request.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import asdict, dataclass, field

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from schemas.articles import (
    ID_DESCRIPTION,
    ID_SCHEMA_PATTERN,
    MAX_ID_LENGTH,
    ArticleInSchema,
    ArticleListArgsSchema,
    ArticlePageSchema,
    ArticleReplaceSchema,
    ArticleSchema,
    is_valid_article_id,
)
from service.api import examples
from service.api.context import current_engine
from service.api.errors import problems
from service.corpus.formats import slugify
from service.corpus.store import ArticleExists
from service.engine import Verbatim
from service.models import Article, QuoteSpan

blp = Blueprint(
    "articles",
    __name__,
    url_prefix="/v1/articles",
    description="The corpus: list and read articles; create, replace and delete them with a key",
)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BEARER_CHALLENGE = 'Bearer realm="verbatim"'
# Generated ids get -2, -3... when a different article already has the title's slug; this many
# same-titled articles ("Live updates") is plenty before we ask the client to choose an id.
MAX_SLUG_SUFFIX = 1000
# Shown to operators (and used by the end-to-end tests) to see which gunicorn worker answered.
WORKER_HEADER = "X-Verbatim-Worker"
GENERATION_HEADER = "X-Verbatim-Generation"
_WRITE_SECURITY = [{"bearerAuth": []}]
# The id in the URL, with the rule a stored id follows (a URL breaking it names no article:
# 404 for reads and deletes, 422 for a PUT that would create one).
_ID_PARAMETER = {
    "in": "path",
    "name": "article_id",
    "required": True,
    "description": ID_DESCRIPTION,
    "schema": {"type": "string", "pattern": ID_SCHEMA_PATTERN, "maxLength": MAX_ID_LENGTH},
}


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as served: its stored fields plus the quotes extracted from its text."""

    id: str
    title: str
    text: str
    source: str | None
    url: str | None
    published: str | None
    licence: str | None
    credit: str | None
    quotes: list[QuoteSpan] = field(default_factory=list)

    @property
    def quote_count(self) -> int:
        return len(self.quotes)


@dataclass(frozen=True, slots=True)
class ArticlePage:
    items: list[StoredArticle]
    total: int
    offset: int
    limit: int


def _stored(article: Article, quotes: list[QuoteSpan]) -> StoredArticle:
    return StoredArticle(**asdict(article), quotes=list(quotes))


@blp.before_request
def require_write_key() -> None:
    """Writes need `Authorization: Bearer <VERBATIM_API_KEY>`; reads stay open.

    Checked before the body is parsed, so an unauthenticated client learns nothing from
    validation errors.
    """
    if request.method not in WRITE_METHODS:
        return
    expected = current_app.config.get("VERBATIM_API_KEY")
    if not expected:
        abort(
            403,
            message="Writes are disabled: this server has no API key. Start it with "
            "VERBATIM_API_KEY set to a long random secret, then send "
            "'Authorization: Bearer <that key>' with each write.",
        )
    scheme, _, supplied = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not supplied.strip():
        abort(
            401,
            message="Send 'Authorization: Bearer <key>' to write articles.",
            headers={"WWW-Authenticate": BEARER_CHALLENGE},
        )
    # Constant-time comparison of bytes (compare_digest rejects non-ASCII str).
    if not hmac.compare_digest(supplied.strip().encode(), str(expected).encode()):
        abort(
            401,
            message="The API key is not valid.",
            headers={"WWW-Authenticate": f'{BEARER_CHALLENGE}, error="invalid_token"'},
        )


@blp.record_once
def declare_bearer_scheme(state) -> None:
    """Name the bearer scheme the write operations reference in the OpenAPI document."""
    api = state.app.extensions.get("verbatim_api")
    if api is not None and "bearerAuth" not in api.spec.components.security_schemes:
        api.spec.components.security_scheme(
            "bearerAuth",
            {"type": "http", "scheme": "bearer", "description": "The server's VERBATIM_API_KEY"},
        )


@blp.after_app_request
def name_the_worker(response: Response) -> Response:
    response.headers[WORKER_HEADER] = str(os.getpid())
    written = request.method in WRITE_METHODS and response.status_code < 300
    if written and request.path.startswith("/v1/articles"):
        # A store generation that includes this write: every worker whose /version shows it
        # (or a later one) matches the write.
        # Best effort: the write is stored either way, and a store that just went away must
        # not turn its acknowledgement into a 500.
        try:
            generation = current_engine().store.observed_generation()
        except Exception:
            return response
        response.headers[GENERATION_HEADER] = str(generation)
    return response


def _article_from(data: dict, article_id: str) -> Article:
    fields = {k: v for k, v in data.items() if k != "id"}
    return Article(id=article_id, **fields)


def _create_with_generated_id(engine: Verbatim, data: dict) -> StoredArticle:
    """Store under the title's slug, or slug-2, slug-3... if a different article holds it.

    The same article sent twice (a client retrying after a timeout) is refused with 409 rather
    than stored again under a new id: retries must never duplicate the corpus.
    """
    base = slugify(data["title"])
    for n in range(1, MAX_SLUG_SUFFIX + 1):
        candidate = _article_from(data, base if n == 1 else f"{base}-{n}")
        try:
            return _stored(candidate, engine.create_article(candidate))
        except ArticleExists:
            existing = engine.get_article(candidate.id)
            if existing is not None and existing[0] == candidate:
                abort(409, message=f"This article is already stored as {candidate.id!r}.")
    abort(409, message="Too many articles titled like this; send an explicit 'id'.")
    raise AssertionError("unreachable")  # abort() raises


@blp.route("")
class ArticleCollection(MethodView):
    # RAISE: a client sending ?page=2 learns this API pages with offset/limit instead of
    # silently getting the first page again (webargs would otherwise drop unknown query args).
    @blp.arguments(ArticleListArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, ArticlePageSchema, example=examples.ARTICLE_PAGE_RESPONSE)
    @problems(blp, 503)
    @blp.doc(operationId="listArticles")
    def get(self, args: dict) -> ArticlePage:
        """List articles (metadata and quote counts), ordered by id, `offset`/`limit` paging."""
        page, total = current_engine().list_articles(args["offset"], args["limit"])
        return ArticlePage(
            items=[_stored(article, quotes) for article, quotes in page],
            total=total,
            offset=args["offset"],
            limit=args["limit"],
        )

    @blp.arguments(ArticleInSchema, example=examples.ARTICLE_REQUEST)
    @blp.response(
        201,
        ArticleSchema,
        example=examples.ARTICLE_RESPONSE,
        headers={"Location": {"description": "The article's URL", "schema": {"type": "string"}}},
    )
    @problems(blp, 400, 401, 403, 409, 413, 415, 503, 507)
    @blp.doc(security=_WRITE_SECURITY, operationId="createArticle")
    def post(self, data: dict) -> tuple[StoredArticle, dict]:
        """Add an article; without `id`, one is made from the title. Answers with its quotes."""
        engine = current_engine()
        if data.get("id"):
            article = _article_from(data, data["id"])
            try:
                stored = _stored(article, engine.create_article(article))
            except ArticleExists:
                abort(
                    409,
                    message=f"An article with id {data['id']!r} already exists; "
                    "use PUT /v1/articles/{id} to replace it.",
                )
        else:
            stored = _create_with_generated_id(engine, data)
        location = url_for("articles.ArticleItem", article_id=stored.id)
        return stored, {"Location": location}


@blp.route("/<article_id>", parameters=[_ID_PARAMETER])
class ArticleItem(MethodView):
    @blp.response(200, ArticleSchema, example=examples.ARTICLE_RESPONSE)
    @problems(blp, 404, 503)
    @blp.doc(operationId="getArticle")
    def get(self, article_id: str) -> StoredArticle:
        """One article: metadata, the exact text, and the quotes extracted from it."""
        found = current_engine().get_article(article_id)
        if found is None:
            abort(404, message=f"No article with id {article_id!r}.")
        return _stored(*found)

    @blp.arguments(ArticleReplaceSchema, example=examples.ARTICLE_REQUEST)
    @blp.response(200, ArticleSchema, description="Replaced", example=examples.ARTICLE_RESPONSE)
    @blp.alt_response(
        201, schema=ArticleSchema, description="Created", example=examples.ARTICLE_RESPONSE
    )
    @problems(blp, 400, 401, 403, 413, 415, 503, 507)
    @blp.doc(security=_WRITE_SECURITY, operationId="replaceArticle")
    def put(self, data: dict, article_id: str) -> tuple[StoredArticle, int]:
        """Create or replace the article with this id. Answers with its quotes."""
        if not is_valid_article_id(article_id):
            abort(
                422,
                errors={"path": {"article_id": ["Not a valid article id."]}},
            )
        if data.get("id", article_id) != article_id:
            abort(422, errors={"json": {"id": ["Must match the id in the URL."]}})
        article = _article_from(data, article_id)
        created, quotes = current_engine().upsert_article(article)
        return _stored(article, quotes), 201 if created else 200

    @blp.response(204, description="Deleted")
    @problems(blp, 401, 403, 404, 503, 507)
    @blp.doc(security=_WRITE_SECURITY, operationId="deleteArticle")
    def delete(self, article_id: str) -> None:
        """Delete an article; it stops matching on every worker's next request."""
        if not current_engine().delete_article(article_id):
            abort(404, message=f"No article with id {article_id!r}.")
