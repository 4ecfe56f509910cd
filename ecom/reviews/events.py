"""The reviews' events."""

from marshmallow import Schema, fields

from ecom.common.events import EventKind


class ReviewsChangedSchema(Schema):
    product_id = fields.Integer(required=True)


REVIEWS_CHANGED = EventKind(
    "product.reviews_changed",
    ReviewsChangedSchema,
    description="A review of the product was written, edited, moderated or deleted.",
)
