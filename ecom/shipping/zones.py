"""Zone rules: each country (and postal prefix) claimed by one zone at most, one rest of
the world, and the most specific zone for a destination."""

import re
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from ecom.accounts.destinations import Destination
from ecom.common.countries import COUNTRY_CODES
from ecom.common.errors import ValidationFailed
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.shipping.errors import RestOfWorldTaken, ZoneNotEmpty, ZoneNotFound, ZoneOverlap
from ecom.shipping.models import ShippingArea, ShippingMethod, ShippingZone

ZONE_FIELDS = ("name", "rest_of_world", "countries", "postal_prefixes")
# A postal-code prefix as sent: letters, digits, spaces and hyphens; compared without spaces.
POSTAL_PREFIX = r"^[A-Za-z0-9][A-Za-z0-9 -]{0,9}$"


def postal_key(postal_code: str) -> str:
    """A postal code as zones compare it: upper case, without spaces."""
    return "".join(postal_code.split()).upper()


def get_zone(zone_id: int) -> ShippingZone:
    zone = db.session.get(ShippingZone, zone_id)
    if zone is None:
        raise ZoneNotFound()
    return zone


def zones_query() -> Select:
    return select(ShippingZone).order_by(ShippingZone.name, ShippingZone.id)


WITH_METHODS = joinedload(ShippingZone.methods).joinedload(ShippingMethod.bands)


def zone_for(destination: Destination) -> ShippingZone | None:
    """The most specific zone for ``destination``: its country with the longest matching
    postal prefix, else its country without a prefix, else the rest of the world."""
    postal_code = postal_key(destination.postal_code)
    # Each zone read with its methods and their bands: pricing a cart reads no more.
    claims = (
        db.session.scalars(
            select(ShippingArea)
            .where(ShippingArea.country == destination.country.upper())
            .options(joinedload(ShippingArea.zone).options(WITH_METHODS))
        )
        .unique()
        .all()
    )
    matching = [a for a in claims if postal_code.startswith(a.postal_prefix)]
    if matching:
        return max(matching, key=lambda area: len(area.postal_prefix)).zone
    rest = select(ShippingZone).where(ShippingZone.rest_of_world.is_(True)).options(WITH_METHODS)
    return db.session.scalars(rest).unique().first()


def create_zone(data: dict[str, Any]) -> ShippingZone:
    zone = ShippingZone(name="", rest_of_world=False)
    with atomic(keep_loaded=True, on_conflict=_conflict(data)):
        db.session.add(zone)
        _apply(zone, {"countries": [], "postal_prefixes": [], **data})
    return zone


def update_zone(zone_id: int, changes: dict[str, Any]) -> ShippingZone:
    zone = get_zone(zone_id)
    with atomic(keep_loaded=True, on_conflict=_conflict(changes)):
        _apply(zone, changes)
    return zone


def delete_zone(zone_id: int) -> None:
    """Delete a zone without methods; one with methods is refused (409): its methods go
    first, deliberately, so that no method disappears with a zone by accident."""
    zone = get_zone(zone_id)
    methods = db.session.scalar(
        select(func.count()).select_from(ShippingMethod).where(ShippingMethod.zone_id == zone.id)
    )
    if methods:
        raise ZoneNotEmpty(methods)
    with atomic():
        db.session.delete(zone)


def _conflict(data: dict[str, Any]) -> RestOfWorldTaken | ZoneOverlap:
    """What a lost race on the database's unique claims means."""
    return RestOfWorldTaken() if data.get("rest_of_world") else ZoneOverlap()


def _apply(zone: ShippingZone, changes: dict[str, Any]) -> None:
    values = _checked({f: changes[f] for f in ZONE_FIELDS if f in changes})
    if "name" in values:
        zone.name = values["name"]
    db.session.flush()
    if values.get("rest_of_world") and not zone.rest_of_world:
        _ensure_rest_of_world_free(zone)
    if "rest_of_world" in values:
        zone.rest_of_world = values["rest_of_world"]
    if "countries" in values or "postal_prefixes" in values:
        countries = values.get("countries", zone.countries)
        prefixes = values.get("postal_prefixes", zone.postal_prefixes)
        _set_claims(zone, {(c, p) for c in countries for p in prefixes or [""]})


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    """The values normalised (codes and prefixes upper case, prefixes without spaces),
    or a 400 naming each field at fault."""
    errors: dict[str, list[str]] = {}
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"] or len(values["name"]) > 100:
            errors["name"] = [gettext("Give a name of 1 to 100 characters.")]
    if "countries" in values:
        values["countries"] = sorted({code.strip().upper() for code in values["countries"]})
        unknown = [code for code in values["countries"] if code not in COUNTRY_CODES]
        if unknown:
            codes = ", ".join(unknown)
            message = gettext("Not ISO 3166-1 alpha-2 country codes: %(codes)s.", codes=codes)
            errors["countries"] = [message]
    if "postal_prefixes" in values:
        prefixes = values["postal_prefixes"]
        wrong = [p for p in prefixes if not re.fullmatch(POSTAL_PREFIX, p)]
        if wrong:
            errors["postal_prefixes"] = [
                gettext(
                    "Each prefix: 1 to 10 letters, digits, spaces or hyphens, starting with a "
                    "letter or digit."
                )
            ]
        values["postal_prefixes"] = sorted({postal_key(p) for p in prefixes})
    if errors:
        raise ValidationFailed(errors=errors)
    return values


def _ensure_rest_of_world_free(zone: ShippingZone) -> None:
    taken = select(ShippingZone.id).where(
        ShippingZone.rest_of_world.is_(True), ShippingZone.id != zone.id
    )
    if db.session.scalar(taken) is not None:
        raise RestOfWorldTaken()


def _set_claims(zone: ShippingZone, claims: set[tuple[str, str]]) -> None:
    """Give ``zone`` exactly these (country, prefix) claims, none another zone holds."""
    if claims:
        taken = db.session.execute(
            select(ShippingArea.country, ShippingArea.postal_prefix, ShippingZone.name)
            .join(ShippingArea.zone)
            .where(ShippingArea.zone_id != zone.id)
            .where(ShippingArea.country.in_({country for country, _ in claims}))
        ).all()
        clashes = [
            f"{country}{f' {prefix}' if prefix else ''} ({name})"
            for country, prefix, name in taken
            if (country, prefix) in claims
        ]
        if clashes:
            raise ZoneOverlap(sorted(clashes))
    held = {(area.country, area.postal_prefix): area for area in zone.areas}
    for claim, area in held.items():
        if claim not in claims:
            zone.areas.remove(area)
    db.session.flush()
    for country, prefix in sorted(claims - held.keys()):
        zone.areas.append(ShippingArea(country=country, postal_prefix=prefix))
