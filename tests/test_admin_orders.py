"""Back office orders: read-only, status changes only through the order state machine."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from ecom.catalog.models import Product
from ecom.extensions import db
from ecom.orders import placing, transitions
from ecom.orders.models import Order
from tests.factories import (
    admin_csrf_token,
    admin_login,
    fill_cart_with_variants,
    make_address,
    make_order,
    make_product,
    make_sized_product,
    make_user,
)


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
    order = make_order(customer, (make_product(), 1))
    admin_login(client, staff)

    response = status_action(client, order, "shipped")

    assert "The order is pending; it cannot become shipped (allowed: paid, cancelled)." in (
        html(response)
    )
    assert fresh(Order, order.id).status == "pending"
    assert [c.to_status for c in fresh(Order, order.id).history] == ["pending"]


def test_a_bulk_action_applies_where_allowed_and_names_each_refusal(client, staff, customer):
    product = make_product()
    pending = make_order(customer, (product, 1))
    paid = make_order(customer, (product, 1), statuses=["paid"], actor=staff)
    admin_login(client, staff)

    response = client.post(
        "/admin/orders/action/",
        data={
            "action": "status_processing",
            "rowid": [pending.id, paid.id],
            "csrf_token": admin_csrf_token(client),
        },
        follow_redirects=True,
    )

    assert f"1 order(s) now processing: #{paid.id}." in html(response)
    assert "The order is pending; it cannot become processing" in html(response)
    assert fresh(Order, paid.id).status == "processing"


def test_no_bulk_action_marks_orders_paid(client, staff, customer):
    order = make_order(customer, (make_product(), 1))
    admin_login(client, staff)

    listed = html(client.get("/admin/orders/"))
    status_action(client, order, "paid")

    assert 'data-model-action="status_paid"' not in listed
    assert 'data-model-action="status_cancelled"' in listed
    assert fresh(Order, order.id).status == "pending"


def test_an_order_item_names_its_variant_and_sku(client, staff, customer):
    tee = make_sized_product("S", "M", title="Logo tee")
    medium = tee.variants[1]
    make_address(customer)
    fill_cart_with_variants(customer, (medium, 2))
    order = placing.checkout(customer)[0]
    admin_login(client, staff)

    body = html(client.get(f"/admin/orders/details/?id={order.id}"))
    items = body.split('id="order-items"')[1].split("</table>")[0]

    assert '<td class="item-variant">M</td>' in items
    assert f'<code class="item-sku">{medium.sku}</code>' in items
    assert "Logo tee" in items


def test_prices_and_totals_carry_the_shops_currency(app, client, staff, customer):
    order = make_order(customer, (make_product(price="12.50"), 2))
    currency = app.config["SHOP_CURRENCY"]
    admin_login(client, staff)

    listed = html(client.get("/admin/orders/"))
    page = html(client.get(f"/admin/orders/details/?id={order.id}"))
    items = page.split('id="order-items"')[1].split("</table>")[0]

    assert f"25.00 {currency}" in listed
    assert f"<tr><th>Total</th><td>25.00 {currency}</td></tr>" in page
    assert f"12.50 {currency}" in items and items.count(f"25.00 {currency}") == 2


def test_a_transition_without_a_user_is_shown_as_the_systems(client, staff, customer):
    order = make_order(customer, (make_product(), 1))
    transitions.move(fresh(Order, order.id), "paid", actor=None, note="Payment #1 captured.")
    db.session.commit()
    admin_login(client, staff)

    history = html(client.get(f"/admin/orders/details/?id={order.id}"))
    history = history.split('id="order-history"')[1].split("</table>")[0]

    assert (
        '<span class="badge badge-info">System</span></td>\n    <td>Payment #1 captured.' in history
    )
    assert customer.email in history  # the placing row names its customer


def test_orders_are_found_by_number_email_shipping_name_and_sku(client, staff, customer):
    mug = make_product(title="Mug", sku="MUG-BLUE")
    make_address(customer, first_name="Grace", last_name="Hopper")
    by_grace = make_order(customer, (mug, 1))
    other = make_order(make_user(), (make_product(sku="PLATE-1"), 1))
    admin_login(client, staff)

    def found(search: str) -> set[int]:
        body = html(client.get("/admin/orders/", query_string={"search": search}))
        return {
            o.id for o in (by_grace, other) if f'class="action-checkbox" value="{o.id}"' in body
        }

    assert found(f"#{other.id}") == {other.id}
    assert other.id in found(str(other.id))
    assert found("#99999999999") == found("#abc") == set()
    assert found("hopper") == found("Grace Hopper") == {by_grace.id}
    assert found("mug-bl") == {by_grace.id}
    assert found("PLATE") == {other.id}
    assert found(customer.email) == {by_grace.id}
    assert found("99999999999") == found("50%_") == set()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/orders/details/?id=abc",
        "/admin/orders/details/?id=99999999999",
        "/admin/orders/details/?id=2147483647",
        "/admin/orders/details/?id=-1",
        "/admin/orders/?page=-1",
        "/admin/orders/?page=99999999999",
        "/admin/products/edit/?id=abc",
        "/admin/products/edit/?id=99999999999",
        "/admin/variants/?page=-1",
        "/admin/outbox/?page=-1",
        "/admin/users/?page=-1",
        "/admin/?low_stock_page=-1",
        "/admin/?low_stock_page=99999999999999999999",
    ],
)
def test_bad_ids_and_pages_are_404_pages(client, admin, path):
    admin_login(client, admin)

    response = client.get(path)

    assert response.status_code == 404
    assert "404 Not Found" in html(response)


def test_an_action_posted_with_a_bad_row_id_is_404(client, staff):
    admin_login(client, staff)
    data = {"action": "status_cancelled", "rowid": "abc", "csrf_token": admin_csrf_token(client)}

    assert client.post("/admin/orders/action/", data=data).status_code == 404


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
    assert "Mark delivered</button>" not in body


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
