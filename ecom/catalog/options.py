"""Option rules: a product's options have distinct names and values; adding an option gives
every variant its first value (so they stay distinct); a value or option in use stays."""

from flask_babel import gettext

from ecom.catalog.errors import OptionExists, OptionInUse
from ecom.catalog.models import OptionValue, Product, ProductOption
from ecom.catalog.summary import locked_product, product_changed
from ecom.catalog.variants import option_key
from ecom.common.errors import NotFound, ValidationFailed
from ecom.common.transactions import atomic
from ecom.extensions import db


def _option_of(product: Product, option_id: int) -> ProductOption:
    option = next((o for o in product.options if o.id == option_id), None)
    if option is None:
        raise NotFound(gettext("Option not found."))
    return option


def _check_name_free(product: Product, name: str, option: ProductOption | None = None) -> None:
    if any(o.name.casefold() == name.casefold() for o in product.options if o is not option):
        raise OptionExists()


def _distinct(values: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated = [v for v in values if v.casefold() in seen or seen.add(v.casefold())]
    if repeated:
        message = gettext("Each value once: %(values)s repeated.", values=", ".join(repeated))
        raise ValidationFailed(message, errors={"values": [message]})
    return values


def _rekey(product: Product) -> None:
    db.session.flush()
    for variant in product.variants:
        variant.option_key = option_key(variant.values)


def create_option(product_id: int, data: dict) -> ProductOption:
    with atomic(keep_loaded=True, on_conflict=OptionExists()):
        product = locked_product(product_id)
        _check_name_free(product, data["name"])
        values = _distinct(data["values"])
        option = ProductOption(
            name=data["name"],
            position=len(product.options),
            values=[OptionValue(value=value, position=n) for n, value in enumerate(values)],
        )
        product.options.append(option)
        for variant in product.variants:
            variant.values.append(option.values[0])
        _rekey(product)
        product_changed(product.id)
    return option


def update_option(product_id: int, option_id: int, changes: dict) -> ProductOption:
    """Rename an option, or replace its list of values (kept ones by name in any case, in the
    new order and spelling)."""
    with atomic(keep_loaded=True, on_conflict=OptionExists()):
        product = locked_product(product_id)
        option = _option_of(product, option_id)
        if "name" in changes:
            _check_name_free(product, changes["name"], option)
            option.name = changes["name"]
        if "values" in changes:
            _replace_values(product, option, _distinct(changes["values"]))
        product_changed(product.id)
    return option


def _replace_values(product: Product, option: ProductOption, texts: list[str]) -> None:
    current = {value.value.casefold(): value for value in option.values}
    wanted = {text.casefold() for text in texts}
    used = {value.id for variant in product.variants for value in variant.values}
    dropped = [v for key, v in current.items() if key not in wanted]
    if any(value.id in used for value in dropped):
        raise OptionInUse()
    option.values = [current.get(text.casefold()) or OptionValue() for text in texts]
    for position, (value, text) in enumerate(zip(option.values, texts, strict=True)):
        value.value, value.position = text, position


def delete_option(product_id: int, option_id: int) -> None:
    """Delete an option, its value dropped from every variant; refused (409) when two
    variants would then be alike."""
    with atomic():
        product = locked_product(product_id)
        option = _option_of(product, option_id)
        for variant in product.variants:
            variant.values = [v for v in variant.values if v.option_id != option.id]
        keys = [option_key(variant.values) for variant in product.variants]
        if len(set(keys)) != len(keys):
            raise OptionInUse()
        product.options.remove(option)
        _rekey(product)
        product_changed(product.id)
