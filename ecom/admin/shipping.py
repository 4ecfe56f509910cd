"""Back office shipping: zones (countries and postal prefixes as comma lists) and methods
(bands as lines), every write through the shipping services' rules."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext
from wtforms import Form, StringField, TextAreaField

from config.fields import comma_list
from ecom.admin.base import ServiceModelView, show_related
from ecom.common.errors import ValidationFailed
from ecom.shipping import services as shipping
from ecom.shipping.models import RATES, ShippingMethod, ShippingZone

# A band as staff type it: "0-1000: 5.00", or "1000-: 9.00" for no upper bound.
BAND_LINE = re.compile(r"^\s*([0-9.]+)\s*-\s*([0-9.]*)\s*:\s*([0-9.]+)\s*$")
# The form's fields the service takes as they are.
METHOD_FIELDS = (
    "name",
    "min_days",
    "max_days",
    "rate",
    "price",
    "free_over",
    "min_weight_grams",
    "max_weight_grams",
)


def _comma_joined(attribute: str) -> Any:
    return lambda view, context, model, name: ", ".join(getattr(model, attribute))


def parse_bands(text: str) -> list[dict[str, Decimal | None]]:
    """The bands of the form's text, one per line; a 400 naming ``bands`` for a bad line."""
    bands = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = BAND_LINE.match(line)
        try:
            lower, upper, price = (Decimal(v) if v else None for v in match.groups())
        except (AttributeError, InvalidOperation):
            message = gettext(
                "Line %(number)s: write a band as `lower-upper: price`, e.g. `0-1000: 5.00`.",
                number=number,
            )
            raise ValidationFailed(message, errors={"bands": [message]}) from None
        bands.append({"lower": lower, "upper": upper, "price": price})
    return bands


def band_lines(method: ShippingMethod) -> str:
    return "\n".join(
        f"{band.lower}-{'' if band.upper is None else band.upper}: {band.price}"
        for band in method.bands
    )


class ShippingZonesView(ServiceModelView):
    """Zones: a country (and prefix) claimed twice, a second rest of the world or the
    deletion of a zone with methods is refused by the service."""

    required_permission = "manage_pricing"

    column_list = ("id", "name", "rest_of_world", "countries", "postal_prefixes", "updated_at")
    column_labels = {"rest_of_world": "Rest of the world", "postal_prefixes": "Postal prefixes"}
    column_formatters = {
        "countries": _comma_joined("countries"),
        "postal_prefixes": _comma_joined("postal_prefixes"),
    }
    column_searchable_list = ("name",)
    column_sortable_list = ("id", "name", "rest_of_world", "updated_at")
    column_default_sort = "name"
    form_columns = ("name", "rest_of_world", "countries", "postal_prefixes")
    form_extra_fields = {
        "countries": StringField("Countries (ISO codes, separated by commas)"),
        "postal_prefixes": StringField("Postal code prefixes (optional, separated by commas)"),
    }

    def on_form_prefill(self, form: Form, id: Any) -> None:
        zone = self.get_one(id)
        form.countries.data = ", ".join(zone.countries)
        form.postal_prefixes.data = ", ".join(zone.postal_prefixes)

    def changes(self, form: Form) -> dict[str, Any]:
        return {
            "name": form.name.data,
            "rest_of_world": bool(form.rest_of_world.data),
            "countries": comma_list(form.countries.data or ""),
            "postal_prefixes": comma_list(form.postal_prefixes.data or ""),
        }

    def create_model(self, form: Form) -> ShippingZone | bool:
        return self.create_with(shipping.create_zone, form)

    def update_model(self, form: Form, model: ShippingZone) -> bool:
        return self.perform(lambda: shipping.update_zone(model.id, self.changes(form)))

    def delete_model(self, model: ShippingZone) -> bool:
        return self.perform(lambda: shipping.delete_zone(model.id))


class ShippingMethodsView(ServiceModelView):
    """Methods with their rate; the bands of a band rate are edited as lines of text."""

    required_permission = "manage_pricing"

    column_list = (
        "id",
        "zone",
        "name",
        "rate",
        "price",
        "bands",
        "free_over",
        "min_days",
        "max_days",
        "is_active",
    )
    column_labels = {"free_over": "Free from", "is_active": "Active"}
    column_formatters = {
        "zone": show_related("name"),
        "bands": lambda view, context, method, name: band_lines(method).replace("\n", "; "),
    }
    column_searchable_list = ("name",)
    column_sortable_list = (
        "id",
        ("zone", "zone.name"),
        "name",
        "rate",
        "min_days",
        "is_active",
    )
    column_filters = (FilterEqual(ShippingMethod.zone_id, "Zone id"), "rate", "is_active")
    column_default_sort = ("id", False)
    form_columns = (
        "zone",
        "name",
        "min_days",
        "max_days",
        "is_active",
        "rate",
        "price",
        "bands",
        "free_over",
        "min_weight_grams",
        "max_weight_grams",
    )
    form_choices = {"rate": [(rate, rate.capitalize()) for rate in RATES]}
    form_args = {"zone": {"get_label": "name"}}
    form_extra_fields = {
        "bands": TextAreaField(
            "Bands (weight or subtotal rates), one per line: `lower-upper: price`; "
            "leave upper empty for no end"
        )
    }

    def on_form_prefill(self, form: Form, id: Any) -> None:
        form.bands.data = band_lines(self.get_one(id))

    def changes(self, form: Form) -> dict[str, Any]:
        values = {name: form[name].data for name in METHOD_FIELDS}
        return {
            **values,
            "zone_id": getattr(form.zone.data, "id", None),
            "is_active": bool(form.is_active.data),
            "bands": parse_bands(form.bands.data or ""),
        }

    def create_model(self, form: Form) -> ShippingMethod | bool:
        return self.create_with(shipping.create_method, form)

    def update_model(self, form: Form, model: ShippingMethod) -> bool:
        method_id = model.id
        return self.perform(lambda: shipping.update_method(method_id, self.changes(form)))

    def delete_model(self, model: ShippingMethod) -> bool:
        return self.perform(lambda: shipping.delete_method(model.id))
