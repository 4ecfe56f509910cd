"""Shipping's rules: which zone a destination falls in, what each rate charges, which
methods a cart may use."""

from decimal import Decimal

import pytest

from ecom.accounts.destinations import Destination
from ecom.common.errors import ValidationFailed
from ecom.extensions import db
from ecom.shipping import services as shipping
from ecom.shipping.errors import RestOfWorldTaken, ShippingMethodNotOffered, ZoneOverlap
from ecom.shipping.models import ShippingZone
from tests.factories import make_method, make_zone

US = Destination("US", "94107")


def options_for(destination, weight_grams=0, subtotal="10.00"):
    return shipping.shipping_options(
        destination, weight_grams=weight_grams, subtotal=Decimal(subtotal)
    )


def prices(destination, **cart):
    return [(o.method.name, o.price) for o in options_for(destination, **cart)]


# --- zones


def test_a_destination_takes_the_zone_naming_its_country():
    us = make_zone("US", "CA")
    make_zone("DE")

    assert shipping.zone_for(US) == us


def test_a_matching_postal_prefix_beats_the_whole_country_and_the_longest_prefix_wins():
    country = make_zone("US")
    west = make_zone("US", postal_prefixes=["9"])
    bay = make_zone("US", postal_prefixes=["941"])

    assert shipping.zone_for(Destination("US", "94107")) == bay
    assert shipping.zone_for(Destination("US", "90210")) == west
    assert shipping.zone_for(Destination("US", "10001")) == country


def test_postal_codes_are_compared_upper_case_without_spaces():
    london = make_zone("GB", postal_prefixes=["sw1a"])

    assert london.postal_prefixes == ["SW1A"]
    assert shipping.zone_for(Destination("GB", "sw1a 1aa")) == london


def test_the_rest_of_the_world_takes_what_no_zone_claims():
    make_zone("US", postal_prefixes=["9"])
    world = make_zone(rest_of_world=True)

    assert shipping.zone_for(Destination("JP", "100-0001")) == world
    assert shipping.zone_for(Destination("US", "10001")) == world


def test_without_a_matching_zone_nothing_is_offered():
    make_method(make_zone("US"))

    assert shipping.zone_for(Destination("FR")) is None
    assert options_for(Destination("FR")) == []


def test_two_zones_claiming_a_country_with_the_same_prefix_are_refused_and_nothing_is_written():
    make_zone("US", "CA", name="North America")

    with pytest.raises(ZoneOverlap) as refused:
        make_zone("MX", "CA", name="Latin")

    assert refused.value.status == 409
    assert "CA (North America)" in refused.value.message
    assert db.session.query(ShippingZone).count() == 1


def test_the_same_country_with_another_prefix_is_another_claim():
    make_zone("US", postal_prefixes=["9"])

    assert make_zone("US", postal_prefixes=["1"]).countries == ["US"]
    assert make_zone("US").postal_prefixes == []
    with pytest.raises(ZoneOverlap):
        make_zone("US", postal_prefixes=["9"])


def test_only_one_zone_is_the_rest_of_the_world():
    make_zone(rest_of_world=True)

    with pytest.raises(RestOfWorldTaken):
        make_zone(rest_of_world=True)


def test_an_unknown_country_is_a_400_naming_countries():
    with pytest.raises(ValidationFailed) as refused:
        make_zone("US", "XX")

    assert "XX" in refused.value.errors["countries"][0]


def test_a_zone_update_replaces_its_claims():
    zone = make_zone("US", "CA")

    shipping.update_zone(zone.id, {"countries": ["CA", "MX"], "postal_prefixes": ["H"]})

    assert zone.countries == ["CA", "MX"]
    assert make_zone("US").countries == ["US"]


# --- rates


def test_a_flat_rate_charges_its_price_whatever_the_cart():
    make_method(make_zone("US"), "4.90", name="Standard")

    assert prices(US, weight_grams=25000, subtotal="500.00") == [("Standard", Decimal("4.90"))]


@pytest.mark.parametrize(
    ("grams", "price"),
    [(0, "5.00"), (999, "5.00"), (1000, "9.00"), (4999, "9.00"), (5000, "20.00"), (10**6, "20.00")],
)
def test_weight_bands_include_their_lower_bound_and_exclude_their_upper_one(grams, price):
    bands = [("0", "1000", "5.00"), ("1000", "5000", "9.00"), ("5000", None, "20.00")]
    make_method(make_zone("US"), rate="weight", bands=bands, name="Express")

    assert prices(US, weight_grams=grams) == [("Express", Decimal(price))]


