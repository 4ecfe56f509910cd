"""What the catalog API takes in and answers, with its validation messages."""

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from ecom.catalog.image_schemas import ImageSet
from ecom.catalog.listing import ORDERING
from ecom.common.field_messages import N_
from ecom.common.fieldsets import FieldSet
from ecom.common.ids import COUNT_RANGE, ID_RANGE
from ecom.common.money import POSITIVE_AMOUNT, AmountInput, Currency, Money
from ecom.common.ordering import OrderingField
from ecom.common.pagination import Cursor, PageArgsSchema
from ecom.common.schemas import NOT_BLANK, Boolean, QueryBoolean, ResponseSchema, Text
from ecom.common.storage import image_url

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"
# An option filter: `name:value`, each 1 to 50 characters, not blank (split at the first `:`).
OPTION_FILTER = r"^[^:\s\x00-\x1f][^:\x00-\x1f]{0,49}:[^\s\x00-\x1f][^\x00-\x1f]{0,49}$"


def sku_field(description: str, **kwargs: object) -> ma.fields.String:
    """A SKU as clients send it (the catalog's SKUs are unique)."""
    return Text(
        validate=[
            validate.Length(min=1, max=64, error=N_("1 to {max} characters.")),
            validate.Regexp(
                SKU_PATTERN,
                error=N_("Letters, digits and . _ / -, starting with a letter or digit."),
            ),
        ],
        metadata={"description": description, "example": "TEE-M-RED"},
        **kwargs,
    )


# --- categories -------------------------------------------------------------------------


