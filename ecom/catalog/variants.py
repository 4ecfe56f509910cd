"""Variant rules: each variant names one value of every option of its product, no two
variants of a product name the same values, SKUs are unique, a product keeps one variant.

Every write locks the product first (``locked_product``) and refreshes its summary."""

from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select

from ecom.catalog.errors import (
    LastVariant,
    OptionsMismatch,
    SkuUnavailable,
    VariantExists,
    VariantInUse,
    VariantNotFound,
    VariantRequired,
)
from ecom.catalog.models import OptionValue, Product, ProductOption, ProductVariant
from ecom.catalog.renditions import delete_image
from ecom.catalog.summary import locked_product, prices_changed, refresh_summary
from ecom.common.errors import ValidationFailed
from ecom.common.transactions import atomic
from ecom.extensions import db

VARIANT_FIELDS = ("sku", "price", "stock_quantity", "is_active", "weight_grams")


def option_key(values: list[OptionValue]) -> str:
    """What makes a variant unique within its product: its values' ids, sorted."""
    return ".".join(str(value_id) for value_id in sorted(value.id for value in values))


def variant_of(product: Product, variant_id: int) -> ProductVariant:
    variant = next((v for v in product.variants if v.id == variant_id), None)
    if variant is None:
        raise VariantNotFound()
    return variant


def values_named(product: Product, names: dict[str, str]) -> list[OptionValue]:
    """The option values ``names`` (option name → value, any case) gives, one for every
    option of the product; a value the option lacks is added to it."""
    options = {option.name.casefold(): option for option in product.options}
    given = {name.strip().casefold(): value.strip() for name, value in names.items()}
    unknown = sorted(set(given) - set(options))
    missing = [option.name for key, option in options.items() if key not in given]
    if unknown or missing:
        names = ", ".join(option.name for option in product.options)
        message = (
            gettext("Name one value for each of the product's options: %(names)s", names=names)
            if names
            else gettext("Name one value for each of the product's options: it has none")
        )
        raise OptionsMismatch(message)
    return [_value(option, given[key]) for key, option in options.items()]


def _value(option: ProductOption, text: str) -> OptionValue:
    found = next((v for v in option.values if v.value.casefold() == text.casefold()), None)
    if found is None:
        found = OptionValue(value=text, position=len(option.values))
        option.values.append(found)
        db.session.flush()
    return found


def set_values(variant: ProductVariant, values: list[OptionValue]) -> None:
    """Give ``variant`` these option values, unless a sibling already has them."""
    key = option_key(values)
    siblings = (v for v in variant.product.variants if v is not variant)
    if any(sibling.option_key == key for sibling in siblings):
        raise VariantExists()
    variant.values = values
    variant.option_key = key


def check_price_and_stock(values: dict) -> None:
    """What the database's checks refuse, as field messages: a price of 0 or less, a
    negative stock or weight."""
    errors = {}
    if values.get("price") is not None and not Decimal(values["price"]) > 0:
        errors["price"] = [gettext("Must be above 0.")]
    for field in ("stock_quantity", "weight_grams"):
        if (values.get(field) or 0) < 0:
            errors[field] = [gettext("Must be 0 or more.")]
    if errors:
        raise ValidationFailed(errors=errors)


def check_sku_free(sku: str, variant_id: int | None = None) -> None:
    owner = db.session.scalar(select(ProductVariant.id).where(ProductVariant.sku == sku))
    if owner is not None and owner != variant_id:
        raise SkuUnavailable()


def create_variant(product_id: int, data: dict) -> ProductVariant:
    check_price_and_stock(data)
    with atomic(keep_loaded=True, on_conflict=SkuUnavailable()):
        product = locked_product(product_id)
        check_sku_free(data["sku"])
        variant = ProductVariant(**{f: data[f] for f in VARIANT_FIELDS if f in data})
        product.variants.append(variant)
        set_values(variant, values_named(product, data.get("options", {})))
        refresh_summary(product)
        prices_changed(product.id)
    return variant


def update_variant(product_id: int, variant_id: int, changes: dict) -> ProductVariant:
    check_price_and_stock(changes)
    with atomic(keep_loaded=True, on_conflict=SkuUnavailable()):
        product = locked_product(product_id)
        variant = variant_of(product, variant_id)
        if "sku" in changes:
            check_sku_free(changes["sku"], variant.id)
        if "options" in changes:
            set_values(variant, values_named(product, changes["options"]))
        if Decimal(changes.get("price", variant.price)) != variant.price:
            prices_changed(product.id)
        for field in VARIANT_FIELDS:
            if field in changes:
                setattr(variant, field, changes[field])
        refresh_summary(product)
    return variant


def delete_variant(product_id: int, variant_id: int) -> None:
    """Delete a variant and its image (its cart lines go with it); one in orders is
    refused (409)."""
    with atomic(on_conflict=VariantInUse()):
        product = locked_product(product_id)
        variant = variant_of(product, variant_id)
        if len(product.variants) == 1:
            raise LastVariant()
        image = variant.image
        product.variants.remove(variant)
        db.session.flush()
        refresh_summary(product)
    if image:
        delete_image(image)


def single_variant(product: Product, field: str, message: str | None = None) -> ProductVariant:
    """The product's only variant, for a request that names the product alone."""
    if len(product.variants) != 1:
        raise VariantRequired(field, message)
    return product.variants[0]
