"""Permission groups and integration tokens: what comes in and what goes out."""

import marshmallow as ma
from marshmallow import validate

from ecom.common.field_messages import N_
from ecom.common.ids import ID_RANGE
from ecom.common.permissions import PERMISSIONS
from ecom.common.schemas import NOT_BLANK, ResponseSchema, Text

NAME = [validate.Length(max=80, error=N_("At most {max} characters.")), NOT_BLANK]


def _permissions(**kwargs: object) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(validate=validate.OneOf(list(PERMISSIONS))),
        validate=validate.Length(max=len(PERMISSIONS)),
        metadata={"description": "Permission names, each one of those docs/PERMISSIONS.md lists."},
        **kwargs,
    )


class PermissionGroupWriteSchema(ma.Schema):
    class Meta:
        example = {"name": "Warehouse", "permissions": ["manage_stock", "manage_orders"]}

    name = Text(required=True, validate=NAME)
    permissions = _permissions(load_default=list)
    members = ma.fields.List(
        ma.fields.Integer(strict=True, validate=ID_RANGE),
        load_default=list,
        validate=validate.Length(max=1000),
        metadata={"description": "Ids of the staff members in the group (the list replaces)."},
    )


class PermissionGroupPatchSchema(PermissionGroupWriteSchema):
    """Any subset of a group's fields (used with ``partial=True``)."""

    class Meta:
        example = {"members": [1]}


class PermissionGroupSchema(ResponseSchema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    permissions = ma.fields.List(ma.fields.String(metadata={"enum": list(PERMISSIONS)}))
    members = ma.fields.Function(
        lambda group: [user.id for user in group.members],
        metadata={"type": "array", "items": {"type": "integer"}},
    )
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class IntegrationTokenWriteSchema(ma.Schema):
    class Meta:
        example = {"name": "ERP", "permissions": ["manage_orders", "manage_stock"]}

    name = Text(required=True, validate=NAME)
    permissions = _permissions(required=True)


class IntegrationTokenSchema(ResponseSchema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    hint = ma.fields.String(metadata={"description": "The token's first characters."})
    permissions = ma.fields.List(ma.fields.String(metadata={"enum": list(PERMISSIONS)}))
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    last_used_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "To the minute: not written on every use."}
    )
    revoked_at = ma.fields.DateTime(allow_none=True)


class NewIntegrationTokenSchema(IntegrationTokenSchema):
    token = ma.fields.String(
        metadata={"description": "The secret, shown this once: the shop keeps only its hash."}
    )
