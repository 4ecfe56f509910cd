"""Catalog rules: categories, products, stock and ratings."""

import hashlib
import itertools
import json
import re
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from uuid import uuid4

from flask import current_app
from PIL import Image
from slugify import slugify
from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from ecom.catalog.models import Category, Product
from ecom.common.cache import generation_key, get_or_none, invalidate_on_commit, set_if_up
from ecom.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from ecom.common.ids import parse_id
from ecom.common.pagination import count_rows
from ecom.common.storage import get_storage
from ecom.extensions import db

# Cached reads (see ecom.common.cache) that a write here makes stale: product bodies show
# their category's name, so a category write invalidates products too.
STALE_AFTER_PRODUCT_WRITE = ("products",)
STALE_AFTER_CATEGORY_WRITE = ("categories", "products")


def products_changed() -> None:
    """Cached product reads go stale when the current transaction commits."""
    invalidate_on_commit(db.session, *STALE_AFTER_PRODUCT_WRITE)


def categories_changed() -> None:
    invalidate_on_commit(db.session, *STALE_AFTER_CATEGORY_WRITE)


def lock_products(product_ids: list[int]) -> dict[int, Product]:
    """Lock the products' rows (``SELECT … FOR UPDATE``) in id order, so that two
    checkouts locking overlapping products cannot deadlock. Caller owns the transaction."""
    query = (
        select(Product)
        .where(Product.id.in_(product_ids))
        .order_by(Product.id)
        # Only the products' rows: locking the joined categories too would deadlock
        # checkouts whose products share categories in crossed orders.
        .with_for_update(of=Product)
        # Rows already in the session must show the values read under the lock.
        .execution_options(populate_existing=True)
    )
    return {product.id: product for product in db.session.scalars(query)}


def restock(product_id: int, quantity: int) -> None:
    """Put ``quantity`` units back (cancellation); caller owns the transaction."""
    products_changed()
    db.session.execute(
        update(Product)
        .where(Product.id == product_id)
        .values(stock_quantity=Product.stock_quantity + quantity)
    )


def set_rating(product_id: int, average: Decimal | None, count: int) -> None:
    """Store a product's rating summary, computed by the reviews service."""
    products_changed()
    db.session.execute(
        update(Product)
        .where(Product.id == product_id)
        .values(average_rating=average, reviews_count=count)
    )


# --- categories -------------------------------------------------------------------------


def get_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound("Category not found.")
    return category


def categories_query(parent: str | None = None) -> Select:
    """Categories by name; ``parent`` is a category id or ``"root"`` (top level)."""
    query = select(Category).order_by(Category.name, Category.id)
    if parent == "root":
        return query.where(Category.parent_id.is_(None))
    if parent is not None:
        return query.where(Category.parent_id == int(parent))
    return query


def category_tree() -> list[dict]:
    """Every category, nested under its parent, from one query."""
    categories = db.session.scalars(select(Category).order_by(Category.name, Category.id)).all()
    nodes = {c.id: {"category": c, "children": []} for c in categories}
    roots = []
    for category in categories:
        node = nodes[category.id]
        siblings = nodes[category.parent_id]["children"] if category.parent_id else roots
        siblings.append(node)
    return [_tree_node(node) for node in roots]


def _tree_node(node: dict) -> dict:
    category = node["category"]
    return {
        "id": category.id,
        "name": category.name,
        "slug": category.slug,
        "children": [_tree_node(child) for child in node["children"]],
    }


def _check_parent(category: Category | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = db.session.get(Category, parent_id)
    if parent is None:
        raise ValidationFailed("Unknown parent.", errors={"parent": ["Category not found."]})
    if category is not None and category in parent.path:
        raise ValidationFailed(
            "A category cannot move under itself or its descendants.",
            errors={"parent": ["A category cannot move under itself or its descendants."]},
            code="category_cycle",
        )


def _ensure_unique_name(name: str, exclude_id: int | None = None) -> None:
    owner = db.session.scalar(select(Category.id).where(Category.name == name))
    if owner is not None and owner != exclude_id:
        raise Conflict(
            "A category with this name already exists.",
            errors={"name": ["A category with this name already exists."]},
            code="duplicate",
        )


def create_category(data: dict) -> Category:
    _ensure_unique_name(data["name"])
    _check_parent(None, data.get("parent_id"))
    category = Category(
        name=data["name"],
        description=data.get("description", ""),
        parent_id=data.get("parent_id"),
    )
    _add_with_unique_slug(category, data["name"], "A category with this name already exists.")
    return category


def update_category(category_id: int, changes: dict) -> Category:
    category = get_category(category_id)
    if "name" in changes:
        _ensure_unique_name(changes["name"], exclude_id=category.id)
    if "parent_id" in changes:
        _check_parent(category, changes["parent_id"])
    for field, value in changes.items():
        setattr(category, field, value)
    categories_changed()
    _commit_unique("A category with this name already exists.")
    return category


def delete_category(category_id: int) -> None:
    """Delete an empty leaf category; one with products or children is refused (409)."""
    category = get_category(category_id)
    products = db.session.scalar(
        select(func.count()).select_from(Product).where(Product.category_id == category.id)
    )
    children = db.session.scalar(
        select(func.count()).select_from(Category).where(Category.parent_id == category.id)
    )
    if products or children:
        raise Conflict(
            f"Category still has {products} product(s) and {children} subcategory(ies); "
            "move or delete them first.",
            code="category_not_empty",
        )
    db.session.delete(category)
    categories_changed()
    db.session.commit()


# --- slugs and commits ------------------------------------------------------------------


def unique_slug(model: type[Category | Product], text: str) -> str:
    """A slug of ``text`` unused in ``model``: ``iphone-15``, then ``iphone-15-2``…"""
    base = slugify(text, max_length=100) or model.__name__.lower()
    taken = set(
        db.session.scalars(
            select(model.slug).where(or_(model.slug == base, model.slug.like(f"{base}-%")))
        )
    )
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in itertools.count(2) if f"{base}-{n}" not in taken)


