"""The catalogue's reads as records rather than entities: a row's columns as the attributes
of a plain object, which the answer schemas dump as they dump entities (the same fields,
read the same way). A page or a detail is only shown, never changed: the ORM's work for an
entity (identity map, instance state, relationship loaders) was most of an uncached read's
CPU (docs/PERFORMANCE.md)."""

from functools import cache
from types import SimpleNamespace
from typing import Any, ClassVar

from sqlalchemy import Select
from sqlalchemy.orm import Bundle

from ecom.catalog.models import Category, OptionValue, Product, ProductOption, ProductVariant


class Record(SimpleNamespace):
    """A row of ``model``: the columns its entity loads, and what the read adds to it."""

    model: ClassVar[type]


class CategoryRecord(Record):
    model = Category


class ProductRecord(Record):
    """With ``category`` (its id and name); a detail adds ``options`` and ``variants``."""

    model = Product


class OptionRecord(Record):
    """With ``values``, in their order."""

    model = ProductOption


class ValueRecord(Record):
    """With ``option``, the record of its option."""

    model = OptionValue


class VariantRecord(Record):
    """With ``values``; its label and option names by the model's own rules."""

    model = ProductVariant
    ordered_values = ProductVariant.ordered_values
    named_values = ProductVariant.named_values
    label = ProductVariant.label


@cache
def _loaded(model: type) -> tuple[str, ...]:
    return tuple(column.key for column in model.__mapper__.column_attrs if not column.deferred)


def columns(model: type) -> list:
    """The table columns an entity of ``model`` loads (the deferred ones aside)."""
    table = model.__table__
    return [table.c[key] for key in _loaded(model)]


def records(record: type[Record], rows: Any) -> list[Any]:
    """Each of ``rows`` (a result of ``columns``) as a ``record``."""
    return [record(**row._mapping) for row in rows]


class _Products(Bundle):
    """A product's columns and its category's name, read as a ``ProductRecord``."""

    _element: Any = None

    def __clause_element__(self) -> Any:
        # Built once: a Bundle builds it anew for every statement that selects it.
        if self._element is None:
            self._element = super().__clause_element__()
        return self._element

    def create_row_processor(self, query: Any, procs: Any, labels: Any) -> Any:
        getters = list(zip(labels, procs, strict=True))

        def product(row: Any) -> ProductRecord:
            values = {label: get(row) for label, get in getters}
            values["category"] = CategoryRecord(
                id=values["category_id"], name=values.pop("category_name")
            )
            return ProductRecord(**values)

        return product


def _products(products: Any) -> tuple[_Products, Any]:
    """What ``products`` are read as, and how their category joins them."""
    shown = (getattr(products, key) for key in _loaded(Product))
    bundle = _Products("product", *shown, Category.name.label("category_name"))
    return bundle, Category.id == products.category_id


_of_products = cache(_products)


def products_with_category(query: Select, products: Any = Product) -> Select:
    """``query`` (of ``products``: Product or an alias of it) reading ``ProductRecord``
    scalars: the product's columns and its category's name, by one join as the entity's
    joined category was."""
    shown, category = _of_products(Product) if products is Product else _products(products)
    return query.with_only_columns(shown).join_from(products, Category, category)
