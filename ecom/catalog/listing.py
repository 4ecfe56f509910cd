"""The product list: filters, full-text search, ordering, remembered counts and pages.

Every filter and ordering is meant to walk an index at any catalog size (docs/PERFORMANCE.md):
a category is its subtree's literal ids, ordered lists follow the composite indexes of
``Product``, and a search ranks its matches only while they are counted exactly."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from ecom.catalog.categories import subtree_ids
from ecom.catalog.models import (
    OptionValue,
    Product,
    ProductOption,
    ProductVariant,
    variant_option_values,
)
from ecom.catalog.records import products_with_category
from ecom.catalog.search import sku_product, tsquery, words
from ecom.catalog.search_languages import search_match, search_rank, searched
from ecom.catalog.search_order import (
    indexed_field,
    page_in_index_order,
    walk_pays,
    walk_threshold,
)
from ecom.catalog.visibility import visible_products
from ecom.common.cache import generation_key, get_or_none, set_if_up
from ecom.common.cache_families import PRODUCT_READS, STOCK_SHOWN
from ecom.common.models import is_postgresql
from ecom.common.ordering import Ordering
from ecom.common.pagination import (
    Count,
    Page,
    count_rows,
    page_slice,
    paginate,
    paginate_by_cursor,
)

ORDERING = Ordering(
    Product,
    {
        "price": "price",
        "created_at": "created_at",
        "title": "title",
        "average_rating": "average_rating",
        "stock_quantity": "stock_quantity",
        "category": "category_id",
    },
    default=["-created_at"],
    # Unrated products last either way, on every back end.
    nulls_last={"average_rating"},
)
# A variant's price to a customer, as ``ProductVariant.current_price`` says.
CURRENT_PRICE = case(
    (ProductVariant.sale_price < ProductVariant.price, ProductVariant.sale_price),
    else_=ProductVariant.price,
)
FILTERS = ("category", "price_min", "price_max", "in_stock", "is_active", "option", "search")
# A search in an explicit order looks for its page among the first products in that order
# (those matching the other filters): this many per row up to the page's last one.
WALKED_PER_ROW = 50
MAX_WALK = 10_000


def list_products(args: dict, *, include_inactive: bool) -> Page:
    """One page of products (see ProductListArgsSchema), as records (``records``): by
    cursor in id order when ``cursor`` is given, else by page number."""
    count = cached_count(args, include_inactive=include_inactive)
    matching = matching_products(args, include_inactive=include_inactive)
    counted = count(matching)
    if "cursor" in args:
        shown = products_with_category(matching)
        return paginate_by_cursor(shown, Product.id, args, count=lambda _query: counted)
    walked = _page_of_walk(args, counted, include_inactive=include_inactive)
    if walked is not None:
        return walked
    offset, size = page_slice(args)
    query = _ordered(matching, args, counted, offset + size, include_inactive=include_inactive)
    return paginate(products_with_category(query), args, count=lambda _query: counted)


def _page_of_walk(args: dict, counted: Count, *, include_inactive: bool) -> Page | None:
    """The page of a full-text search in an explicit order, found among the first products
    in that order, when they hold all of it; else None. It is tried where the matches
    (``counted``) are many enough for the walk to read fewer products than sorting them
    all (``walk_pays``): its cost follows the page's depth over the matches' share of the
    catalogue, where the sort's follows the matches. The walk's matches are the first ones
    in order, so a page it fills is the exact page; one it leaves short (the matches lie
    further along the order) falls back to sorting every match."""
    if not _may_walk(args):
        return None
    offset, size = page_slice(args)
    walk = (offset + size) * WALKED_PER_ROW
    if walk > MAX_WALK or not walk_pays(args["ordering"], counted.total, offset + size):
        return None
    query = _matches_in_walk(args, walk, include_inactive=include_inactive)
    page = paginate(query, args, count=lambda _query: counted, partial=True)
    last = not counted.estimated and offset + len(page.results) == counted.total
    return page if len(page.results) == size or last else None


def _may_walk(filters: dict) -> bool:
    """Whether a page of ``filters`` may be found by walking its ordering's index: a
    full-text search in an explicit order that no search index carries, on PostgreSQL."""
    return (
        bool(words(filters.get("search")))
        and bool(filters.get("ordering"))
        and is_postgresql()
        and not indexed_field(filters["ordering"])
    )


def _matches_in_walk(filters: dict, walk: int, *, include_inactive: bool) -> Select:
    """The matches among the first ``walk`` products in the requested order that their own
    row admits. The walk follows the ordering's index, and where the planner keeps its
    order it stops at the page's last match. The search and the variants' conditions are
    checked on the walked rows, which keeps the planner from trading the walk for the
    full-text index."""
    own = _own_row_admits(filters, include_inactive=include_inactive)
    walked = aliased(
        Product,
        own.add_columns(Product.search_vector)
        .order_by(*_order_by(filters["ordering"], None))
        .limit(walk)
        .subquery("walked"),
    )
    query = (
        select(walked)
        .where(search_match(filters["search"], walked))
        .where(*_variants_admit(walked, filters))
        .order_by(*_order_by(filters["ordering"], None, walked))
    )
    return products_with_category(query, walked)


def matching_products(filters: dict, *, include_inactive: bool) -> Select:
    """Products matching ``filters``, unordered: active ones only, unless
    ``include_inactive`` (staff): then all of them, or those matching ``is_active``."""
    query = _own_row_admits(filters, include_inactive=include_inactive)
    query = query.where(*_variants_admit(Product, filters))
    if filters.get("search"):
        query = searched(query, filters["search"])
    return query


def _own_row_admits(filters: dict, *, include_inactive: bool) -> Select:
    """Products matching the filters their own row answers, its summary of its variants
    included: the ones the ordering indexes serve."""
    query = visible_products(select(Product), include_inactive=include_inactive)
    if include_inactive and filters.get("is_active") is not None:
        query = query.where(Product.is_active == filters["is_active"])
    if filters.get("category"):
        query = query.where(Product.category_id.in_(subtree_ids(filters["category"])))
    # Either price bound alone is exact on the summary (the lowest and highest price).
    if filters.get("price_min") is not None:
        query = query.where(Product.price_max >= filters["price_min"])
    if filters.get("price_max") is not None:
        query = query.where(Product.price <= filters["price_max"])
    if filters.get("in_stock") is not None:
        in_stock = Product.stock_quantity > 0
        query = query.where(in_stock if filters["in_stock"] else ~in_stock)
    return query


def _variants_admit(products: Any, filters: dict) -> list[ColumnElement]:
    """Conditions only the variants of ``products`` (Product or an alias) answer: one
    variant within both price bounds, one with every option value asked."""
    conditions = []
    low, high = filters.get("price_min"), filters.get("price_max")
    if low is not None and high is not None:
        # Looked up by the product's id for each product the page reads: ``OFFSET 0`` keeps
        # PostgreSQL from answering it instead with a hash of every variant in the range,
        # which at 1M products read all 2M variants (0.5 s) for a page that needed a few
        # thousand. (An option's matching variants are few: there the hash is right.)
        in_range = _active_variants(products, CURRENT_PRICE.between(low, high)).offset(0).exists()
        # One price for all its variants (two products in three): the summary is exact.
        conditions.append(or_(products.price == products.price_max, in_range))
    if filters.get("option"):
        conditions.append(_active_variants(products, *map(_has_value, filters["option"])).exists())
    return conditions


def _active_variants(products: Any, *conditions: ColumnElement) -> Select:
    """The product's active variants that meet every one of ``conditions``."""
    return select(ProductVariant.id).where(
        ProductVariant.product_id == products.id, ProductVariant.is_active, *conditions
    )


