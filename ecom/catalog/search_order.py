"""A search's page in price or date order, read from the search indexes that carry those
sort keys (PostgreSQL's rum extension, migration 0025) rather than by sorting every match.

The rum index returns the matches of a query in the order of its attached column, so a
page reads its own rows and not every match. Its ordering operators rank by a distance
(``<=|`` towards a value from below, ``|=>`` from above) and know no tie-breaker: the rows
that tie with the last one the index returned are read again by the ``(key, id)`` index,
so the page is the one the GIN plan sorts out of every match. Where the indexes are absent
(``SEARCH_INDEX`` ``auto`` on a server without rum, or ``gin``) the listing sorts instead."""

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


def _indexes_present() -> bool:
    # A connection of its own, on the DBAPI: no statement of a request's is added.
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE indexname = ANY(%s)", (sorted(RUM_INDEXES),)
        )
        (found,) = cursor.fetchone()
        connection.rollback()
    finally:
        connection.close()
    return found == len(RUM_INDEXES)


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
