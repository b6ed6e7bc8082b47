"""Quotes and speakers as returned by /v1/extract, /v1/articles and /v1/verify."""

from marshmallow import Schema, fields, validate

QUOTE_KINDS = ("direct", "partial", "indirect", "narration")


class MentionSchema(Schema):
    text = fields.String(required=True, metadata={"description": "Words naming the speaker"})
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)


class SpeakerSchema(Schema):
    name = fields.String(
        required=True, metadata={"description": "Canonical full name, e.g. 'Donald Trump'"}
    )
    mention = fields.Nested(
        MentionSchema,
        allow_none=True,
        metadata={"description": "The words in the article that attribute the passage"},
    )
    confidence = fields.Float(required=True, validate=validate.Range(0, 1))
    method = fields.String(
        metadata={"description": "How the attribution was made: explicit, pronoun, carry, ..."}
    )


class QuoteSchema(Schema):
    text = fields.String(required=True)
    start = fields.Integer(required=True, metadata={"description": "Character offset, inclusive"})
    end = fields.Integer(required=True, metadata={"description": "Character offset, exclusive"})
    kind = fields.String(required=True, validate=validate.OneOf(QUOTE_KINDS))
    speaker = fields.Nested(SpeakerSchema, allow_none=True)
