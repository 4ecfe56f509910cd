"""The catalogue's events: products and categories created, changed or deleted."""

from marshmallow import Schema, fields

from ecom.common.events import EventKind


class ProductSchema(Schema):
    product_id = fields.Integer(required=True)


class CategorySchema(Schema):
    category_id = fields.Integer(required=True)


PRODUCT_CHANGED = EventKind(
    "product.changed",
    ProductSchema,
    description="A product was created or changed: fields, variants, options, images, rating.",
)
VARIANT_PRICE_CHANGED = EventKind(
    "variant.price_changed",
    ProductSchema,
    description="What a product's sale prices are computed from changed: a variant was "
    "created or its regular price changed, or the product moved to another category.",
)
PRODUCT_DELETED = EventKind("product.deleted", ProductSchema, description="A product was deleted.")
CATEGORY_CHANGED = EventKind(
    "category.changed", CategorySchema, description="A category was created or changed."
)
CATEGORY_DELETED = EventKind(
    "category.deleted", CategorySchema, description="A category was deleted."
)
