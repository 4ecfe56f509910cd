"""Back office shipping zones and methods: every write through the shipping services."""

from decimal import Decimal

from ecom.extensions import db
from ecom.shipping.models import ShippingMethod, ShippingZone
from tests.factories import admin_csrf_token, admin_login, make_method, make_zone


def html(response) -> str:
    return response.get_data(as_text=True)


def post_form(client, url: str, **fields):
    data = {"csrf_token": admin_csrf_token(client), **fields}
    return client.post(url, data=data, follow_redirects=True)


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_a_zone_is_created_with_its_countries_and_prefixes(client, staff):
    admin_login(client, staff)

    post_form(
        client,
        "/admin/shipping-zones/new/",
        name="West coast",
        countries="US, ca",
        postal_prefixes="9, v6",
    )

    zone = db.session.query(ShippingZone).one()
    assert (zone.countries, zone.postal_prefixes) == (["CA", "US"], ["9", "V6"])


def test_a_claimed_country_is_refused_with_the_service_message_and_nothing_written(client, staff):
    make_zone("US", name="Domestic")
    admin_login(client, staff)

    response = post_form(client, "/admin/shipping-zones/new/", name="Again", countries="US")

    assert "Already claimed by another zone: US (Domestic)." in html(response)
    assert db.session.query(ShippingZone).count() == 1


def test_the_edit_page_shows_the_zones_countries(client, staff):
    zone = make_zone("DE", "FR")
    admin_login(client, staff)

    page = html(client.get(f"/admin/shipping-zones/edit/?id={zone.id}"))

    assert 'value="DE, FR"' in page


def test_a_method_with_bands_is_created_from_lines_of_text(client, staff):
    zone = make_zone("US")
    admin_login(client, staff)

    post_form(
        client,
        "/admin/shipping-methods/new/",
        zone=str(zone.id),
        name="Express",
        min_days="1",
        max_days="2",
        is_active="y",
        rate="weight",
        bands="0-1000: 7.50\n1000-: 12",
    )

    method = db.session.query(ShippingMethod).one()
    assert [(b.lower, b.upper, b.price) for b in method.bands] == [
        (Decimal("0.00"), Decimal("1000.00"), Decimal("7.50")),
        (Decimal("1000.00"), None, Decimal("12.00")),
    ]


def test_overlapping_bands_are_refused_and_the_method_keeps_its_own(client, staff):
    method = make_method(make_zone("US"), rate="weight", bands=[("0", None, "5")])
    admin_login(client, staff)

    response = post_form(
        client,
        f"/admin/shipping-methods/edit/?id={method.id}",
        zone=str(method.zone_id),
        name=method.name,
        min_days="2",
        max_days="5",
        rate="weight",
        bands="0-1000: 5\n500-: 9",
    )

    assert "bands never overlap" in html(response)
    assert [(b.lower, b.upper) for b in fresh(ShippingMethod, method.id).bands] == [
        (Decimal("0.00"), None)
    ]


def test_a_band_line_that_cannot_be_read_is_refused(client, staff):
    zone = make_zone("US")
    admin_login(client, staff)

    response = post_form(
        client,
        "/admin/shipping-methods/new/",
        zone=str(zone.id),
        name="Express",
        min_days="1",
        max_days="2",
        rate="weight",
        bands="up to a kilo: 5",
    )

    assert "Line 1: write a band as" in html(response)
    assert db.session.query(ShippingMethod).count() == 0


def test_a_zone_with_methods_is_not_deleted_from_the_back_office(client, staff):
    zone = make_zone("US")
    make_method(zone)
    admin_login(client, staff)

    response = post_form(client, "/admin/shipping-zones/delete/", id=str(zone.id))

    assert "still has 1 method(s)" in html(response)
    assert fresh(ShippingZone, zone.id) is not None
