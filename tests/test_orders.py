"""Checkout: one transaction that takes the stock, writes the order and empties the cart."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ecom.cart import services as cart
from ecom.catalog.errors import InsufficientStock
from ecom.catalog.models import Product, ProductVariant
from ecom.catalog.variants import update_variant
from ecom.common.errors import Conflict, NotFound, ValidationFailed
from ecom.extensions import db
from ecom.orders import placing, transitions
from ecom.orders.models import Order
from tests.factories import (
    ADDRESS,
    fill_cart,
    fill_cart_with_variants,
    make_address,
    make_product,
    make_sized_product,
    set_variant,
    statements,
    token_headers,
)

ORDERS = "/api/v1/orders/"


def stock_of(product) -> int:
    return db.session.scalar(select(Product.stock_quantity).where(Product.id == product.id))


def variant_stock(variant_id: int) -> int:
    return db.session.scalar(
        select(ProductVariant.stock_quantity).where(ProductVariant.id == variant_id)
    )


def order_count() -> int:
    return db.session.scalar(select(func.count(Order.id)))


@pytest.fixture
def address(customer):
    return make_address(customer)


def test_checkout_snapshots_lines_takes_stock_and_empties_the_cart(customer, address):
    mug = make_product(price="12.50", stock=5, title="Mug")
    tea = make_product(price="3.20", stock=9, title="Tea")
    fill_cart(customer, (mug, 2), (tea, 3))

    order, created = placing.checkout(customer, shipping_address_id=address.id)

    assert created is True
    assert order.status == "pending" and order.payment_status == "unpaid"
    assert order.total_amount == Decimal("34.60")
    assert [(i.title, i.unit_price, i.quantity) for i in order.items] == [
        ("Mug", Decimal("12.50"), 2),
        ("Tea", Decimal("3.20"), 3),
    ]
    assert order.shipping_address["city"] == "London"
    assert (stock_of(mug), stock_of(tea)) == (3, 6)
    assert cart.get_cart(customer).items == []
    assert [(h.from_status, h.to_status) for h in order.history] == [(None, "pending")]


def test_the_order_keeps_its_snapshot_when_product_and_address_change(customer, address):
    product = make_product(price="10.00", title="Old title")
    fill_cart(customer, (product, 1))
    order, _ = placing.checkout(customer)
    product.title, address.city = "New title", "Paris"
    db.session.commit()
    set_variant(product, price=Decimal("99.00"))
    assert order.items[0].title == "Old title" and order.items[0].unit_price == Decimal("10.00")
    assert order.shipping_address["city"] == "London"


def test_checkout_uses_the_default_address_or_an_inline_one(customer):
    fill_cart(customer, (make_product(), 1))
    with pytest.raises(Conflict) as refused:
        placing.checkout(customer)
    assert refused.value.code == "no_address"
    order, _ = placing.checkout(customer, shipping_address={**ADDRESS, "city": "Bath"})
    assert order.shipping_address["city"] == "Bath"


def test_checkout_refuses_an_empty_cart(customer, address):
    with pytest.raises(Conflict) as refused:
        placing.checkout(customer)
    assert refused.value.code == "empty_cart"


def test_checkout_refuses_when_any_line_is_short_and_writes_nothing(customer, address):
    plenty = make_product(stock=10)
    scarce = make_product(stock=1)
    gone = make_product(stock=5, is_active=True)
    fill_cart(customer, (plenty, 2), (scarce, 1), (gone, 3))
    set_variant(scarce, stock_quantity=0)
    gone.is_active = False
    db.session.commit()

    with pytest.raises(InsufficientStock) as refused:
        placing.checkout(customer)

    assert sorted(
        (s["product_id"], s["requested"], s["available"]) for s in refused.value.errors["stock"]
    ) == [
        (scarce.id, 1, 0),
        (gone.id, 3, 0),
    ]
    assert (stock_of(plenty), stock_of(scarce), stock_of(gone)) == (10, 0, 5)
    assert order_count() == 0
    assert [line.quantity for line in cart.get_cart(customer).items] == [2, 1, 3]


def test_checkout_never_sells_more_than_the_stock_even_if_the_cart_was_filled_earlier(
    customer, other_customer, address
):
    product = make_product(stock=3)
    make_address(other_customer)
    fill_cart(customer, (product, 2))
    fill_cart(other_customer, (product, 2))
    placing.checkout(customer)
    with pytest.raises(InsufficientStock):
        placing.checkout(other_customer)
    assert stock_of(product) == 1


def test_a_checkout_costs_fourteen_statements_whatever_its_lines_and_labels(
    client, customer, address, queue_down
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite inserts an order's lines one statement each.")
    headers = token_headers(customer)
    body = {"shipping_address_id": address.id}
    fill_cart(customer, (make_product(), 1), (make_product(), 2))
    with statements() as two_lines:
        assert client.post(ORDERS, json=body, headers=headers).status_code == 201
    sized = [make_sized_product("S", "M", stock=5) for _ in range(3)]
    fill_cart_with_variants(customer, *[(variant, 1) for p in sized for variant in p.variants])
    with statements() as six_labelled_lines:
        order = client.post(ORDERS, json=body, headers=headers).json
    assert [item["variant_label"] for item in order["items"]] == ["S", "M"] * 3
    # User, cart lock, lines under their products' locks, address, the destination's tax
    # rates, whether the shop ships, the stock taken with the products' sums, then order,
    # items, history, the emptied cart, the customer's count of orders, the active webhook
    # subscriptions (for `order.created`) and the outbox row (its delivery, after the commit,
    # is the queue's).
    assert len(two_lines) == len(six_labelled_lines) == 14


def test_an_address_of_another_user_cannot_be_shipped_to(customer, other_customer):
    theirs = make_address(other_customer)
    fill_cart(customer, (make_product(), 1))
    with pytest.raises(NotFound):
        placing.checkout(customer, shipping_address_id=theirs.id)
    assert order_count() == 0


def test_replaying_an_idempotency_key_returns_the_first_order(customer, address):
    product = make_product(stock=10)
    fill_cart(customer, (product, 2))
    first, created = placing.checkout(customer, idempotency_key="k-1")
    again, created_again = placing.checkout(customer, idempotency_key="k-1")
    assert created and not created_again
    assert again.id == first.id
    assert order_count() == 1 and stock_of(product) == 8


def test_an_idempotency_key_with_a_different_cart_is_refused(customer, address):
    fill_cart(customer, (make_product(), 1))
    placing.checkout(customer, idempotency_key="k-1")
    fill_cart(customer, (make_product(), 1))
    with pytest.raises(placing.IdempotencyKeyReused):
        placing.checkout(customer, idempotency_key="k-1")
    assert order_count() == 1


def test_an_idempotency_key_with_another_address_is_a_422_and_places_nothing(
    client, customer, address, auth_headers
):
    headers = {**auth_headers(customer), "Idempotency-Key": "checkout-7"}
    fill_cart(customer, (make_product(), 1))
    first = client.post(ORDERS, json={}, headers=headers)

    other = client.post(
        ORDERS, json={"shipping_address": {**ADDRESS, "city": "Bath"}}, headers=headers
    )

    assert first.status_code == 201
    assert other.status_code == 422 and other.json["code"] == "idempotency_key_reused"
    assert order_count() == 1


def test_idempotency_keys_are_per_user(customer, other_customer, address):
    make_address(other_customer)
    fill_cart(customer, (make_product(), 1))
    fill_cart(other_customer, (make_product(), 1))
    mine, _ = placing.checkout(customer, idempotency_key="same")
    theirs, created = placing.checkout(other_customer, idempotency_key="same")
    assert created and theirs.id != mine.id


# Through the API


def test_post_orders_answers_the_order_contract(client, customer, address, auth_headers):
    product = make_product(price="4.99", stock=3)
    fill_cart(customer, (product, 2))
    response = client.post(
        ORDERS, json={"shipping_address_id": address.id}, headers=auth_headers(customer)
    )
    assert response.status_code == 201
    body = response.json
    [item] = db.session.get(Order, body["id"]).items
    assert body["user"] == customer.id and body["status"] == "pending"
    assert body["payment_status"] == "unpaid" and body["total_amount"] == "9.98"
    assert body["items"] == [
        {
            "id": item.id,
            "product": product.id,
            "variant_id": product.variants[0].id,
            "title": product.title,
            "sku": product.variants[0].sku,
            "variant_label": "",
            "unit_price_undiscounted": "4.99",
            "unit_price": "4.99",
            "promotion": None,
            "quantity": 2,
            "subtotal": "9.98",
            "discount": "0.00",
            "net": "9.98",
            "tax_rate": "0.000",
            "tax": "0.00",
            "gross": "9.98",
            "quantity_fulfilled": 0,
            "quantity_delivered": 0,
            "delivered_at": None,
        }
    ]
    assert body["shipping_address"]["country"] == "GB"
    [placed] = body["history"]
    assert placed["from_status"] is None and placed["to_status"] == "pending"
    assert placed["changed_by"] == customer.id and placed["created_at"]
    assert {"created_at", "updated_at"} <= set(body)


def test_the_checkout_answer_is_the_stored_order(client, customer, address, auth_headers):
    fill_cart(customer, (make_product(price="4.99"), 2), (make_product(price="1.25"), 1))
    headers = auth_headers(customer)
    placed = client.post(ORDERS, json={}, headers=headers).json
    db.session.expunge_all()
    assert client.get(f"{ORDERS}{placed['id']}/", headers=headers).json == placed


def test_post_orders_with_an_empty_cart_is_409(client, customer, address, auth_headers):
    response = client.post(ORDERS, json={}, headers=auth_headers(customer))
    assert response.status_code == 409 and response.json["code"] == "empty_cart"


def test_post_orders_short_of_stock_is_409_listing_each_product(
    client, customer, address, auth_headers
):
    product = make_product(stock=2)
    fill_cart(customer, (product, 2))
    set_variant(product, stock_quantity=1)
    response = client.post(ORDERS, json={}, headers=auth_headers(customer))
    assert response.status_code == 409
    assert response.json["errors"]["json"]["stock"] == [
        {
            "product_id": product.id,
            "variant_id": product.variants[0].id,
            "sku": product.variants[0].sku,
            "title": product.title,
            "requested": 2,
            "available": 1,
        }
    ]


def test_post_orders_validates_an_inline_address(client, customer, auth_headers):
    fill_cart(customer, (make_product(), 1))
    response = client.post(
        ORDERS,
        json={"shipping_address": {**ADDRESS, "country": "XX"}},
        headers=auth_headers(customer),
    )
    assert response.status_code == 400
    assert "country" in response.json["errors"]["json"]["shipping_address"]
    assert order_count() == 0


def test_idempotency_key_header_replay_creates_one_order(client, customer, address, auth_headers):
    headers = {**auth_headers(customer), "Idempotency-Key": "checkout-42"}
    fill_cart(customer, (make_product(), 1))
    first = client.post(ORDERS, json={}, headers=headers)
    second = client.post(ORDERS, json={}, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["id"] == second.json["id"]
    assert order_count() == 1

    fill_cart(customer, (make_product(), 1))
    reused = client.post(ORDERS, json={}, headers=headers)
    assert reused.status_code == 422 and reused.json["code"] == "idempotency_key_reused"


def test_customers_list_their_own_orders_newest_first_filtered_by_status(
    client, customer, other_customer, address, auth_headers, staff
):
    make_address(other_customer)
    ids = []
    for _ in range(3):
        fill_cart(customer, (make_product(), 1))
        ids.append(placing.checkout(customer)[0].id)
    fill_cart(other_customer, (make_product(), 1))
    placing.checkout(other_customer)
    transitions.change_status(ids[0], "paid", actor=staff)

    headers = auth_headers(customer)
    listed = client.get(ORDERS, headers=headers).json
    assert listed["count"] == 3
    assert [o["id"] for o in listed["results"]] == ids[::-1]
    paid = client.get(f"{ORDERS}?status=paid", headers=headers).json
    assert [o["id"] for o in paid["results"]] == [ids[0]]
    ignored_filter = client.get(f"{ORDERS}?user={other_customer.id}", headers=headers).json
    assert ignored_filter["count"] == 3


def test_staff_list_everybodys_orders_with_filters(
    client, customer, other_customer, address, staff, auth_headers
):
    make_address(other_customer)
    fill_cart(customer, (make_product(), 1))
    mine, _ = placing.checkout(customer)
    fill_cart(other_customer, (make_product(), 1))
    theirs, _ = placing.checkout(other_customer)
    headers = auth_headers(staff)

    assert client.get(ORDERS, headers=headers).json["count"] == 2
    by_user = client.get(f"{ORDERS}?user={other_customer.id}", headers=headers).json
    assert [o["id"] for o in by_user["results"]] == [theirs.id]
    stamp = theirs.created_at.isoformat()
    after = client.get(ORDERS, query_string={"created_after": stamp}, headers=headers).json
    before = client.get(ORDERS, query_string={"created_before": stamp}, headers=headers).json
    assert [o["id"] for o in after["results"]] == [theirs.id]
    assert [o["id"] for o in before["results"]] == [mine.id]
    assert client.get(f"{ORDERS}?created_after=yesterday", headers=headers).status_code == 400


@pytest.mark.parametrize(
    "query", ["created_before=0001-01-01T00:00:00+14:00", "created_after=9999-12-31T23:00:00-14:00"]
)
def test_an_instant_outside_the_utc_calendar_is_a_400_naming_it(
    client, customer, auth_headers, query
):
    response = client.get(f"{ORDERS}?{query}", headers=auth_headers(customer))
    assert response.status_code == 400
    assert query.split("=")[0] in response.json["errors"]["query"]


def test_a_customer_cannot_see_another_customers_order(
    client, customer, other_customer, staff, auth_headers
):
    make_address(other_customer)
    fill_cart(other_customer, (make_product(), 1))
    theirs, _ = placing.checkout(other_customer)
    assert client.get(f"{ORDERS}{theirs.id}/", headers=auth_headers(customer)).status_code == 404
    assert client.get(f"{ORDERS}{theirs.id}/", headers=auth_headers(staff)).status_code == 200


def test_orders_need_a_login(client):
    assert client.get(ORDERS).status_code == 401
    assert client.post(ORDERS, json={}).status_code == 401


def test_checkout_takes_the_last_units_but_none_of_a_variant_no_longer_on_sale(customer, address):
    last = make_product(stock=2)
    sized = make_sized_product("S", "M", stock=5)
    withdrawn = sized.variants[1]
    fill_cart(customer, (last, 2))
    fill_cart_with_variants(customer, (withdrawn, 1))
    update_variant(sized.id, withdrawn.id, {"is_active": False})
    with pytest.raises(InsufficientStock) as refused:
        placing.checkout(customer)
    assert [(s["variant_id"], s["available"]) for s in refused.value.errors["stock"]] == [
        (withdrawn.id, 0)
    ]
    cart.remove_item(customer, cart.get_cart(customer).items[1].id)
    placing.checkout(customer)
    assert (variant_stock(last.variants[0].id), variant_stock(withdrawn.id)) == (0, 5)


def test_checkout_takes_one_address_form_only(customer, address):
    fill_cart(customer, (make_product(), 1))
    with pytest.raises(Conflict) as both:
        placing.checkout(customer, shipping_address_id=address.id, shipping_address=ADDRESS)
    assert both.value.code == "two_addresses"
    with pytest.raises(ValidationFailed) as invalid:
        placing.checkout(customer, shipping_address={**ADDRESS, "country": "Britain"})
    assert "country" in invalid.value.errors["shipping_address"]
    assert order_count() == 0


def test_shopping_end_to_end_over_the_api(client, customer, staff, auth_headers):
    headers = auth_headers(customer)
    product = make_product(price="2.50", stock=4)
    client.post("/api/v1/auth/users/me/addresses/", json=ADDRESS, headers=headers)
    client.post(
        "/api/v1/cart/add/", json={"product_id": product.id, "quantity": 4}, headers=headers
    )
    order = client.post(ORDERS, json={}, headers=headers).json
    assert order["total_amount"] == "10.00" and stock_of(product) == 0
    assert client.get("/api/v1/cart/", headers=headers).json["items"] == []

    staff_headers = auth_headers(staff)
    for status in ("paid", "processing", "shipped", "delivered"):
        moved = client.patch(
            f"{ORDERS}{order['id']}/", json={"status": status}, headers=staff_headers
        )
        assert moved.status_code == 200
    review = client.post(
        "/api/v1/reviews/",
        json={"product": product.id, "rating": 5, "comment": "Arrived quickly."},
        headers=headers,
    )
    assert review.json["verified_purchase"] is True
    detail = client.get(f"{ORDERS}{order['id']}/", headers=headers).json
    assert [h["to_status"] for h in detail["history"]] == [
        "pending",
        "paid",
        "processing",
        "shipped",
        "delivered",
    ]


# Variants


def test_checkout_copies_the_variants_sku_label_and_price_and_the_summary_follows(
    customer, address
):
    product = make_sized_product("S", "M", "L", price="20.00", stock=4, title="Tee")
    small, medium, large = product.variants
    update_variant(product.id, medium.id, {"price": Decimal("22.00"), "sku": "TEE-M"})
    update_variant(product.id, large.id, {"price": Decimal("25.00")})
    fill_cart_with_variants(customer, (large, 4), (medium, 1))

    order, _ = placing.checkout(customer)

    assert [
        (i.variant_id, i.sku, i.variant_label, i.title, i.unit_price, i.quantity)
        for i in order.items
    ] == [
        (medium.id, "TEE-M", "M", "Tee", Decimal("22.00"), 1),
        (large.id, large.sku, "L", "Tee", Decimal("25.00"), 4),
    ]
    assert order.total_amount == Decimal("122.00")
    assert [variant_stock(v.id) for v in (small, medium, large)] == [4, 3, 0]
    db.session.expire_all()
    summary = db.session.get(Product, product.id)
    assert summary.stock_quantity == 7
    assert (summary.price, summary.price_max) == (Decimal("20.00"), Decimal("25.00"))


def test_an_order_keeps_its_variants_copies_when_the_variant_changes(
    client, customer, address, auth_headers
):
    product = make_sized_product("S", "M", price="9.00")
    medium = product.variants[1]
    fill_cart_with_variants(customer, (medium, 2))
    order, _ = placing.checkout(customer)
    update_variant(product.id, medium.id, {"sku": "NEW-SKU", "price": Decimal("50.00")})

    body = client.get(f"{ORDERS}{order.id}/", headers=auth_headers(customer)).json

    assert body["items"] == [
        {
            "id": order.items[0].id,
            "product": product.id,
            "variant_id": medium.id,
            "title": product.title,
            "sku": f"P{product.id}-M",
            "variant_label": "M",
            "unit_price_undiscounted": "9.00",
            "unit_price": "9.00",
            "promotion": None,
            "quantity": 2,
            "subtotal": "18.00",
            "discount": "0.00",
            "net": "18.00",
            "tax_rate": "0.000",
            "tax": "0.00",
            "gross": "18.00",
            "quantity_fulfilled": 0,
            "quantity_delivered": 0,
            "delivered_at": None,
        }
    ]


def test_checkout_short_of_one_variant_names_it_and_takes_nothing(customer, address):
    product = make_sized_product("S", "M", stock=3)
    small, medium = product.variants
    fill_cart_with_variants(customer, (small, 1), (medium, 3))
    update_variant(product.id, medium.id, {"stock_quantity": 2})

    with pytest.raises(InsufficientStock) as refused:
        placing.checkout(customer)

    [short] = refused.value.errors["stock"]
    assert (short["variant_id"], short["sku"], short["requested"], short["available"]) == (
        medium.id,
        medium.sku,
        3,
        2,
    )
    assert short["title"] == f"{product.title} (M)"
    assert [variant_stock(small.id), variant_stock(medium.id), stock_of(product)] == [3, 2, 5]
    assert order_count() == 0
