"""The product page's variants and options in the back office: its variant rows (saved
with the page's Save), the new variant and the options, all written through the catalog's
rules (``ecom.catalog.variants``, ``ecom.catalog.options``) under the product's lock."""

from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from werkzeug.wrappers import Response
from wtforms import BooleanField, DecimalField, Form, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from config.fields import comma_list
from ecom.catalog import options, variants
from ecom.catalog.models import Product, ProductVariant
from ecom.extensions import db

MAX_PRICE = Decimal("99999999.99")
MAX_INTEGER = 2**31 - 1
PRICE_RULES = [InputRequired(), NumberRange(min=Decimal("0.01"), max=MAX_PRICE)]
STOCK_RULES = [InputRequired(), NumberRange(min=0, max=MAX_INTEGER)]
WEIGHT_RULES = [Optional(), NumberRange(min=0, max=MAX_INTEGER)]


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class VariantForm(Form):
    sku = StringField("SKU", [InputRequired(), Length(max=64)], filters=[strip])
    price = DecimalField("Price", PRICE_RULES, places=2)
    stock_quantity = IntegerField("Stock", STOCK_RULES)
    is_active = BooleanField("Active")
    weight_grams = IntegerField("Weight (g)", WEIGHT_RULES)


class OptionForm(Form):
    name = StringField("Option", [InputRequired(), Length(max=50)], filters=[strip])
    values = StringField("Values, separated by commas", [InputRequired()])

    def value_list(self) -> list[str]:
        return comma_list(self.values.data)


def _flash_errors(form: Form) -> None:
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")


def _product(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None:
        abort(404)
    return product


def _chosen_values(product: Product, prefix: str = "") -> dict[str, str] | None:
    """The option values the form chose (option name → value); None, flashed, when one
    is missing."""
    chosen = {
        o.name: request.form.get(f"{prefix}option-{o.id}", "").strip() for o in product.options
    }
    missing = [name for name, value in chosen.items() if not value]
    if missing:
        flash(f"Choose a value for {', '.join(missing)}.", "error")
        return None
    return chosen


def _row_changes(product: Product, variant: ProductVariant) -> dict[str, Any] | None:
    """What the page's row of ``variant`` changes ({} when nothing); None, flashed, when
    the row is invalid."""
    prefix = f"variant-{variant.id}-"
    form = VariantForm(request.form, prefix=prefix)
    chosen = _chosen_values(product, prefix)
    if not form.validate():
        for field in form:
            for message in field.errors:
                flash(f"{variant.sku}: {field.label.text}: {message}", "error")
        return None
    if chosen is None:
        return None
    changes = {name: value for name, value in form.data.items() if getattr(variant, name) != value}
    if chosen != {value.option.name: value.value for value in variant.values}:
        changes["options"] = chosen
    return changes


def variant_rows(product: Product) -> list[tuple[int, dict[str, Any]]] | None:
    """The changes of the product page's variant rows that were edited, by variant id;
    None, each error flashed, when a row is invalid. A page posted without rows (the
    list's inline edit) changes none."""
    rows, valid = [], True
    for variant in product.variants:
        if f"variant-{variant.id}-sku" not in request.form:
            continue
        changes = _row_changes(product, variant)
        valid = valid and changes is not None
        if changes:
            rows.append((variant.id, changes))
    return rows if valid else None


def _option_data(form: OptionForm) -> dict[str, Any] | None:
    values = form.value_list() if form.validate() else []
    if form.errors or not values or any(len(value) > 50 for value in values):
        _flash_errors(form)
        if not form.errors:
            flash(gettext("Values: give one or more, each of at most 50 characters."), "error")
        return None
    return {"name": form.name.data, "values": values}


class ProductVariantPages:
    """The product page's forms for its variants and options (mixed into the products
    view): each posts here, is written through the catalog's rules, and comes back to the
    page with the outcome flashed."""

    def _back(self, product_id: int, anchor: str) -> Response:
        return redirect(url_for(".edit_view", id=product_id) + f"#{anchor}")

    @expose("/<int:product_id>/variants/", methods=("POST",))
    def variant_create(self, product_id: int) -> Response:
        form = VariantForm(request.form)
        chosen = _chosen_values(_product(product_id))
        if not form.validate():
            _flash_errors(form)
        elif chosen is not None:
            data = {**form.data, "options": chosen}
            if self.perform(lambda: variants.create_variant(product_id, data)):
                flash(gettext("Variant %(sku)s added.", sku=form.sku.data), "success")
        return self._back(product_id, "variants")

    @expose("/<int:product_id>/variants/<int:variant_id>/", methods=("POST",))
    def variant_delete(self, product_id: int, variant_id: int) -> Response:
        """A row's Delete (its edits are saved with the page's Save)."""
        if self.perform(lambda: variants.delete_variant(product_id, variant_id)):
            flash(gettext("Variant deleted."), "success")
        return self._back(product_id, "variants")

    @expose("/<int:product_id>/options/", methods=("POST",))
    def option_create(self, product_id: int) -> Response:
        data = _option_data(OptionForm(request.form))
        if data and self.perform(lambda: options.create_option(product_id, data)):
            flash(f"Option {data['name']} added: every variant takes its first value.", "success")
        return self._back(product_id, "options")

    @expose("/<int:product_id>/options/<int:option_id>/", methods=("POST",))
    def option_update(self, product_id: int, option_id: int) -> Response:
        if request.form.get("action") == "delete":
            if self.perform(lambda: options.delete_option(product_id, option_id)):
                flash(gettext("Option deleted."), "success")
            return self._back(product_id, "options")
        data = _option_data(OptionForm(request.form))
        if data and self.perform(lambda: options.update_option(product_id, option_id, data)):
            flash(gettext("Option %(name)s saved.", name=data["name"]), "success")
        return self._back(product_id, "options")
