"""Tax class and rate rules, whoever writes them (API or back office)."""

import re
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, select, update

from ecom.common.countries import COUNTRY_CODES
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.tax.errors import (
    DefaultTaxClass,
    InvalidTaxRate,
    TaxClassExists,
    TaxClassNotFound,
    TaxRateExists,
    TaxRateNotFound,
    UnknownTaxClass,
)
from ecom.tax.models import TaxClass, TaxRate

RATE_FIELDS = ("country", "region", "tax_class_id", "rate")
MAX_RATE = Decimal(100)
RATE_PLACES = 3
# A region as rates name it: a code or a name in ASCII (``CA``, ``NEW YORK``), or empty.
REGION_PATTERN = r"^([A-Za-z0-9][A-Za-z0-9 .'-]{0,63})?$"

# --- classes ----------------------------------------------------------------------------


def classes_query() -> Select:
    return select(TaxClass).order_by(TaxClass.name, TaxClass.id)


def get_class(class_id: int) -> TaxClass:
    tax_class = db.session.get(TaxClass, class_id)
    if tax_class is None:
        raise TaxClassNotFound()
    return tax_class


def default_class() -> TaxClass | None:
    """The shop's default class; None until a first class exists."""
    return db.session.scalar(select(TaxClass).where(TaxClass.is_default.is_(True)))


def _clear_default() -> None:
    db.session.execute(
        update(TaxClass).where(TaxClass.is_default.is_(True)).values(is_default=False)
    )


def create_class(data: dict[str, Any]) -> TaxClass:
    """A tax class; the first one, or one sent with ``is_default``, becomes the default."""
    with atomic(keep_loaded=True, on_conflict=TaxClassExists()):
        make_default = data.get("is_default") or default_class() is None
        if make_default:
            _clear_default()
        tax_class = TaxClass(name=data["name"], is_default=bool(make_default))
        db.session.add(tax_class)
    return tax_class


def update_class(class_id: int, changes: dict[str, Any]) -> TaxClass:
    """Rename a class, or make it the default (the previous default stops being one)."""
    with atomic(keep_loaded=True, on_conflict=TaxClassExists()):
        tax_class = get_class(class_id)
        make_default = changes.get("is_default")
        if make_default is False and tax_class.is_default:
            raise DefaultTaxClass(errors={"is_default": [DefaultTaxClass.message]})
        if make_default and not tax_class.is_default:
            _clear_default()
            db.session.flush()
            tax_class.is_default = True
        if "name" in changes:
            tax_class.name = changes["name"]
    return tax_class


def delete_class(class_id: int) -> None:
    """Delete a class with its rates; its products fall back to the default class."""
    with atomic():
        tax_class = get_class(class_id)
        if tax_class.is_default:
            raise DefaultTaxClass()
        db.session.delete(tax_class)


# --- rates ------------------------------------------------------------------------------


def rates_query() -> Select:
    return select(TaxRate).order_by(
        TaxRate.country, TaxRate.region, TaxRate.tax_class_id.is_not(None), TaxRate.tax_class_id
    )


def get_rate(rate_id: int) -> TaxRate:
    rate = db.session.get(TaxRate, rate_id)
    if rate is None:
        raise TaxRateNotFound()
    return rate


def _rate_problems(values: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a rate's (complete) values, by field."""
    problems: dict[str, list[str]] = {}
    rate = values.get("rate")
    if rate is None or not Decimal(0) <= rate <= MAX_RATE:
        problems["rate"] = [gettext("A percentage from 0 to 100.")]
    elif -rate.as_tuple().exponent > RATE_PLACES:
        problems["rate"] = [gettext("At most %(places)s decimals.", places=RATE_PLACES)]
    if values.get("country") not in COUNTRY_CODES:
        problems["country"] = [gettext("Not an ISO 3166-1 alpha-2 country code.")]
    if not re.fullmatch(REGION_PATTERN, values.get("region") or ""):
        problems["region"] = [gettext("Letters, digits, spaces and . ' -, at most 64 characters.")]
    return problems


def _checked(values: dict[str, Any], rate_id: int | None = None) -> dict[str, Any]:
    """``values`` normalised (upper case, no surrounding blanks), or the field errors."""
    values = {
        **values,
        "country": (values.get("country") or "").strip().upper(),
        "region": (values.get("region") or "").strip().upper(),
    }
    problems = _rate_problems(values)
    if problems:
        raise InvalidTaxRate(problems)
    class_id = values["tax_class_id"]
    if class_id is not None and db.session.get(TaxClass, class_id) is None:
        raise UnknownTaxClass()
    same = select(TaxRate.id).where(
        TaxRate.country == values["country"],
        TaxRate.region == values["region"],
        TaxRate.tax_class_id.is_(None) if class_id is None else TaxRate.tax_class_id == class_id,
        TaxRate.id != (rate_id or 0),
    )
    if db.session.scalar(same) is not None:
        raise TaxRateExists()
    return values


def create_rate(data: dict[str, Any]) -> TaxRate:
    """A rate for a country (or one of its regions) and a class, or for shipping."""
    values = _checked({field: data.get(field) for field in RATE_FIELDS})
    with atomic(keep_loaded=True, on_conflict=TaxRateExists()):
        rate = TaxRate(**values)
        db.session.add(rate)
    return rate


def update_rate(rate_id: int, changes: dict[str, Any]) -> TaxRate:
    """Change some of a rate's values; the rate as a whole must still hold."""
    rate = get_rate(rate_id)
    current = {field: getattr(rate, field) for field in RATE_FIELDS}
    values = _checked({**current, **changes}, rate_id)
    with atomic(keep_loaded=True, on_conflict=TaxRateExists()):
        for field, value in values.items():
            setattr(rate, field, value)
    return rate


def delete_rate(rate_id: int) -> None:
    with atomic():
        db.session.delete(get_rate(rate_id))