SLUG_ATTEMPTS = 3


def _add_with_unique_slug(instance: Category | Product, text: str, conflict: str) -> None:
    """Insert ``instance`` under a free slug; a concurrent insert taking it means a retry."""
    mark_stale = categories_changed if isinstance(instance, Category) else products_changed
    for _ in range(SLUG_ATTEMPTS):
        instance.slug = unique_slug(type(instance), text)
        db.session.add(instance)
        # Again on every attempt: a rollback forgets the invalidation.
        mark_stale()
        try:
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
    raise Conflict(conflict, code="duplicate")


def _commit_unique(message: str) -> None:
    """Commit, turning a lost race on a unique column into a 409."""
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(message, code="duplicate") from exc


# --- products ---------------------------------------------------------------------------


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
    """The rules a product's values obey, whoever writes them (API or back office)."""
    errors = {}
    if "price" in values and not Decimal(values["price"]) > 0:
        errors["price"] = ["Must be above 0."]
    if values.get("stock_quantity", 0) < 0:
        errors["stock_quantity"] = ["Must be 0 or more."]
    category_id = values.get("category_id")
    if category_id is not None and db.session.get(Category, category_id) is None:
        errors["category"] = ["Category not found."]
    if errors:
        raise ValidationFailed(errors=errors)


def create_product(data: dict) -> Product:
    _check_product(data)
    product = Product(**data)
    _add_with_unique_slug(product, data["title"], "The product could not get a unique slug.")
    return product


def update_product(product_id: int, changes: dict) -> Product:
    product = get_product(product_id, include_inactive=True)
    _check_product(changes)
    for field, value in changes.items():
        setattr(product, field, value)
    products_changed()
    db.session.commit()
    return product


def delete_product(product_id: int) -> None:
    """Delete a product and its image; one that orders refer to is refused (409)."""
    product = get_product(product_id, include_inactive=True)
    image = product.image
    db.session.delete(product)
    products_changed()
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            "Product is referenced by orders or carts; deactivate it instead.",
            code="product_in_use",
        ) from exc
    if image:
        get_storage().delete(image)


# --- product images ---------------------------------------------------------------------

IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
INVALID_IMAGE = "Upload a valid JPEG, PNG or WebP image."


class ImageTooLarge(DomainError):
    status = 413
    code = "file_too_large"
    message = "The image is too large."


def _read_image(file: FileStorage) -> tuple[bytes, str]:
    """The upload's bytes and Pillow format, once checked to be a real, small enough image."""
    limit = current_app.config["MAX_IMAGE_BYTES"]
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise ImageTooLarge(
            f"The image is larger than {limit} bytes.",
            errors={"image": [f"At most {limit} bytes."]},
        )
    try:
        with Image.open(BytesIO(data)) as image:
            image_format = image.format
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(INVALID_IMAGE, errors={"image": [INVALID_IMAGE]}) from exc
    if image_format not in IMAGE_FORMATS:
        raise ValidationFailed(INVALID_IMAGE, errors={"image": [INVALID_IMAGE]})
    return data, image_format


def save_product_image(product_id: int, file: FileStorage) -> Product:
    """Store a new image under a generated name; the previous one is deleted."""
    product = get_product(product_id, include_inactive=True)
    data, image_format = _read_image(file)
    key = f"products/{product.id}/{uuid4().hex}{IMAGE_FORMATS[image_format]}"
    storage = get_storage()
    storage.save(key, data, Image.MIME[image_format])
    old_key, product.image = product.image, key
    products_changed()
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage.delete(key)
        raise
    if old_key:
        storage.delete(old_key)
    return product


def delete_product_image(product_id: int) -> Product:
    product = get_product(product_id, include_inactive=True)
    old_key, product.image = product.image, None
    products_changed()
    db.session.commit()
    if old_key:
        get_storage().delete(old_key)
    return product


