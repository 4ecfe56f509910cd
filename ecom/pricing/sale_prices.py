"""Stored sale prices: what the best live catalogue promotion makes of each variant's
regular price, written on the variants (and their products' summaries) so that lists and
carts read them without reading promotions.

Recomputed by the outbox job ``pricing.sale_prices`` after a promotion is written or
deleted and after a variant's regular price changes, and at promotions' starts and ends
by ``apply_boundaries`` (beat, or the sweep on the embedded default)."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ecom.catalog.models import ProductVariant
from ecom.catalog.services import set_sale_prices
from ecom.catalog.stock import lock_products
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.pricing.money import minor_unit, round_money
from ecom.promotions import services as promotions
from ecom.promotions.models import Promotion

RECOMPUTE = "pricing.sale_prices"

SalePrice = tuple[Decimal | None, int | None]


def promotion_price(price: Decimal, promotion: Promotion) -> Decimal:
    """``price`` lowered by the promotion, rounded half up, never below the minor unit."""
    if promotion.kind == "percentage":
        lowered = round_money(price * (Decimal(100) - promotion.value) / Decimal(100))
    else:
        lowered = round_money(price - promotion.value)
    return max(lowered, minor_unit())


def best_price(price: Decimal, candidates: Iterable[Promotion]) -> SalePrice:
    """The lowest price any candidate gives (ties: the lower promotion id) and that
    promotion's id; ``(None, None)`` when none lowers the price."""
    offers = sorted((promotion_price(price, p), p.id) for p in candidates)
    if not offers or offers[0][0] >= price:
        return None, None
    return offers[0]


def sale_prices_of(variants: Iterable[ProductVariant], at: datetime) -> dict[int, SalePrice]:
    """Each variant's sale price and promotion at ``at``."""
    reaches = promotions.live_reaches(at)
    return {
        variant.id: best_price(
            variant.price,
            (reach.promotion for reach in reaches if reach.covers(variant)),
        )
        for variant in variants
    }


def recompute_products(product_ids: Iterable[int], at: datetime | None = None) -> None:
    """Compute and store the sale prices of these products' variants as of ``at`` (now)."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    with atomic():
        # Read under the products' locks: a price written meanwhile waits, then triggers
        # its own recompute, which reads it.
        lock_products(ids)
        variants = db.session.scalars(
            select(ProductVariant)
            .where(ProductVariant.product_id.in_(ids))
            .options(joinedload(ProductVariant.product))
        ).all()
        set_sale_prices(sale_prices_of(variants, at or utcnow()))


def recompute_job(_key: str, payload: dict) -> None:
    """The outbox job: idempotent, as it computes from what is stored when it runs."""
    recompute_products(payload["product_ids"])


def apply_boundaries(at: datetime | None = None) -> int:
    """Recompute the promotions whose start or end passed since they were last applied;
    how many."""
    at = at or utcnow()
    due = promotions.due_boundaries(at)
    if not due:
        return 0
    with atomic():
        product_ids = set().union(*(promotions.affected_product_ids(p) for p in due))
        recompute_products(product_ids, at)
        promotions.mark_applied([promotion.id for promotion in due], at)
    return len(due)
