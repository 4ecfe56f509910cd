"""The fulfilment API's contract: staff ship and deliver, the owner follows the parcels,
bad input is a coded 4xx that writes nothing; carriers are staff's data."""

import pytest
from sqlalchemy import func, select

from ecom.extensions import db
from ecom.fulfilment.models import Carrier, Fulfilment
from tests.factories import token_headers
from tests.fulfilments import make_carrier, paid_order, ship

CARRIERS = "/api/v1/carriers/"


def fulfilments_url(order) -> str:
    return f"/api/v1/orders/{order.id}/fulfilments/"


def body(carrier, *lines, tracking="1Z 999"):
    return {
        "carrier": carrier.id,
        "tracking_number": tracking,
        "lines": [{"line": line, "quantity": units} for line, units in lines],
    }


@pytest.fixture
def carrier():
    return make_carrier("UPS", "https://www.ups.com/track?tracknum={tracking_number}")


@pytest.fixture
def order(customer, staff):
    return paid_order(customer, staff, 2, 1)


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_staff_ship_some_units_and_the_owner_sees_the_tracking_link(
    client, customer, staff, carrier, order
):
    line = order.items[0]
    response = client.post(
        fulfilments_url(order), json=body(carrier, (line.id, 1)), headers=token_headers(staff)
    )

    assert response.status_code == 201
    created = response.json
    assert created["order"] == order.id
    assert created["carrier"] == {"id": carrier.id, "name": "UPS"}
    assert created["tracking_url"] == "https://www.ups.com/track?tracknum=1Z%20999"
    assert created["lines"] == [
        {
            "line": line.id,
            "sku": line.sku,
            "title": line.title,
            "variant_label": "",
            "quantity": 1,
        }
    ]
    assert created["delivered_at"] is None
    owner = token_headers(customer)
    assert client.get(fulfilments_url(order), headers=owner).json == [created]
    detail = client.get(f"{fulfilments_url(order)}{created['id']}/", headers=owner)
    assert detail.json == created
    shown = client.get(f"/api/v1/orders/{order.id}/", headers=owner).json
    assert shown["status"] == "partially_shipped"
    assert [(i["id"], i["quantity_fulfilled"]) for i in shown["items"]] == [
        (line.id, 1),
        (order.items[1].id, 0),
    ]


def test_another_customer_does_not_see_the_parcels(client, other_customer, staff, carrier, order):
    ship(order, staff, carrier, 1)

    response = client.get(fulfilments_url(order), headers=token_headers(other_customer))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [{"line": 1, "quantity": 0}],
        [{"line": 1, "quantity": "1"}],
        [{"line": 0, "quantity": 1}],
        [{"line": 1}],
    ],
)
def test_malformed_lines_are_400_and_write_nothing(client, staff, carrier, order, lines):
    response = client.post(
        fulfilments_url(order),
        json={"carrier": carrier.id, "tracking_number": "X1", "lines": lines},
        headers=token_headers(staff),
    )

    assert response.status_code == 400 and response.json["code"] == "validation_error"
    assert "lines" in response.json["errors"]["json"]
    assert count(Fulfilment) == 0


@pytest.mark.parametrize("tracking", ["", " X1", "X1\n", "a/b", "x" * 101])
def test_a_tracking_number_is_letters_and_digits(client, staff, carrier, order, tracking):
    line = order.items[0].id
    response = client.post(
        fulfilments_url(order),
        json=body(carrier, (line, 1), tracking=tracking),
        headers=token_headers(staff),
    )

    assert response.status_code == 400
    assert "tracking_number" in response.json["errors"]["json"]


def test_too_many_units_is_a_coded_409_naming_the_line(client, staff, carrier, order):
    line = order.items[1].id

    response = client.post(
        fulfilments_url(order), json=body(carrier, (line, 2)), headers=token_headers(staff)
    )

    assert response.status_code == 409
    assert response.json["code"] == "units_exceed_remaining"
    assert response.json["errors"] == {
        "json": {"lines": [f"Line {line} has 1 unit(s) left to ship; 2 asked."]}
    }
    assert count(Fulfilment) == 0


