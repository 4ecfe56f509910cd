"""Carriers: a name and a tracking-URL template, written by staff."""

import re
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, func, select

from ecom.common.errors import ValidationFailed
from ecom.common.field_messages import N_
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.fulfilment.errors import CarrierInUse, CarrierNameTaken, CarrierNotFound
from ecom.fulfilment.models import Carrier, Fulfilment

FIELDS = ("name", "tracking_url_template")
# The very end of the text, in Python as in the document's ECMAScript (Python's `$` also
# matches before a final newline).
END = r"(?![\s\S])"
# No space nor control character (spelled out: Python's \s and ECMAScript's differ).
VISIBLE = r"[^\x00-\x20\x7f]"
TEMPLATE_PATTERN = rf"^https?://{VISIBLE}*\{{tracking_number\}}{VISIBLE}*{END}"
TEMPLATE_RULE = N_("An http(s) URL without spaces, holding {tracking_number}.")
NAME_RULE = N_("Give a name of 1 to 100 characters.")


def carriers_query() -> Select:
    return select(Carrier).order_by(Carrier.name, Carrier.id)


def get_carrier(carrier_id: int) -> Carrier:
    carrier = db.session.get(Carrier, carrier_id)
    if carrier is None:
        raise CarrierNotFound()
    return carrier


def create_carrier(data: dict[str, Any]) -> Carrier:
    """A carrier; its name is the shop's only one of that name (409 ``carrier_name_taken``)."""
    _check(data)
    with atomic(keep_loaded=True, on_conflict=CarrierNameTaken()):
        carrier = Carrier(**{field: data[field] for field in FIELDS})
        _check_name(carrier.name, None)
        db.session.add(carrier)
    return carrier


def update_carrier(carrier_id: int, changes: dict[str, Any]) -> Carrier:
    carrier = get_carrier(carrier_id)
    _check(
        {"name": carrier.name, "tracking_url_template": carrier.tracking_url_template, **changes}
    )
    with atomic(keep_loaded=True, on_conflict=CarrierNameTaken()):
        if "name" in changes:
            _check_name(changes["name"], carrier.id)
        for field in FIELDS:
            if field in changes:
                setattr(carrier, field, changes[field])
    return carrier


def delete_carrier(carrier_id: int) -> None:
    """Delete a carrier no fulfilment names (409 ``carrier_in_use`` otherwise)."""
    carrier = get_carrier(carrier_id)
    used = db.session.scalar(
        select(func.count(Fulfilment.id)).where(Fulfilment.carrier_id == carrier.id)
    )
    if used:
        raise CarrierInUse(used)
    with atomic():
        db.session.delete(carrier)


def _check_name(name: str, carrier_id: int | None) -> None:
    """The unique index decides a race; this answers the common case before a write."""
    same = select(Carrier.id).where(func.lower(Carrier.name) == name.lower())
    found = db.session.scalar(same)
    if found is not None and found != carrier_id:
        raise CarrierNameTaken()


def _check(values: dict[str, Any]) -> None:
    """A 400 naming each field at fault, before anything is written."""
    errors = {}
    name = values.get("name") or ""
    if not name.strip() or len(name) > 100:
        errors["name"] = [gettext(NAME_RULE)]
    template = values.get("tracking_url_template") or ""
    if len(template) > 500 or not re.match(TEMPLATE_PATTERN, template):
        errors["tracking_url_template"] = [gettext(TEMPLATE_RULE)]
    if errors:
        raise ValidationFailed(errors=errors)
