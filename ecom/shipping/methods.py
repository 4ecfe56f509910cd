"""Method rules: a delivery estimate, a complete rate (a flat price, or bands that never
overlap), sane amounts and weight limits."""

from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, select

from ecom.common.errors import ValidationFailed
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.shipping.errors import MethodNotFound, RateMismatch, UnknownZone
from ecom.shipping.models import RATES, ShippingMethod, ShippingRateBand, ShippingZone

MAX_AMOUNT = Decimal("99999999.99")
MAX_DAYS = 365
MAX_GRAMS = 2**31 - 1
METHOD_FIELDS = (
    "zone_id",
    "name",
    "min_days",
    "max_days",
    "is_active",
    "rate",
    "price",
    "free_over",
    "min_weight_grams",
    "max_weight_grams",
)


def get_method(method_id: int) -> ShippingMethod:
    method = db.session.get(ShippingMethod, method_id)
    if method is None:
        raise MethodNotFound()
    return method


def methods_query(zone_id: int | None = None) -> Select:
    query = select(ShippingMethod).order_by(ShippingMethod.zone_id, ShippingMethod.id)
    return query if zone_id is None else query.where(ShippingMethod.zone_id == zone_id)


def create_method(data: dict[str, Any]) -> ShippingMethod:
    """A method of a zone; ``bands`` (``lower``, ``upper``, ``price``) for band rates."""
    values = {"is_active": True, "bands": [], **data}
    _check(values)
    with atomic(keep_loaded=True):
        method = ShippingMethod()
        _write(method, values)
        db.session.add(method)
    return method


def update_method(method_id: int, changes: dict[str, Any]) -> ShippingMethod:
    """Change some fields; a new ``rate`` comes with its price or bands, and a price or
    bands the method's unchanged rate does not use is a 409 (``shipping_rate_mismatch``)."""
    method = get_method(method_id)
    if "rate" not in changes:
        for field in ("price", "bands"):
            uses = field == "price" if method.rate == "flat" else field == "bands"
            if field in changes and not uses:
                raise RateMismatch(field, method.rate)
    values = {**_current(method), **changes}
    if "rate" in changes:
        # A rate comes with its own price or bands; the other rate's are dropped.
        values["price"] = changes.get("price")
        values["bands"] = changes.get("bands", [])
    _check(values)
    with atomic(keep_loaded=True):
        _write(method, values)
    return method


def delete_method(method_id: int) -> None:
    method = get_method(method_id)
    with atomic():
        db.session.delete(method)


def _current(method: ShippingMethod) -> dict[str, Any]:
    bands = [{"lower": b.lower, "upper": b.upper, "price": b.price} for b in method.bands]
    return {**{field: getattr(method, field) for field in METHOD_FIELDS}, "bands": bands}


def _write(method: ShippingMethod, values: dict[str, Any]) -> None:
    for field in METHOD_FIELDS:
        if field in values:
            setattr(method, field, values[field])
    if values["rate"] == "flat":
        method.bands = []
    else:
        method.price = None
        bands = sorted(values["bands"], key=lambda band: band["lower"])
        method.bands = [ShippingRateBand(**band) for band in bands]


def _check(values: dict[str, Any]) -> None:
    """A 400 naming each field at fault, before anything is written."""
    errors: dict[str, Any] = {}
    if db.session.get(ShippingZone, values.get("zone_id") or 0) is None:
        raise UnknownZone()
    name = (values.get("name") or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [gettext("Give a name of 1 to 100 characters.")]
    errors.update(_days_errors(values.get("min_days"), values.get("max_days")))
    errors.update(_rate_errors(values))
    for field in ("price", "free_over"):
        if values.get(field) is not None and not _is_amount(values[field]):
            errors[field] = [gettext("From 0 to %(max)s.", max=MAX_AMOUNT)]
    low, high = values.get("min_weight_grams"), values.get("max_weight_grams")
    for field, grams in (("min_weight_grams", low), ("max_weight_grams", high)):
        if grams is not None and not 0 <= grams <= MAX_GRAMS:
            errors[field] = [gettext("From 0 to %(max)s grams.", max=MAX_GRAMS)]
    if low is not None and high is not None and low > high:
        errors["max_weight_grams"] = [gettext("Must be at least min_weight_grams.")]
    if errors:
        raise ValidationFailed(errors=errors)


def _days_errors(low: int | None, high: int | None) -> dict[str, list[str]]:
    if low is None or high is None:
        message = gettext("Give the delivery estimate in days.")
        return {"min_days" if low is None else "max_days": [message]}
    if not (0 <= low <= MAX_DAYS and 0 <= high <= MAX_DAYS):
        return {"max_days": [gettext("Days from 0 to %(max)s.", max=MAX_DAYS)]}
    if low > high:
        return {"max_days": [gettext("Must be at least min_days.")]}
    return {}


def _rate_errors(values: dict[str, Any]) -> dict[str, list]:
    rate = values.get("rate")
    if rate not in RATES:
        return {"rate": [gettext("One of %(rates)s.", rates=", ".join(RATES))]}
    if rate == "flat":
        if values.get("price") is None:
            return {"price": [gettext("A flat rate needs a price.")]}
        return {"bands": [gettext("A flat rate has no bands.")]} if values.get("bands") else {}
    if values.get("price") is not None:
        message = gettext("A %(rate)s rate is priced by its bands; give no price.", rate=rate)
        return {"price": [message]}
    return _bands_errors(values.get("bands") or [])


def _bands_errors(bands: list[dict[str, Any]]) -> dict[str, list]:
    """Bands: at least one, each from a lower bound below its upper one (none for the
    last), priced from 0, never overlapping."""
    if not bands:
        return {"bands": [gettext("A band rate needs at least one band.")]}
    problems: dict[int, dict[str, list[str]]] = {}
    for index, band in enumerate(bands):
        if not _is_amount(band["lower"]):
            problems.setdefault(index, {})["lower"] = [
                gettext("From 0 to %(max)s.", max=MAX_AMOUNT)
            ]
        elif band.get("upper") is not None and not band["lower"] < band["upper"] <= MAX_AMOUNT:
            problems.setdefault(index, {})["upper"] = [
                gettext("Above lower, at most %(max)s.", max=MAX_AMOUNT)
            ]
        if not _is_amount(band["price"]):
            problems.setdefault(index, {})["price"] = [
                gettext("From 0 to %(max)s.", max=MAX_AMOUNT)
            ]
    if problems:
        return {"bands": problems}
    ordered = sorted(enumerate(bands), key=lambda item: item[1]["lower"])
    for (_, band), (index, following) in zip(ordered, ordered[1:], strict=False):
        if band.get("upper") is None or band["upper"] > following["lower"]:
            message = gettext(
                "Overlaps the band from %(lower)s; bands never overlap.", lower=band["lower"]
            )
            problems[index] = {"lower": [message]}
    return {"bands": problems} if problems else {}


def _is_amount(value: Decimal) -> bool:
    return 0 <= value <= MAX_AMOUNT
