"""Vouchers: codes for money off an order (or free shipping), their conditions, and their
redemption by orders, counted under the voucher's row lock.

The pricing package calls ``find_voucher``, ``check_voucher`` and ``voucher_covers`` to
price a cart, and checkout calls ``redeem`` in its transaction. What a customer has
ordered before comes in as ``orders_placed``: orders are a layer above."""

from datetime import datetime
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import Select, func, insert, literal, or_, select, update

from ecom.catalog.models import ProductVariant
from ecom.common.errors import NotFound
from ecom.common.models import is_postgresql, lock_row
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.promotions import errors
from ecom.promotions.models import Voucher, VoucherRedemption
from ecom.promotions.services import as_amounts, check_period_and_value
from ecom.promotions.targets import category_subtrees, rows_named

VOUCHER_FIELDS = (
    "code",
    "kind",
    "value",
    "scope",
    "min_subtotal",
    "min_quantity",
    "starts_at",
    "ends_at",
    "usage_limit",
    "usage_limit_per_customer",
    "first_order_only",
    "is_active",
)


def normal_code(code: str) -> str:
    """Codes are compared without case: stored and looked up upper-cased."""
    return code.strip().upper()


def find_voucher(code: str) -> Voucher:
    """The voucher with this code, in any case; ``VoucherNotFound`` otherwise."""
    voucher = db.session.scalar(select(Voucher).where(Voucher.code == normal_code(code)))
    if voucher is None:
        raise errors.VoucherNotFound()
    return voucher


def times_used_by(voucher_id: int, user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            VoucherRedemption.voucher_id == voucher_id, VoucherRedemption.user_id == user_id
        )
    )


def check_voucher(
    voucher: Voucher,
    *,
    user_id: int | None,
    orders_placed: int,
    subtotal: Decimal,
    quantity: int,
    at: datetime,
) -> None:
    """Raise the first condition the voucher fails (a ``VoucherRefused``, 409 with its
    code); ``subtotal`` and ``quantity`` are those of the lines it covers, after catalogue
    promotions."""
    if not voucher.is_active or at < voucher.starts_at:
        raise errors.VoucherNotActive()
    if voucher.ends_at is not None and at >= voucher.ends_at:
        raise errors.VoucherExpired()
    if voucher.usage_limit is not None and voucher.used_count >= voucher.usage_limit:
        raise errors.VoucherExhausted()
    per_customer = voucher.usage_limit_per_customer
    if (
        per_customer is not None
        and user_id is not None
        and times_used_by(voucher.id, user_id) >= per_customer
    ):
        raise errors.VoucherCustomerLimit()
    if voucher.first_order_only and orders_placed > 0:
        raise errors.VoucherFirstOrderOnly()
    if voucher.min_subtotal is not None and subtotal < voucher.min_subtotal:
        raise errors.VoucherMinSubtotal(voucher.min_subtotal)
    if voucher.min_quantity is not None and quantity < voucher.min_quantity:
        raise errors.VoucherMinQuantity(voucher.min_quantity)


def voucher_covers(voucher: Voucher, variant: ProductVariant) -> bool:
    """Whether the voucher applies to this variant's lines: a whole-order voucher to all,
    a selection's to its products and to products in its categories or below."""
    if voucher.scope == "order":
        return True
    if any(product.id == variant.product_id for product in voucher.products):
        return True
    return variant.product.category_id in category_subtrees(voucher.categories)


def redeem(
    voucher_id: int,
    *,
    user_id: int,
    order_id: int,
    orders_placed: int,
    subtotal: Decimal,
    quantity: int,
    at: datetime,
) -> Voucher:
    """Use the voucher for the order, in the caller's transaction: every condition checked
    again, then ``used_count`` + 1 by one conditional UPDATE (it waits for a racing
    order's and reads the count it left) and a redemption written. Of racing orders, no
    more than the usage limit gets through. (A customer's own checkouts are serialised
    by their cart's lock, which holds the limit per customer.)"""
    voucher = db.session.get(Voucher, voucher_id)
    if voucher is None:
        raise errors.VoucherNotFound()
    check_voucher(
        voucher,
        user_id=user_id,
        orders_placed=orders_placed,
        subtotal=subtotal,
        quantity=quantity,
        at=at,
    )
    if not _count_use(voucher.id, user_id, order_id, at):
        raise errors.VoucherExhausted()
    db.session.expire(voucher, ["used_count"])
    return voucher


