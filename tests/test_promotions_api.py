"""The staff API of promotions and vouchers: shapes, permissions, bad input."""

from decimal import Decimal

import pytest

from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.promotions import vouchers
from ecom.promotions.models import Promotion, Voucher
from tests.factories import make_category, make_order, make_product, make_user, token_headers

PROMOTIONS, VOUCHERS = "/api/v1/promotions/", "/api/v1/vouchers/"
START = "2026-01-01T00:00:00Z"


@pytest.fixture
def staff_headers(staff):
    return token_headers(staff)


def promotion_body(**fields) -> dict:
    return {"name": "Winter", "kind": "percentage", "value": "20", "starts_at": START, **fields}


def test_staff_create_read_change_and_delete_a_promotion(client, staff_headers, embedded_jobs):
    category = make_category("Coats")
    created = client.post(
        PROMOTIONS, json=promotion_body(category_ids=[category.id]), headers=staff_headers
    )
    assert created.status_code == 201
    body = created.json
    assert body["category_ids"] == [category.id] and body["value"] == "20.00"
    url = f"{PROMOTIONS}{body['id']}/"

    assert client.get(url, headers=staff_headers).json["name"] == "Winter"
    changed = client.patch(url, json={"value": "30"}, headers=staff_headers)
    assert changed.status_code == 200 and changed.json["value"] == "30.00"
    listed = client.get(PROMOTIONS, headers=staff_headers).json
    assert [p["id"] for p in listed["results"]] == [body["id"]]
    assert client.delete(url, headers=staff_headers).status_code == 204
    assert client.get(url, headers=staff_headers).status_code == 404


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"ends_at": "2025-12-31T00:00:00Z"}, 409, "ends_at"),
        ({"value": "100.01"}, 409, "value"),
        ({"kind": "fixed", "value": "0"}, 400, "value"),
        ({"value": "-5"}, 400, "value"),
        ({"kind": "half"}, 400, "kind"),
        ({"product_ids": [999999]}, 404, "product_ids"),
    ],
)
def test_a_bad_promotion_is_refused_naming_the_field_and_nothing_is_written(
    client, staff_headers, fields, status, field
):
    response = client.post(PROMOTIONS, json=promotion_body(**fields), headers=staff_headers)
    assert response.status_code == status
    assert field in response.json["errors"]["json"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Promotion)) == 0


@pytest.mark.parametrize("role", ["anonymous", "customer"])
def test_only_staff_reach_promotions_and_vouchers(client, role):
    headers = token_headers(make_user("customer")) if role == "customer" else {}
    for path in (PROMOTIONS, VOUCHERS):
        assert client.get(path, headers=headers).status_code in (401, 403)
        assert client.post(path, json={}, headers=headers).status_code in (401, 403)


def test_staff_manage_vouchers_and_see_their_redemptions(client, staff_headers):
    created = client.post(
        VOUCHERS,
        json={
            "code": "freeship",
            "kind": "free_shipping",
            "starts_at": START,
            "min_subtotal": "50",
        },
        headers=staff_headers,
    )
    assert created.status_code == 201
    assert (created.json["code"], created.json["value"]) == ("FREESHIP", "0.00")
    assert created.json["used_count"] == 0
    taken = client.post(
        VOUCHERS,
        json={"code": "FreeShip", "kind": "fixed", "value": "5", "starts_at": START},
        headers=staff_headers,
    )
    assert (taken.status_code, taken.json["code"]) == (409, "voucher_code_taken")
    no_value = client.post(
        VOUCHERS, json={"code": "X1", "kind": "fixed", "starts_at": START}, headers=staff_headers
    )
    assert (no_value.status_code, no_value.json["code"]) == (409, "invalid_value")

    url = f"{VOUCHERS}{created.json['id']}/"
    redemptions = client.get(f"{url}redemptions/", headers=staff_headers)
    assert redemptions.status_code == 200 and redemptions.json["results"] == []
    assert (
        client.patch(url, json={"is_active": False}, headers=staff_headers).json["is_active"]
        is False
    )
    assert client.delete(url, headers=staff_headers).status_code == 204


def test_a_used_voucher_answers_its_redemptions_and_refuses_deletion(client, staff_headers):
    customer = make_user()
    order = make_order(customer, (make_product(), 1))
    voucher = vouchers.create_voucher(
        {"code": "USED", "kind": "percentage", "value": "10", "starts_at": utcnow()}
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
    url = f"{VOUCHERS}{voucher.id}/"
    page = client.get(f"{url}redemptions/", headers=staff_headers).json
    assert [(r["order"], r["user"]) for r in page["results"]] == [(order.id, customer.id)]
    assert client.get(url, headers=staff_headers).json["used_count"] == 1
    refused = client.delete(url, headers=staff_headers)
    assert (refused.status_code, refused.json["code"]) == (409, "voucher_in_use")
    assert db.session.get(Voucher, voucher.id) is not None
