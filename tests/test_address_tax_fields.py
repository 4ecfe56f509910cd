"""An address's region and EU VAT number: checked, stored compact, copied into orders."""

import pytest
from sqlalchemy import func, select

from ecom.accounts.destinations import Destination
from ecom.accounts.models import Address
from ecom.extensions import db
from tests.factories import ADDRESS, fill_cart, make_address, make_order, make_product

ADDRESSES = "/api/v1/auth/users/me/addresses/"
ORDERS = "/api/v1/orders/"


def test_an_address_keeps_its_region_and_its_vat_number_in_compact_form(
    client, customer, auth_headers
):
    body = {**ADDRESS, "country": "DE", "region": "Bavaria", "vat_number": "de 136 695 976"}

    response = client.post(ADDRESSES, json=body, headers=auth_headers(customer))

    assert response.status_code == 201
    assert response.json["region"] == "Bavaria"
    assert response.json["vat_number"] == "DE136695976"


def test_region_and_vat_number_are_optional_and_answer_empty(client, customer, auth_headers):
    response = client.post(ADDRESSES, json=ADDRESS, headers=auth_headers(customer))

    assert response.json["region"] == "" and response.json["vat_number"] == ""


@pytest.mark.parametrize("vat_number", ["DE136695977", "XX123456789", "12345", "DE 13669 ?"])
def test_a_number_that_is_not_a_valid_eu_vat_number_is_a_400_and_nothing_is_saved(
    client, customer, auth_headers, vat_number
):
    body = {**ADDRESS, "vat_number": vat_number}

    response = client.post(ADDRESSES, json=body, headers=auth_headers(customer))

    assert response.status_code == 400
    assert list(response.json["errors"]["json"]) == ["vat_number"]
    assert db.session.scalar(select(func.count()).select_from(Address)) == 0


def test_a_region_longer_than_64_characters_is_refused(client, customer, auth_headers):
    body = {**ADDRESS, "region": "R" * 65}

    response = client.post(ADDRESSES, json=body, headers=auth_headers(customer))

    assert response.status_code == 400 and "region" in response.json["errors"]["json"]


def test_an_order_copies_the_region_and_vat_number_of_its_address(customer):
    make_address(customer, country="FR", region="IDF", vat_number="FR40303265045")

    order = make_order(customer, (make_product(), 1))

    destination = Destination.of_copy(order.shipping_address)
    assert destination == Destination("FR", "SW1Y 4JH", "IDF", "FR40303265045")


def test_checkouts_inline_address_takes_a_vat_number_and_refuses_a_bad_one(
    client, customer, auth_headers
):
    headers = auth_headers(customer)
    fill_cart(customer, (make_product(), 1))

    refused = client.post(
        ORDERS, json={"shipping_address": {**ADDRESS, "vat_number": "FR0"}}, headers=headers
    )
    placed = client.post(
        ORDERS,
        json={"shipping_address": {**ADDRESS, "vat_number": "fr 40 303265045"}},
        headers=headers,
    )

    assert refused.status_code == 400
    assert placed.status_code == 201
    assert placed.json["shipping_address"]["vat_number"] == "FR40303265045"
    assert placed.json["shipping_address"]["region"] == ""
