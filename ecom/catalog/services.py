"""Catalog rules: categories, products, stock and ratings."""

from decimal import Decimal

from sqlalchemy import select, update

from ecom.catalog.models import Product
from ecom.extensions import db


def lock_products(product_ids: list[int]) -> dict[int, Product]:
    """Lock the products' rows (``SELECT … FOR UPDATE``) in id order, so that two
    checkouts locking overlapping products cannot deadlock. Caller owns the transaction."""
    query = (
        select(Product)
        .where(Product.id.in_(product_ids))
        .order_by(Product.id)
        # Only the products' rows: locking the joined categories too would deadlock
        # checkouts whose products share categories in crossed orders.
        .with_for_update(of=Product)
        # Rows already in the session must show the values read under the lock.
        .execution_options(populate_existing=True)
    )
    return {product.id: product for product in db.session.scalars(query)}


def restock(product_id: int, quantity: int) -> None:
    """Put ``quantity`` units back (cancellation); caller owns the transaction."""
    db.session.execute(
        update(Product)
        .where(Product.id == product_id)
        .values(stock_quantity=Product.stock_quantity + quantity)
    )


def set_rating(product_id: int, average: Decimal | None, count: int) -> None:
    """Store a product's rating summary, computed by the reviews service."""
    db.session.execute(
        update(Product)
        .where(Product.id == product_id)
        .values(average_rating=average, reviews_count=count)
    )


# Used by checkout and reviews.


def take_stock(product_id: int, quantity: int) -> bool:
    """Remove ``quantity`` units of a product on sale if that many are left; False if not.

    The condition is checked by the UPDATE itself, so no interleaving can oversell, with or
    without row locks. Caller owns the transaction."""
    result = db.session.execute(
        update(Product)
        .where(
            Product.id == product_id,
            Product.is_active.is_(True),
            Product.stock_quantity >= quantity,
        )
        .values(stock_quantity=Product.stock_quantity - quantity)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
