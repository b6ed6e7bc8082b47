"""POST /v1/verify and /v1/verify/batch."""

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate

from schemas.articles import NOT_BLANK_PATTERN, WHITESPACE, ArticleRefSchema, Utf8String, is_blank
from schemas.quotes import QUOTE_KINDS, SpeakerSchema

MAX_QUOTE_CHARS = 2000
MAX_BATCH_ITEMS = 100
VERDICTS = ("verbatim", "close", "altered", "not_found")


def _not_blank(value: str) -> None:
    if value and is_blank(value):  # "" is already too short
        raise ValidationError("Quote must not be blank.")


class VerifyRequestSchema(Schema):
    quote = Utf8String(
        required=True,
        validate=[validate.Length(min=1, max=MAX_QUOTE_CHARS), _not_blank],
        metadata={
            "description": "The candidate quote, 1-2,000 characters, not blank; whitespace "
            "around it is ignored",
            "pattern": NOT_BLANK_PATTERN,
        },
    )
    speaker = Utf8String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "Who the quote is claimed to be from (blank: nobody)"},
    )
    limit = fields.Integer(
        strict=True,  # 2.5 or "3" is a client bug to report, not a value to coerce
        load_default=3,
        validate=validate.Range(min=1, max=10),
        metadata={"description": "Matches to return: the best plus limit-1 alternatives"},
    )

    @pre_load
    def require_object(self, data: object, **_: object) -> object:
        if not isinstance(data, dict):
            raise ValidationError("Expected a JSON object.")
        return data

    @post_load
    def trim(self, data: dict, **_: object) -> dict:
        """Trim after validating, so the limits are those of the string as sent (as published)."""
        data["quote"] = data["quote"].strip(WHITESPACE)
        if data.get("speaker") is not None:
            data["speaker"] = data["speaker"].strip(WHITESPACE) or None
        return data


class VerifyBatchRequestSchema(Schema):
    items = fields.List(
        fields.Nested(VerifyRequestSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH_ITEMS),
    )


class DifferenceSchema(Schema):
    op = fields.String(required=True, validate=validate.OneOf(("replace", "insert", "delete")))
    quote = fields.String(required=True, metadata={"description": "Words in the candidate"})
    original = fields.String(required=True, metadata={"description": "Words in the article"})
    flags = fields.List(
        fields.String(),
        metadata={
            "description": (
                "What the change is: negation, number, name (meaning changes: the quote is "
                "altered); editorial (an [insertion]); spelling (a typo or variant) and "
                "contraction (close); punctuation (same letters and numbers, other punctuation "
                "inside words: verbatim); attribution (narration a split quote skipped: "
                "verbatim); outside_quote (words past the article's quote marks: altered)"
            )
        },
    )


class EarliestCopySchema(Schema):
    """The earliest published article holding the match's words, and where."""

    article = fields.Nested(ArticleRefSchema, required=True)
    start = fields.Integer(
        required=True, metadata={"description": "Character offset in that article, inclusive"}
    )
    end = fields.Integer(
        required=True, metadata={"description": "Character offset in that article, exclusive"}
    )


class MatchSchema(Schema):
    text = fields.String(required=True, metadata={"description": "Exact characters of the article"})
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    article = fields.Nested(ArticleRefSchema, required=True)
    context = fields.String(required=True, metadata={"description": "The paragraph"})
    kind = fields.String(required=True, validate=validate.OneOf(QUOTE_KINDS))
    copies = fields.Integer(
        required=True,
        metadata={
            "description": "Articles holding these same words, this one included (1 = only "
            "this one): syndicated copies, or a phrase many people say"
        },
    )
    earliest = fields.Nested(
        EarliestCopySchema,
        required=True,
        allow_none=True,
        metadata={
            "description": "The earliest published of those articles (possibly this one), with "
            "the passage's offsets in it; null when none of them has a date"
        },
    )


class AlternativeSchema(MatchSchema):
    speaker = fields.Nested(SpeakerSchema, allow_none=True)
    confidence = fields.Float(required=True)
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    differences = fields.List(fields.Nested(DifferenceSchema), required=True)


class ClaimedSpeakerSchema(Schema):
    name = fields.String(required=True)
    matches = fields.Boolean(required=True)


class VerifyResponseSchema(Schema):
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    confidence = fields.Float(
        required=True,
        metadata={"description": "Probability that `match` is the true source (0 when not found)"},
    )
    match = fields.Nested(MatchSchema, allow_none=True, required=True)
    speaker = fields.Nested(SpeakerSchema, allow_none=True, required=True)
    claimed_speaker = fields.Nested(ClaimedSpeakerSchema, allow_none=True, required=True)
    differences = fields.List(fields.Nested(DifferenceSchema), required=True)
    alternatives = fields.List(fields.Nested(AlternativeSchema), required=True)


class VerifyBatchResponseSchema(Schema):
    results = fields.List(fields.Nested(VerifyResponseSchema), required=True)
