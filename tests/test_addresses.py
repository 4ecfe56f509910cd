"""The address book under /api/v1/auth/users/me/addresses/: own addresses, one default."""

import pytest

from tests.factories import ADDRESS, make_address

ADDRESSES = "/api/v1/auth/users/me/addresses/"


def defaults(client, headers):
    return [a["id"] for a in client.get(ADDRESSES, headers=headers).json if a["is_default"]]


def test_the_first_address_becomes_the_default(client, customer, auth_headers):
    response = client.post(ADDRESSES, json=ADDRESS, headers=auth_headers(customer))
    assert response.status_code == 201
    body = response.json
    assert body["is_default"] is True
    assert body["country"] == "GB" and body["line2"] == "" and body["phone"] == ""


def test_setting_a_default_clears_the_others(client, customer, auth_headers):
    headers = auth_headers(customer)
    first = client.post(ADDRESSES, json=ADDRESS, headers=headers).json
    second = client.post(ADDRESSES, json={**ADDRESS, "city": "Bath"}, headers=headers).json
    assert second["is_default"] is False
    assert defaults(client, headers) == [first["id"]]

    third = client.post(ADDRESSES, json={**ADDRESS, "is_default": True}, headers=headers).json
    assert defaults(client, headers) == [third["id"]]
    client.patch(f"{ADDRESSES}{second['id']}/", json={"is_default": True}, headers=headers)
    assert defaults(client, headers) == [second["id"]]


def test_the_default_cannot_be_unset_directly(client, customer, auth_headers):
    address = make_address(customer)
    response = client.patch(
        f"{ADDRESSES}{address.id}/", json={"is_default": False}, headers=auth_headers(customer)
    )
    assert response.status_code == 409
    assert "is_default" in response.json["errors"]["json"]


def test_deleting_the_default_promotes_the_newest_other(client, customer, auth_headers):
    headers = auth_headers(customer)
    first = make_address(customer)
    make_address(customer, city="Bath")
    newest = make_address(customer, city="York")
    assert client.delete(f"{ADDRESSES}{first.id}/", headers=headers).status_code == 204
    assert defaults(client, headers) == [newest.id]


def test_put_replaces_and_patch_changes_some_fields(client, customer, auth_headers):
    headers = auth_headers(customer)
    address = make_address(customer, line2="Flat 2")
    put = client.put(
        f"{ADDRESSES}{address.id}/", json={**ADDRESS, "city": "Leeds"}, headers=headers
    )
    assert put.status_code == 200 and put.json["city"] == "Leeds" and put.json["line2"] == ""
    patch = client.patch(
        f"{ADDRESSES}{address.id}/", json={"phone": "+44 20 7946 0958"}, headers=headers
    )
    assert patch.status_code == 200
    assert patch.json["phone"] == "+44 20 7946 0958" and patch.json["city"] == "Leeds"


@pytest.mark.parametrize(
    "field, value",
    [
        ("country", "UK"),
        ("country", "gb"),
        ("country", "GBR"),
        ("first_name", ""),
        ("first_name", "   "),
        ("city", "\u3000"),
        ("phone", "call me"),
    ],
)
def test_invalid_fields_are_400_with_the_field_named(client, customer, auth_headers, field, value):
    response = client.post(
        ADDRESSES, json={**ADDRESS, field: value}, headers=auth_headers(customer)
    )
    assert response.status_code == 400
    assert field in response.json["errors"]["json"]


def test_required_fields(client, customer, auth_headers):
    response = client.post(ADDRESSES, json={}, headers=auth_headers(customer))
    assert response.status_code == 400
    missing = set(response.json["errors"]["json"])
    assert missing == {"first_name", "last_name", "line1", "city", "postal_code", "country"}


def test_another_users_address_is_not_found(client, customer, other_customer, auth_headers):
    theirs = make_address(other_customer)
    headers = auth_headers(customer)
    url = f"{ADDRESSES}{theirs.id}/"
    assert client.get(url, headers=headers).status_code == 404
    assert client.patch(url, json={"city": "Bath"}, headers=headers).status_code == 404
    assert client.put(url, json=ADDRESS, headers=headers).status_code == 404
    assert client.delete(url, headers=headers).status_code == 404
    assert client.get(ADDRESSES, headers=headers).json == []
    assert client.get(ADDRESSES, headers=auth_headers(other_customer)).json[0]["city"] == "London"
