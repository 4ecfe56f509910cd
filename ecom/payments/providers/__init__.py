"""Payment providers: the interface, and the registry that ``PAYMENT_PROVIDERS`` fills."""

from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import gettext

from ecom.common.errors import NotFound
from ecom.payments.providers.base import Provider
from ecom.payments.providers.dummy import DummyProvider
from ecom.payments.providers.paypal import PayPalProvider
from ecom.payments.providers.stripe import StripeProvider

KINDS: dict[str, type[Provider]] = {
    "dummy": DummyProvider,
    "stripe": StripeProvider,
    "paypal": PayPalProvider,
}
# What each provider cannot work without.
REQUIRED_SETTINGS = {
    "stripe": ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"),
    "paypal": ("PAYPAL_CLIENT_ID", "PAYPAL_CLIENT_SECRET", "PAYPAL_WEBHOOK_ID"),
}


def check_settings(config: Mapping[str, Any]) -> None:
    """Fail at start-up on an unknown provider, or one without its secrets."""
    names = config["PAYMENT_PROVIDERS"]
    unknown = [name for name in names if name not in KINDS]
    if unknown or not names:
        raise RuntimeError(
            f"PAYMENT_PROVIDERS must name one or more of {', '.join(KINDS)}; got {names}."
        )
    for name in names:
        missing = [key for key in REQUIRED_SETTINGS.get(name, ()) if not config[key]]
        if missing:
            raise RuntimeError(f"PAYMENT_PROVIDERS has {name}: set {' and '.join(missing)}.")


def default_name() -> str:
    return current_app.config["PAYMENT_PROVIDERS"][0]


def get_provider(name: str) -> Provider:
    """The provider called ``name`` when the shop offers it, built from the settings."""
    if name not in current_app.config["PAYMENT_PROVIDERS"]:
        raise NotFound(gettext("No payment provider called %(name)s is enabled.", name=repr(name)))
    return KINDS[name].from_config(current_app.config)
