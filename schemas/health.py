"""Health and version endpoints."""

from marshmallow import Schema, fields


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadinessSchema(Schema):
    status = fields.String(required=True)
    articles = fields.Integer(required=True)


class VersionSchema(Schema):
    version = fields.String(required=True)
    articles = fields.Integer(required=True)
    generation = fields.Integer(required=True, metadata={"description": "Store write counter"})
