import marshmallow as ma
from marshmallow import validate

from ecom.common.audit import ACTIONS
from ecom.common.ids import ID_RANGE
from ecom.common.pagination import PageArgsSchema
from ecom.common.schemas import QueryInteger, ResponseSchema, Text, UtcDateTime


class AuditListArgsSchema(PageArgsSchema):
    actor_user_id = QueryInteger(
        validate=ID_RANGE, metadata={"description": "Entries of this staff member."}
    )
    actor_token_id = QueryInteger(
        validate=ID_RANGE, metadata={"description": "Entries of this integration token."}
    )
    object_type = Text(
        validate=validate.Length(max=64),
        metadata={"description": "The table of the changed rows (`products`, `orders`...)."},
    )
    object_id = Text(
        validate=validate.Length(max=64),
        metadata={"description": "The changed row's id (with `object_type`)."},
    )
    created_after = UtcDateTime(metadata={"description": "ISO 8601 (UTC unless given); inclusive."})
    created_before = UtcDateTime(
        metadata={"description": "ISO 8601 (UTC unless given); exclusive."}
    )


class ChangeSchema(ResponseSchema):
    before = ma.fields.Raw(allow_none=True, metadata={"description": "`***` when masked."})
    after = ma.fields.Raw(allow_none=True, metadata={"description": "`***` when masked."})


class AuditEntrySchema(ResponseSchema):
    id = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    actor_user_id = ma.fields.Integer(allow_none=True)
    actor_email = ma.fields.String(
        allow_none=True, metadata={"description": "The staff member's e-mail at the time."}
    )
    actor_token_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String(metadata={"enum": list(ACTIONS)})
    object_type = ma.fields.String()
    object_id = ma.fields.String()
    method = ma.fields.String(metadata={"example": "PATCH"})
    route = ma.fields.String(metadata={"example": "/api/v1/products/<int:product_id>/"})
    ip = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(
        allow_none=True, metadata={"description": "The request log's `request_id`."}
    )
    changes = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(ChangeSchema),
        metadata={
            "description": "The changed fields, each before and after (a creation's have "
            "no `before`, a deletion's no `after`); secrets and password hashes are `***`."
        },
    )