def _has_value(option: tuple[str, str]) -> ColumnElement:
    """The variant has this (option name, value), both lower case."""
    name, value = option
    return exists().where(
        variant_option_values.c.variant_id == ProductVariant.id,
        OptionValue.id == variant_option_values.c.option_value_id,
        ProductOption.id == OptionValue.option_id,
        func.lower(ProductOption.name) == name,
        func.lower(OptionValue.value) == value,
    )


def _ordered(
    matching: Select, filters: dict, counted: Count, rows: int, *, include_inactive: bool
) -> Select:
    """``matching`` (``counted`` rows) in the requested order, of which a page needs the
    first ``rows``. A full-text search in price or date order reads them from the search
    indexes that carry those keys, where the database has them (``search_order``). In
    another explicit ``ordering`` that the walk could not page (``_page_of_walk``), it
    finds its matches through the GIN index first, then sorts them: its cost follows the
    matches. Walking an ordering index in search of them costs what the planner cannot
    foresee, as a word's matches cluster in some categories and prices (at 1M,
    "hardcover" by `-price` walked 6 s of expensive products before the first cheap
    book). Without ``ordering``, a search counted exactly is ranked by relevance; one with
    more matches is not (ranking reads every match): it comes newest first."""
    terms = tsquery(filters.get("search") or "")
    ordering = filters.get("ordering")
    if terms is None or not is_postgresql():
        return matching.order_by(*_order_by(ordering, None))
    indexed = indexed_field(ordering or (ORDERING.default if counted.estimated else None))
    if indexed:
        admitted = _own_row_admits(filters, include_inactive=include_inactive)
        query = page_in_index_order(
            admitted.where(*_variants_admit(Product, filters)),
            Product.search_vector.op("@@")(terms),
            sku_product(filters["search"]),
            indexed,
            rows,
            filters.get("price_max"),
        )
        return query.order_by(*_order_by([indexed], None))
    if ordering:
        return _sorted_matches(matching, ordering, rows)
    rank = None if counted.estimated else search_rank(filters["search"])
    return matching.order_by(*_order_by(ordering, rank))


