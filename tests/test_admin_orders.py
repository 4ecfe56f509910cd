"""Back office orders: read-only, status changes only through the order state machine."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from ecom.catalog.models import Product
from ecom.extensions import db
from ecom.orders.models import Order
from tests.factories import admin_csrf_token, admin_login, make_order, make_product


def html(response) -> str:
    return response.get_data(as_text=True)


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def status_action(client, order, to_status: str, **extra):
    return client.post(
        "/admin/orders/action/",
        data={
            "action": f"status_{to_status}",
            "rowid": order.id,
            "csrf_token": admin_csrf_token(client),
            **extra,
        },
        follow_redirects=True,
    )


def test_status_actions_move_a_paid_order_to_shipped_with_history(client, staff, customer):
    order = make_order(customer, (make_product(), 1), statuses=["paid"], actor=staff)
    admin_login(client, staff)

    status_action(client, order, "processing")
    response = status_action(client, order, "shipped")

    assert "1 order(s) now shipped" in html(response)
    shipped = fresh(Order, order.id)
    assert shipped.status == "shipped"
    assert [(c.from_status, c.to_status) for c in shipped.history][-2:] == [
        ("paid", "processing"),
        ("processing", "shipped"),
    ]
    assert shipped.history[-1].changed_by_id == staff.id


def test_an_invalid_transition_is_refused_with_the_service_message(client, staff, customer):
    order = make_order(customer, (make_product(), 1), statuses=["paid"], actor=staff)
    admin_login(client, staff)

    response = status_action(client, order, "shipped")

    assert "The order is paid; it cannot become shipped (allowed: processing, cancelled)." in (
        html(response)
    )
    assert fresh(Order, order.id).status == "paid"
    assert [c.to_status for c in fresh(Order, order.id).history] == ["pending", "paid"]


def test_a_bulk_action_applies_where_allowed_and_names_each_refusal(client, staff, customer):
    product = make_product()
    pending = make_order(customer, (product, 1))
    paid = make_order(customer, (product, 1), statuses=["paid"], actor=staff)
    admin_login(client, staff)

    response = client.post(
        "/admin/orders/action/",
        data={
            "action": "status_paid",
            "rowid": [pending.id, paid.id],
            "csrf_token": admin_csrf_token(client),
        },
        follow_redirects=True,
    )

    assert f"1 order(s) now paid: #{pending.id}." in html(response)
    assert "The order is paid; it cannot become paid" in html(response)
    assert fresh(Order, pending.id).status == "paid"


def test_cancelling_from_the_back_office_puts_the_stock_back(client, staff, customer):
    product = make_product(stock=5)
    order = make_order(customer, (product, 2))
    admin_login(client, staff)

    status_action(client, order, "cancelled")

    assert fresh(Order, order.id).status == "cancelled"
    assert fresh(Product, product.id).stock_quantity == 5


def test_the_detail_page_shows_items_address_history_and_the_allowed_moves(client, staff, customer):
    order = make_order(customer, (make_product(title="Teapot"), 2), statuses=["paid"], actor=staff)
    admin_login(client, staff)

    body = html(client.get(f"/admin/orders/details/?id={order.id}"))

    assert "Teapot" in body and "St James" in body and "London" in body
    assert customer.email in body
    assert "pending" in body.split('id="order-history"')[1]
    assert ">\n        Mark processing</button>" in body
    assert "Cancel</button>" in body
    assert "Mark shipped</button>" not in body


def test_a_detail_button_returns_to_the_detail_page(client, staff, customer):
    order = make_order(customer, (make_product(), 1), statuses=["paid"], actor=staff)
    admin_login(client, staff)
    page = f"/admin/orders/details/?id={order.id}"

    response = status_action(client, order, "processing", url=page)

    assert response.request.path == "/admin/orders/details/"
    assert 'id="order-status">processing' in html(response)


def test_the_list_filters_by_status_and_date(client, staff, customer):
    product = make_product()
    old = make_order(customer, (product, 1), statuses=["paid"], actor=staff)
    new = make_order(customer, (product, 1))
    db.session.execute(
        update(Order)
        .where(Order.id == old.id)
        .values(created_at=datetime.now(UTC) - timedelta(days=40))
    )
    db.session.commit()
    admin_login(client, staff)

    def listed(query: str) -> set[int]:
        body = html(client.get(f"/admin/orders/?{query}"))
        return {o.id for o in (old, new) if f'class="action-checkbox" value="{o.id}"' in body}

    since = (datetime.now(UTC) - timedelta(days=7)).strftime("%Y-%m-%d %H:%M:%S")
    assert listed("flt0_status_equals=paid") == {old.id}
    assert listed("flt0_status_equals=pending") == {new.id}
    assert listed(f"flt1_placed_greater_than={since}") == {new.id}


def test_orders_cannot_be_created_or_edited_in_the_back_office(client, staff, customer):
    order = make_order(customer, (make_product(), 1))
    admin_login(client, staff)

    created = client.post("/admin/orders/new/", data={"csrf_token": admin_csrf_token(client)})
    edited = client.post(
        f"/admin/orders/edit/?id={order.id}",
        data={"total_amount": "0.01", "csrf_token": admin_csrf_token(client)},
    )

    assert created.status_code == 302 and edited.status_code == 302
    assert fresh(Order, order.id).total_amount == order.total_amount
    assert db.session.query(Order).count() == 1
