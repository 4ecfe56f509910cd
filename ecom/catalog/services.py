"""Product rules: what a product's values obey, whoever writes them (API or back office)."""

from collections.abc import Mapping
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import column, exists, select, table, update

from ecom.catalog.errors import (
    ProductInUse,
    SkuUnavailable,
    SlugUnavailable,
    UnknownCategory,
    UnknownTaxClass,
)
from ecom.catalog.events import PRODUCT_CREATED, PRODUCT_DELETED
from ecom.catalog.models import Category, Product, ProductVariant
from ecom.catalog.renditions import delete_image
from ecom.catalog.slugs import add_with_unique_slug
from ecom.catalog.stock import lock_products
from ecom.catalog.summary import (
    locked_product,
    prices_changed,
    product_changed,
    refresh_summary,
)
from ecom.catalog.variants import check_price_and_stock, check_sku_free, single_variant
from ecom.catalog.visibility import visible_product
from ecom.common.events import record
from ecom.common.transactions import atomic
from ecom.extensions import db

# What a product's request sets on its only variant (a product with several refuses them).
DEFAULT_VARIANT_FIELDS = ("price", "stock_quantity", "sku")
SEVERAL_VARIANTS = _l("This product has several variants: set this on each of them (variants/).")
# The tax domain's table, named rather than imported: tax sits above the catalog.
TAX_CLASSES = table("tax_classes", column("id"))


def get_product(product_id: int, *, include_inactive: bool = False) -> Product:
    """A product; an inactive one is not found unless ``include_inactive`` (staff)."""
    return visible_product(db.session.get(Product, product_id), include_inactive=include_inactive)


def _check_product(values: dict) -> None:
    check_price_and_stock(values)
    category_id = values.get("category_id")
    if category_id is not None and db.session.get(Category, category_id) is None:
        raise UnknownCategory("category")
    tax_class_id = values.get("tax_class_id")
    if tax_class_id is not None and not db.session.scalar(
        select(exists().where(TAX_CLASSES.c.id == tax_class_id))
    ):
        raise UnknownTaxClass()


def create_product(data: dict) -> Product:
    """A product with its default variant, which takes ``price``, ``stock_quantity`` and
    ``sku`` (``P<id>`` unless given)."""
    _check_product(data)
    variant_fields = {f: data[f] for f in DEFAULT_VARIANT_FIELDS if data.get(f) is not None}
    if "sku" in variant_fields:
        check_sku_free(variant_fields["sku"])
    product = Product(
        **{field: value for field, value in data.items() if field not in DEFAULT_VARIANT_FIELDS},
        price=data["price"],
        price_max=data["price"],
        price_undiscounted=data["price"],
    )

    def add_default_variant() -> None:
        product.variants = []
        db.session.flush()
        variant_fields.setdefault("sku", f"P{product.id}")
        product.variants = [ProductVariant(option_key="", **variant_fields)]
        record(PRODUCT_CREATED, product_id=product.id)
        refresh_summary(product)
        prices_changed(product.id)

    add_with_unique_slug(
        product, data["title"], changed=add_default_variant, conflict=SlugUnavailable()
    )
    return product


def update_product(product_id: int, changes: dict) -> Product:
    """Change a product; price, stock and SKU go to its only variant."""
    _check_product(changes)
    with atomic(on_conflict=SkuUnavailable()):
        product = locked_product(product_id)
        variant_changes = {f: v for f, v in changes.items() if f in DEFAULT_VARIANT_FIELDS}
        if variant_changes:
            variant = single_variant(product, next(iter(variant_changes)), SEVERAL_VARIANTS)
            if "sku" in variant_changes:
                check_sku_free(variant_changes["sku"], variant.id)
            for field, value in variant_changes.items():
                setattr(variant, field, value)
        moved = changes.get("category_id", product.category_id) != product.category_id
        for field, value in changes.items():
            if field not in DEFAULT_VARIANT_FIELDS:
                setattr(product, field, value)
        if moved or "price" in changes:
            prices_changed(product.id)
        refresh_summary(product)
    return product


def delete_product(product_id: int) -> None:
    """Delete a product and its images; one that orders refer to is refused (409)."""
    product = get_product(product_id, include_inactive=True)
    images = [owner.image for owner in (product, *product.variants) if owner.image]
    with atomic(on_conflict=ProductInUse()):
        db.session.delete(product)
        record(PRODUCT_DELETED, product_id=product.id)
    for image in images:
        delete_image(image)


def set_rating(product_id: int, average: Decimal | None, count: int) -> None:
    """Store a product's rating summary, computed by the reviews service; caller owns the
    transaction."""
    product_changed(product_id)
    db.session.execute(
        update(Product)
        .where(Product.id == product_id)
        .values(average_rating=average, reviews_count=count)
    )


def set_sale_prices(prices: Mapping[int, tuple[Decimal | None, int | None]]) -> None:
    """Store each variant's ``(sale_price, promotion_id)`` and its product's summary, in one
    transaction under the products' row locks; ``product.changed`` only for products whose
    values changed. Variants gone since are skipped."""
    owners = db.session.execute(
        select(ProductVariant.id, ProductVariant.product_id).where(
            ProductVariant.id.in_(list(prices))
        )
    ).all()
    with atomic():
        for product in lock_products({owner.product_id for owner in owners}).values():
            changed = False
            for variant in product.variants:
                values = prices.get(variant.id)
                if values is not None and (variant.sale_price, variant.promotion_id) != values:
                    variant.sale_price, variant.promotion_id = values
                    changed = True
            if changed:
                refresh_summary(product)
