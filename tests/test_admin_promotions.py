"""Back office promotions and vouchers: written through the services, with their rules."""

from decimal import Decimal

from sqlalchemy import func, select

from ecom.catalog.models import Product
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.promotions import vouchers
from ecom.promotions.models import Promotion, Voucher
from tests.factories import admin_csrf_token, admin_login, make_order, make_product, make_user


def html(response) -> str:
    return response.get_data(as_text=True)


def post(client, url: str, **fields):
    return client.post(
        url, data={"csrf_token": admin_csrf_token(client), **fields}, follow_redirects=True
    )


PROMOTION_FORM = {
    "name": "Half off",
    "kind": "percentage",
    "value": "50",
    "starts_at": "2026-01-01 00:00:00",
    "is_active": "y",
}


def test_a_promotion_created_in_the_back_office_sets_sale_prices(client, staff, embedded_jobs):
    product = make_product(price="40.00")
    admin_login(client, staff)

    post(client, "/admin/promotions/new/", **PROMOTION_FORM, products=str(product.id))

    db.session.expire_all()
    assert db.session.get(Product, product.id).price == Decimal("20.00")


def test_a_promotion_ending_before_it_starts_is_refused_with_a_message(client, staff):
    admin_login(client, staff)
    response = post(
        client, "/admin/promotions/new/", **PROMOTION_FORM, ends_at="2025-01-01 00:00:00"
    )
    assert "Must be after starts_at." in html(response)
    assert db.session.scalar(select(func.count()).select_from(Promotion)) == 0


def test_a_voucher_is_created_upper_cased_and_its_usage_is_listed(client, staff):
    admin_login(client, staff)
    post(
        client,
        "/admin/vouchers/new/",
        code="spring",
        kind="fixed",
        value="5",
        scope="order",
        starts_at="2026-01-01 00:00:00",
        is_active="y",
    )
    voucher = db.session.scalar(select(Voucher))
    assert voucher.code == "SPRING"

    customer = make_user()
    order = make_order(customer, (make_product(), 1))
    with atomic():
        vouchers.redeem(
            voucher.id,
            user_id=customer.id,
            order_id=order.id,
            orders_placed=0,
            subtotal=Decimal("10"),
            quantity=1,
            at=utcnow(),
        )
    listed = html(client.get(f"/admin/voucher-redemptions/?flt0_voucher_id_equals={voucher.id}"))
    assert f">{order.id}<" in listed.replace(" ", "").replace("\n", "")


def test_a_used_voucher_is_not_deleted_from_the_back_office(client, staff):
    customer = make_user()
    order = make_order(customer, (make_product(), 1))
    voucher = vouchers.create_voucher(
        {"code": "USED", "kind": "fixed", "value": "5", "starts_at": utcnow()}
    )
    with atomic():
        vouchers.redeem(
            voucher.id,
            user_id=customer.id,
            order_id=order.id,
            orders_placed=0,
            subtotal=Decimal("10"),
            quantity=1,
            at=utcnow(),
        )
    admin_login(client, staff)

    response = post(client, "/admin/vouchers/delete/", id=str(voucher.id))

    assert "deactivate it instead" in html(response)
    assert db.session.get(Voucher, voucher.id) is not None
