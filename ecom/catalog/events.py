"""The catalogue's events: products and categories created, changed or deleted."""

from marshmallow import Schema, fields

from ecom.common.events import EventKind


class ProductSchema(Schema):
    product_id = fields.Integer(required=True)


class StockLowSchema(Schema):
    product_id = fields.Integer(required=True)
    variant_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    stock_quantity = fields.Integer(required=True)
    threshold = fields.Integer(required=True)


class CategorySchema(Schema):
    category_id = fields.Integer(required=True)


PRODUCT_CREATED = EventKind(
    "product.created",
    ProductSchema,
    description="A product was created (`product.changed` follows in the same transaction).",
)
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
STOCK_LOW = EventKind(
    "stock.low",
    StockLowSchema,
    description="A sale took a variant's stock from above `LOW_STOCK_THRESHOLD` to at most it.",
)
CATEGORY_CHANGED = EventKind(
    "category.changed", CategorySchema, description="A category was created or changed."
)
CATEGORY_DELETED = EventKind(
    "category.deleted", CategorySchema, description="A category was deleted."
)
