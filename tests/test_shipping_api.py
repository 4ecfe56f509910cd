"""The staff API of shipping zones and methods: contracts, permissions, refusals that
write nothing."""

import pytest

from ecom.extensions import db
from ecom.shipping.models import ShippingMethod, ShippingRateBand, ShippingZone
from tests.factories import make_method, make_user, make_zone, token_headers

ZONES = "/api/v1/shipping/zones/"
METHODS = "/api/v1/shipping/methods/"


@pytest.fixture
def as_staff(staff):
    return token_headers(staff)


def express(zone_id, **fields):
    return {
        "zone": zone_id,
        "name": "Express",
        "min_days": 1,
        "max_days": 2,
        "rate": "weight",
        "bands": [
            {"lower": "0", "upper": "1000", "price": "7.50"},
            {"lower": "1000", "price": "12.00"},
        ],
        **fields,
    }


def count(model) -> int:
    return db.session.query(model).count()


def test_staff_create_read_update_and_delete_a_zone(client, as_staff):
    created = client.post(
        ZONES,
        json={"name": "West coast", "countries": ["US"], "postal_prefixes": ["9", "8 0"]},
        headers=as_staff,
    )
    assert created.status_code == 201, created.get_json()
    zone = created.get_json()
    assert (zone["countries"], zone["postal_prefixes"], zone["rest_of_world"]) == (
        ["US"],
        ["80", "9"],
        False,
    )

    url = f"{ZONES}{zone['id']}/"
    assert client.get(url, headers=as_staff).get_json()["name"] == "West coast"
    assert client.get(ZONES, headers=as_staff).get_json()["count"] == 1
    patched = client.patch(url, json={"countries": ["US", "CA"]}, headers=as_staff)
    assert patched.get_json()["countries"] == ["CA", "US"]
    assert patched.get_json()["postal_prefixes"] == ["80", "9"]
    assert client.delete(url, headers=as_staff).status_code == 204
    assert count(ShippingZone) == 0


def test_staff_create_read_update_and_delete_a_method_with_bands(client, as_staff):
    zone = make_zone("US")

    created = client.post(METHODS, json=express(zone.id), headers=as_staff)

    assert created.status_code == 201, created.get_json()
    method = created.get_json()
    assert method["price"] is None
    assert method["bands"] == [
        {"lower": "0.00", "upper": "1000.00", "price": "7.50"},
        {"lower": "1000.00", "upper": None, "price": "12.00"},
    ]
    url = f"{METHODS}{method['id']}/"
    flat = client.patch(url, json={"rate": "flat", "price": "6.00"}, headers=as_staff)
    assert (flat.get_json()["price"], flat.get_json()["bands"]) == ("6.00", [])
    assert count(ShippingRateBand) == 0
    listed = client.get(METHODS, query_string={"zone": zone.id}, headers=as_staff).get_json()
    assert [m["name"] for m in listed["results"]] == ["Express"]
    assert client.delete(url, headers=as_staff).status_code == 204
    assert count(ShippingMethod) == 0


@pytest.mark.parametrize("role", ["customer", None])
def test_customers_and_anonymous_callers_are_refused(client, role, staff):
    headers = token_headers(make_user(role)) if role else {}
    expected = 403 if role else 401

    for url in (ZONES, METHODS):
        assert client.get(url, headers=headers).status_code == expected
    posted = client.post(ZONES, json={"name": "Z", "countries": ["US"]}, headers=headers)
    assert posted.status_code == expected
    assert count(ShippingZone) == 0


def test_a_claimed_country_is_409_with_its_code_and_nothing_written(client, as_staff):
    make_zone("US", "CA")

    answer = client.post(ZONES, json={"name": "B", "countries": ["CA"]}, headers=as_staff)

    assert answer.status_code == 409
    assert answer.get_json()["code"] == "shipping_zone_overlap"
    assert count(ShippingZone) == 1


def test_a_second_rest_of_the_world_is_409(client, as_staff):
    make_zone(rest_of_world=True)

    answer = client.post(ZONES, json={"name": "B", "rest_of_world": True}, headers=as_staff)

    assert (answer.status_code, answer.get_json()["code"]) == (
        409,
        "shipping_rest_of_world_taken",
    )


