"""The catalogue in the request's language: each translated field from its translation,
else the default text, field by field. What a page shows is translated by one statement
for the whole page (none in the default language); the entities themselves are never
changed, the answers see them (and records, ``ecom.catalog.records``) through ``Localized``
views."""

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import Text, cast, literal, null, select, union_all

from ecom.catalog.models import Category, OptionValue, Product, ProductOption
from ecom.catalog.records import OptionRecord, ProductRecord, Record, VariantRecord
from ecom.catalog.translations import (
    CategoryTranslation,
    OptionTranslation,
    OptionValueTranslation,
    ProductTranslation,
    TranslationMixin,
)
from ecom.common.i18n import current_language, default_language
from ecom.common.pagination import Page
from ecom.extensions import db

TABLES: dict[type, type[TranslationMixin]] = {
    Product: ProductTranslation,
    Category: CategoryTranslation,
    ProductOption: OptionTranslation,
    OptionValue: OptionValueTranslation,
}
# A translation's fields, in a row of up to three texts.
WIDTH = 3


class Localized:
    """An entity seen in a language: the attributes of ``shown``, the rest its own."""

    def __init__(self, entity: Any, shown: dict[str, Any]) -> None:
        self._entity = entity
        self._shown = shown

    def __getattr__(self, name: str) -> Any:
        shown = self.__dict__.get("_shown", {})
        return shown[name] if name in shown else getattr(self._entity, name)


class Texts:
    """The translated texts of some rows in one language: (model, id) → field → text."""

    def __init__(self, found: dict[tuple[type, int], dict[str, str]]) -> None:
        self.found = found

    def of(self, entity: Any) -> dict[str, Any]:
        """The entity's translated fields that have a text."""
        return self.of_row(_model(entity), entity.id)

    def of_row(self, model: type, row_id: int) -> dict[str, Any]:
        return self.found.get((model, row_id), {})

    def view(self, entity: Any, **shown: Any) -> Any:
        """The entity with its translated texts and the ``shown`` attributes."""
        texts = {**self.of(entity), **shown}
        return Localized(entity, texts) if texts else entity


def _model(entity: Any) -> type:
    entity = entity._entity if isinstance(entity, Localized) else entity
    if isinstance(entity, Record):
        return entity.model
    return next(base for base in type(entity).__mro__ if base in TABLES)


def is_default() -> bool:
    return current_language() == default_language()


def texts_of(wanted: dict[type, Iterable[int]], language: str | None = None) -> Texts:
    """The translations in ``language`` (the request's) of the rows ``wanted`` names, by
    model: one statement; none in the default language, or for no row."""
    language = language or current_language()
    wanted = {model: sorted(set(ids)) for model, ids in wanted.items() if ids}
    if language == default_language() or not wanted:
        return Texts({})
    found: dict[tuple[type, int], dict[str, str]] = {}
    models = list(wanted)
    for row in db.session.execute(_union(wanted, language)):
        model = models[row.kind]
        fields = TABLES[model].fields
        texts = (row.text_0, row.text_1, row.text_2)
        found[(model, row.owner)] = {
            name: text for name, text in zip(fields, texts, strict=False) if text
        }
    return Texts(found)


def _union(wanted: dict[type, list[int]], language: str) -> Any:
    selects = []
    for kind, (model, ids) in enumerate(wanted.items()):
        table = TABLES[model]
        owner = getattr(table, table.owner_key)
        columns = [cast(getattr(table, name), Text) for name in table.fields]
        columns += [cast(null(), Text)] * (WIDTH - len(columns))
        selects.append(
            select(
                literal(kind).label("kind"),
                owner.label("owner"),
                *(column.label(f"text_{n}") for n, column in enumerate(columns)),
            ).where(owner.in_(ids), table.language == language)
        )
    return selects[0] if len(selects) == 1 else union_all(*selects)


# --- what the catalogue's reads answer ----------------------------------------------------


def products(rows: list[ProductRecord]) -> list[Any]:
    """Products with their category's name, as lists show them."""
    if is_default():
        return rows
    texts = texts_of({Product: [p.id for p in rows], Category: [p.category_id for p in rows]})
    return [texts.view(p, category=texts.view(p.category)) for p in rows]


def product_page(page: Page) -> Page:
    return replace(page, results=products(page.results))


def category_page(page: Page) -> Page:
    return replace(page, results=categories(page.results))


def categories(rows: list[Category]) -> list[Any]:
    if is_default():
        return rows
    texts = texts_of({Category: [c.id for c in rows]})
    return [texts.view(c) for c in rows]


def category(row: Category) -> Any:
    """A category with its children and breadcrumbs."""
    if is_default():
        return row
    texts = texts_of({Category: [c.id for c in (*row.path, *row.children)]})
    return texts.view(
        row,
        children=[texts.view(c) for c in row.children],
        path=[texts.view(c) for c in row.path],
    )


def tree_texts(ids: list[int]) -> Texts:
    return texts_of({Category: ids})


def product_texts(product: ProductRecord) -> Texts:
    """The translations of a product, its category, its options and their values."""
    options = list(product.options)
    return texts_of(
        {
            Product: [product.id],
            Category: [product.category_id],
            ProductOption: [o.id for o in options],
            OptionValue: [v.id for o in options for v in o.values],
        }
    )


def options(texts: Texts, rows: Iterable[OptionRecord]) -> list[Any]:
    return [texts.view(o, values=[texts.view(v) for v in o.values]) for o in rows]


def variants(texts: Texts, rows: Iterable[VariantRecord]) -> list[Any]:
    """Variants with their option names and values, and so their label, translated."""
    shown = []
    for variant in rows:
        if not texts.found:
            shown.append(variant)
            continue
        values = variant.ordered_values
        words = [texts.of(v).get("value", v.value) for v in values]
        names = [texts.of(v.option).get("name", v.option.name) for v in values]
        shown.append(
            Localized(
                variant,
                {"named_values": dict(zip(names, words, strict=True)), "label": " / ".join(words)},
            )
        )
    return shown
