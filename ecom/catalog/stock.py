"""Stock: row locks in id order, the conditional take that cannot oversell, restock.

Every function here runs inside its caller's transaction. A stock change invalidates no
cached read: product reads show stock through a short TTL (``STOCK_CACHE_SECONDS``), and a
checkout trusts only the rows it locks."""

from collections.abc import Iterable

from sqlalchemy import select, update

from ecom.catalog.errors import InsufficientStock
from ecom.catalog.models import Product
from ecom.extensions import db


def lock_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """Lock the products' rows (``SELECT … FOR UPDATE``) in id order, so that two
    checkouts locking overlapping products cannot deadlock."""
    query = (
        select(Product)
        .where(Product.id.in_(list(product_ids)))
        .order_by(Product.id)
        # Only the products' rows: locking the joined categories too would deadlock
        # checkouts whose products share categories in crossed orders.
        .with_for_update(of=Product)
        # Rows already in the session must show the values read under the lock.
        .execution_options(populate_existing=True)
    )
    return {product.id: product for product in db.session.scalars(query)}


def shortage(product: Product, requested: int, available: int) -> dict:
    return {
        "product_id": product.id,
        "title": product.title,
        "requested": requested,
        "available": available,
    }


def take_stock(product_id: int, quantity: int) -> bool:
    """Remove ``quantity`` units of a product on sale if that many are left; False if not.

    The condition is checked by the UPDATE itself, so no interleaving can oversell, with or
    without row locks."""
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


def take_all(products: dict[int, Product], quantities: dict[int, int]) -> None:
    """Take every product's quantity, or raise ``InsufficientStock`` listing each one short.

    ``products`` are the locked rows (``lock_products``); they are expired afterwards, as
    their stock changed by SQL alone."""
    short = [pid for pid, quantity in quantities.items() if not take_stock(pid, quantity)]
    if short:
        rows = db.session.execute(
            select(Product.id, Product.stock_quantity, Product.is_active).where(
                Product.id.in_(short)
            )
        )
        on_sale = {product_id: stock if active else 0 for product_id, stock, active in rows}
        raise InsufficientStock(
            [shortage(products[pid], quantities[pid], on_sale[pid]) for pid in short]
        )
    for product in products.values():
        db.session.expire(product, ["stock_quantity", "updated_at"])


def restock(product_id: int, quantity: int) -> None:
    """Put ``quantity`` units back (cancellation)."""
    db.session.execute(
        update(Product)
        .where(Product.id == product_id)
        .values(stock_quantity=Product.stock_quantity + quantity)
    )
