"""RFC 9457 problem details, the body of every error response."""

from marshmallow import Schema, fields


class ProblemSchema(Schema):
    type = fields.String(metadata={"description": "URI identifying the problem type"})
    title = fields.String(required=True, metadata={"description": "Short summary of the status"})
    status = fields.Integer(required=True, metadata={"description": "HTTP status code"})
    detail = fields.String(metadata={"description": "What went wrong, in plain words"})
    instance = fields.String(metadata={"description": "The request path"})
    errors = fields.Dict(
        metadata={"description": "Validation errors by location and field (422 only)"}
    )
    request_id = fields.String(metadata={"description": "The X-Request-ID of the request"})
