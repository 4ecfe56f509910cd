"""Tax quotes: region before country, the default class, shipping's rate, EU reverse
charge, and the provider ``TAX_PROVIDER`` names."""

from decimal import Decimal

import pytest
from sqlalchemy import select

import config
from ecom import create_app
from ecom.accounts.destinations import Destination
from ecom.catalog import services as catalog
from ecom.catalog.models import Product
from ecom.common.errors import Conflict
from ecom.extensions import db
from ecom.tax import providers, services
from ecom.tax.providers import TaxQuote, tax_quote
from tests.factories import make_product, run_seed

FR_BUSINESS = "FR40303265045"
DE_BUSINESS = "DE136695976"


@pytest.fixture
def classes():
    """Standard (the default), reduced and zero, with Germany's and California's rates."""
    standard = services.create_class({"name": "Standard"})
    reduced = services.create_class({"name": "Reduced"})
    zero = services.create_class({"name": "Zero"})
    for class_, rate in ((standard, "19"), (reduced, "7")):
        rate_of("DE", class_, rate)
    rate_of("US", standard, "0")
    rate_of("US", standard, "7.25", region="CA")
    rate_of("FR", standard, "20")
    return standard, reduced, zero


def rate_of(country, tax_class, rate, region=""):
    class_id = tax_class.id if tax_class is not None else None
    return services.create_rate(
        {"country": country, "region": region, "tax_class_id": class_id, "rate": Decimal(rate)}
    )


@pytest.fixture
def eu_shop(app, monkeypatch):
    monkeypatch.setitem(app.config, "SHOP_COUNTRY", "DE")
    monkeypatch.setitem(app.config, "EU_REVERSE_CHARGE", True)


def test_a_regions_rate_beats_its_countrys(classes):
    standard, *_ = classes

    california = tax_quote(Destination("US", region="ca"), [standard.id])
    nevada = tax_quote(Destination("US", region="NV"), [standard.id])

    assert california.rate_for(standard.id) == Decimal("7.25")
    assert nevada.rate_for(standard.id) == Decimal("0")


def test_each_class_pays_its_own_rate_and_a_class_without_a_rate_pays_nothing(classes):
    standard, reduced, zero = classes

    quote = tax_quote(Destination("DE"), [standard.id, reduced.id, zero.id])

    assert quote.rates == {None: 19, standard.id: 19, reduced.id: 7, zero.id: 0}
    assert quote.reverse_charge is False


def test_no_class_or_an_unknown_class_pays_the_default_classs_rate(classes):
    quote = tax_quote(Destination("DE"), [None, 999_999])

    assert quote.rate_for(None) == Decimal("19")
    assert quote.rate_for(999_999) == Decimal("19")
    assert quote.rate_for(123) == Decimal("19")


def test_a_country_without_rates_pays_nothing(classes):
    standard, *_ = classes

    quote = tax_quote(Destination("JP"), [standard.id])

    assert quote.rate_for(standard.id) == 0 and quote.shipping_rate == 0


def test_without_a_destination_the_shops_own_country_is_taxed(classes, app, monkeypatch):
    monkeypatch.setitem(app.config, "SHOP_COUNTRY", "FR")

    assert tax_quote(None, [None]).rate_for(None) == Decimal("20")


def test_shipping_pays_the_default_classs_rate_unless_a_shipping_rate_is_set(classes):
    rate_of("DE", None, "16")
    rate_of("US", None, "5", region="CA")

    assert tax_quote(Destination("FR"), []).shipping_rate == Decimal("20")
    assert tax_quote(Destination("DE"), []).shipping_rate == Decimal("16")
    assert tax_quote(Destination("US", region="CA"), []).shipping_rate == Decimal("5")
    assert tax_quote(Destination("US", region="NV"), []).shipping_rate == Decimal("0")


def test_reverse_charge_zero_rates_a_business_in_another_member_state(classes, eu_shop):
    standard, reduced, _ = classes

    quote = tax_quote(Destination("FR", vat_number=FR_BUSINESS), [standard.id, reduced.id])

    assert quote.reverse_charge is True
    assert quote.rates == {None: 0, standard.id: 0, reduced.id: 0}
    assert quote.shipping_rate == 0


def test_reverse_charge_is_off_unless_the_setting_is_on(classes, app, monkeypatch):
    monkeypatch.setitem(app.config, "SHOP_COUNTRY", "DE")

    quote = tax_quote(Destination("FR", vat_number=FR_BUSINESS), [None])

    assert quote.reverse_charge is False and quote.rate_for(None) == Decimal("20")


