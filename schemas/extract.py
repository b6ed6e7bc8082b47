"""POST /v1/extract: attribution for any text, nothing stored."""

from marshmallow import Schema, fields, validate

from schemas.articles import Utf8String
from schemas.quotes import QuoteSchema

MAX_EXTRACT_CHARS = 200_000


class ExtractRequestSchema(Schema):
    text = Utf8String(required=True, validate=validate.Length(min=1, max=MAX_EXTRACT_CHARS))
    title = Utf8String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class ExtractResponseSchema(Schema):
    quotes = fields.List(fields.Nested(QuoteSchema), required=True)
