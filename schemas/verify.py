"""POST /v1/verify and /v1/verify/batch."""

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from schemas.articles import ArticleRefSchema, Utf8String
from schemas.quotes import QUOTE_KINDS, SpeakerSchema

MAX_QUOTE_CHARS = 2000
MAX_BATCH_ITEMS = 100
VERDICTS = ("verbatim", "close", "altered", "not_found")


class VerifyRequestSchema(Schema):
    quote = Utf8String(
        required=True,
        validate=validate.Length(min=1, max=MAX_QUOTE_CHARS),
        metadata={"description": "The candidate quote, 1-2,000 characters after trimming"},
    )
    speaker = Utf8String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "Who the quote is claimed to be from"},
    )
    limit = fields.Integer(
        strict=True,  # 2.5 or "3" is a client bug to report, not a value to coerce
        load_default=3,
        validate=validate.Range(min=1, max=10),
        metadata={"description": "Matches to return: the best plus limit-1 alternatives"},
    )

    @pre_load
    def trim(self, data: object, **_: object) -> object:
        """Trim before validating so "   " is rejected as empty, not accepted as a quote."""
        if not isinstance(data, dict):
            raise ValidationError("Expected a JSON object.")
        data = dict(data)
        for key in ("quote", "speaker"):
            if isinstance(data.get(key), str):
                data[key] = data[key].strip() or (None if key == "speaker" else "")
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
        metadata={"description": "Meaning changes: negation, number, name, editorial"},
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
