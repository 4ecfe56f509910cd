"""Reads of a product with its options and variants, in a fixed number of statements: what
its detail answers, and the variants and options routes. Customers see active products and
their active variants; staff see everything. They are read as records (``records``), in
the orders the model's relationships give."""

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, or_, select

from ecom.catalog import localized
from ecom.catalog.errors import VariantNotFound
from ecom.catalog.models import (
    OptionValue,
    Product,
    ProductOption,
    ProductVariant,
    variant_option_values,
)
from ecom.catalog.records import (
    OptionRecord,
    ProductRecord,
    ValueRecord,
    VariantRecord,
    columns,
    products_with_category,
    records,
)
from ecom.catalog.translations import ProductTranslation
from ecom.catalog.variants import variant_of
from ecom.catalog.visibility import is_visible, visible_product, visible_variants
from ecom.extensions import db


def _order(relationship: Any) -> tuple:
    return tuple(relationship.property.order_by)


@cache
def _statements() -> dict[str, Select]:
    """The statements of a product's options, their values, its variants and their values,
    by the product's id (``product_id``): built once."""
    product_id = bindparam("product_id")
    options, values, variants = (m.__table__ for m in (ProductOption, OptionValue, ProductVariant))
    links = variant_option_values
    return {
        "options": select(*columns(ProductOption))
        .where(options.c.product_id == product_id)
        .order_by(*_order(Product.options)),
        "values": select(*columns(OptionValue))
        .join(options, options.c.id == values.c.option_id)
        .where(options.c.product_id == product_id)
        .order_by(*_order(ProductOption.values)),
        "variants": select(*columns(ProductVariant))
        .where(variants.c.product_id == product_id)
        .order_by(*_order(Product.variants)),
        "links": select(links.c.variant_id, links.c.option_value_id)
        .join(variants, variants.c.id == links.c.variant_id)
        .where(variants.c.product_id == product_id),
    }


def _read(name: str, product_id: int) -> Any:
    return db.session.execute(_statements()[name], {"product_id": product_id})


def _options(product_id: int) -> list[OptionRecord]:
    """The product's options, each with its values (two statements, one without options)."""
    options = records(OptionRecord, _read("options", product_id))
    by_id = {option.id: option for option in options}
    for option in options:
        option.values = []
    if not options:
        return options
    for value in records(ValueRecord, _read("values", product_id)):
        value.option = by_id[value.option_id]
        value.option.values.append(value)
    return options


def _variants(product_id: int, options: list[OptionRecord]) -> list[VariantRecord]:
    """Every variant of the product, each with its values (two statements)."""
    variants = records(VariantRecord, _read("variants", product_id))
    by_id = {variant.id: variant for variant in variants}
    for variant in variants:
        variant.values = []
    values = {value.id: value for option in options for value in option.values}
    for variant_id, value_id in _read("links", product_id):
        by_id[variant_id].values.append(values[value_id])
    return variants


@cache
def _by_id() -> Select:
    return products_with_category(select(Product).where(Product.id == bindparam("product_id")))


def _shown(query: Select, include_inactive: bool, **params: Any) -> ProductRecord:
    """The product of ``query`` (reading ``ProductRecord``) with its options and every
    variant: five statements at most, whatever their number."""
    product = db.session.scalar(query, params)
    product = visible_product(product, include_inactive=include_inactive)
    product.options = _options(product.id)
    product.variants = _variants(product.id, product.options)
    return product


def _in_language(product: ProductRecord, include_inactive: bool) -> Any:
    """The detail in the request's language, with the variants its reader sees (one
    statement for every text, none in the default language)."""
    variants = visible_variants(product.variants, include_inactive=include_inactive)
    if localized.is_default():
        product.variants = variants
        return product
    texts = localized.product_texts(product)
    return texts.view(
        product,
        category=texts.view(product.category),
        options=localized.options(texts, product.options),
        variants=localized.variants(texts, variants),
    )


def product_detail(product_id: int, *, include_inactive: bool = False) -> Any:
    product = _shown(_by_id(), include_inactive, product_id=product_id)
    return _in_language(product, include_inactive)


def product_detail_by_slug(slug: str, *, include_inactive: bool = False) -> Any:
    """The product whose slug is ``slug`` in any language (slugs name one product)."""
    translated = select(ProductTranslation.product_id).where(ProductTranslation.slug == slug)
    query = select(Product).where(or_(Product.slug == slug, Product.id.in_(translated)))
    shown = _shown(products_with_category(query.limit(1)), include_inactive)
    return _in_language(shown, include_inactive)


def product_variants(product_id: int, *, include_inactive: bool = False) -> list[Any]:
    product = _shown(_by_id(), include_inactive, product_id=product_id)
    return _in_language(product, include_inactive).variants


def product_variant(product_id: int, variant_id: int, *, include_inactive: bool = False) -> Any:
    """One variant of the product; an inactive one is not found unless ``include_inactive``."""
    product = _shown(_by_id(), include_inactive, product_id=product_id)
    variant = variant_of(product, variant_id)
    if not is_visible(variant, include_inactive=include_inactive):
        raise VariantNotFound()
    if localized.is_default():
        return variant
    return localized.variants(localized.product_texts(product), [variant])[0]


def product_options(product_id: int, *, include_inactive: bool = False) -> list[Any]:
    product = _shown(_by_id(), include_inactive, product_id=product_id)
    if localized.is_default():
        return product.options
    return localized.options(localized.product_texts(product), product.options)
