"""POST /v1/check: every quote of a draft verified with the speaker the draft gives it."""

from marshmallow import Schema, ValidationError, fields, validate

from schemas.articles import NOT_BLANK_PATTERN, Utf8String, is_blank
from schemas.verify import VerifyResponseSchema

MAX_DRAFT_CHARS = 200_000
# Quotes checked per draft (service/drafts.py MAX_CHECKED_QUOTES; a test keeps them equal).
MAX_CHECKED_QUOTES = 100
CHECKED_KINDS = ("direct", "partial")


def _not_blank(value: str) -> None:
    if value and is_blank(value):  # "" is already too short
        raise ValidationError("Text must not be blank.")


class CheckRequestSchema(Schema):
    text = Utf8String(
        required=True,
        validate=[validate.Length(min=1, max=MAX_DRAFT_CHARS), _not_blank],
        metadata={
            "description": "The draft: 1-200,000 characters of narration and quotes, not blank",
            "pattern": NOT_BLANK_PATTERN,
        },
    )
    limit = fields.Integer(
        strict=True,
        load_default=3,
        validate=validate.Range(min=1, max=10),
        metadata={"description": "Matches per quote, as in /v1/verify: the best plus limit-1"},
    )


class CheckedQuoteSchema(Schema):
    text = fields.String(
        required=True,
        metadata={
            "description": "The quote as verified: exactly the draft's characters [start, end)"
        },
    )
    start = fields.Integer(
        required=True, metadata={"description": "Offset in the draft, inclusive"}
    )
    end = fields.Integer(required=True, metadata={"description": "Offset in the draft, exclusive"})
    kind = fields.String(required=True, validate=validate.OneOf(CHECKED_KINDS))
    claimed_speaker = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Canonical name the draft attributes the quote to, or null"},
    )
    misattributed = fields.Boolean(
        required=True,
        metadata={
            "description": "Found, but the original's speaker is not the claimed one "
            "(result.claimed_speaker.matches is false)"
        },
    )
    result = fields.Nested(
        VerifyResponseSchema,
        required=True,
        metadata={
            "description": "What /v1/verify answers for {quote: text, speaker: claimed_speaker, "
            "limit}"
        },
    )


class DraftSummarySchema(Schema):
    verbatim = fields.Integer(required=True)
    close = fields.Integer(required=True)
    altered = fields.Integer(required=True)
    not_found = fields.Integer(required=True)
    misattributed = fields.Integer(
        required=True,
        metadata={"description": "Quotes found but attributed to the wrong person (overlaps)"},
    )


class CheckResponseSchema(Schema):
    quotes = fields.List(
        fields.Nested(CheckedQuoteSchema),
        required=True,
        metadata={
            "description": "Direct and partial quotes in draft order (scare quotes, titles, "
            f"indirect speech and narration are not checked); at most {MAX_CHECKED_QUOTES}"
        },
    )
    summary = fields.Nested(DraftSummarySchema, required=True)
    total = fields.Integer(
        required=True, metadata={"description": "Quotes found in the draft, checked or not"}
    )
    truncated = fields.Boolean(
        required=True,
        metadata={
            "description": f"True when the draft holds more than {MAX_CHECKED_QUOTES} quotes: "
            "only the first ones were checked"
        },
    )
