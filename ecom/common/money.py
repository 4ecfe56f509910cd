"""Money in the API: ``Decimal`` inside, a string of ASCII digits on the wire, both ways,
in the shop's one currency (``SHOP_CURRENCY``); for people (e-mails, documents) as the
current language writes it (``format_money``)."""

import re
from decimal import Decimal
from typing import Any

import marshmallow as ma
from flask import current_app
from flask_babel import format_currency

from ecom.common.field_messages import N_

# What the API answers: two decimals, e.g. "19.90" (negative for a discount).
AMOUNT_OUT = r"^-?[0-9]+\.[0-9]{2}$"
# What it takes: 0 to 99999999.99, at most two decimals.
AMOUNT = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"
# The same above 0, written without leading zeros: "19.9", "5", "0.05".
POSITIVE_AMOUNT = r"^([1-9][0-9]{0,7}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$"


def format_money(amount: Decimal | str, currency: str | None = None) -> str:
    """``amount`` in ``currency`` (default ``SHOP_CURRENCY``) as the current language
    writes it, after CLDR: "$12.50" in English, "12,50 $US" in French."""
    return format_currency(Decimal(amount), currency or current_app.config["SHOP_CURRENCY"])


class Money(ma.fields.Decimal):
    """A read-only amount serialised as e.g. ``"19.90"``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("dump_only", True)
        kwargs["metadata"] = {
            "type": "string",
            "format": "decimal",
            "pattern": AMOUNT_OUT,
            "example": "19.90",
            **kwargs.get("metadata", {}),
        }
        super().__init__(places=2, as_string=True, **kwargs)


class AmountInput(ma.fields.Decimal):
    """An amount a client sends: a string matching ``pattern`` (no exponents, `_` or non-ASCII)."""

    default_error_messages = {"invalid": N_("A decimal string such as `19.90`: {description}.")}

    def __init__(self, *, pattern: str = AMOUNT, description: str, **kwargs: Any) -> None:
        self.pattern = re.compile(pattern)
        self.description = description
        kwargs["metadata"] = {
            "type": "string",
            "format": "decimal",
            "pattern": pattern,
            "example": "19.90",
            "description": description,
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        # The same test as JSON Schema's `pattern` (a search), so document and server agree.
        if not isinstance(value, str) or not self.pattern.search(value):
            raise self.make_error("invalid", description=self.description)
        return super()._deserialize(value, attr, data, **kwargs)


class Currency(ma.fields.Function):
    """The shop's currency (``SHOP_CURRENCY``), shown beside its amounts."""

    def __init__(self, **kwargs) -> None:
        kwargs["metadata"] = {
            "type": "string",
            "example": "USD",
            "description": "ISO 4217 code of every amount (SHOP_CURRENCY).",
        }
        kwargs.setdefault("dump_only", True)
        super().__init__(lambda _obj: current_app.config["SHOP_CURRENCY"], **kwargs)
