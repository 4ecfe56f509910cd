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
from functools import cache

from flask import current_app
from sqlalchemy import (
    Integer,
    Select,
    Subquery,
    Update,
    bindparam,
    case,
    func,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import contains_eager

from ecom.catalog.errors import InsufficientStock
from ecom.catalog.events import STOCK_LOW
from ecom.catalog.models import Product, ProductVariant
from ecom.common.events import record
from ecom.common.models import is_postgresql, locked, utcnow
from ecom.extensions import db


def in_lock_order(query: Select) -> Select:
    """``query``, joined to the products, read under their row locks taken in id order
    (order it further after this)."""
    # Only the products' rows: locking the joined categories too would deadlock checkouts
    # whose products share categories in crossed orders.
    return locked(query.order_by(Product.id), of=Product)


def lock_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """Lock the products' rows (``SELECT … FOR UPDATE``) in id order."""
    query = in_lock_order(select(Product).where(Product.id.in_(list(product_ids))))
    return {product.id: product for product in db.session.scalars(query)}


def lock_variants(variant_ids: Iterable[int]) -> dict[int, ProductVariant]:
    """The variants, read under their products' row locks (taken in product id order)."""
    query = in_lock_order(
        select(ProductVariant)
        .join(ProductVariant.product)
        .options(contains_eager(ProductVariant.product))
        .where(ProductVariant.id.in_(list(variant_ids)))
    ).order_by(ProductVariant.id)
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


def _take(wanted: Subquery) -> Update:
    """Remove from each variant ``wanted`` names (``id``, ``quantity``) its quantity if it
    is on sale and that many are left; returning each variant taken and its product.
    ``:now`` is the time of the change.

    The condition is checked by the UPDATE itself, so no interleaving can oversell, with or
    without row locks."""
    active_products = select(Product.id).where(Product.is_active.is_(True))
    return (
        update(ProductVariant)
        .where(
            ProductVariant.id == wanted.c.id,
            ProductVariant.is_active.is_(True),
            ProductVariant.stock_quantity >= wanted.c.quantity,
            ProductVariant.product_id.in_(active_products),
        )
        .values(
            stock_quantity=ProductVariant.stock_quantity - wanted.c.quantity,
            updated_at=bindparam("now"),
        )
        .returning(ProductVariant.id, ProductVariant.product_id)
        .execution_options(synchronize_session=False)
    )


def _listed(quantities: Mapping[int, int]) -> Subquery:
    """Variant ids and quantities as rows of literal values, on any database."""
    rows = [
        select(
            literal(variant_id, Integer).label("id"), literal(quantity, Integer).label("quantity")
        )
        for variant_id, quantity in quantities.items()
    ]
    return union_all(*rows).subquery("wanted")


def take_all(variants: Mapping[int, ProductVariant], quantities: Mapping[int, int]) -> None:
    """Take every variant's quantity and keep the products' sums, or raise
    ``InsufficientStock`` listing each one short (the caller's transaction then rolls back
    what was taken). The statements are as many whatever the lines.

    ``variants`` are read under their products' locks (``in_lock_order``)."""
    taken = _take_and_settle(quantities) if is_postgresql() else _take_then_settle(quantities)
    short = sorted(set(quantities) - taken)
    if short:
        # The rows read under the locks are what is left: every stock writer takes them.
        raise InsufficientStock(
            [shortage(variants[vid], quantities[vid], on_sale(variants[vid])) for vid in short]
        )
    _tell_low(variants, quantities)
    _forget_stock(variants.values())


def _tell_low(variants: Mapping[int, ProductVariant], taken: Mapping[int, int]) -> None:
    """Record ``stock.low`` for each variant the take brought down to the threshold."""
    threshold = current_app.config["LOW_STOCK_THRESHOLD"]
    for variant_id, quantity in taken.items():
        variant = variants[variant_id]
        left = variant.stock_quantity - quantity  # read under the lock, before the take
        if left <= threshold < variant.stock_quantity:
            record(
                STOCK_LOW,
                product_id=variant.product_id,
                variant_id=variant.id,
                sku=variant.sku,
                stock_quantity=left,
                threshold=threshold,
            )


def _take_and_settle(quantities: Mapping[int, int]) -> set[int]:
    """The take and the products' sums in one statement; the ids of the variants taken."""
    settled = db.session.scalars(
        _take_and_settle_statement(),
        {"variant_ids": list(quantities), "quantities": list(quantities.values()), "now": utcnow()},
    )
    return {variant_id for variant_ids in settled for variant_id in variant_ids}


@cache
def _take_and_settle_statement() -> Update:
    """PostgreSQL's: the take inside a WITH, of the ``:variant_ids`` and ``:quantities``
    arrays, whatever their length (one statement to build and plan), then each product's
    sum; returning the ids taken, grouped by product."""
    wanted = select(
        func.unnest(bindparam("variant_ids", type_=ARRAY(Integer))).label("id"),
        func.unnest(bindparam("quantities", type_=ARRAY(Integer))).label("quantity"),
    ).subquery("wanted")
    taken = _take(wanted).returning(wanted.c.quantity).cte("taken")
    per_product = (
        select(
            taken.c.product_id,
            func.sum(taken.c.quantity).label("quantity"),
            func.array_agg(taken.c.id).label("variant_ids"),
        )
        .group_by(taken.c.product_id)
        .subquery("per_product")
    )
    return (
        update(Product)
        .where(Product.id == per_product.c.product_id)
        .values(
            stock_quantity=Product.stock_quantity - per_product.c.quantity,
            updated_at=bindparam("now"),
        )
        .returning(per_product.c.variant_ids)
        .execution_options(synchronize_session=False)
    )


def _take_then_settle(quantities: Mapping[int, int]) -> set[int]:
    """The take, then the products' sums: two statements where an UPDATE cannot sit in a
    WITH (SQLite); the ids of the variants taken."""
    taken = db.session.execute(_take(_listed(quantities)), {"now": utcnow()}).all()
    # Only variants on sale are taken: every unit taken leaves its product's sum.
    _add_to_sums((row.product_id, -quantities[row.id]) for row in taken)
    return {row.id for row in taken}


def restock_all(quantities: Mapping[int, int]) -> None:
    """Put units back on their variants (a cancellation), under their products' locks."""
    variants = lock_variants(quantities)
    db.session.execute(
        update(ProductVariant)
        .where(ProductVariant.id.in_(list(quantities)))
        .values(
            stock_quantity=ProductVariant.stock_quantity
            + case(dict(quantities), value=ProductVariant.id)
        )
        .execution_options(synchronize_session=False)
    )
    _add_to_sums(
        (variant.product_id, quantities[variant.id])
        for variant in variants.values()
        if variant.is_active
    )
    _forget_stock(variants.values())


def stock_sum(variants: Iterable[ProductVariant]) -> int:
    """A product's ``stock_quantity``: the units of its active variants."""
    return sum(variant.stock_quantity for variant in variants if variant.is_active)


def _add_to_sums(changes: Iterable[tuple[int, int]]) -> None:
    """Add each change (product id, units of its active variants) to its product's
    ``stock_sum``, in one statement."""
    per_product: Counter[int] = Counter()
    for product_id, units in changes:
        per_product[product_id] += units
    if any(per_product.values()):
        db.session.execute(
            update(Product)
            .where(Product.id.in_(list(per_product)))
            .values(
                stock_quantity=Product.stock_quantity + case(dict(per_product), value=Product.id)
            )
            .execution_options(synchronize_session=False)
        )


def _forget_stock(variants: Iterable[ProductVariant]) -> None:
    """The rows in the session, changed by SQL alone, are read again when next used."""
    for variant in variants:
        db.session.expire(variant, ["stock_quantity", "updated_at"])
        db.session.expire(variant.product, ["stock_quantity", "updated_at"])
