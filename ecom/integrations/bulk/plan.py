"""An import file checked as a whole, reading the database and writing nothing: SKUs once
per file, a product's lines alike, categories known (or to be created), SKUs of one
product. What is left is the plan the writer follows."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from ecom.catalog.models import Category, ProductOption, ProductVariant
from ecom.extensions import db
from ecom.integrations.bulk.rows import Problem, Row, RowReader, check_columns

CHUNK = 500


@dataclass
class Group:
    """A product's lines (one per variant), the first also describing the product."""

    rows: list[Row]
    product_id: int | None = None

    @property
    def first(self) -> Row:
        return self.rows[0]

    @property
    def option_names(self) -> list[str]:
        return list(self.first.options)


@dataclass
class Plan:
    kind: str
    rows_total: int
    groups: list[Group] = field(default_factory=list)
    # sku → (variant id, product id) for the SKUs that exist.
    existing: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Category paths → id; None for those the import creates.
    categories: dict[tuple[str, ...], int | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def plan_import(
    headers: list[str], values: list[tuple], kind: str, *, create_categories: bool
) -> Plan:
    check_columns(headers, kind)
    reader = RowReader(headers)
    rows = [reader.read(number, cells, kind) for number, cells in enumerate(values, start=2)]
    plan = Plan(kind, len(values), problems=reader.problems)
    rows = [row for row in _once_per_sku(rows, plan) if row.valid]
    plan.existing = _existing_skus([row.sku for row in rows])
    if kind == "stock":
        for row in rows:
            if row.sku not in plan.existing:
                _problem(plan, row, "sku", "unknown_sku", "No variant has this SKU.")
        plan.groups = [Group([row]) for row in rows if row.sku in plan.existing]
    else:
        plan.groups = list(_groups(rows, plan))
        _resolve_categories(plan, create_categories)
    place = {name: position for position, name in enumerate(headers)}
    plan.problems.sort(key=lambda problem: (problem.row, place.get(problem.column, -1)))
    return plan


def _problem(plan: Plan, row: Row, column: str | None, code: str, message: str) -> None:
    plan.problems.append(Problem(row.number, column, code, message))


def _once_per_sku(rows: list[Row], plan: Plan) -> list[Row]:
    first_line: dict[str, int] = {}
    kept = []
    for row in rows:
        if not row.sku:
            continue
        if row.sku in first_line:
            message = f"This SKU is already on row {first_line[row.sku]}."
            _problem(plan, row, "sku", "duplicate_sku", message)
            continue
        first_line[row.sku] = row.number
        kept.append(row)
    return kept


def _existing_skus(skus: list[str]) -> dict[str, tuple[int, int]]:
    found = {}
    for start in range(0, len(skus), CHUNK):
        query = select(ProductVariant.sku, ProductVariant.id, ProductVariant.product_id).where(
            ProductVariant.sku.in_(skus[start : start + CHUNK])
        )
        found.update({sku: (vid, pid) for sku, vid, pid in db.session.execute(query)})
    return found


def _groups(rows: list[Row], plan: Plan) -> Iterator[Group]:
    by_handle: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_handle[row.handle].append(row)
    options = _product_options({pid for _vid, pid in plan.existing.values()})
    for group_rows in by_handle.values():
        group = Group(group_rows)
        if _consistent(group, plan) and _owned(group, plan, options):
            yield group


def _consistent(group: Group, plan: Plan) -> bool:
    """A product's lines name the same options, each variant other values."""
    names = {name.casefold() for name in group.option_names}
    if len(group.rows) > 1 and not names:
        message = "A product with several lines names options (Size=M) on each."
        _problem(plan, group.first, "options", "options_required", message)
        return False
    seen: set[tuple] = set()
    for row in group.rows:
        values = tuple(sorted((k.casefold(), v.casefold()) for k, v in row.options.items()))
        if {name.casefold() for name in row.options} != names:
            message = f"Name the options of this product's first line: {', '.join(names)}."
            _problem(plan, row, "options", "options_mismatch", message)
            return False
        if values in seen:
            _problem(plan, row, "options", "duplicate_options", "Another line has these values.")
            return False
        seen.add(values)
    return True


def _product_options(product_ids: set[int]) -> dict[int, set[str]]:
    names: dict[int, set[str]] = {pid: set() for pid in product_ids}
    ids = sorted(product_ids)
    for start in range(0, len(ids), CHUNK):
        query = select(ProductOption.product_id, ProductOption.name).where(
            ProductOption.product_id.in_(ids[start : start + CHUNK])
        )
        for product_id, name in db.session.execute(query):
            names[product_id].add(name.casefold())
    return names


def _owned(group: Group, plan: Plan, options: dict[int, set[str]]) -> bool:
    """The group's existing SKUs are variants of one product, whose options it names."""
    products = {plan.existing[row.sku][1] for row in group.rows if row.sku in plan.existing}
    if len(products) > 1:
        message = "These lines' SKUs belong to different products."
        _problem(plan, group.first, "sku", "sku_of_other_product", message)
        return False
    if products:
        group.product_id = products.pop()
        if options[group.product_id] != {name.casefold() for name in group.option_names}:
            message = "Name the existing product's options, no others."
            _problem(plan, group.first, "options", "options_mismatch", message)
            return False
    return True


def _resolve_categories(plan: Plan, create: bool) -> None:
    """Each path's id, None for one to create; a row whose path is neither is a problem."""
    rows = db.session.execute(select(Category.id, Category.name, Category.parent_id)).all()
    by_place = {(row.parent_id, row.name.casefold()): row.id for row in rows}
    taken = {row.name.casefold() for row in rows}
    refused: dict[tuple[str, ...], tuple[str, str]] = {}
    for group in plan.groups:
        path = group.first.category
        if path not in plan.categories and path not in refused:
            _resolve(path, by_place, taken, create, plan.categories, refused)
        if path in refused:
            _problem(plan, group.first, "category", *refused[path])


def _resolve(
    path: tuple[str, ...],
    by_place: dict[tuple[int | None, str], int],
    taken: set[str],
    create: bool,
    resolved: dict[tuple[str, ...], int | None],
    refused: dict[tuple[str, ...], tuple[str, str]],
) -> None:
    parent: int | None = None
    for depth, name in enumerate(path):
        parent = by_place.get((parent, name.casefold()))
        if parent is None:
            if not create:
                message = f"No category {'/'.join(path)}; send create_categories to create it."
                refused[path] = ("unknown_category", message)
            elif any(missing.casefold() in taken for missing in path[depth:]):
                message = "Category names are unique: one of these is elsewhere in the tree."
                refused[path] = ("category_name_taken", message)
            else:
                resolved[path] = None
            return
    resolved[path] = parent
