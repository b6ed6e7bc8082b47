"""GET /articles/{id}: the readable view of a stored article, with a passage highlighted."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema


class ArticleViewArgsSchema(Schema):
    """`start` and `end` are character offsets into the article text, as /v1/verify gives them."""

    class Meta:
        unknown = RAISE

    start = fields.Integer(
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={"description": "First character of the passage to highlight"},
    )
    end = fields.Integer(
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={"description": "Character after the passage"},
    )

    @validates_schema
    def both_or_neither(self, data: dict, **_: object) -> None:
        if ("start" in data) != ("end" in data):
            raise ValidationError("Give both start and end, or neither.", "end")
        if "start" in data and data["start"] >= data["end"]:
            raise ValidationError("end must be greater than start.", "end")
