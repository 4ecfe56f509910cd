"""Back office views of the catalog: categories and products, written through its services."""

from collections.abc import Iterator
from typing import Any

from flask_admin.contrib.sqla.filters import FilterEqual
from markupsafe import Markup
from sqlalchemy import ColumnElement, or_, select
from wtforms import BooleanField, FileField, Form

from ecom.admin.base import ServiceModelView, TermSearch, containing, format_money, show_related
from ecom.admin.tax import fill_tax_class_choices, tax_class_field
from ecom.admin.translations import TranslatedTexts
from ecom.admin.variants import ProductVariantPages, variant_rows
from ecom.catalog import categories, images, variants
from ecom.catalog import services as catalog
from ecom.catalog.models import Category, Product, ProductVariant
from ecom.catalog.translating import CATEGORY, PRODUCT
from ecom.common.storage import image_url
from ecom.common.transactions import atomic
from ecom.extensions import db


class CategoryChoices:
    """Every category as a filter option, by name, read each time a list is drawn
    (Flask-Admin keeps the options it is given from start-up)."""

    def __iter__(self) -> Iterator[tuple[str, str]]:
        rows = db.session.execute(select(Category.id, Category.name).order_by(Category.name))
        return iter([(str(category_id), name) for category_id, name in rows])


def _thumbnail(view: Any, context: Any, product: Product, attribute: str) -> Markup:
    url = image_url(product.image)
    if url is None:
        return Markup("")
    return Markup('<img src="{}" alt="" class="admin-thumb" loading="lazy">').format(url)


def _price_range(view: Any, context: Any, product: Product, attribute: str) -> str:
    if product.price_max == product.price:
        return format_money(product.price)
    return f"{product.price} – {format_money(product.price_max)}"


def product_search(term: str) -> ColumnElement[bool]:
    """A product matches a term by its title, its slug or one of its variants' SKUs."""
    like = containing(term)
    return or_(
        Product.title.ilike(like, escape="\\"),
        Product.slug.ilike(like, escape="\\"),
        Product.variants.any(ProductVariant.sku.ilike(like, escape="\\")),
    )


PRODUCT_FIELDS = (
    "title",
    "description",
    "category",
    "tax_class_id",
    "price",
    "stock_quantity",
    "is_active",
)


class CategoriesView(TranslatedTexts, ServiceModelView):
    """Categories with their parent; a move under a descendant or the deletion of a
    category still in use is refused by the catalog service. The page edits its texts in
    the other languages too."""

    required_permission = "manage_catalog"
    translation = CATEGORY
    translated_fields = ("name", "description", "slug")
    owner_key = "category_id"

    column_list = ("id", "name", "slug", "parent", "created_at")
    column_searchable_list = ("name", "slug")
    column_sortable_list = ("id", "name", "slug", "created_at")
    column_filters = (FilterEqual(Category.parent_id, "Parent", options=CategoryChoices()),)
    column_formatters = {"parent": show_related("name")}
    column_default_sort = "name"
    form_columns = ("name", "description", "parent")
    form_args = {"parent": {"get_label": "name"}}
    written_fields = frozenset(form_columns)
    service_keys = {"parent": "parent_id"}

    def create_model(self, form: Form) -> Category | bool:
        category = self.create_with(categories.create_category, form)
        if category and not self.perform(lambda: self.save_translations(form, category.id)):
            return False
        return category

    def update_model(self, form: Form, model: Category) -> bool:
        category_id = model.id

        def save() -> None:
            with atomic():
                categories.update_category(category_id, self.changes(form))
                self.save_translations(form, category_id)

        return self.perform(save)

    def delete_model(self, model: Category) -> bool:
        return self.perform(lambda: categories.delete_category(model.id))


class ProductsView(TranslatedTexts, TermSearch, ProductVariantPages, ServiceModelView):
    """Products: searchable, filterable, stock and active flag editable in the list;
    every write, image included, through the catalog service (as the API's). The page of
    a product edits its options and variants, and its texts in the other languages; price
    and stock are the product's own only while it has one variant (its default one). The
    page's Save writes its variant rows and translations too."""

    required_permission = "manage_catalog"
    translation = PRODUCT
    translated_fields = ("title", "description", "slug")
    owner_key = "product_id"

    edit_template = "ecom_admin/product_edit.html"
    column_list = (
        "image",
        "id",
        "title",
        "slug",
        "category",
        "price",
        "stock_quantity",
        "is_active",
        "average_rating",
        "updated_at",
    )
    column_labels = {"stock_quantity": "Stock", "is_active": "Active", "average_rating": "Rating"}
    column_searchable_list = ("title", "slug")
    search_condition = staticmethod(product_search)
    column_filters = (
        FilterEqual(Product.category_id, "Category", options=CategoryChoices()),
        "price",
        "stock_quantity",
        "is_active",
    )
    column_sortable_list = (
        "id",
        "title",
        "slug",
        ("category", "category.name"),
        "price",
        "stock_quantity",
        "is_active",
        "average_rating",
        "updated_at",
    )
    column_editable_list = ("stock_quantity", "is_active")
    column_formatters = {
        "image": _thumbnail,
        "category": show_related("name"),
        "price": _price_range,
    }
    column_default_sort = ("id", True)
    form_columns = (*PRODUCT_FIELDS, "image_upload", "remove_image")
    written_fields = frozenset(PRODUCT_FIELDS)
    form_args = {"category": {"get_label": "name"}}
    form_extra_fields = {
        "tax_class_id": tax_class_field(),
        "image_upload": FileField("Image (JPEG, PNG or WebP)"),
        "remove_image": BooleanField("Remove the current image"),
    }
    service_keys = {"category": "category_id"}

    def search_placeholder(self) -> str:
        return "Title, slug or SKU"

    def create_form(self, obj: Product | None = None) -> Form:
        return fill_tax_class_choices(super().create_form(obj))

    def edit_form(self, obj: Product | None = None) -> Form:
        form = fill_tax_class_choices(super().edit_form(obj))
        if obj is not None and len(obj.variants) > 1:
            del form.price
            del form.stock_quantity
        return form

    def create_model(self, form: Form) -> Product | bool:
        product = self.create_with(catalog.create_product, form)
        if product:
            self.perform(lambda: self.save_translations(form, product.id))
            self._store_image(form, product.id)
        return product

    def update_model(self, form: Form, model: Product) -> bool:
        """The page's Save: the product's fields and its edited variant rows, all or none."""
        product_id = model.id
        rows = variant_rows(model)
        if rows is None:
            return False

        def save() -> None:
            with atomic():
                catalog.update_product(product_id, self.changes(form))
                for variant_id, changes in rows:
                    variants.update_variant(product_id, variant_id, changes)
                self.save_translations(form, product_id)

        return self.perform(save) and self._store_image(form, product_id)

    def delete_model(self, model: Product) -> bool:
        return self.perform(lambda: catalog.delete_product(model.id))

    def _store_image(self, form: Form, product_id: int) -> bool:
        """Apply the form's image upload or removal (absent from inline edits)."""
        upload = form._fields.get("image_upload")
        remove = form._fields.get("remove_image")
        if upload is not None and getattr(upload.data, "filename", None):
            return self.perform(lambda: images.save_product_image(product_id, upload.data))
        if remove is not None and remove.data:
            return self.perform(lambda: images.delete_product_image(product_id))
        return True