class CategoryRefSchema(ResponseSchema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    slug = ma.fields.String(dump_only=True)


class CategorySchema(ResponseSchema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    slug = ma.fields.String(dump_only=True, metadata={"description": "Generated from the name."})
    description = ma.fields.String(dump_only=True)
    parent = ma.fields.Integer(
        attribute="parent_id", dump_only=True, allow_none=True, metadata={"description": "Id."}
    )
    created_at = ma.fields.DateTime(dump_only=True)


class CategoryDetailSchema(CategorySchema):
    children = ma.fields.List(ma.fields.Nested(CategoryRefSchema), dump_only=True)
    path = ma.fields.List(
        ma.fields.Nested(CategoryRefSchema),
        dump_only=True,
        metadata={"description": "Breadcrumbs from the root down to this category."},
    )


class CategoryTreeSchema(CategoryRefSchema):
    children = ma.fields.List(ma.fields.Nested(lambda: CategoryTreeSchema()), dump_only=True)


class CategoryWriteSchema(ma.Schema):
    class Meta:
        example = {
            "name": "Garden furniture",
            "description": "Benches, tables and chairs.",
            "parent": None,
        }

    name = Text(
        required=True,
        validate=[validate.Length(max=100, error=N_("At most {max} characters.")), NOT_BLANK],
    )
    description = Text(load_default="")
    parent_id = ma.fields.Integer(
        data_key="parent",
        allow_none=True,
        strict=True,
        validate=ID_RANGE,
        load_default=None,
        metadata={"description": "Id of the parent category; null for a top-level one."},
    )


class CategoryPatchSchema(CategoryWriteSchema):
    """Any subset of the fields (load it with ``partial=True``)."""


class CategoryListArgsSchema(PageArgsSchema):
    parent = Text(
        validate=validate.Regexp(r"^(root|[0-9]+)$", error=N_("A category id or `root`.")),
        metadata={"description": "Children of this category id, or `root` for top-level ones."},
    )


# --- products ---------------------------------------------------------------------------


class ProductSummarySchema(ResponseSchema):
    """A product as other resources (cart lines) show it."""

    id = ma.fields.Integer(dump_only=True)
    title = ma.fields.String(dump_only=True)
    slug = ma.fields.String(dump_only=True)
    price = Money(
        metadata={
            "description": 'The lowest price a customer pays over its active variants ("from"): '
            "a variant's sale price where a promotion lowers it."
        }
    )
    price_min = Money(attribute="price", metadata={"description": "The same as `price`."})
    price_max = Money(
        metadata={"description": "The highest price a customer pays over its active variants."}
    )
    price_undiscounted = Money(
        metadata={
            "description": "The regular price of the variant `price` comes from; above "
            "`price` while a promotion lowers it, else equal."
        }
    )
    currency = Currency()
    image = ma.fields.Function(
        lambda product: image_url(product.image),
        dump_only=True,
        allow_none=True,
        metadata={"type": "string", "format": "uri"},
    )
    in_stock = ma.fields.Function(
        lambda product: product.stock_quantity > 0,
        dump_only=True,
        metadata={"type": "boolean"},
    )


class ProductSchema(ProductSummarySchema):
    images = ImageSet(
        attribute="image",
        metadata={"description": "The image and its renditions by width (docs/API.md)."},
    )
    description = ma.fields.String(dump_only=True)
    category = ma.fields.Integer(attribute="category_id", dump_only=True)
    category_name = ma.fields.String(attribute="category.name", dump_only=True)
    tax_class_id = ma.fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Tax class id; null: the shop's default class."},
    )
    stock_quantity = ma.fields.Integer(
        dump_only=True, metadata={"description": "Units on sale over its active variants."}
    )
    is_active = ma.fields.Boolean(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)
    average_rating = ma.fields.Decimal(
        places=1,
        as_string=True,
        dump_only=True,
        allow_none=True,
        metadata={
            "type": "string",
            "format": "decimal",
            "pattern": r"^[0-5]\.[0-9]$",
            "example": "4.5",
            "description": "Mean rating, 1 decimal; null until reviewed.",
        },
    )
    reviews_count = ma.fields.Integer(dump_only=True)


class ProductWriteSchema(ma.Schema):
    class Meta:
        example = {
            "title": "Oak garden bench",
            "description": "Seats three.",
            "price": "149.00",
            "stock_quantity": 5,
            "sku": "BENCH-OAK",
            "category": 1,
            "is_active": True,
        }

    title = Text(
        required=True,
        validate=[validate.Length(max=200, error=N_("At most {max} characters.")), NOT_BLANK],
    )
    description = Text(load_default="")
    price = AmountInput(
        required=True,
        pattern=POSITIVE_AMOUNT,
        description="above 0, at most 99999999.99 and 2 decimals, no leading zero",
    )
    stock_quantity = ma.fields.Integer(load_default=0, strict=True, validate=COUNT_RANGE)
    sku = sku_field("Its default variant's SKU (unique); `P<id>` if omitted.")
    category_id = ma.fields.Integer(
        data_key="category",
        required=True,
        strict=True,
        validate=ID_RANGE,
        metadata={"description": "Category id."},
    )
    is_active = Boolean(load_default=True)
    tax_class_id = ma.fields.Integer(
        allow_none=True,
        strict=True,
        validate=ID_RANGE,
        metadata={"description": "Tax class id (`/tax/classes/`); null: the shop's default."},
    )


class ProductPatchSchema(ProductWriteSchema):
    """Any subset of the fields (load it with ``partial=True``)."""

    class Meta:
        example = {"title": "Oak garden bench, three seats", "is_active": True}


class ProductImageSchema(ma.Schema):
    image = Upload(
        required=True, metadata={"description": "A JPEG, PNG or WebP image (MAX_IMAGE_BYTES)."}
    )


class ProductListArgsSchema(PageArgsSchema):
    category = Text(
        metadata={"description": "Category id or slug; includes all its subcategories."}
    )
    price_min = AmountInput(
        description="lowest price, inclusive (0 to 99999999.99): an active variant costs this "
        "or more, at its sale price if it has one (with price_max: one variant within both)"
    )
    price_max = AmountInput(
        description="highest price, inclusive (0 to 99999999.99): an active variant costs this "
        "or less, at its sale price if it has one; below price_min, nothing matches"
    )
    in_stock = QueryBoolean(
        metadata={"description": "`true`: an active variant is in stock; `false`: none is."}
    )
    is_active = QueryBoolean(
        metadata={"description": "Staff only (ignored for others, who see active products)."}
    )
    option = ma.fields.List(
        Text(
            validate=validate.Regexp(
                OPTION_FILTER, error=N_("`name:value`, e.g. `size:m` (each 1 to 50 characters).")
            )
        ),
        validate=validate.Length(max=10, error=N_("At most {max} options.")),
        metadata={
            "description": "`name:value`, repeatable (`option=size:m&option=colour:red`), any "
            "case: products with one active variant having all those values."
        },
    )
    search = Text(
        validate=validate.Length(max=200),
        metadata={
            "description": "Words in title or description; prefixes match (`iph`); or a "
            "variant's exact SKU."
        },
    )
    ordering = OrderingField(
        ORDERING,
        "Default: `-created_at`, or relevance when searching. `price` is the lowest price "
        "a customer pays over a product's active variants (sale prices included).",
        metadata={"example": "category,-price"},
    )

    fieldset = FieldSet(ProductSchema, data_key="fields")

    cursor = Cursor(
        metadata={
            "description": "Keyset pages in id order, for crawls and exports: empty for the "
            "first page, then the `cursor` of the `next` link; `ordering` and `page` are "
            "ignored."
        }
    )

    @ma.post_load
    def _split(self, data: dict, **kwargs: object) -> dict:
        if "option" in data:
            pairs = (text.split(":", 1) for text in data["option"])
            data["option"] = sorted({(n.strip().lower(), v.strip().lower()) for n, v in pairs})
        return data