# --- product listing --------------------------------------------------------------------

ORDERING_FIELDS = {
    "price": Product.price,
    "created_at": Product.created_at,
    "title": Product.title,
    "average_rating": Product.average_rating,
    "stock_quantity": Product.stock_quantity,
    "category": Product.category_id,
}
DEFAULT_ORDERING = ["-created_at"]
FILTERS = ("category", "price_min", "price_max", "in_stock", "is_active", "search")


def products_query(filters: dict, *, include_inactive: bool = False) -> Select:
    """Products matching ``filters`` (see ProductListArgsSchema), in a total order.

    Active products only, unless ``include_inactive`` (staff): then all of them, or those
    matching the ``is_active`` filter when given.
    """
    query = select(Product)
    if not include_inactive:
        query = query.where(Product.is_active)
    elif filters.get("is_active") is not None:
        query = query.where(Product.is_active == filters["is_active"])
    if filters.get("category"):
        query = query.where(Product.category_id.in_(_category_and_descendants(filters["category"])))
    if filters.get("price_min") is not None:
        query = query.where(Product.price >= filters["price_min"])
    if filters.get("price_max") is not None:
        query = query.where(Product.price <= filters["price_max"])
    if filters.get("in_stock") is not None:
        in_stock = Product.stock_quantity > 0
        query = query.where(in_stock if filters["in_stock"] else ~in_stock)
    rank = None
    if filters.get("search"):
        query, rank = _search(query, filters["search"])
    return query.order_by(*_order_by(filters.get("ordering"), rank))


def _category_and_descendants(category: str) -> Select:
    """Ids of the category (given by id or slug) and of every category below it."""
    match = Category.slug == category
    category_id = parse_id(category)
    if category_id is not None:
        match = or_(match, Category.id == category_id)
    tree = select(Category.id).where(match).cte("category_tree", recursive=True)
    tree = tree.union_all(select(Category.id).where(Category.parent_id == tree.c.id))
    return select(tree.c.id)


def _search(query: Select, text: str) -> tuple[Select, ColumnElement | None]:
    """Full text with ranking on PostgreSQL; case-insensitive LIKE on other back ends."""
    words = re.findall(r"\w+", text.lower())
    if not words:
        return query, None
    if db.session.get_bind().dialect.name == "postgresql":
        # Every word, each also as a prefix: `iph` finds "iPhone".
        tsquery = func.to_tsquery("english", " & ".join(f"{word}:*" for word in words))
        rank = func.ts_rank(Product.search_vector, tsquery)
        return query.where(Product.search_vector.op("@@")(tsquery)), rank
    for word in words:
        pattern = "%" + word.replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Product.title.ilike(pattern, escape="\\"),
                Product.description.ilike(pattern, escape="\\"),
            )
        )
    return query, None


def _order_by(fields: list[str] | None, rank: ColumnElement | None) -> list:
    if not fields and rank is not None:
        return [rank.desc(), Product.id]
    fields = fields or DEFAULT_ORDERING
    clauses = []
    for field in fields:
        column = ORDERING_FIELDS[field.removeprefix("-")]
        clause = column.desc() if field.startswith("-") else column.asc()
        # Unrated products last either way, on every back end.
        clauses.append(clause.nulls_last() if column is Product.average_rating else clause)
    # Ties broken by id, in the direction of the last key, so pages never overlap.
    clauses.append(Product.id.desc() if fields[-1].startswith("-") else Product.id)
    return clauses


def cached_count(filters: dict, *, include_inactive: bool) -> Callable[[Select], int]:
    """A ``paginate`` count that remembers large counts for a short while, per filter set,
    so paging through a big result does not re-count it on every page."""
    normalised = {name: str(filters.get(name)) for name in FILTERS if filters.get(name) is not None}
    digest = hashlib.sha256(
        json.dumps([normalised, include_inactive], sort_keys=True).encode()
    ).hexdigest()

    def remembered_count(query: Select) -> int:
        # A product write starts a new count at once, as it does for the cached pages.
        key = generation_key(f"catalog:product-count:{digest}", "products")
        total = get_or_none(key) if key else None
        if total is None:
            total = count_rows(query)
            if key and total >= current_app.config["CATALOG_COUNT_CACHE_MIN"]:
                set_if_up(key, total, timeout=current_app.config["CATALOG_COUNT_CACHE_SECONDS"])
        return total

    return remembered_count


# Used by checkout and reviews.


def take_stock(product_id: int, quantity: int) -> bool:
    """Remove ``quantity`` units of a product on sale if that many are left; False if not.

    The condition is checked by the UPDATE itself, so no interleaving can oversell, with or
    without row locks. Caller owns the transaction."""
    products_changed()
    result = db.session.execute(
        update(Product)
        .where(
            Product.id == product_id,
            Product.is_active.is_(True),
            Product.stock_quantity >= quantity,
        )
        .values(stock_quantity=Product.stock_quantity - quantity)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
