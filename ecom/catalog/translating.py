"""Translation rules, whoever writes them (API or back office): a translation is in one of
the shop's languages other than the default; its fields are each optional (an empty one
falls back to the default text); a slug, given or made from the translated title or name,
names no other product (or category) in any language. A write is its owner's change: the
product's or category's event, and so their cached reads."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ecom.catalog.categories import category_changed, get_category
from ecom.catalog.errors import DefaultLanguage, SlugTaken
from ecom.catalog.models import Category, OptionValue, Product, ProductOption
from ecom.catalog.slugs import SLUG_ATTEMPTS, slug_taken, unique_slug
from ecom.catalog.summary import product_changed
from ecom.catalog.translations import (
    CategoryTranslation,
    OptionTranslation,
    OptionValueTranslation,
    ProductTranslation,
    TranslationMixin,
)
from ecom.catalog.visibility import visible_product
from ecom.common.errors import NotFound
from ecom.common.i18n import UnknownLanguage, default_language, languages
from ecom.common.transactions import atomic
from ecom.extensions import db


@dataclass(frozen=True)
class Translated:
    """A kind of translated row: its table, how its owner is found from the path's ids,
    and which owner's change a write of it is."""

    table: type[TranslationMixin]
    find: Callable[..., Any]
    changed: Callable[[Any], None]
    slugged: type[Product | Category] | None = None
    slug_from: str | None = None

    def owner_id(self, row: TranslationMixin) -> int:
        return getattr(row, self.table.owner_key)


def _product(product_id: int) -> Product:
    return visible_product(db.session.get(Product, product_id), include_inactive=True)


def _option(product_id: int, option_id: int) -> ProductOption:
    option = db.session.get(ProductOption, option_id)
    if option is None or option.product_id != product_id:
        raise NotFound(gettext("Option not found."))
    return option


def _value(product_id: int, option_id: int, value_id: int) -> OptionValue:
    value = db.session.get(OptionValue, value_id)
    if value is None or value.option_id != _option(product_id, option_id).id:
        raise NotFound(gettext("Option value not found."))
    return value


PRODUCT = Translated(
    ProductTranslation,
    _product,
    lambda product: product_changed(product.id),
    slugged=Product,
    slug_from="title",
)
CATEGORY = Translated(
    CategoryTranslation,
    get_category,
    lambda category: category_changed(category.id),
    slugged=Category,
    slug_from="name",
)
OPTION = Translated(OptionTranslation, _option, lambda option: product_changed(option.product_id))
OPTION_VALUE = Translated(
    OptionValueTranslation, _value, lambda value: product_changed(value.option.product_id)
)


def check_language(language: str) -> str:
    """``language`` if a translation may be in it: spoken by the shop, not the default."""
    if language not in languages():
        raise UnknownLanguage("language", "path")
    if language == default_language():
        raise DefaultLanguage(language)
    return language


def translations(kind: Translated, **path: int) -> list[TranslationMixin]:
    """The owner's translations, by language."""
    owner = kind.find(**path)
    table = kind.table
    return list(
        db.session.scalars(
            select(table)
            .where(getattr(table, table.owner_key) == owner.id)
            .order_by(table.language)
        )
    )


def _row(kind: Translated, owner: Any, language: str) -> TranslationMixin | None:
    table = kind.table
    return db.session.scalar(
        select(table).where(getattr(table, table.owner_key) == owner.id, table.language == language)
    )


def _slug(kind: Translated, owner: Any, row: TranslationMixin, changes: dict) -> str | None:
    """The row's slug after ``changes``: the one given (refused when another owner has it),
    else the one it has, else one made from its translated title or name."""
    if "slug" in changes:
        if changes["slug"] is not None and slug_taken(kind.slugged, changes["slug"], owner.id):
            raise SlugTaken()
        return changes["slug"]
    text = getattr(row, kind.slug_from)
    if row.slug is None and text:
        return unique_slug(kind.slugged, text, exclude_id=owner.id)
    return row.slug


def save_translation(kind: Translated, language: str, changes: dict, **path: int) -> Any:
    """Create or change the owner's translation in ``language``: the fields in ``changes``
    only (None clears one, which then falls back to the default text)."""
    check_language(language)
    owner = kind.find(**path)
    # A concurrent first write of the same translation, or of the same slug, loses the
    # insert: the next attempt finds the row, or the slug taken.
    for _ in range(SLUG_ATTEMPTS):
        try:
            with atomic(keep_loaded=True):
                row = _row(kind, owner, language) or kind.table(
                    **{kind.table.owner_key: owner.id, "language": language}
                )
                for field, value in changes.items():
                    setattr(row, field, value)
                if kind.slugged is not None:
                    row.slug = _slug(kind, owner, row, changes)
                db.session.add(row)
                db.session.flush()
                kind.changed(owner)
            return row
        except IntegrityError:
            continue
    raise SlugTaken()


def delete_translation(kind: Translated, language: str, **path: int) -> None:
    """Delete the owner's translation in ``language``: its texts fall back to the default."""
    check_language(language)
    owner = kind.find(**path)
    row = _row(kind, owner, language)
    if row is None:
        raise NotFound(gettext("No translation in this language."))
    with atomic():
        db.session.delete(row)
        kind.changed(owner)