@pytest.mark.parametrize(
    ("subtotal", "offered"),
    [("19.99", "6.00"), ("20.00", "3.00"), ("49.99", "3.00"), ("50.00", None)],
)
def test_subtotal_bands_price_by_subtotal_and_a_gap_offers_nothing(subtotal, offered):
    bands = [("0", "20", "6.00"), ("20", "50", "3.00")]
    make_method(make_zone("US"), rate="subtotal", bands=bands, name="Saver")

    expected = [("Saver", Decimal(offered))] if offered else []
    assert prices(US, subtotal=subtotal) == expected


def test_a_weight_outside_every_band_is_not_offered():
    make_method(make_zone("US"), rate="weight", bands=[("500", "1000", "5.00")])

    assert options_for(US, weight_grams=499) == []
    assert options_for(US, weight_grams=1000) == []


def test_shipping_is_free_at_or_above_free_over():
    make_method(make_zone("US"), "5.00", name="Standard", free_over=Decimal("75.00"))

    assert prices(US, subtotal="74.99") == [("Standard", Decimal("5.00"))]
    assert prices(US, subtotal="75.00") == [("Standard", Decimal("0.00"))]


def test_free_over_still_needs_a_matching_band():
    make_method(
        make_zone("US"), rate="weight", bands=[("0", "2000", "8.00")], free_over=Decimal("50")
    )

    assert [o.price for o in options_for(US, weight_grams=100, subtotal="60")] == [Decimal("0")]
    assert options_for(US, weight_grams=3000, subtotal="60") == []


def test_weight_limits_are_inclusive():
    make_method(make_zone("US"), min_weight_grams=100, max_weight_grams=2000)

    assert options_for(US, weight_grams=99) == []
    assert len(options_for(US, weight_grams=100)) == 1
    assert len(options_for(US, weight_grams=2000)) == 1
    assert options_for(US, weight_grams=2001) == []


def test_options_come_cheapest_first_and_inactive_methods_are_left_out():
    zone = make_zone("US")
    make_method(zone, "12.00", name="Express")
    make_method(zone, "4.00", name="Standard")
    make_method(zone, "1.00", name="Retired", is_active=False)

    assert [name for name, _ in prices(US)] == ["Standard", "Express"]


# --- choosing a method


def test_an_offered_method_is_chosen_with_its_price():
    method = make_method(make_zone("US"), "4.00")

    option = shipping.shipping_option(US, method.id, weight_grams=0, subtotal=Decimal("10"))

    assert (option.method, option.price) == (method, Decimal("4.00"))


def test_a_method_of_another_zone_is_not_offered_409():
    method = make_method(make_zone("DE"))
    make_method(make_zone("US"))

    with pytest.raises(ShippingMethodNotOffered) as refused:
        shipping.shipping_option(US, method.id, weight_grams=0, subtotal=Decimal("10"))

    assert (refused.value.status, refused.value.code) == (409, "shipping_method_not_offered")


def test_a_method_the_cart_does_not_fit_is_not_offered():
    method = make_method(make_zone("US"), max_weight_grams=1000)

    with pytest.raises(ShippingMethodNotOffered):
        shipping.shipping_option(US, method.id, weight_grams=1001, subtotal=Decimal("10"))


def test_the_shop_ships_anywhere_once_an_active_method_exists():
    assert not shipping.ships_anywhere()
    method = make_method(make_zone("US"), is_active=False)
    assert not shipping.ships_anywhere()

    shipping.update_method(method.id, {"is_active": True})

    assert shipping.ships_anywhere()


# --- method rules


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"min_days": 5, "max_days": 2}, "max_days"),
        ({"price": "-1.00"}, "price"),
        ({"price": "100000000.00"}, "price"),
        ({"free_over": Decimal("-5")}, "free_over"),
        ({"min_weight_grams": 500, "max_weight_grams": 100}, "max_weight_grams"),
        ({"rate": "weight"}, "bands"),
    ],
)
def test_absurd_method_values_are_400_naming_the_field(fields, field):
    zone = make_zone("US")

    with pytest.raises(ValidationFailed) as refused:
        make_method(zone, **fields)

    assert field in refused.value.errors
    assert zone.methods == []


def test_overlapping_bands_are_refused():
    zone = make_zone("US")

    with pytest.raises(ValidationFailed) as refused:
        make_method(zone, rate="weight", bands=[("0", "1000", "5"), ("900", None, "9")])

    assert refused.value.errors["bands"][1]["lower"]


def test_an_open_band_before_another_overlaps_it():
    with pytest.raises(ValidationFailed):
        make_method(make_zone("US"), rate="weight", bands=[("0", None, "5"), ("900", None, "9")])


def test_a_zone_with_methods_is_not_deleted():
    zone = make_zone("US")
    make_method(zone)

    with pytest.raises(Exception) as refused:
        shipping.delete_zone(zone.id)

    assert refused.value.code == "shipping_zone_not_empty"
    assert db.session.get(ShippingZone, zone.id) is not None
