"""Stock: row locks in product id order, the conditional take that cannot oversell, restock.

Stock lives on variants; a product's ``stock_quantity`` is the sum over its active variants.
Every change to a variant (a sale, a restock, a staff edit) first locks its product's row,
so product locks are always taken before any variant's and in id order: two checkouts
crossing the same products cannot deadlock, and the product's sum stays exact.

Every function here runs inside its caller's transaction. A stock change invalidates no
cached read: product reads show stock through a short TTL (``STOCK_CACHE_SECONDS``), and a
checkout trusts only the rows it locks."""

from collections import Counter
from collections.abc import Iterable, Mapping

from sqlalchemy import case, select, update
from sqlalchemy.orm import contains_eager

from ecom.catalog.errors import InsufficientStock
from ecom.catalog.models import Product, ProductVariant
from ecom.extensions import db


def lock_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """Lock the products' rows (``SELECT … FOR UPDATE``) in id order."""
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


def lock_variants(variant_ids: Iterable[int]) -> dict[int, ProductVariant]:
    """The variants, read under their products' row locks (taken in product id order)."""
    query = (
        select(ProductVariant)
        .join(ProductVariant.product)
        .options(contains_eager(ProductVariant.product))
        .where(ProductVariant.id.in_(list(variant_ids)))
        .order_by(Product.id, ProductVariant.id)
        .with_for_update(of=Product)
        .execution_options(populate_existing=True)
    )
    return {variant.id: variant for variant in db.session.scalars(query).unique()}


def on_sale(variant: ProductVariant) -> int:
    """Units a buyer can have: none unless both the variant and its product are on sale."""
    return variant.stock_quantity if variant.on_sale else 0


def shortage(variant: ProductVariant, requested: int, available: int) -> dict:
    label = f" ({variant.label})" if variant.label else ""
    return {
        "product_id": variant.product_id,
        "variant_id": variant.id,
        "sku": variant.sku,
        "title": variant.product.title + label,
        "requested": requested,
        "available": available,
    }


def take_stock(variant_id: int, quantity: int) -> bool:
    """Remove ``quantity`` units of a variant on sale (it and its product active) if that
    many are left; False if not.

    The condition is checked by the UPDATE itself, so no interleaving can oversell, with or
    without row locks."""
    active_products = select(Product.id).where(Product.is_active.is_(True))
    result = db.session.execute(
        update(ProductVariant)
        .where(
            ProductVariant.id == variant_id,
            ProductVariant.is_active.is_(True),
            ProductVariant.stock_quantity >= quantity,
            ProductVariant.product_id.in_(active_products),
        )
        .values(stock_quantity=ProductVariant.stock_quantity - quantity)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def take_all(variants: Mapping[int, ProductVariant], quantities: Mapping[int, int]) -> None:
    """Take every variant's quantity, or raise ``InsufficientStock`` listing each one short.

    ``variants`` are read under their products' locks (``lock_variants``)."""
    short = [
        variant_id
        for variant_id, quantity in sorted(quantities.items())
        if not take_stock(variant_id, quantity)
    ]
    if short:
        # The rows read under the locks are what is left: every stock writer takes them.
        raise InsufficientStock(
            [shortage(variants[vid], quantities[vid], on_sale(variants[vid])) for vid in short]
        )
    _settle(variants, {vid: -quantity for vid, quantity in quantities.items()})


def restock_all(quantities: Mapping[int, int]) -> None:
    """Put units back on their variants (a cancellation), under their products' locks."""
    variants = lock_variants(quantities)
    for variant_id, quantity in sorted(quantities.items()):
        db.session.execute(
            update(ProductVariant)
            .where(ProductVariant.id == variant_id)
            .values(stock_quantity=ProductVariant.stock_quantity + quantity)
            .execution_options(synchronize_session=False)
        )
    _settle(variants, quantities)


def _settle(variants: Mapping[int, ProductVariant], changes: Mapping[int, int]) -> None:
    """Add each active variant's change to its product's sum, in one statement; the rows
    in the session, changed by SQL alone, are read again when next used."""
    per_product: Counter[int] = Counter()
    for variant_id, change in changes.items():
        if variants[variant_id].is_active:
            per_product[variants[variant_id].product_id] += change
    if any(per_product.values()):
        db.session.execute(
            update(Product)
            .where(Product.id.in_(list(per_product)))
            .values(stock_quantity=Product.stock_quantity + case(per_product, value=Product.id))
            .execution_options(synchronize_session=False)
        )
    for variant in variants.values():
        db.session.expire(variant, ["stock_quantity", "updated_at"])
        db.session.expire(variant.product, ["stock_quantity", "updated_at"])
