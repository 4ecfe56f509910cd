"""Seeded orders in every status, with their lines (variant, SKU and label copied), totals,
status history and units shipped and delivered as their status says."""

import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ecom.accounts.addresses import SHIPPING_FIELDS
from ecom.accounts.models import User
from ecom.cli.seeding.rows import ORDER_WINDOW_DAYS, SeededVariant, Seeder, insert_rows
from ecom.extensions import db
from ecom.orders.models import (
    NEW_PAYMENT_STATUS,
    ORDER_STATUSES,
    Order,
    OrderItem,
    OrderStatusChange,
)
from ecom.orders.placing import line_amounts, order_amounts
from ecom.orders.transitions import payment_status_after, status_path
from ecom.pricing.breakdown import Breakdown
from ecom.pricing.services import price

STATUS_WEIGHTS = (10, 15, 10, 5, 15, 40, 10)


@dataclass
class SeededLine:
    variant: SeededVariant
    quantity: int


def _shipping_address(address: dict) -> dict:
    return {key: address[key] for key in SHIPPING_FIELDS}


def _order_status(rng: random.Random, number: int) -> str:
    """Every status appears in the first six orders; then a plausible mix."""
    if number < len(ORDER_STATUSES):
        return ORDER_STATUSES[number]
    return rng.choices(ORDER_STATUSES, STATUS_WEIGHTS)[0]


def _lines(seeder: Seeder, min_units: int) -> Breakdown:
    size = min(len(seeder.variants), seeder.rng.choices((1, 2, 3, 4), (50, 30, 15, 5))[0])
    chosen = seeder.rng.sample(seeder.variants, size)
    lines = [
        SeededLine(variant, seeder.rng.choices((1, 2, 3), (75, 20, 5))[0]) for variant in chosen
    ]
    lines[0].quantity += max(0, min_units - sum(line.quantity for line in lines))
    return price(lines)


def _units_shipped(quantities: list[int], status: str) -> list[int]:
    """Units shipped per line: all once shipped, the first half of them while partially
    shipped, none before."""
    if status in ("shipped", "delivered"):
        return quantities
    if status != "partially_shipped":
        return [0] * len(quantities)
    left, shipped = sum(quantities) // 2, []
    for quantity in quantities:
        shipped.append(min(quantity, left))
        left -= shipped[-1]
    return shipped


def _history(seeder: Seeder, user_id: int, path: tuple[str, ...], placed: datetime) -> list[dict]:
    changes, moment, previous = [], placed, None
    for step, status in enumerate(path):
        if step:
            moment = min(moment + timedelta(minutes=seeder.rng.randint(20, 2000)), seeder.end)
        by = user_id if status in ("pending", "cancelled") else seeder.staff_id
        changes.append(
            {
                "from_status": previous,
                "to_status": status,
                "changed_by_id": by,
                "note": "",
                "created_at": moment,
            }
        )
        previous = status
    return changes


def _payment_status(path: tuple[str, ...]) -> str:
    return functools.reduce(payment_status_after, path[1:], NEW_PAYMENT_STATUS)


def seed_orders(seeder: Seeder, count: int) -> None:
    """Orders in every status, with their lines, totals and status history."""
    if not seeder.customer_ids or not seeder.variants:
        return
    orders, lines, histories = [], [], []
    for number in range(count):
        rng = seeder.rng
        user_id = rng.choice(seeder.customer_ids)
        final = _order_status(rng, number)
        # Half the cancelled orders were paid first.
        stops = ("paid", final) if final == "cancelled" and rng.random() < 0.5 else (final,)
        path = status_path(*stops)
        placed = seeder.moment(ORDER_WINDOW_DAYS)
        # Some units of a partially shipped order are still to ship.
        pricing = _lines(seeder, min_units=2 if final == "partially_shipped" else 1)
        history = _history(seeder, user_id, path, placed)
        orders.append(
            {
                "user_id": user_id,
                "status": path[-1],
                "payment_status": _payment_status(path),
                **order_amounts(pricing),
                "shipping_address": _shipping_address(seeder.addresses[user_id]),
                "created_at": placed,
                "updated_at": history[-1]["created_at"],
            }
        )
        lines.append((pricing.lines, path[-1], history[-1]["created_at"]))
        histories.append(history)
        if path[-1] == "delivered":
            seeder.delivered_pairs.update(
                (user_id, line.source.variant.product_id) for line in pricing.lines
            )
    order_ids = insert_rows(Order, orders, label="Orders")
    _count_orders_placed()
    insert_rows(OrderItem, list(_item_rows(order_ids, lines)))
    insert_rows(OrderStatusChange, list(_history_rows(order_ids, histories)))


def _item_rows(order_ids: list[int], lines: list) -> Iterator[dict]:
    for order_id, (order_lines, status, moved_at) in zip(order_ids, lines, strict=True):
        shipped = _units_shipped([line.quantity for line in order_lines], status)
        for line, units in zip(order_lines, shipped, strict=True):
            variant = line.source.variant
            delivered = status == "delivered"
            yield {
                "order_id": order_id,
                "product_id": variant.product_id,
                "variant_id": variant.id,
                "title": variant.title,
                "sku": variant.sku,
                "variant_label": variant.label,
                "quantity": line.quantity,
                "quantity_fulfilled": units,
                "quantity_delivered": units if delivered else 0,
                "delivered_at": moved_at if delivered else None,
                **line_amounts(line),
            }


def _count_orders_placed() -> None:
    placed = select(func.count(Order.id)).where(Order.user_id == User.id).scalar_subquery()
    # The seeded dates stay: one seed always gives the same rows.
    db.session.execute(update(User).values(orders_placed=placed, updated_at=User.updated_at))


def _history_rows(order_ids: list[int], histories: list) -> Iterator[dict]:
    for order_id, history in zip(order_ids, histories, strict=True):
        for change in history:
            yield {"order_id": order_id, **change}
