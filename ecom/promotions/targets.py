"""What promotions and vouchers name: products, variants and categories (each category
with its descendants), read through the catalog."""

from collections.abc import Iterable

from flask_babel import gettext
from sqlalchemy import select

from ecom.catalog.categories import subtree_ids
from ecom.catalog.models import Category, Product, ProductVariant
from ecom.common.errors import NotFound
from ecom.extensions import db

# Request field → the catalog model it names.
TARGET_MODELS = {"product_ids": Product, "variant_ids": ProductVariant, "category_ids": Category}


def rows_named(field: str, ids: Iterable[int]) -> list:
    """The rows ``ids`` name in ``field``; 404 naming the field when one does not exist."""
    wanted = sorted(set(ids))
    model = TARGET_MODELS[field]
    rows = list(db.session.scalars(select(model).where(model.id.in_(wanted)).order_by(model.id)))
    missing = sorted(set(wanted) - {row.id for row in rows})
    if missing:
        message = gettext("Not found: %(ids)s.", ids=", ".join(map(str, missing)))
        raise NotFound(message, code="target_not_found", errors={field: [message]})
    return rows


def category_subtrees(categories: Iterable[Category]) -> set[int]:
    """The categories' ids and those of every category below them."""
    return {cid for category in categories for cid in subtree_ids(str(category.id))}


def products_under(
    *,
    products: Iterable[Product],
    variants: Iterable[ProductVariant],
    categories: Iterable[Category],
) -> set[int]:
    """Ids of the products named directly, through a variant, or by a category subtree."""
    ids = {product.id for product in products} | {variant.product_id for variant in variants}
    subtree = category_subtrees(categories)
    if subtree:
        ids |= set(db.session.scalars(select(Product.id).where(Product.category_id.in_(subtree))))
    return ids
