"""Staff keep internal notes on an order, signed and timed; the customer never sees them."""

from datetime import UTC, datetime, timedelta

import pytest

from ecom.orders import notes
from tests.api_map import MATRIX, make_shop, path_for
from tests.factories import bearer, make_order, make_product

ORDERS = "/api/v1/orders/"
SECRET = "Customer sounded upset: check the parcel twice."


@pytest.fixture
def order(customer):
    return make_order(customer, (make_product(), 1))


def notes_of(order) -> str:
    return f"{ORDERS}{order.id}/notes/"


def test_staff_add_notes_signed_and_timed_and_read_them_oldest_first(
    client, auth_headers, staff, admin, order
):
    first = client.post(notes_of(order), json={"body": f"  {SECRET} "}, headers=auth_headers(staff))
    second = client.post(notes_of(order), json={"body": "Called."}, headers=auth_headers(admin))
    listed = client.get(notes_of(order), headers=auth_headers(staff))

    assert first.status_code == 201, first.json
    assert first.json["body"] == SECRET and first.json["order"] == order.id
    assert first.json["author"] == staff.id and first.json["author_email"] == staff.email
    written = datetime.fromisoformat(first.json["created_at"])
    assert abs(datetime.now(UTC) - written) < timedelta(minutes=1)
    assert [note["id"] for note in listed.json] == [first.json["id"], second.json["id"]]
    assert listed.json[1]["author"] == admin.id


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "   "}, {"body": "x" * 5001}])
def test_an_empty_or_overlong_note_is_a_400_and_nothing_is_written(
    client, auth_headers, staff, order, body
):
    headers = auth_headers(staff)

    response = client.post(notes_of(order), json=body, headers=headers)

    assert response.status_code == 400 and "body" in response.json["errors"]["json"]
    assert client.get(notes_of(order), headers=headers).json == []


def test_notes_of_an_unknown_order_are_not_found(client, auth_headers, staff):
    headers = auth_headers(staff)

    assert client.get(f"{ORDERS}99999/notes/", headers=headers).status_code == 404
    assert (
        client.post(f"{ORDERS}99999/notes/", json={"body": "x"}, headers=headers).status_code == 404
    )


def test_the_customer_never_sees_a_note(client, auth_headers, staff, customer, order):
    client.post(notes_of(order), json={"body": SECRET}, headers=auth_headers(staff))
    headers = auth_headers(customer)

    answers = [
        client.get(f"{ORDERS}{order.id}/", headers=headers),
        client.get(ORDERS, headers=headers),
        client.get(f"{ORDERS}{order.id}/payments/", headers=headers),
        client.post(f"{ORDERS}{order.id}/cancel/", json={}, headers=headers),
    ]
    refused = client.get(notes_of(order), headers=headers)

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    assert not any(SECRET in answer.get_data(as_text=True) for answer in answers)
    assert refused.status_code == 403 and SECRET not in refused.get_data(as_text=True)


def test_no_route_a_customer_may_read_carries_a_note(client, staff):
    shop = make_shop()
    notes.add_note(shop.path_values["order_id"], staff, SECRET)
    headers = bearer(shop.tokens["customer"]["access"])

    answers = {
        rule: client.get(path_for(rule, shop), headers=headers)
        for rule, method in MATRIX
        if method == "GET"
    }

    assert answers["/api/v1/orders/<int:order_id>/"].status_code == 200
    assert [
        rule for rule, answer in answers.items() if SECRET in answer.get_data(as_text=True)
    ] == []
