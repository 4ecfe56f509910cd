"""Product rules: what a product's values obey, whoever writes them (API or back office)."""

from decimal import Decimal

from sqlalchemy import select, update

from ecom.catalog.errors import ProductInUse, SlugUnavailable, UnknownCategory
from ecom.catalog.models import Category, Product
from ecom.catalog.slugs import add_with_unique_slug
from ecom.common.cache import invalidate_on_commit
from ecom.common.cache_families import PRODUCTS
from ecom.common.errors import NotFound, ValidationFailed
from ecom.common.storage import get_storage
from ecom.common.transactions import atomic
from ecom.extensions import db


def products_changed() -> None:
    """Cached product reads go stale when the current transaction commits."""
    invalidate_on_commit(db.session, PRODUCTS)


def get_product(product_id: int, *, include_inactive: bool = False) -> Product:
    """A product; an inactive one is not found unless ``include_inactive`` (staff)."""
    product = db.session.get(Product, product_id)
    if product is None or not (include_inactive or product.is_active):
        raise NotFound("Product not found.")
    return product


def get_product_by_slug(slug: str, *, include_inactive: bool = False) -> Product:
    product = db.session.scalar(select(Product).where(Product.slug == slug))
    if product is None or not (include_inactive or product.is_active):
        raise NotFound("Product not found.")
    return product


def _check_product(values: dict) -> None:
    errors = {}
    if "price" in values and not Decimal(values["price"]) > 0:
        errors["price"] = ["Must be above 0."]
    if values.get("stock_quantity", 0) < 0:
        errors["stock_quantity"] = ["Must be 0 or more."]
    if errors:
        raise ValidationFailed(errors=errors)
    category_id = values.get("category_id")
    if category_id is not None and db.session.get(Category, category_id) is None:
        raise UnknownCategory("category")


def create_product(data: dict) -> Product:
    _check_product(data)
    product = Product(**data)
    add_with_unique_slug(
        product, data["title"], changed=products_changed, conflict=SlugUnavailable()
    )
    return product


def update_product(product_id: int, changes: dict) -> Product:
    product = get_product(product_id, include_inactive=True)
    _check_product(changes)
    with atomic():
        for field, value in changes.items():
            setattr(product, field, value)
        products_changed()
    return product


def delete_product(product_id: int) -> None:
    """Delete a product and its image; one that orders refer to is refused (409)."""
    product = get_product(product_id, include_inactive=True)
    image = product.image
    with atomic(on_conflict=ProductInUse()):
        db.session.delete(product)
        products_changed()
    if image:
        get_storage().delete(image)


def set_rating(product_id: int, average: Decimal | None, count: int) -> None:
    """Store a product's rating summary, computed by the reviews service; caller owns the
    transaction."""
    products_changed()
    db.session.execute(
        update(Product)
        .where(Product.id == product_id)
        .values(average_rating=average, reviews_count=count)
    )
