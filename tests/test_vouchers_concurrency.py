"""Racing redemptions: the voucher's row lock keeps its usage limit exact (PostgreSQL)."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.promotions import vouchers
from ecom.promotions.models import Voucher, VoucherRedemption
from tests.concurrency import CREATED, run_each, skip_unless_postgres
from tests.factories import make_order, make_product, make_user

pytestmark = pytest.mark.committed


def test_fifty_orders_racing_for_a_voucher_limited_to_ten_uses_redeem_it_ten_times(app):
    skip_unless_postgres()
    product = make_product(stock=100)
    customers = [make_user() for _ in range(50)]
    orders = [make_order(customer, (product, 1)) for customer in customers]
    voucher = vouchers.create_voucher(
        {"code": "RACE", "kind": "fixed", "value": "5", "starts_at": utcnow(), "usage_limit": 10}
    )

    def redeem_for(order):
        def action(user):
            with atomic():
                vouchers.redeem(
                    voucher.id,
                    user_id=user.id,
                    order_id=order.id,
                    orders_placed=0,
                    subtotal=Decimal("10.00"),
                    quantity=1,
                    at=utcnow(),
                )

        return action

    outcomes = run_each(
        app, [(c.id, redeem_for(o)) for c, o in zip(customers, orders, strict=True)]
    )

    assert outcomes.count(CREATED) == 10 and outcomes.count(409) == 40
    redemptions = db.session.scalar(select(func.count()).select_from(VoucherRedemption))
    assert redemptions == 10
    assert db.session.scalar(select(Voucher.used_count).where(Voucher.id == voucher.id)) == 10
