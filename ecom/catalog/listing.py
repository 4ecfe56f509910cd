"""The product list: filters, full-text search, ordering, remembered counts and pages.

Every filter and ordering is meant to walk an index at any catalog size (docs/PERFORMANCE.md):
a category is its subtree's literal ids, ordered lists follow the composite indexes of
``Product``, and a search ranks its matches only while they are counted exactly."""

import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select

from ecom.catalog.categories import subtree_ids
from ecom.catalog.models import (
    OptionValue,
    Product,
    ProductOption,
    ProductVariant,
    variant_option_values,
)
from ecom.common.cache import generation_key, get_or_none, set_if_up
from ecom.common.cache_families import PRODUCT_READS, STOCK_SHOWN
from ecom.common.pagination import Count, Page, count_rows, paginate, paginate_by_cursor
from ecom.extensions import db

ORDERING_FIELDS = {
    "price": Product.price,
    "created_at": Product.created_at,
    "title": Product.title,
    "average_rating": Product.average_rating,
    "stock_quantity": Product.stock_quantity,
    "category": Product.category_id,
}
DEFAULT_ORDERING = ["-created_at"]
FILTERS = ("category", "price_min", "price_max", "in_stock", "is_active", "option", "search")


def list_products(args: dict, *, include_inactive: bool) -> Page:
    """One page of products (see ProductListArgsSchema): by cursor in id order when
    ``cursor`` is given, else by page number."""
    count = cached_count(args, include_inactive=include_inactive)
    matching = matching_products(args, include_inactive=include_inactive)
    counted = count(matching)
    query = _ordered(matching, args, counted)
    if "cursor" in args:
        return paginate_by_cursor(query, Product.id, args, count=lambda _query: counted)
    return paginate(query, args, count=lambda _query: counted)


def products_query(filters: dict, *, include_inactive: bool = False) -> Select:
    """Products matching ``filters`` (see ProductListArgsSchema), in a total order."""
    matching = matching_products(filters, include_inactive=include_inactive)
    return _ordered(matching, filters, Count(0))


def matching_products(filters: dict, *, include_inactive: bool) -> Select:
    """Products matching ``filters``, unordered: active ones only, unless
    ``include_inactive`` (staff): then all of them, or those matching ``is_active``."""
    query = select(Product)
    if not include_inactive:
        query = query.where(Product.is_active)
    elif filters.get("is_active") is not None:
        query = query.where(Product.is_active == filters["is_active"])
    if filters.get("category"):
        query = query.where(Product.category_id.in_(subtree_ids(filters["category"])))
    query = _priced(query, filters.get("price_min"), filters.get("price_max"))
    if filters.get("in_stock") is not None:
        in_stock = Product.stock_quantity > 0
        query = query.where(in_stock if filters["in_stock"] else ~in_stock)
    if filters.get("option"):
        query = query.where(_active_variant(*map(_has_value, filters["option"])))
    if filters.get("search"):
        query = _search(query, filters["search"])
    return query


def _active_variant(*conditions: ColumnElement) -> ColumnElement:
    """Some active variant of the product meets every one of ``conditions``."""
    return exists().where(
        ProductVariant.product_id == Product.id, ProductVariant.is_active, *conditions
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


def _priced(query: Select, low: Decimal | None, high: Decimal | None) -> Select:
    """Products with an active variant priced in [low, high]. Either bound alone is exact on
    the product's summary (its lowest and highest price); both need a variant in between
    when the product has several prices, after the summary's conditions, which the price
    indexes apply first."""
    if low is not None:
        query = query.where(Product.price_max >= low)
    if high is not None:
        query = query.where(Product.price <= high)
    if low is not None and high is not None:
        # One price for all its variants (two products in three): the summary is exact.
        in_range = _active_variant(ProductVariant.price.between(low, high))
        query = query.where(or_(Product.price == Product.price_max, in_range))
    return query


def _tsquery(text: str) -> ColumnElement | None:
    """Every word, each also as a prefix (`iph` finds "iPhone"); None without a word."""
    words = re.findall(r"\w+", text.lower())
    if not words:
        return None
    return func.to_tsquery("english", " & ".join(f"{word}:*" for word in words))


def _search(query: Select, text: str) -> Select:
    """Full text on PostgreSQL, case-insensitive LIKE on other back ends; or a variant's
    exact SKU (one product id, so the full-text index still serves the rest: a BitmapOr)."""
    sku = (
        Product.id
        == (
            select(ProductVariant.product_id).where(ProductVariant.sku == text.strip())
        ).scalar_subquery()
    )
    if db.session.get_bind().dialect.name == "postgresql":
        tsquery = _tsquery(text)
        return (
            query
            if tsquery is None
            else query.where(or_(Product.search_vector.op("@@")(tsquery), sku))
        )
    words = [
        or_(
            Product.title.ilike(pattern, escape="\\"),
            Product.description.ilike(pattern, escape="\\"),
        )
        for pattern in (
            "%" + word.replace("_", "\\_") + "%" for word in re.findall(r"\w+", text.lower())
        )
    ]
    return query.where(or_(and_(*words), sku)) if words else query


def _ordered(matching: Select, filters: dict, counted: Count) -> Select:
    """``matching`` (``counted`` rows) in the requested order. A full-text search in an
    explicit ``ordering`` finds its matches through the GIN index first (a materialised
    CTE), then sorts them: its cost follows the matches. Walking an ordering index in
    search of them costs what the planner cannot foresee, as a word's matches cluster in
    some categories and prices (at 1M, "hardcover" by `-price` walked 6 s of expensive
    products before the first cheap book). Without ``ordering``, a search counted exactly
    is ranked by relevance; one with more matches is not (ranking reads every match): it
    comes newest first."""
    tsquery = _tsquery(filters.get("search") or "")
    ordering = filters.get("ordering")
    if tsquery is None or db.session.get_bind().dialect.name != "postgresql":
        return matching.order_by(*_order_by(ordering, None))
    if ordering:
        found = matching.with_only_columns(Product.id).cte("matches").prefix_with("MATERIALIZED")
        query = select(Product).where(Product.id.in_(select(found.c.id)))
        return query.order_by(*_order_by(ordering, None))
    rank = None if counted.estimated else func.ts_rank(Product.search_vector, tsquery)
    return matching.order_by(*_order_by(ordering, rank))


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


def cached_count(filters: dict, *, include_inactive: bool) -> Callable[[Select], Count]:
    """A ``paginate`` count that remembers large counts for a short while, per filter set,
    so paging through a big result does not re-count it on every page."""
    normalised = {name: str(filters.get(name)) for name in FILTERS if filters.get(name) is not None}
    digest = hashlib.sha256(
        json.dumps([normalised, include_inactive], sort_keys=True).encode()
    ).hexdigest()

    # A count by stock lags no more than the stock the pages show.
    timeout = current_app.config[
        STOCK_SHOWN if filters.get("in_stock") is not None else "CATALOG_COUNT_CACHE_SECONDS"
    ]

    def remembered_count(query: Select) -> Count:
        # A product or category write starts a new count at once, as for the cached pages.
        key = generation_key(f"catalog:product-count:{digest}", *PRODUCT_READS)
        counted = get_or_none(key) if key else None
        if counted is None:
            counted = count_rows(query)
            if key and counted.total >= current_app.config["CATALOG_COUNT_CACHE_MIN"]:
                set_if_up(key, counted, timeout=timeout)
        return counted

    return remembered_count
