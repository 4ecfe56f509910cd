"""Reads of a product with its options and variants, in a fixed number of statements: what
its detail answers, and the variants and options routes. Customers see active products and
their active variants; staff see everything."""

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from ecom.catalog import localized
from ecom.catalog.models import OptionValue, Product, ProductOption, ProductVariant
from ecom.catalog.translations import ProductTranslation
from ecom.catalog.variants import variant_of
from ecom.catalog.visibility import is_visible, visible_product, visible_variants
from ecom.common.errors import NotFound
from ecom.extensions import db


class ProductDetail:
    """A product as its detail shows it: its attributes, with the variants its caller sees."""

    def __init__(self, product: Product, variants: list[ProductVariant]) -> None:
        self.product = product
        self.variants = variants

    def __getattr__(self, name: str) -> Any:
        return getattr(self.product, name)


def _with_variants(query: Select) -> Select:
    # The variants' values find their options among those just loaded (a many-to-one by
    # key is read from the session): joining them again would reload each option without
    # its values, which would then be read once per option.
    return query.options(
        selectinload(Product.options).selectinload(ProductOption.values),
        selectinload(Product.variants)
        .selectinload(ProductVariant.values)
        .lazyload(OptionValue.option),
    ).execution_options(populate_existing=True)


def _shown(query: Select, include_inactive: bool) -> Product:
    product = db.session.scalar(_with_variants(query))
    return visible_product(product, include_inactive=include_inactive)


def _visible(product: Product, include_inactive: bool) -> list[ProductVariant]:
    return visible_variants(product.variants, include_inactive=include_inactive)


def _in_language(product: Product, include_inactive: bool) -> ProductDetail:
    """The detail in the request's language (one statement for every text, none in the
    default language)."""
    variants = _visible(product, include_inactive)
    if localized.is_default():
        return ProductDetail(product, variants)
    texts = localized.product_texts(product)
    shown = texts.view(
        product,
        category=texts.view(product.category),
        options=localized.options(texts, product.options),
    )
    return ProductDetail(shown, localized.variants(texts, variants))


def product_detail(product_id: int, *, include_inactive: bool = False) -> ProductDetail:
    product = _shown(select(Product).where(Product.id == product_id), include_inactive)
    return _in_language(product, include_inactive)


def product_detail_by_slug(slug: str, *, include_inactive: bool = False) -> ProductDetail:
    """The product whose slug is ``slug`` in any language (slugs name one product)."""
    translated = select(ProductTranslation.product_id).where(ProductTranslation.slug == slug)
    query = select(Product).where(or_(Product.slug == slug, Product.id.in_(translated)))
    return _in_language(_shown(query.limit(1), include_inactive), include_inactive)


def product_variants(product_id: int, *, include_inactive: bool = False) -> list[ProductVariant]:
    product = _shown(select(Product).where(Product.id == product_id), include_inactive)
    return _in_language(product, include_inactive).variants


def product_variant(
    product_id: int, variant_id: int, *, include_inactive: bool = False
) -> ProductVariant:
    """One variant of the product; an inactive one is not found unless ``include_inactive``."""
    product = _shown(select(Product).where(Product.id == product_id), include_inactive)
    variant = variant_of(product, variant_id)
    if not is_visible(variant, include_inactive=include_inactive):
        raise NotFound("Variant not found.")
    if localized.is_default():
        return variant
    return localized.variants(localized.product_texts(product), [variant])[0]


def product_options(product_id: int, *, include_inactive: bool = False) -> list[ProductOption]:
    product = _shown(select(Product).where(Product.id == product_id), include_inactive)
    if localized.is_default():
        return list(product.options)
    return localized.options(localized.product_texts(product), product.options)
