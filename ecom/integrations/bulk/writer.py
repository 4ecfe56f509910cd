"""The plan written through the catalogue's services (their rules, events, cache
invalidation and sale-price recomputation apply), changing only what differs: a file
imported twice changes nothing the second time."""

from collections.abc import Iterator

from sqlalchemy import select

from ecom.catalog import categories as category_services
from ecom.catalog import options as option_services
from ecom.catalog import services as product_services
from ecom.catalog import variants as variant_services
from ecom.catalog.models import Category, Product, ProductVariant
from ecom.extensions import db
from ecom.integrations.bulk.plan import Group, Plan
from ecom.integrations.bulk.rows import Row

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def create_categories(plan: Plan) -> None:
    """The paths to create, parents first (the caller's transaction)."""
    for path, category_id in plan.categories.items():
        if category_id is None:
            plan.categories[path] = _create_path(path)


def _create_path(path: tuple[str, ...]) -> int:
    parent_id = None
    for name in path:
        found = next(
            (c for c in _children(parent_id) if c.name.casefold() == name.casefold()), None
        )
        category = found or category_services.create_category(
            {"name": name, "parent_id": parent_id}
        )
        parent_id = category.id
    return parent_id


def _children(parent_id: int | None) -> Iterator[Category]:
    return iter(db.session.scalars(select(Category).where(Category.parent_id == parent_id)))


def write_group(plan: Plan, group: Group) -> str:
    """Create or update one product and its variants; what happened to it."""
    if plan.kind == "stock":
        return _write_stock(plan, group.first)
    if group.product_id is None:
        _create(plan, group)
        return CREATED
    changed = _update_product(plan, group)
    for row in group.rows:
        changed = _upsert_variant(plan, group.product_id, row) or changed
    return UPDATED if changed else UNCHANGED


def _write_stock(plan: Plan, row: Row) -> str:
    variant_id, product_id = plan.existing[row.sku]
    variant = db.session.get(ProductVariant, variant_id)
    if variant.stock_quantity == row.stock:
        return UNCHANGED
    variant_services.update_variant(product_id, variant_id, {"stock_quantity": row.stock})
    return UPDATED


def _create(plan: Plan, group: Group) -> None:
    first = group.first
    data = {
        "title": first.title,
        "description": first.description or "",
        "category_id": plan.categories[first.category],
        "price": first.price,
        "stock_quantity": first.stock,
        "sku": first.sku,
    }
    if first.active is not None:
        data["is_active"] = first.active
    product = product_services.create_product(data)
    for name in group.option_names:
        values = list(dict.fromkeys(row.options[name] for row in group.rows))
        option_services.create_option(product.id, {"name": name, "values": values})
    for row in group.rows[1:]:
        variant_services.create_variant(product.id, _variant_data(row))


def _variant_data(row: Row) -> dict:
    return {"sku": row.sku, "price": row.price, "stock_quantity": row.stock, "options": row.options}


def _update_product(plan: Plan, group: Group) -> bool:
    first = group.first
    product = db.session.get(Product, group.product_id)
    wanted = {"title": first.title, "category_id": plan.categories[first.category]}
    if first.description is not None:
        wanted["description"] = first.description
    if first.active is not None:
        wanted["is_active"] = first.active
    changes = {f: v for f, v in wanted.items() if getattr(product, f) != v}
    if changes:
        product_services.update_product(product.id, changes)
    return bool(changes)


def _upsert_variant(plan: Plan, product_id: int, row: Row) -> bool:
    if row.sku not in plan.existing:
        variant_services.create_variant(product_id, _variant_data(row))
        return True
    variant = db.session.get(ProductVariant, plan.existing[row.sku][0])
    changes = {}
    if variant.price != row.price:
        changes["price"] = row.price
    if variant.stock_quantity != row.stock:
        changes["stock_quantity"] = row.stock
    if changes:
        variant_services.update_variant(product_id, variant.id, changes)
    return bool(changes)