def _count_use(voucher_id: int, user_id: int, order_id: int, at: datetime) -> bool:
    """``used_count`` + 1 unless the usage limit is reached, and the redemption written;
    on PostgreSQL in one statement (the UPDATE in a CTE), elsewhere in two."""
    within_limit = or_(Voucher.usage_limit.is_(None), Voucher.used_count < Voucher.usage_limit)
    counted = (
        update(Voucher)
        .where(Voucher.id == voucher_id, within_limit)
        .values(used_count=Voucher.used_count + 1)
        .execution_options(synchronize_session=False)
    )
    row = {"voucher_id": voucher_id, "user_id": user_id, "order_id": order_id, "created_at": at}
    if is_postgresql():
        used = counted.returning(Voucher.id).cte("used")
        values = select(used.c.id, *(literal(row[name]) for name in list(row)[1:]))
        written = insert(VoucherRedemption).from_select(list(row), values).add_cte(used)
        return db.session.execute(written).rowcount == 1
    if db.session.execute(counted).rowcount != 1:
        return False
    db.session.execute(insert(VoucherRedemption).values(row))
    return True


# --- staff ------------------------------------------------------------------------------


def get_voucher(voucher_id: int) -> Voucher:
    voucher = db.session.get(Voucher, voucher_id)
    if voucher is None:
        raise NotFound(gettext("Voucher not found."))
    return voucher


def vouchers_query(is_active: bool | None = None) -> Select:
    """Vouchers, newest first."""
    query = select(Voucher).order_by(Voucher.id.desc())
    return query if is_active is None else query.where(Voucher.is_active.is_(is_active))


def redemptions_query(voucher_id: int) -> Select:
    """A voucher's redemptions, newest first."""
    get_voucher(voucher_id)
    return (
        select(VoucherRedemption)
        .where(VoucherRedemption.voucher_id == voucher_id)
        .order_by(VoucherRedemption.id.desc())
    )


def _check(values: dict, voucher_id: int | None = None) -> None:
    """The period and value rules (a free-shipping voucher's value is 0), a unique code."""
    if values["kind"] == "free_shipping":
        values["value"] = Decimal(0)
    elif values.get("value") is None:
        raise errors.RuleBroken("invalid_value", {"value": [gettext("Required for this kind.")]})
    check_period_and_value(values)
    taken = db.session.scalar(select(Voucher.id).where(Voucher.code == values["code"]))
    if taken is not None and taken != voucher_id:
        raise errors.VoucherCodeTaken()


def _write(voucher: Voucher, data: dict) -> None:
    for field in VOUCHER_FIELDS:
        if field in data:
            setattr(voucher, field, data[field])
    if "product_ids" in data:
        voucher.products = rows_named("product_ids", data["product_ids"])
    if "category_ids" in data:
        voucher.categories = rows_named("category_ids", data["category_ids"])


def create_voucher(data: dict) -> Voucher:
    data = as_amounts(data, "value", "min_subtotal") | {"code": normal_code(data["code"])}
    _check(data)
    with atomic(keep_loaded=True, on_conflict=errors.VoucherCodeTaken()):
        voucher = Voucher(used_count=0)
        _write(voucher, data)
        db.session.add(voucher)
    return voucher


def update_voucher(voucher_id: int, changes: dict) -> Voucher:
    changes = as_amounts(changes, "value", "min_subtotal")
    if "code" in changes:
        changes = {**changes, "code": normal_code(changes["code"])}
    with atomic(keep_loaded=True, on_conflict=errors.VoucherCodeTaken()):
        voucher = lock_row(Voucher, voucher_id)
        if voucher is None:
            raise NotFound(gettext("Voucher not found."))
        merged = {field: getattr(voucher, field) for field in VOUCHER_FIELDS} | changes
        _check(merged, voucher.id)
        _write(voucher, changes | {"value": merged["value"]})
    return voucher


def delete_voucher(voucher_id: int) -> None:
    """Delete a voucher nobody used; a used one is refused (409 ``voucher_in_use``):
    deactivate it instead, so its redemptions stay with their orders."""
    with atomic(on_conflict=errors.VoucherInUse()):
        voucher = lock_row(Voucher, voucher_id)
        if voucher is None:
            raise NotFound(gettext("Voucher not found."))
        if voucher.used_count:
            raise errors.VoucherInUse()
        db.session.delete(voucher)
