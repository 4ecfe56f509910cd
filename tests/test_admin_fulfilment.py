"""Back office fulfilment: the order page ships units and records deliveries, carriers are
edited, every write through the fulfilment services."""

from sqlalchemy import select

from ecom.extensions import db
from ecom.fulfilment.models import Carrier, Fulfilment
from ecom.orders.models import Order
from tests.factories import admin_csrf_token, admin_login
from tests.fulfilments import make_carrier, paid_order, ship


def html(response) -> str:
    return response.get_data(as_text=True)


def post_form(client, url: str, **fields):
    data = {"csrf_token": admin_csrf_token(client), **fields}
    return client.post(url, data=data, follow_redirects=True)


def fresh_order(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def test_the_order_page_ships_some_units_through_the_service(client, staff, customer):
    order = paid_order(customer, staff, 3, 1)
    carrier = make_carrier("DPD")
    first, second = order.items
    admin_login(client, staff)
    page = html(client.get(f"/admin/orders/details/?id={order.id}"))
    assert 'id="ship-form"' in page and f'name="units-{first.id}"' in page

    response = post_form(
        client,
        "/admin/fulfilments/ship/",
        order_id=order.id,
        carrier=carrier.id,
        tracking_number="DPD 42",
        **{f"units-{first.id}": "2", f"units-{second.id}": "0"},
    )

    assert "parcel shipped" in html(response)
    assert "DPD 42" in html(response) and "https://track.example/parcels/DPD%2042" in html(response)
    assert fresh_order(order).status == "partially_shipped"
    [parcel] = db.session.scalars(select(Fulfilment))
    assert parcel.quantities == {first.id: 2}


def test_too_many_units_from_the_page_are_refused_with_the_service_message(client, staff, customer):
    order = paid_order(customer, staff, 1)
    carrier = make_carrier()
    admin_login(client, staff)

    response = post_form(
        client,
        "/admin/fulfilments/ship/",
        order_id=order.id,
        carrier=carrier.id,
        tracking_number="X1",
        **{f"units-{order.items[0].id}": "5"},
    )

    assert "has 1 unit(s) left to ship; 5 asked." in html(response)
    assert db.session.scalars(select(Fulfilment)).all() == []


def test_the_order_page_marks_a_parcel_delivered(client, staff, customer):
    order = paid_order(customer, staff, 1)
    parcel = ship(order, staff, make_carrier(), 1)
    admin_login(client, staff)

    post_form(client, "/admin/fulfilments/delivered/", order_id=order.id, fulfilment_id=parcel.id)

    assert fresh_order(order).status == "delivered"


def test_carriers_are_created_and_a_bad_template_refused(client, staff):
    admin_login(client, staff)

    post_form(
        client,
        "/admin/carriers/new/",
        name="GLS",
        tracking_url_template="https://gls.example/track/{tracking_number}",
    )
    refused = post_form(
        client, "/admin/carriers/new/", name="Bad", tracking_url_template="https://bad.example/"
    )

    assert [c.name for c in db.session.scalars(select(Carrier))] == ["GLS"]
    assert "holding {tracking_number}" in html(refused)
    assert "GLS" in html(client.get("/admin/carriers/"))
