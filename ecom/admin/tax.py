"""Back office views of tax classes and rates, written through the tax services, and the
tax class field of the product form."""

from typing import Any

from sqlalchemy import select
from wtforms import Form, SelectField

from ecom.admin.base import ServiceModelView, show_related
from ecom.extensions import db
from ecom.tax import services as tax
from ecom.tax.models import TaxClass, TaxRate

DEFAULT_CHOICE = ("", "The shop's default class")


def _class_id(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


def tax_class_field() -> SelectField:
    """A product's tax class: blank for the shop's default; choices filled per form."""
    return SelectField("Tax class", coerce=_class_id, choices=[DEFAULT_CHOICE])


def fill_tax_class_choices(form: Form) -> Form:
    """Every tax class as a choice of ``form``'s ``tax_class_id``, read each time."""
    rows = db.session.execute(select(TaxClass.id, TaxClass.name).order_by(TaxClass.name))
    form.tax_class_id.choices = [DEFAULT_CHOICE, *((str(id_), name) for id_, name in rows)]
    return form


class TaxClassesView(ServiceModelView):
    """Tax classes; exactly one is the default, which cannot be deleted or unmarked (the
    tax service refuses), only replaced by marking another."""

    required_permission = "manage_pricing"

    column_list = ("id", "name", "is_default")
    column_labels = {"is_default": "Default"}
    column_default_sort = "name"
    form_columns = ("name", "is_default")
    written_fields = frozenset(form_columns)

    def create_model(self, form: Form) -> TaxClass | bool:
        return self.create_with(tax.create_class, form)

    def update_model(self, form: Form, model: TaxClass) -> bool:
        return self.perform(lambda: tax.update_class(model.id, self.changes(form)))

    def delete_model(self, model: TaxClass) -> bool:
        return self.perform(lambda: tax.delete_class(model.id))


class TaxRatesView(ServiceModelView):
    """Rates per country or region and class; a rate without a class is the shipping line's."""

    required_permission = "manage_pricing"

    column_list = ("id", "country", "region", "tax_class", "rate")
    column_formatters = {"tax_class": show_related("name")}
    column_labels = {"tax_class": "Class (blank: shipping)", "rate": "Rate (%)"}
    column_filters = ("country", "region")
    column_sortable_list = ("id", "country", "region", ("tax_class", "tax_class.name"), "rate")
    column_default_sort = "country"
    form_columns = ("country", "region", "tax_class", "rate")
    form_args = {"tax_class": {"get_label": "name", "blank_text": "(shipping)"}}
    written_fields = frozenset(form_columns)
    service_keys = {"tax_class": "tax_class_id"}

    def create_model(self, form: Form) -> TaxRate | bool:
        return self.create_with(tax.create_rate, form)

    def update_model(self, form: Form, model: TaxRate) -> bool:
        return self.perform(lambda: tax.update_rate(model.id, self.changes(form)))

    def delete_model(self, model: TaxRate) -> bool:
        return self.perform(lambda: tax.delete_rate(model.id))
