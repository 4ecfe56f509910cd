import marshmallow as ma
from marshmallow import validate

from ecom.common.ids import ID_RANGE
from ecom.common.ordering import OrderingField
from ecom.common.pagination import PageArgsSchema
from ecom.common.schemas import EMPTY_OR_NOT_BLANK, NOT_BLANK, QueryInteger, ResponseSchema, Text
from ecom.reviews.services import ORDERING

RATING = validate.Range(min=1, max=5)


class ReviewUpdateSchema(ma.Schema):
    """The author's edit; the product cannot change."""

    class Meta:
        example = {"rating": 5, "title": "Sturdy", "comment": "Solid wood, easy to put together."}

    rating = ma.fields.Integer(
        required=True, strict=True, validate=RATING, metadata={"description": "1 to 5."}
    )
    title = Text(load_default="", validate=[validate.Length(max=200), EMPTY_OR_NOT_BLANK])
    comment = Text(required=True, validate=[validate.Length(max=5000), NOT_BLANK])


class ReviewCreateSchema(ReviewUpdateSchema):
    class Meta:
        example = {
            "product": 1,
            "rating": 5,
            "title": "Sturdy",
            "comment": "Solid wood, easy to put together.",
        }

    product = ma.fields.Integer(
        required=True,
        strict=True,
        validate=ID_RANGE,
        attribute="product_id",
        metadata={"description": "Product id."},
    )


class ReviewSchema(ResponseSchema):
    id = ma.fields.Integer()
    product = ma.fields.Integer(attribute="product_id", metadata={"description": "Product id."})
    user = ma.fields.Integer(attribute="user_id", metadata={"description": "Author's user id."})
    rating = ma.fields.Integer(metadata={"description": "1 to 5."})
    title = ma.fields.String()
    comment = ma.fields.String()
    verified_purchase = ma.fields.Boolean(
        metadata={"description": "The author has a delivered order containing the product."}
    )
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ReviewListArgsSchema(PageArgsSchema):
    product = QueryInteger(validate=ID_RANGE, metadata={"description": "Reviews of one product."})
    rating = QueryInteger(validate=RATING)
    ordering = OrderingField(ORDERING, "Default: `-created_at`.")


class ReviewPatchSchema(ReviewUpdateSchema):
    """Any subset of the editable fields (used with ``partial=True``)."""
