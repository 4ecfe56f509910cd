"""The back office's Variants list: every variant, searchable by SKU; price, stock and
active flag edited in the list, through the catalog's ``update_variant``."""

from typing import Any

from flask import url_for
from flask_admin.contrib.sqla.filters import IntEqualFilter
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload
from wtforms import Form
from wtforms.validators import InputRequired, Length

from ecom.admin.base import ServiceModelView
from ecom.admin.variants import PRICE_RULES, STOCK_RULES, WEIGHT_RULES, strip
from ecom.catalog import variants
from ecom.catalog.models import ProductVariant


def _product_link(view: Any, context: Any, variant: ProductVariant, name: str) -> Markup:
    url = url_for("admin_products.edit_view", id=variant.product_id)
    return Markup('<a href="{}#variants">{}</a>').format(url, variant.product.title)


class VariantsView(ServiceModelView):
    """Every variant: searchable by SKU, filterable by product; price, stock and active
    flag edited in the list; each write through ``update_variant``."""

    required_permission = "manage_catalog"

    can_create = False
    column_list = (
        "id",
        "product",
        "label",
        "sku",
        "price",
        "stock_quantity",
        "is_active",
        "weight_grams",
        "updated_at",
    )
    column_labels = {
        "sku": "SKU",
        "label": "Options",
        "stock_quantity": "Stock",
        "is_active": "Active",
        "weight_grams": "Weight (g)",
    }
    column_searchable_list = ("sku",)
    column_filters = (
        IntEqualFilter(ProductVariant.product_id, "Product"),
        "price",
        "stock_quantity",
        "is_active",
    )
    column_sortable_list = (
        "id",
        ("product", "product.title"),
        "sku",
        "price",
        "stock_quantity",
        "is_active",
        "updated_at",
    )
    column_editable_list = ("price", "stock_quantity", "is_active")
    column_formatters = {
        "product": _product_link,
        "label": lambda view, context, variant, name: variant.label,
    }
    column_default_sort = ("id", True)
    form_columns = ("sku", "price", "stock_quantity", "is_active", "weight_grams")
    form_args = {
        "sku": {"validators": [InputRequired(), Length(max=64)], "filters": [strip]},
        "price": {"validators": PRICE_RULES},
        "stock_quantity": {"validators": STOCK_RULES},
        "weight_grams": {"validators": WEIGHT_RULES},
    }
    written_fields = frozenset(form_columns)

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        # The price is edited in the list, so the currency is in its heading, not its cells.
        self.column_labels = {**self.column_labels, "price": f"Price ({currency})"}
        super().__init__(*args, **kwargs)

    def get_query(self) -> Any:
        """Each row's product and option values in a few queries, whatever the page size."""
        return (
            super()
            .get_query()
            .options(
                joinedload(ProductVariant.product),
                selectinload(ProductVariant.values),
            )
        )

    def update_model(self, form: Form, model: ProductVariant) -> bool:
        product_id, variant_id = model.product_id, model.id
        return self.perform(
            lambda: variants.update_variant(product_id, variant_id, self.changes(form))
        )

    def delete_model(self, model: ProductVariant) -> bool:
        product_id, variant_id = model.product_id, model.id
        return self.perform(lambda: variants.delete_variant(product_id, variant_id))