def test_a_business_in_the_shops_own_country_pays_vat(classes, eu_shop):
    quote = tax_quote(Destination("DE", vat_number=DE_BUSINESS), [None])

    assert quote.reverse_charge is False and quote.rate_for(None) == Decimal("19")


@pytest.mark.parametrize("vat_number", ["", "FR00000000000", "not a number"])
def test_without_a_valid_vat_number_a_foreign_customer_pays_vat(classes, eu_shop, vat_number):
    quote = tax_quote(Destination("FR", vat_number=vat_number), [None])

    assert quote.reverse_charge is False and quote.rate_for(None) == Decimal("20")


def test_a_destination_outside_the_eu_gets_no_reverse_charge(classes, eu_shop):
    assert tax_quote(Destination("US", vat_number=FR_BUSINESS), [None]).reverse_charge is False


def test_the_provider_tax_provider_names_answers(app, monkeypatch):
    class Fixed:
        def quote(self, destination, tax_class_ids):
            return TaxQuote(rates={None: Decimal("12.5")}, shipping_rate=Decimal(1))

    monkeypatch.setitem(providers.PROVIDERS, "fixed", Fixed)
    monkeypatch.setitem(app.config, "TAX_PROVIDER", "fixed")

    assert tax_quote(Destination("DE"), [None]).rate_for(None) == Decimal("12.5")


def test_an_unknown_tax_provider_stops_the_app_at_start_up():
    settings = config.TestingConfig({"TAX_PROVIDER": "avalara"})
    with pytest.raises(config.ConfigError, match="TAX_PROVIDER: must be one of flat"):
        create_app(settings)


def test_reverse_charge_for_a_shop_outside_the_eu_stops_the_app_at_start_up():
    settings = config.TestingConfig({"EU_REVERSE_CHARGE": "true", "SHOP_COUNTRY": "US"})
    with pytest.raises(config.ConfigError, match="EU_REVERSE_CHARGE: needs SHOP_COUNTRY"):
        create_app(settings)


def test_an_unknown_shop_country_is_refused():
    with pytest.raises(config.ConfigError, match="SHOP_COUNTRY"):
        create_app(config.TestingConfig({"SHOP_COUNTRY": "XX"}))
    with pytest.raises(config.ConfigError, match="SHOP_COUNTRY"):
        config.TestingConfig({"SHOP_COUNTRY": "USA"})


def test_the_tax_settings_default_to_net_us_prices_and_the_flat_provider():
    settings = config.TestingConfig({})

    assert settings.PRICES_INCLUDE_TAX is False and settings.SHOP_COUNTRY == "US"
    assert settings.EU_REVERSE_CHARGE is False and settings.TAX_PROVIDER == "flat"


def test_the_first_class_is_the_default_and_making_another_the_default_moves_it():
    standard = services.create_class({"name": "Standard"})
    reduced = services.create_class({"name": "Reduced"})
    assert standard.is_default and not reduced.is_default

    services.update_class(reduced.id, {"is_default": True})

    db.session.expire_all()
    assert services.default_class().id == reduced.id
    assert not db.session.get(type(standard), standard.id).is_default


def test_the_default_class_can_be_neither_deleted_nor_unmarked():
    standard = services.create_class({"name": "Standard"})

    with pytest.raises(Conflict):
        services.delete_class(standard.id)
    with pytest.raises(Conflict):
        services.update_class(standard.id, {"is_default": False})


def test_deleting_a_class_drops_its_rates_and_its_products_fall_back_to_the_default(classes):
    _, reduced, _ = classes
    product = make_product(tax_class_id=reduced.id)

    services.delete_class(reduced.id)

    db.session.expire_all()
    assert catalog.get_product(product.id).tax_class_id is None
    assert tax_quote(Destination("DE"), [reduced.id]).rate_for(reduced.id) == Decimal("19")


def test_the_seeded_shop_has_three_classes_rates_and_reduced_rate_books(app):
    run_seed(app, "--products", "200", "--users", "5", "--orders", "5", "--reviews", "5")

    names = {c.name: c for c in db.session.scalars(services.classes_query())}
    assert set(names) == {"Standard", "Reduced", "Zero"} and names["Standard"].is_default
    assert tax_quote(Destination("DE"), [names["Reduced"].id]).rate_for(
        names["Reduced"].id
    ) == Decimal("7")
    books = db.session.scalars(
        select(Product).where(Product.tax_class_id == names["Reduced"].id)
    ).all()
    assert books and all(p.category.parent.parent.name == "Books" for p in books)
