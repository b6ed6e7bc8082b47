"""Health and version endpoints."""

from marshmallow import Schema, fields


class HealthSchema(Schema):
    status = fields.String(required=True)


class StoreStatusSchema(Schema):
    backend = fields.String(required=True, metadata={"description": "sqlite or postgresql"})
    reachable = fields.Boolean(required=True)
    schema_version = fields.Integer(
        required=True, allow_none=True, metadata={"description": "Newest migration applied"}
    )
    error = fields.String(metadata={"description": "Why the store is unreachable"})


class IndexStatusSchema(Schema):
    articles = fields.Integer(required=True, metadata={"description": "Articles indexed"})
    generation = fields.Integer(
        required=True, metadata={"description": "Every store write up to this one is matched"}
    )
    pending = fields.Integer(
        required=True, metadata={"description": "Writes seen in the store, not yet indexed"}
    )
    total = fields.Integer(
        metadata={"description": "While indexing: articles to index (0 while opening a snapshot)"}
    )
    error = fields.String(metadata={"description": "While indexing: why the last attempt failed"})


class ReadinessSchema(Schema):
    status = fields.String(
        required=True, metadata={"description": "ready, indexing or unavailable"}
    )
    articles = fields.Integer(required=True)
    store = fields.Nested(StoreStatusSchema, required=True)
    index = fields.Nested(IndexStatusSchema, required=True)


class VersionSchema(Schema):
    version = fields.String(required=True)
    articles = fields.Integer(required=True)
    generation = fields.Integer(required=True, metadata={"description": "Store write counter"})
