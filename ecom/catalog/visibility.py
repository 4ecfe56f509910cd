"""Who sees which products: anybody sees an active product and its active variants, staff
see every one (``include_inactive``, the reader being staff). Every read of the catalog,
and the reviews of its products, asks here."""

from collections.abc import Iterable

from flask_babel import gettext
from sqlalchemy import Select

from ecom.catalog.models import Product, ProductVariant
from ecom.common.errors import NotFound


def is_visible(row: Product | ProductVariant | None, *, include_inactive: bool) -> bool:
    """Whether the reader sees this product or variant (None: there is none to see)."""
    return row is not None and (include_inactive or row.is_active)


def visible_product(product: Product | None, *, include_inactive: bool) -> Product:
    """The product if the reader sees it; else not found, as if it did not exist."""
    if not is_visible(product, include_inactive=include_inactive):
        raise NotFound(gettext("Product not found."))
    return product


def visible_variants(
    variants: Iterable[ProductVariant], *, include_inactive: bool
) -> list[ProductVariant]:
    return [v for v in variants if is_visible(v, include_inactive=include_inactive)]


def visible_products(query: Select, *, include_inactive: bool) -> Select:
    """``query`` (of products, or joined to them) keeping the products the reader sees."""
    return query if include_inactive else query.where(Product.is_active)
