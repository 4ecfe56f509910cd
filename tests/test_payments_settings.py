"""Payment settings: the providers on offer, the shop's currency, minor units."""

from decimal import Decimal

import pytest

import config
from ecom import create_app
from ecom.payments.providers.base import from_minor, to_minor
from tests.factories import make_product, token_headers
from tests.payments import pending_order


def test_an_unknown_payment_provider_stops_the_app_at_start_up():
    settings = config.TestingConfig({"PAYMENT_PROVIDERS": "dummy,bitcoin"})
    with pytest.raises(RuntimeError, match="PAYMENT_PROVIDERS"):
        create_app(settings)


def test_stripe_without_its_secrets_stops_the_app_at_start_up():
    settings = config.TestingConfig({"PAYMENT_PROVIDERS": "stripe", "STRIPE_SECRET_KEY": "sk_x"})
    with pytest.raises(RuntimeError, match="STRIPE_WEBHOOK_SECRET"):
        create_app(settings)


def test_payment_settings_are_read_from_the_environment():
    settings = config.TestingConfig(
        {
            "PAYMENT_PROVIDERS": " stripe , dummy ",
            "SHOP_CURRENCY": "eur",
            "PAYMENT_TIMEOUT_MINUTES": "5",
        }
    )
    assert settings.PAYMENT_PROVIDERS == ["stripe", "dummy"]
    assert (settings.SHOP_CURRENCY, settings.PAYMENT_TIMEOUT_MINUTES) == ("EUR", 5)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("19.90", "USD", 1990), ("1990.00", "JPY", 1990), ("1.25", "KWD", 1250), ("0.01", "EUR", 1)],
)
def test_amounts_cross_the_provider_boundary_in_minor_units(amount, currency, minor):
    assert to_minor(Decimal(amount), currency) == minor
    assert from_minor(minor, currency) == Decimal(amount)


def test_the_shop_currency_is_shown_on_products_orders_and_payments(
    app, client, customer, monkeypatch
):
    order, _ = pending_order(customer)
    monkeypatch.setitem(app.config, "SHOP_CURRENCY", "EUR")
    headers = token_headers(customer)
    assert client.get(f"/api/v1/products/{make_product().id}/").json["currency"] == "EUR"
    assert client.get(f"/api/v1/orders/{order.id}/", headers=headers).json["currency"] == "EUR"
    paid = client.post(f"/api/v1/orders/{order.id}/pay/", json={}, headers=headers)
    assert paid.json["currency"] == "EUR"


def test_paypal_without_its_credentials_stops_the_app_at_start_up():
    settings = config.TestingConfig(
        {"PAYMENT_PROVIDERS": "paypal", "PAYPAL_CLIENT_ID": "id", "PAYPAL_CLIENT_SECRET": "x"}
    )
    with pytest.raises(RuntimeError, match="PAYPAL_WEBHOOK_ID"):
        create_app(settings)
