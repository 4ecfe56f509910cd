"""The promotions' events."""

from marshmallow import Schema, fields

from ecom.common.events import EventKind


class PromotionSchema(Schema):
    promotion_id = fields.Integer(required=True)
    product_ids = fields.List(
        fields.Integer(),
        required=True,
        metadata={"description": "Products whose sale prices it set or may now set."},
    )


PROMOTION_CHANGED = EventKind(
    "promotion.changed",
    PromotionSchema,
    description="A catalogue promotion was created or changed.",
)
PROMOTION_DELETED = EventKind(
    "promotion.deleted", PromotionSchema, description="A catalogue promotion was deleted."
)
