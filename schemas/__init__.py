"""Marshmallow schemas: the single source of the HTTP contract (validation, output, OpenAPI)."""