def test_deleting_a_zone_with_methods_is_409_and_keeps_both(client, as_staff):
    zone = make_zone("US")
    make_method(zone)

    answer = client.delete(f"{ZONES}{zone.id}/", headers=as_staff)

    assert (answer.status_code, answer.get_json()["code"]) == (409, "shipping_zone_not_empty")
    assert (count(ShippingZone), count(ShippingMethod)) == (1, 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Z", "countries": ["XX"]}, "countries"),
        ({"name": "Z", "countries": ["us"]}, "countries"),
        ({"name": "", "countries": ["US"]}, "name"),
        ({"name": "Z", "countries": ["US"], "postal_prefixes": ["9$"]}, "postal_prefixes"),
    ],
)
def test_bad_zone_input_is_400_naming_the_field(client, as_staff, body, field):
    answer = client.post(ZONES, json=body, headers=as_staff)

    assert answer.status_code == 400
    assert field in answer.get_json()["errors"]["json"]
    assert count(ShippingZone) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_days": 5, "max_days": 2}, "max_days"),
        ({"rate": "flat", "price": "-1.00", "bands": None}, "price"),
        ({"rate": "flat", "price": "100000000.00", "bands": None}, "price"),
        ({"free_over": "-5"}, "free_over"),
        ({"min_weight_grams": 10, "max_weight_grams": 5}, "max_weight_grams"),
        ({"min_weight_grams": -1}, "min_weight_grams"),
        ({"bands": [{"lower": "0", "price": "1"}, {"lower": "5", "price": "2"}]}, "bands"),
        ({"bands": [{"lower": "10", "upper": "5", "price": "1"}]}, "bands"),
        ({"bands": []}, "bands"),
        ({"rate": "flat", "bands": None}, "price"),
        ({"price": "5.00"}, "bands"),
        ({"rate": "express"}, "rate"),
    ],
)
def test_bad_method_input_is_400_naming_the_field_and_writes_nothing(
    client, as_staff, changes, field
):
    body = {k: v for k, v in {**express(make_zone("US").id), **changes}.items() if v is not None}

    answer = client.post(METHODS, json=body, headers=as_staff)

    assert answer.status_code == 400, answer.get_json()
    assert field in answer.get_json()["errors"]["json"]
    assert (count(ShippingMethod), count(ShippingRateBand)) == (0, 0)


def test_a_method_of_an_unknown_zone_is_404_naming_zone(client, as_staff):
    answer = client.post(METHODS, json=express(999), headers=as_staff)

    assert answer.status_code == 404
    assert answer.get_json()["errors"]["json"] == {"zone": ["Shipping zone not found."]}


def test_a_patch_sends_the_delivery_estimate_whole(client, as_staff):
    method = make_method(make_zone("US"))

    answer = client.patch(f"{METHODS}{method.id}/", json={"min_days": 9}, headers=as_staff)

    assert answer.status_code == 400
    assert "max_days" in answer.get_json()["errors"]["json"]
    assert db.session.get(ShippingMethod, method.id).min_days == 2


def test_a_price_for_a_band_rate_is_409_rate_mismatch(client, as_staff):
    method = make_method(make_zone("US"), rate="weight", bands=[("0", None, "5")])

    answer = client.patch(f"{METHODS}{method.id}/", json={"price": "3.00"}, headers=as_staff)

    assert (answer.status_code, answer.get_json()["code"]) == (409, "shipping_rate_mismatch")


def test_bands_replace_the_methods_bands(client, as_staff):
    method = make_method(make_zone("US"), rate="weight", bands=[("0", None, "5")])

    answer = client.patch(
        f"{METHODS}{method.id}/",
        json={"bands": [{"lower": "0", "upper": "500", "price": "3"}]},
        headers=as_staff,
    )

    assert answer.status_code == 200
    assert answer.get_json()["bands"] == [{"lower": "0.00", "upper": "500.00", "price": "3.00"}]
    assert count(ShippingRateBand) == 1
