"""Category rules: a tree with unique names, never a cycle, only empty leaves deleted."""

from flask_babel import gettext
from sqlalchemy import Select, func, select

from ecom.catalog import localized
from ecom.catalog.errors import CategoryCycle, CategoryExists, CategoryNotEmpty, UnknownCategory
from ecom.catalog.events import CATEGORY_CHANGED, CATEGORY_DELETED
from ecom.catalog.models import Category, Product
from ecom.catalog.slugs import add_with_unique_slug
from ecom.catalog.translations import CategoryTranslation
from ecom.common.cache import generation_key, get_or_none, set_if_up
from ecom.common.cache_families import CATEGORIES
from ecom.common.errors import NotFound
from ecom.common.events import record
from ecom.common.ids import parse_id
from ecom.common.transactions import atomic
from ecom.extensions import db


def category_changed(category_id: int) -> None:
    """The category was created or changed, in the current transaction."""
    record(CATEGORY_CHANGED, category_id=category_id)


def get_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound(gettext("Category not found."))
    return category


def subtree_ids(category: str) -> list[int]:
    """Ids of the category (given by id or slug) and of every category below it, as
    literals the planner can estimate (none for an unknown category)."""
    slugs, children = _tree_links()
    roots = [root for root in (parse_id(category), slugs.get(category)) if root in children]
    ids = []
    while roots:
        ids.append(roots.pop())
        roots.extend(children[ids[-1]])
    return sorted(set(ids))


def _tree_links() -> tuple[dict[str, int], dict[int, list[int]]]:
    """Slug → id and id → children ids of every category, remembered until a category
    write (one small query otherwise)."""
    key = generation_key("catalog:category-links", CATEGORIES)
    links = get_or_none(key) if key else None
    if links is None:
        # A category's row once per translation: its slugs in every language name it.
        rows = db.session.execute(
            select(
                Category.id,
                Category.parent_id,
                Category.slug,
                CategoryTranslation.slug.label("translated"),
            ).outerjoin(CategoryTranslation)
        ).all()
        children: dict[int, list[int]] = {row.id: [] for row in rows}
        for category_id, parent_id in dict.fromkeys((row.id, row.parent_id) for row in rows):
            if parent_id is not None:
                children[parent_id].append(category_id)
        slugs = {row.translated: row.id for row in rows if row.translated}
        links = ({**slugs, **{row.slug: row.id for row in rows}}, children)
        if key:
            set_if_up(key, links)
    return links


def categories_query(parent: str | None = None) -> Select:
    """Categories by name; ``parent`` is a category id or ``"root"`` (top level)."""
    query = select(Category).order_by(Category.name, Category.id)
    if parent == "root":
        return query.where(Category.parent_id.is_(None))
    if parent is not None:
        # An id past the column's range names no category: an empty page, not an overflow.
        return query.where(Category.parent_id == (parse_id(parent) or 0))
    return query


def category_tree() -> list[dict]:
    """Every category, nested under its parent, from one query (of rows, not entities:
    nothing here needs the session's identity map)."""
    categories = db.session.execute(
        select(Category.id, Category.name, Category.slug, Category.parent_id).order_by(
            Category.name, Category.id
        )
    ).all()
    texts = localized.tree_texts([c.id for c in categories])
    nodes = {
        c.id: {"category": c, "texts": texts.of_row(Category, c.id), "children": []}
        for c in categories
    }
    roots = []
    for category in categories:
        node = nodes[category.id]
        siblings = nodes[category.parent_id]["children"] if category.parent_id else roots
        siblings.append(node)
    return [_tree_node(node) for node in roots]


def _tree_node(node: dict) -> dict:
    category, texts = node["category"], node["texts"]
    return {
        "id": category.id,
        "name": texts.get("name", category.name),
        "slug": texts.get("slug", category.slug),
        "children": [_tree_node(child) for child in node["children"]],
    }


def _check_parent(category: Category | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = db.session.get(Category, parent_id)
    if parent is None:
        raise UnknownCategory("parent")
    if category is not None and category in parent.path:
        raise CategoryCycle()


def _ensure_unique_name(name: str, exclude_id: int | None = None) -> None:
    owner = db.session.scalar(select(Category.id).where(Category.name == name))
    if owner is not None and owner != exclude_id:
        raise CategoryExists()


def create_category(data: dict) -> Category:
    _ensure_unique_name(data["name"])
    _check_parent(None, data.get("parent_id"))
    category = Category(
        name=data["name"],
        description=data.get("description", ""),
        parent_id=data.get("parent_id"),
    )
    add_with_unique_slug(
        category,
        data["name"],
        changed=lambda: category_changed(category.id),
        conflict=CategoryExists(),
    )
    return category


def update_category(category_id: int, changes: dict) -> Category:
    category = get_category(category_id)
    if "name" in changes:
        _ensure_unique_name(changes["name"], exclude_id=category.id)
    if "parent_id" in changes:
        _check_parent(category, changes["parent_id"])
    with atomic(on_conflict=CategoryExists()):
        for field, value in changes.items():
            setattr(category, field, value)
        category_changed(category.id)
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
        raise CategoryNotEmpty(products, children)
    with atomic():
        db.session.delete(category)
        record(CATEGORY_DELETED, category_id=category.id)
