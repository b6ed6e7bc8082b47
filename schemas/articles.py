"""Articles as written through the API or `verbatim import`, and as read back.

The same `ArticleInSchema` validates both paths, so a file the importer accepts is exactly an
article the API would accept.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from schemas.quotes import QuoteSchema
from service.corpus.dates import DateError, parse_published

# Stored text is capped so one article cannot dominate memory or the index: 1 MiB of UTF-8 is
# roughly 170,000 words, far beyond the longest news feature or transcript.
MAX_TEXT_BYTES = 1024 * 1024
MAX_ID_LENGTH = 100
# Ids are slugs (lowercase ASCII words joined by single hyphens), the form the corpus loader
# generates: safe in URLs and file names, no dots or slashes, so no path traversal.
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Rules the service checks in Python, published as JSON Schema `pattern`s meaning exactly the
# same (a pattern is searched, in ECMA-262 and Python alike; `(?![\s\S])` is the end of the
# string, where `$` would also match before a final newline).
ID_SCHEMA_PATTERN = r"^(?:[a-z0-9]+-)*[a-z0-9]+(?![\s\S])"
# Not blank: something other than whitespace. Whitespace spelled out, as what Python's
# `str.isspace` and ECMA-262's `\s` (the published pattern's dialect) count together, since
# the two disagree (U+001C-U+001F and U+0085 are Python's only, U+FEFF is ECMA-262's only).
WHITESPACE = (
    "\t\n\x0b\x0c\r \x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
NOT_BLANK_PATTERN = (
    r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
_NOT_BLANK_RE = re.compile(NOT_BLANK_PATTERN)


def is_blank(value: str) -> bool:
    """Only WHITESPACE (or nothing): the NOT_BLANK_PATTERN rule, the same in Python and JSON."""
    return _NOT_BLANK_RE.search(value) is None


# http(s) and then anything printable: the link an outlet gives, stored and shown as sent. Not
# marshmallow's Url, whose host and TLD rules no JSON Schema can state.
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s\x00-\x1f\x7f]+(?![\s\S])"
_URL_RE = re.compile(URL_PATTERN)
URL_RULE = "Must start with http:// or https:// and hold no spaces or control characters."
ID_DESCRIPTION = (
    "Stable slug: lowercase letters, digits and single hyphens, "
    f"at most {MAX_ID_LENGTH} characters (e.g. 'trump-rules-out-troops')"
)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def is_valid_article_id(value: str) -> bool:
    return len(value) <= MAX_ID_LENGTH and ID_PATTERN.fullmatch(value) is not None


def _validate_id(value: str) -> None:
    if not is_valid_article_id(value):
        raise ValidationError(f"Not a valid article id. {ID_DESCRIPTION}.")


def _validate_url(value: str) -> None:
    if _URL_RE.search(value) is None:
        raise ValidationError(URL_RULE)


def _validate_text(value: str) -> None:
    if is_blank(value):
        raise ValidationError("Text must not be blank.")
    if len(value.encode("utf-8")) > MAX_TEXT_BYTES:
        raise ValidationError(f"Text is larger than {MAX_TEXT_BYTES} bytes of UTF-8.")


class Utf8String(fields.String):
    """A string that can be stored as UTF-8: JSON escapes can smuggle in lone surrogates."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        result = super()._deserialize(value, attr, data, **kwargs)
        try:
            result.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("Not valid UTF-8 (contains a lone surrogate).") from None
        return result


class ArticleInSchema(Schema):
    """An article to create or replace. Only `title` and `text` are required."""

    class Meta:
        unknown = RAISE

    id = Utf8String(
        validate=_validate_id,
        metadata={
            "description": ID_DESCRIPTION,
            "pattern": ID_SCHEMA_PATTERN,
            "maxLength": MAX_ID_LENGTH,
        },
    )
    title = Utf8String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={
            "description": "Headline; required, 1-500 characters, not blank",
            "pattern": NOT_BLANK_PATTERN,
        },
    )
    text = Utf8String(
        required=True,
        validate=_validate_text,
        metadata={
            "description": f"Body, stored exactly as sent (offsets index it); not blank, at "
            f"most {MAX_TEXT_BYTES} bytes of UTF-8",
            "pattern": NOT_BLANK_PATTERN,
        },
    )
    source = Utf8String(allow_none=True, validate=validate.Length(max=300))
    url = Utf8String(
        allow_none=True,
        validate=[validate.Length(max=2000), _validate_url],
        metadata={"description": "Where it was published: an http(s) URL", "pattern": URL_PATTERN},
    )
    published = Utf8String(
        allow_none=True,
        metadata={
            # What to send: the stored form. The reader is more lenient (as the description
            # says), so every date this format allows is accepted.
            "format": "date",
            "description": "Publication date, stored as YYYY-MM-DD. ISO 8601 dates and datetimes "
            "(cut to the date as written) and unambiguous written forms ('19 August 2025', "
            "'Tue, 19 Aug 2025 10:00:00 GMT') are read; an ambiguous ('03/04/2025') or "
            "incomplete ('August 2025') date is refused, never guessed",
        },
    )
    licence = Utf8String(allow_none=True, validate=validate.Length(max=500))
    credit = Utf8String(allow_none=True, validate=validate.Length(max=1000))

    @post_load
    def normalise(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        title = data["title"].strip(WHITESPACE)
        if not title:
            raise ValidationError("Title must not be blank.", "title")
        data["title"] = title
        if data.get("published") is not None:
            try:
                data["published"] = parse_published(data["published"]).isoformat()
            except DateError as exc:
                raise ValidationError(str(exc), "published") from None
        return data


class ArticleReplaceSchema(ArticleInSchema):
    """An article to store under the id in the URL (PUT). The id is the URL's: a body need not
    repeat it, and one that names another id is refused."""

    id = Utf8String(
        validate=_validate_id,
        metadata={
            "description": "The id in the URL; leave it out (a different one is refused)",
            "readOnly": True,
        },
    )


class ArticleListArgsSchema(Schema):
    class Meta:
        unknown = RAISE

    offset = fields.Integer(
        load_default=0,
        # Bounded: SQLite integers are 64-bit, and a larger OFFSET was a 500 (found by fuzzing).
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={"description": "Number of articles to skip (articles are ordered by id)"},
    )
    limit = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={"description": f"Page size, 1-{MAX_PAGE_SIZE}"},
    )


class ArticleRefSchema(Schema):
    """Enough of an article to cite it: what a verify match points at."""

    id = fields.String(required=True)
    title = fields.String(required=True)
    source = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    published = fields.String(allow_none=True, metadata={"description": "ISO date"})


class ArticleSummarySchema(ArticleRefSchema):
    """An article's metadata and how many quotes were extracted from it."""

    licence = fields.String(allow_none=True)
    credit = fields.String(allow_none=True)
    quote_count = fields.Integer(
        required=True, metadata={"description": "Passages of reported speech found in the text"}
    )


class ArticleSchema(ArticleSummarySchema):
    """The stored article, exactly as quotes' offsets index it, with its extracted quotes."""

    text = fields.String(required=True)
    quotes = fields.List(fields.Nested(QuoteSchema), required=True)


class ArticlePageSchema(Schema):
    items = fields.List(fields.Nested(ArticleSummarySchema), required=True)
    total = fields.Integer(required=True, metadata={"description": "Articles in the store"})
    offset = fields.Integer(required=True)
    limit = fields.Integer(required=True)
