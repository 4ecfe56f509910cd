"""The staff API of tax classes and rates under /api/v1/tax/, and a product's tax class."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ecom.extensions import db
from ecom.tax import services
from ecom.tax.models import TaxClass, TaxRate
from tests.factories import make_category, make_product, make_user, token_headers

CLASSES = "/api/v1/tax/classes/"
RATES = "/api/v1/tax/rates/"
PRODUCTS = "/api/v1/products/"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def standard():
    return services.create_class({"name": "Standard"})


@pytest.fixture
def reduced(standard):
    return services.create_class({"name": "Reduced"})


def test_staff_create_list_read_rename_and_delete_a_class(client, staff, standard):
    headers = token_headers(staff)

    created = client.post(CLASSES, json={"name": "Reduced"}, headers=headers)
    assert created.status_code == 201
    body = created.json
    assert body == {"id": body["id"], "name": "Reduced", "is_default": False}
    listed = client.get(CLASSES, headers=headers).json
    assert [c["name"] for c in listed["results"]] == ["Reduced", "Standard"]
    assert client.get(f"{CLASSES}{body['id']}/", headers=headers).json["name"] == "Reduced"

    renamed = client.patch(f"{CLASSES}{body['id']}/", json={"name": "Lower"}, headers=headers)
    assert renamed.status_code == 200 and renamed.json["name"] == "Lower"

    assert client.delete(f"{CLASSES}{body['id']}/", headers=headers).status_code == 204
    assert client.get(f"{CLASSES}{body['id']}/", headers=headers).status_code == 404


def test_making_a_class_the_default_unmarks_the_previous_one(client, staff, standard, reduced):
    headers = token_headers(staff)

    response = client.patch(f"{CLASSES}{reduced.id}/", json={"is_default": True}, headers=headers)

    assert response.json["is_default"] is True
    assert client.get(f"{CLASSES}{standard.id}/", headers=headers).json["is_default"] is False


def test_deleting_the_default_class_is_a_409(client, staff, standard):
    response = client.delete(f"{CLASSES}{standard.id}/", headers=token_headers(staff))

    assert response.status_code == 409 and response.json["code"] == "default_tax_class"
    assert count(TaxClass) == 1


def test_a_class_name_is_unique(client, staff, standard):
    response = client.post(CLASSES, json={"name": "Standard"}, headers=token_headers(staff))

    assert response.status_code == 409 and response.json["code"] == "tax_class_exists"


@pytest.mark.parametrize("role, status", [("customer", 403), (None, 401)])
def test_only_staff_see_or_write_tax(client, role, status, standard):
    headers = token_headers(make_user(role)) if role else {}

    assert client.get(CLASSES, headers=headers).status_code == status
    assert client.get(RATES, headers=headers).status_code == status
    assert client.post(CLASSES, json={"name": "X"}, headers=headers).status_code == status
    body = {"country": "DE", "tax_class": standard.id, "rate": "19"}
    assert client.post(RATES, json=body, headers=headers).status_code == status
    assert count(TaxRate) == 0 and count(TaxClass) == 1


def test_staff_create_read_change_and_delete_a_rate(client, staff, standard):
    headers = token_headers(staff)

    created = client.post(
        RATES,
        json={"country": "US", "region": "ca", "tax_class": standard.id, "rate": "7.25"},
        headers=headers,
    )
    assert created.status_code == 201
    body = created.json
    assert body == {
        "id": body["id"],
        "country": "US",
        "region": "CA",
        "tax_class": standard.id,
        "shipping": False,
        "rate": "7.250",
    }
    changed = client.patch(f"{RATES}{body['id']}/", json={"rate": "8.875"}, headers=headers)
    assert changed.json["rate"] == "8.875"
    assert client.get(RATES, headers=headers).json["count"] == 1
    assert client.delete(f"{RATES}{body['id']}/", headers=headers).status_code == 204
    assert client.get(f"{RATES}{body['id']}/", headers=headers).status_code == 404


def test_a_rate_without_a_class_is_the_shipping_lines(client, staff, standard):
    body = {"country": "DE", "tax_class": None, "rate": "19"}

    response = client.post(RATES, json=body, headers=token_headers(staff))

    assert response.status_code == 201
    assert response.json["shipping"] is True and response.json["tax_class"] is None


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"rate": "-1"}, "rate"),
        ({"rate": "100.5"}, "rate"),
        ({"rate": "7.1234"}, "rate"),
        ({"country": "XX"}, "country"),
        ({"region": " CA"}, "region"),
        ({"tax_class": 999_999}, "tax_class"),
    ],
)
def test_a_bad_rate_is_a_400_naming_its_field_and_nothing_is_written(
    client, staff, standard, changes, field
):
    body = {"country": "DE", "tax_class": standard.id, "rate": "19", **changes}

    response = client.post(RATES, json=body, headers=token_headers(staff))

    assert response.status_code == 400
    assert field in response.json["errors"]["json"]
    assert count(TaxRate) == 0


def test_a_second_rate_for_the_same_country_region_and_class_is_a_409(client, staff, standard):
    headers = token_headers(staff)
    body = {"country": "US", "region": "CA", "tax_class": standard.id, "rate": "7.25"}
    client.post(RATES, json=body, headers=headers)

    again = client.post(RATES, json={**body, "region": "ca", "rate": "8"}, headers=headers)
    shipping = {"country": "US", "region": "CA", "tax_class": None, "rate": "1"}
    client.post(RATES, json=shipping, headers=headers)
    shipping_again = client.post(RATES, json=shipping, headers=headers)

    assert again.status_code == 409 and again.json["code"] == "tax_rate_exists"
    assert shipping_again.status_code == 409
    assert count(TaxRate) == 2


def test_a_rate_patched_onto_another_ones_key_is_a_409(client, staff, standard, reduced):
    headers = token_headers(staff)
    services.create_rate({"country": "DE", "tax_class_id": standard.id, "rate": Decimal(19)})
    other = services.create_rate({"country": "DE", "tax_class_id": reduced.id, "rate": Decimal(7)})

    response = client.patch(f"{RATES}{other.id}/", json={"tax_class": standard.id}, headers=headers)

    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(TaxRate, other.id).tax_class_id == reduced.id


def test_a_product_is_created_and_patched_with_a_tax_class(client, staff, standard, reduced):
    headers = token_headers(staff)
    body = {"title": "Novel", "price": "12.00", "category": make_category().id}

    created = client.post(PRODUCTS, json={**body, "tax_class_id": reduced.id}, headers=headers)
    assert created.status_code == 201 and created.json["tax_class_id"] == reduced.id

    url = f"{PRODUCTS}{created.json['id']}/"
    cleared = client.patch(url, json={"tax_class_id": None}, headers=headers)
    assert cleared.status_code == 200 and cleared.json["tax_class_id"] is None
    assert client.get(url).json["tax_class_id"] is None


def test_an_unknown_tax_class_on_a_product_is_a_400_and_nothing_changes(client, staff, reduced):
    product = make_product(tax_class_id=reduced.id)

    response = client.patch(
        f"{PRODUCTS}{product.id}/", json={"tax_class_id": 999_999}, headers=token_headers(staff)
    )

    assert response.status_code == 400
    assert response.json["errors"]["json"] == {"tax_class_id": ["No tax class with this id."]}
    db.session.expire_all()
    assert client.get(f"{PRODUCTS}{product.id}/").json["tax_class_id"] == reduced.id
