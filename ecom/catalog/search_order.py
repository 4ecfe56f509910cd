"""A search's page in price or date order, read from the search indexes that carry those
sort keys (PostgreSQL's rum extension, migration 0025) rather than by sorting every match.

The rum index returns the matches of a query in the order of its attached column, so a
page reads its own rows and not every match. Its ordering operators rank by a distance
(``<=|`` towards a value from below, ``|=>`` from above) and know no tie-breaker: the rows
that tie with the last one the index returned are read again by the ``(key, id)`` index,
so the page is the one the GIN plan sorts out of every match. Where the indexes are absent
(``SEARCH_INDEX`` ``auto`` on a server without rum, or ``gin``) the listing sorts instead."""

import math
import time
from datetime import UTC, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Float,
    Select,
    cast,
    func,
    literal,
    select,
    union_all,
)

from ecom.catalog.localized import is_default
from ecom.catalog.models import Product
from ecom.extensions import db

# Ordering field -> (the rum index's sort key, the index, the column ties are read by).
INDEXED_KEYS = {
    "price": (Product.price_cents, "ix_products_search_price", Product.price),
    "created_at": (Product.created_at, "ix_products_search_created_at", Product.created_at),
}
RUM_INDEXES = frozenset(index for _key, index, _column in INDEXED_KEYS.values())
# Where each key's distance is measured from: below every value for ascending orders,
# above for descending ones. A date's distance is a float of seconds, exact to the
# microsecond within about 280 years of its origin.
LOWEST = {"price": 0, "created_at": datetime(1970, 1, 1, tzinfo=UTC)}
HIGHEST = {"price": 10**12, "created_at": datetime(2100, 1, 1, tzinfo=UTC)}
_detected: dict[str, bool] = {}
# Orderings of one field that a btree index serves in both directions, ties by id
# (migrations 0003, 0007, 0029). None holds stock_quantity: checkout changes it, and its
# product update stays HOT only while no index does.
WALKED_ORDERINGS = frozenset({"price", "created_at", "title", "average_rating", "category"})
# Of those, PostgreSQL's only (an index of SQLite's cannot sort NULLS LAST): migration 0029.
ORDERING_INDEXES = frozenset(
    {"ix_products_average_rating", "ix_products_average_rating_desc", "ix_products_category_id"}
)
# How long a process trusts the planner's count of the products (pg_class.reltuples).
CATALOGUE_SIZE_SECONDS = 300
_sizes: dict[str, tuple[float, int]] = {}


def indexed_field(ordering: list[str] | None) -> str | None:
    """The ordering (e.g. ``-price``) when the search indexes serve it, else None. They
    hold the products' own document: another language's search is not theirs."""
    if not ordering or len(ordering) != 1 or not is_default() or not rum_indexes():
        return None
    return ordering[0] if ordering[0].removeprefix("-") in INDEXED_KEYS else None


def rum_indexes() -> bool:
    """Whether searches read the rum indexes: ``SEARCH_INDEX``, or under ``auto`` whether
    the database holds them (looked up once per process and database)."""
    setting = current_app.config["SEARCH_INDEX"]
    if setting != "auto":
        return setting == "rum"
    url = db.engine.url.render_as_string()
    if url not in _detected:
        _detected[url] = _indexes_present()
    return _detected[url]


def walk_pays(ordering: list[str], matches: int, rows: int) -> bool:
    """Whether the first ``rows`` of ``matches`` products in ``ordering`` are found sooner
    by walking the ordering's index, checking each product, than by sorting every match.

    Where matches fall evenly along the index, the walk reads about ``rows`` × catalogue /
    ``matches`` products, the sort ``matches``: walking when it reads fewer bounds either
    way at the square root of ``rows`` × catalogue (4,500 rows for a first page at 1M)."""
    threshold = walk_threshold(ordering, rows)
    return threshold is not None and matches >= threshold


def walk_threshold(ordering: list[str] | None, rows: int) -> int | None:
    """The matches above which a page ending at ``rows`` in ``ordering`` is walked (see
    ``walk_pays``), or None where no index serves the ordering: so many the count must
    tell apart from fewer."""
    if not ordering or len(ordering) != 1:
        return None
    if ordering[0].removeprefix("-") not in WALKED_ORDERINGS:
        return None
    return math.isqrt(rows * catalogue_size())


def catalogue_size() -> int:
    """The products in the catalogue, as the planner last counted them (``ANALYZE``),
    looked up at most every ``CATALOGUE_SIZE_SECONDS`` per process and database."""
    url = db.engine.url.render_as_string()
    looked_up, size = _sizes.get(url, (float("-inf"), 0))
    if time.monotonic() - looked_up > CATALOGUE_SIZE_SECONDS:
        query = "SELECT reltuples FROM pg_class WHERE oid = %s::regclass"
        # -1 before the table's first ANALYZE.
        size = max(int(_on_own_connection(query, (Product.__tablename__,))), 0)
        _sizes[url] = (time.monotonic(), size)
    return size


def _indexes_present() -> bool:
    query = "SELECT count(*) FROM pg_indexes WHERE indexname = ANY(%s)"
    return _on_own_connection(query, (sorted(RUM_INDEXES),)) == len(RUM_INDEXES)


def _on_own_connection(query: str, parameters: tuple) -> float:
    """The one value ``query`` reads, on a connection of its own, on the DBAPI: no
    statement of a request's is added."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(query, parameters)
        (value,) = cursor.fetchone()
        connection.rollback()
    finally:
        connection.close()
    return value


def page_in_index_order(
    admitted: Select,
    matches: ColumnElement,
    sku: Select,
    field: str,
    rows: int,
    price_max: Decimal | None,
) -> Select:
    """Products that ``admitted`` (every filter but the search) admits and that ``matches``
    the search or are the product of the SKU searched (``sku``, its id), restricted to the first
    ``rows`` in the order of ``field`` (e.g. ``-price``) and any SKU product; unordered.

    ``price_max``, the request's upper price bound, starts a descending price order at the
    bound, as dearer products are filtered out anyway."""
    name = field.removeprefix("-")
    key, _index, column = INDEXED_KEYS[name]
    descending = field.startswith("-")
    origin = HIGHEST[name]
    if name == "price" and price_max is not None:
        origin = int(price_max * 100)
    start = cast(literal(origin if descending else LOWEST[name]), _sql_type(name))
    distance = (
        key.op("<=|", return_type=Float)(start)
        if descending
        else key.op("|=>", return_type=Float)(start)
    )
    first = (
        admitted.where(matches)
        .with_only_columns(Product.id, column.label("key"))
        .order_by(distance)
        .limit(rows)
        .cte("first_in_order")
        .prefix_with("MATERIALIZED")
    )
    # The last key the index returned: its ties, every one of them, come by (key, id).
    last = select((func.min if descending else func.max)(first.c.key)).scalar_subquery()
    tied = (
        admitted.where(matches, column == last)
        .with_only_columns(Product.id)
        .order_by(Product.id.desc() if descending else Product.id)
        .limit(rows)
    )
    ahead = select(first.c.id).where(first.c.key != last)
    found = union_all(ahead, tied, sku).subquery("found")
    return admitted.where(Product.id.in_(select(found.c.id)))


def _sql_type(name: str) -> BigInteger | DateTime:
    return BigInteger() if name == "price" else DateTime(timezone=True)
