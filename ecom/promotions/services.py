"""Catalogue promotions: their rules, their targets, and which are live when.

Every write records ``promotion.changed`` or ``promotion.deleted`` with the products whose
sale prices it may move; the pricing package listens and recomputes them
(``ecom.pricing.sale_prices``)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import Select, exists, or_, select, update

from ecom.catalog.models import ProductVariant
from ecom.common.errors import NotFound
from ecom.common.events import record
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.promotions.errors import RuleBroken
from ecom.promotions.events import PROMOTION_CHANGED, PROMOTION_DELETED
from ecom.promotions.models import Promotion
from ecom.promotions.targets import category_subtrees, products_under, rows_named

PROMOTION_FIELDS = ("name", "kind", "value", "starts_at", "ends_at", "is_active")


def check_period_and_value(values: dict) -> None:
    """What promotions and vouchers share: an end after the start (409
    ``invalid_period``), a percentage above 0 and at most 100, a fixed amount above 0
    (409 ``invalid_value``); nothing written. The schemas refuse what one field shows
    alone (400)."""
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise RuleBroken("invalid_period", {"ends_at": [gettext("Must be after starts_at.")]})
    kind, value = values.get("kind"), values.get("value")
    value = None if value is None else Decimal(value)
    if value is not None and kind == "percentage" and not Decimal(0) < value <= 100:
        raise RuleBroken(
            "invalid_value", {"value": [gettext("A percentage above 0 and at most 100.")]}
        )
    if value is not None and kind == "fixed" and not value > 0:
        raise RuleBroken("invalid_value", {"value": [gettext("An amount above 0.")]})


def get_promotion(promotion_id: int) -> Promotion:
    promotion = db.session.get(Promotion, promotion_id)
    if promotion is None:
        raise NotFound(gettext("Promotion not found."))
    return promotion


def promotions_query(is_active: bool | None = None) -> Select:
    """Promotions, newest first."""
    query = select(Promotion).order_by(Promotion.id.desc())
    return query if is_active is None else query.where(Promotion.is_active.is_(is_active))


def as_amounts(values: dict, *fields: str) -> dict:
    """``values`` with these fields as ``Decimal`` (a caller may pass strings)."""
    return values | {f: Decimal(values[f]) for f in fields if values.get(f) is not None}


def create_promotion(data: dict) -> Promotion:
    data = as_amounts(data, "value")
    check_period_and_value(data)
    with atomic(keep_loaded=True):
        promotion = Promotion(
            **{field: data[field] for field in PROMOTION_FIELDS if field in data},
            applied_at=utcnow(),
        )
        _set_targets(promotion, data)
        db.session.add(promotion)
        db.session.flush()
        _changed(promotion, set())
    return promotion


def update_promotion(promotion_id: int, changes: dict) -> Promotion:
    changes = as_amounts(changes, "value")
    with atomic(keep_loaded=True):
        promotion = get_promotion(promotion_id)
        merged = {field: getattr(promotion, field) for field in PROMOTION_FIELDS} | changes
        check_period_and_value(merged)
        before = affected_product_ids(promotion)
        for field in PROMOTION_FIELDS:
            if field in changes:
                setattr(promotion, field, changes[field])
        _set_targets(promotion, changes)
        promotion.applied_at = utcnow()
        db.session.flush()
        _changed(promotion, before)
    return promotion


def delete_promotion(promotion_id: int) -> None:
    """Delete a promotion; its variants' sale prices are recomputed without it."""
    with atomic():
        promotion = get_promotion(promotion_id)
        product_ids = sorted(affected_product_ids(promotion))
        db.session.delete(promotion)
        record(PROMOTION_DELETED, promotion_id=promotion_id, product_ids=product_ids)


def _set_targets(promotion: Promotion, data: dict) -> None:
    for field, relation in (
        ("product_ids", "products"),
        ("variant_ids", "variants"),
        ("category_ids", "categories"),
    ):
        if field in data:
            setattr(promotion, relation, rows_named(field, data[field]))


def _changed(promotion: Promotion, before: set[int]) -> None:
    product_ids = sorted(before | affected_product_ids(promotion))
    record(PROMOTION_CHANGED, promotion_id=promotion.id, product_ids=product_ids)


def affected_product_ids(promotion: Promotion) -> set[int]:
    """Products it names now, and those whose variants carry its sale price."""
    carrying = select(ProductVariant.product_id).where(ProductVariant.promotion_id == promotion.id)
    named = products_under(
        products=promotion.products, variants=promotion.variants, categories=promotion.categories
    )
    return named | set(db.session.scalars(carrying))


def is_live(promotion: Promotion, at: datetime) -> bool:
    return (
        promotion.is_active
        and promotion.starts_at <= at
        and (promotion.ends_at is None or at < promotion.ends_at)
    )


@dataclass(frozen=True)
class Reach:
    """What one live promotion names, as ids."""

    promotion: Promotion
    product_ids: frozenset[int]
    variant_ids: frozenset[int]
    category_ids: frozenset[int]

    def covers(self, variant: ProductVariant) -> bool:
        return (
            variant.id in self.variant_ids
            or variant.product_id in self.product_ids
            or variant.product.category_id in self.category_ids
        )


def live_reaches(at: datetime) -> list[Reach]:
    """Every promotion live at ``at``, with what it names (categories with descendants)."""
    query = select(Promotion).where(
        Promotion.is_active.is_(True),
        Promotion.starts_at <= at,
        or_(Promotion.ends_at.is_(None), Promotion.ends_at > at),
    )
    return [
        Reach(
            promotion,
            frozenset(product.id for product in promotion.products),
            frozenset(variant.id for variant in promotion.variants),
            frozenset(category_subtrees(promotion.categories)),
        )
        for promotion in db.session.scalars(query.order_by(Promotion.id))
    ]


def may_price(product_id: int, at: datetime) -> bool:
    """Whether a promotion is live or to come, or one already prices the product's
    variants: only then can a change of its prices move a sale price."""
    coming = exists().where(
        Promotion.is_active.is_(True), or_(Promotion.ends_at.is_(None), Promotion.ends_at > at)
    )
    carrying = exists().where(
        ProductVariant.product_id == product_id, ProductVariant.promotion_id.is_not(None)
    )
    return bool(db.session.scalar(select(or_(coming, carrying))))


def due_boundaries(at: datetime) -> list[Promotion]:
    """Promotions whose start or end passed since their prices were last applied."""
    passed_since_applied = [
        (moment > Promotion.applied_at) & (moment <= at)
        for moment in (Promotion.starts_at, Promotion.ends_at)
    ]
    query = select(Promotion).where(or_(*passed_since_applied)).order_by(Promotion.id)
    return list(db.session.scalars(query))


def mark_applied(promotion_ids: Iterable[int], at: datetime) -> None:
    """Their prices are as of ``at`` (in the caller's transaction)."""
    db.session.execute(
        update(Promotion)
        .where(Promotion.id.in_(list(promotion_ids)))
        .values(applied_at=at)
        .execution_options(synchronize_session=False)
    )
