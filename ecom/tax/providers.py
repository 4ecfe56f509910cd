"""Tax quotes: the rates a destination pays, per tax class and for shipping, from the
provider ``TAX_PROVIDER`` names (``flat``: the shop's own tables)."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import select

from config import ConfigError
from ecom.accounts.destinations import Destination
from ecom.common.countries import COUNTRY_CODES, EU_MEMBER_STATES
from ecom.extensions import db
from ecom.tax.models import TaxClass, TaxRate
from ecom.tax.vat import reverse_charge_applies

NO_TAX = Decimal("0.000")


@dataclass(frozen=True)
class TaxQuote:
    """Percentages (``Decimal("20.000")``) per tax class id; the key None is the default
    class's."""

    rates: Mapping[int | None, Decimal]
    shipping_rate: Decimal
    reverse_charge: bool = False

    def rate_for(self, tax_class_id: int | None) -> Decimal:
        """The rate of ``tax_class_id``; None or an unknown class: the default class's."""
        if tax_class_id in self.rates:
            return self.rates[tax_class_id]
        return self.rates.get(None, NO_TAX)


class TaxProvider(Protocol):
    def quote(self, destination: Destination, tax_class_ids: Collection[int | None]) -> TaxQuote:
        """The rates ``destination`` pays for each of ``tax_class_ids`` and shipping."""


class FlatProvider:
    """The shop's own rates: a region's rate beats its country's; no rate is 0; shipping
    pays its own rate where one is set, else the default class's."""

    def quote(self, destination: Destination, tax_class_ids: Collection[int | None]) -> TaxQuote:
        country = destination.country.strip().upper()
        region = destination.region.strip().upper()
        # The default class's id rides along: without a rate row, every rate is 0 anyway.
        default_class = select(TaxClass.id).where(TaxClass.is_default.is_(True))
        rows = db.session.execute(
            select(
                TaxRate.tax_class_id,
                TaxRate.region,
                TaxRate.rate,
                default_class.scalar_subquery().label("default_id"),
            ).where(TaxRate.country == country, TaxRate.region.in_(("", region)))
        ).all()
        # By class id (None: shipping); country-wide rows first, so a region's row
        # overwrites its country's.
        found: dict[int | None, Decimal] = {}
        for class_id, _region, rate, _default in sorted(rows, key=lambda row: row.region != ""):
            found[class_id] = rate
        default_id = rows[0].default_id if rows else None
        default_rate = found.get(default_id, NO_TAX) if default_id is not None else NO_TAX
        named = {class_id for class_id in tax_class_ids if class_id is not None}
        known = (
            set(db.session.scalars(select(TaxClass.id).where(TaxClass.id.in_(named))))
            if named
            else set()
        )
        rates: dict[int | None, Decimal] = {None: default_rate}
        for class_id in named:
            rates[class_id] = found.get(class_id, NO_TAX) if class_id in known else default_rate
        return TaxQuote(
            rates=rates, shipping_rate=found.get(None, default_rate), reverse_charge=False
        )


PROVIDERS: dict[str, type[TaxProvider]] = {"flat": FlatProvider}


def check_settings(config: Mapping[str, Any]) -> None:
    """Fail at start-up on an unknown provider, an unknown shop country, or reverse charge
    for a shop outside the EU."""
    problems = {}
    if config["TAX_PROVIDER"] not in PROVIDERS:
        problems["TAX_PROVIDER"] = (
            f"must be one of {', '.join(PROVIDERS)}, not {config['TAX_PROVIDER']!r}"
        )
    if config["SHOP_COUNTRY"] not in COUNTRY_CODES:
        problems["SHOP_COUNTRY"] = f"not an ISO 3166-1 alpha-2 code: {config['SHOP_COUNTRY']!r}"
    elif config["EU_REVERSE_CHARGE"] and config["SHOP_COUNTRY"] not in EU_MEMBER_STATES:
        problems["EU_REVERSE_CHARGE"] = (
            f"needs SHOP_COUNTRY in the EU, not {config['SHOP_COUNTRY']!r}"
        )
    if problems:
        raise ConfigError(problems)


def tax_quote(destination: Destination | None, tax_class_ids: Collection[int | None]) -> TaxQuote:
    """The rates ``destination`` (None: the shop's own country, ``SHOP_COUNTRY``) pays,
    from ``TAX_PROVIDER``; all zero under EU reverse charge."""
    config = current_app.config
    destination = destination or Destination(country=config["SHOP_COUNTRY"])
    if reverse_charge_applies(destination, config):
        rates = {class_id: NO_TAX for class_id in {*tax_class_ids, None}}
        return TaxQuote(rates=rates, shipping_rate=NO_TAX, reverse_charge=True)
    return PROVIDERS[config["TAX_PROVIDER"]]().quote(destination, tax_class_ids)