def test_an_unknown_carrier_is_a_coded_404(client, staff, order):
    response = client.post(
        fulfilments_url(order),
        json={"carrier": 424242, "tracking_number": "X1", "lines": [{"line": 1, "quantity": 1}]},
        headers=token_headers(staff),
    )

    assert response.status_code == 404 and response.json["code"] == "carrier_not_found"


def test_staff_mark_a_parcel_then_the_whole_order_delivered(client, staff, carrier, order):
    first = ship(order, staff, carrier, 2, 0)
    ship(order, staff, carrier, 0, 1)
    headers = token_headers(staff)

    one = client.post(f"{fulfilments_url(order)}{first.id}/delivered/", headers=headers)
    again = client.post(f"{fulfilments_url(order)}{first.id}/delivered/", headers=headers)
    every = client.post(f"{fulfilments_url(order)}delivered/", headers=headers)

    assert one.status_code == 200 and one.json["delivered_at"]
    assert again.status_code == 409 and again.json["code"] == "fulfilment_already_delivered"
    assert every.status_code == 200 and all(f["delivered_at"] for f in every.json)
    shown = client.get(f"/api/v1/orders/{order.id}/", headers=headers).json
    assert shown["status"] == "delivered"
    assert [i["quantity_delivered"] for i in shown["items"]] == [2, 1]


def test_a_status_change_cannot_ask_for_partially_shipped(client, staff, order):
    response = client.put(
        f"/api/v1/orders/{order.id}/",
        json={"status": "partially_shipped"},
        headers=token_headers(staff),
    )

    assert response.status_code == 400 and "status" in response.json["errors"]["json"]


def test_staff_keep_the_carriers(client, staff, carrier):
    headers = token_headers(staff)
    created = client.post(
        CARRIERS,
        json={"name": "DHL", "tracking_url_template": "https://dhl.example/?id={tracking_number}"},
        headers=headers,
    )
    assert created.status_code == 201
    url = f"{CARRIERS}{created.json['id']}/"

    renamed = client.patch(url, json={"name": "DHL Express"}, headers=headers)
    taken = client.patch(url, json={"name": "ups"}, headers=headers)
    listed = client.get(CARRIERS, headers=headers).json

    assert renamed.json["name"] == "DHL Express"
    assert taken.status_code == 409 and taken.json["code"] == "carrier_name_taken"
    assert [c["name"] for c in listed["results"]] == ["DHL Express", "UPS"]
    assert client.delete(url, headers=headers).status_code == 204


def test_a_template_needs_the_tracking_number_placeholder(client, staff):
    response = client.post(
        CARRIERS,
        json={"name": "Nowhere", "tracking_url_template": "https://nowhere.example/track"},
        headers=token_headers(staff),
    )

    assert response.status_code == 400
    assert "tracking_url_template" in response.json["errors"]["json"]
    assert count(Carrier) == 0


def test_a_carrier_that_shipped_a_parcel_stays(client, staff, carrier, order):
    ship(order, staff, carrier, 1)

    response = client.delete(f"{CARRIERS}{carrier.id}/", headers=token_headers(staff))

    assert response.status_code == 409 and response.json["code"] == "carrier_in_use"


def test_the_customer_is_e_mailed_the_tracking_link_through_the_outbox(
    client, customer, staff, carrier, order, embedded_jobs
):
    line = order.items[0].id
    client.post(fulfilments_url(order), json=body(carrier, (line, 1)), headers=token_headers(staff))

    [mail] = [m for m in embedded_jobs if "parcel" in m.subject]
    assert mail.to == [customer.email]
    assert mail.subject.startswith(f"Order #{order.id}: a parcel is on its way")
    assert "https://www.ups.com/track?tracknum=1Z%20999" in mail.body
