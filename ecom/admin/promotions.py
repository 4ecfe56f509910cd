"""Back office promotions and vouchers, and a voucher's redemptions: every write through
the promotions services (as the API's)."""

from typing import Any

from flask import url_for
from flask_admin.contrib.sqla.filters import FilterEqual
from markupsafe import Markup
from wtforms import DateTimeLocalField, Form
from wtforms.validators import DataRequired, Optional

from ecom.admin.base import ServiceModelView
from ecom.promotions import services as promotions
from ecom.promotions import vouchers
from ecom.promotions.models import (
    KINDS,
    SCOPES,
    VOUCHER_KINDS,
    Promotion,
    Voucher,
    VoucherRedemption,
)

PERIOD_FIELDS = ("starts_at", "ends_at", "is_active")
# UTC times, as the back office shows them.
TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
PERIOD_FORM = {
    "starts_at": DateTimeLocalField(
        "Starts at (UTC)", format=TIME_FORMATS, validators=[DataRequired()]
    ),
    "ends_at": DateTimeLocalField("Ends at (UTC)", format=TIME_FORMATS, validators=[Optional()]),
}


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value.replace("_", " ").capitalize()) for value in values]


class TargetedView(ServiceModelView):
    """A form whose relations (products, variants, categories) go to the service as ids."""

    service_keys = {
        "products": "product_ids",
        "variants": "variant_ids",
        "categories": "category_ids",
    }

    def changes(self, form: Form) -> dict[str, Any]:
        return {
            key: [row.id for row in value] if isinstance(value, list) else value
            for key, value in super().changes(form).items()
        }


class PromotionsView(TargetedView):
    """Catalogue promotions; their sale prices follow each write."""

    required_permission = "manage_pricing"

    column_list = ("id", "name", "kind", "value", *PERIOD_FIELDS)
    column_labels = {"is_active": "Active"}
    column_filters = ("is_active", "kind")
    column_searchable_list = ("name",)
    column_default_sort = ("id", True)
    form_columns = ("name", "kind", "value", *PERIOD_FIELDS, "products", "variants", "categories")
    form_extra_fields = PERIOD_FORM
    form_choices = {"kind": _choices(KINDS)}
    form_args = {
        "products": {"get_label": "title"},
        "variants": {"get_label": "sku"},
        "categories": {"get_label": "name"},
    }
    written_fields = frozenset(form_columns)

    def create_model(self, form: Form) -> Promotion | bool:
        return self.create_with(promotions.create_promotion, form)

    def update_model(self, form: Form, model: Promotion) -> bool:
        return self.perform(lambda: promotions.update_promotion(model.id, self.changes(form)))

    def delete_model(self, model: Promotion) -> bool:
        return self.perform(lambda: promotions.delete_promotion(model.id))


def _usage(view: Any, context: Any, model: Voucher, name: str) -> Markup:
    """Times used, linked to its redemptions."""
    url = url_for("admin_redemptions.index_view", flt0_voucher_id_equals=model.id)
    return Markup('<a href="{}">{}</a>').format(url, model.used_count)


class VouchersView(TargetedView):
    """Vouchers with their usage; a used voucher is deactivated, never deleted."""

    required_permission = "manage_pricing"

    column_list = (
        "id",
        "code",
        "kind",
        "value",
        "scope",
        "used_count",
        "usage_limit",
        *PERIOD_FIELDS,
    )
    column_labels = {"is_active": "Active", "used_count": "Used"}
    column_formatters = {"used_count": _usage}
    column_filters = ("is_active", "kind", "first_order_only")
    column_searchable_list = ("code",)
    column_default_sort = ("id", True)
    form_columns = (
        "code",
        "kind",
        "value",
        "scope",
        "products",
        "categories",
        "min_subtotal",
        "min_quantity",
        *PERIOD_FIELDS,
        "usage_limit",
        "usage_limit_per_customer",
        "first_order_only",
    )
    form_extra_fields = PERIOD_FORM
    form_choices = {"kind": _choices(VOUCHER_KINDS), "scope": _choices(SCOPES)}
    form_args = {"products": {"get_label": "title"}, "categories": {"get_label": "name"}}
    written_fields = frozenset(form_columns)

    def create_model(self, form: Form) -> Voucher | bool:
        return self.create_with(vouchers.create_voucher, form)

    def update_model(self, form: Form, model: Voucher) -> bool:
        return self.perform(lambda: vouchers.update_voucher(model.id, self.changes(form)))

    def delete_model(self, model: Voucher) -> bool:
        return self.perform(lambda: vouchers.delete_voucher(model.id))


class RedemptionsView(ServiceModelView):
    """Who used which voucher on which order (read only)."""

    required_permission = "manage_pricing"

    can_create = False
    can_edit = False
    can_delete = False
    column_list = ("id", "voucher_id", "order_id", "user_id", "created_at")
    column_labels = {"voucher_id": "Voucher", "order_id": "Order", "user_id": "Customer"}
    column_filters = (FilterEqual(VoucherRedemption.voucher_id, "Voucher id"),)
    column_default_sort = ("id", True)
