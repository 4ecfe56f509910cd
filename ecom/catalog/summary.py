"""A product's summary of its variants, and the lock every variant change takes first."""

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ecom.catalog.events import PRODUCT_CHANGED, VARIANT_PRICE_CHANGED
from ecom.catalog.models import Product, ProductOption, ProductVariant
from ecom.catalog.stock import in_lock_order, stock_sum
from ecom.common.errors import NotFound
from ecom.common.events import record
from ecom.extensions import db


def product_changed(product_id: int) -> None:
    """The product was created or changed, in the current transaction."""
    record(PRODUCT_CHANGED, product_id=product_id)


def prices_changed(product_id: int) -> None:
    """What the product's sale prices come from changed, in the current transaction."""
    record(VARIANT_PRICE_CHANGED, product_id=product_id)


def locked_product(product_id: int) -> Product:
    """The product, its row locked until commit (``ecom.catalog.stock``: product locks come
    first), with its options and variants as they are under the lock."""
    product = db.session.scalar(
        in_lock_order(
            select(Product)
            .where(Product.id == product_id)
            .options(
                selectinload(Product.options).selectinload(ProductOption.values),
                selectinload(Product.variants).selectinload(ProductVariant.values),
            )
        )
    )
    if product is None:
        raise NotFound(gettext("Product not found."))
    return product


def refresh_summary(product: Product) -> None:
    """Set the product's lowest and highest price a customer pays and its units on sale
    from its variants (prices over the active ones, or over all while none is active);
    ``price_undiscounted`` is the regular price of the variant the lowest comes from."""
    db.session.flush()  # New variants get their column defaults.
    active = [variant for variant in product.variants if variant.is_active]
    priced = active or product.variants
    cheapest = min(priced, key=lambda variant: (variant.current_price, variant.price))
    product.price = cheapest.current_price
    product.price_undiscounted = cheapest.price
    product.price_max = max(variant.current_price for variant in priced)
    product.stock_quantity = stock_sum(product.variants)
    product_changed(product.id)