def _sorted_matches(matching: Select, ordering: list[str], rows: int | None) -> Select:
    """The matches (a materialised CTE of their ids and sort keys), sorted and cut at
    ``rows`` before a product row is read: a page reads its own rows only."""
    found = (
        matching.with_only_columns(Product.id, *ORDERING.columns(ordering))
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    first = select(found).order_by(*_order_by(ordering, None, found.c)).limit(rows).subquery()
    query = select(Product).join(first, first.c.id == Product.id)
    return query.order_by(*_order_by(ordering, None, first.c))


def _order_by(
    fields: list[str] | None, rank: ColumnElement | None, products: Any = Product
) -> list:
    """ORDER BY clauses of ``fields`` (or ``rank``) on ``products`` (Product or an alias)."""
    if not fields and rank is not None:
        return [rank.desc(), products.id]
    return ORDERING.clauses(fields, products)


def cached_count(filters: dict, *, include_inactive: bool) -> Callable[[Select], Count]:
    """A ``paginate`` count that remembers large counts for a short while, per filter set,
    so paging through a big result does not re-count it on every page."""
    normalised = {name: str(filters.get(name)) for name in FILTERS if filters.get(name) is not None}
    digest = hashlib.sha256(
        json.dumps([normalised, include_inactive], sort_keys=True).encode()
    ).hexdigest()

    # A count by stock lags no more than the stock the pages show.
    searching = bool(words(filters.get("search")))
    # Whether a search's page is walked or its matches sorted: the count tells, counting
    # on past its exact limit where the choice lies beyond (at 1M).
    offset, size = page_slice(filters)
    at_least = (_may_walk(filters) and walk_threshold(filters["ordering"], offset + size)) or 0
    timeout = current_app.config[
        STOCK_SHOWN if filters.get("in_stock") is not None else "CATALOG_COUNT_CACHE_SECONDS"
    ]

    def remembered_count(query: Select) -> Count:
        # A product or category write starts a new count at once, as for the cached pages.
        # A search's matches are those of its language.
        key = generation_key(f"catalog:product-count:{digest}", *PRODUCT_READS, localized=searching)
        counted = get_or_none(key) if key else None
        if counted is None:
            counted = count_rows(query, estimate_first=searching, at_least=at_least)
            if key and counted.total >= current_app.config["CATALOG_COUNT_CACHE_MIN"]:
                set_if_up(key, counted, timeout=timeout)
        return counted

    return remembered_count
