"""The product search in the request's language. In the default language, the products'
own document, as it always was. In another, a product is found by the words it shows in
that language (docs/I18N.md, "Search in each language"): its translated fields through
the translation's document, stemmed in that language; the fields it shows untranslated
(falling back, field by field) through its own document, restricted to those fields by
their weights (title A, description B). A search's words all match in one of the two."""

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union_all
from sqlalchemy.orm import aliased

from ecom.catalog.localized import is_default
from ecom.catalog.models import Product
from ecom.catalog.search import full_text_or_sku, likes, sku_is, sku_product, tsquery, words
from ecom.catalog.search_configs import PRODUCT_DOCUMENT, config_of
from ecom.catalog.translations import ProductTranslation as Translation
from ecom.common.i18n import current_language
from ecom.common.models import is_postgresql


def search_match(text: str, products: Any = Product) -> ColumnElement:
    """PostgreSQL: ``products`` (Product or an alias) match ``text`` in the request's
    language, or a variant's SKU is ``text``."""
    if is_default():
        return full_text_or_sku(products.search_vector, products.id, text)
    # One list of ids: each part finds its ids through its own index.
    return products.id.in_(matching_ids(text, current_language(), sku_product(text)))


def searched(query: Select, text: str) -> Select:
    """Full text on PostgreSQL, case-insensitive LIKE on other back ends, over the texts
    shown in the request's language; or a variant's exact SKU."""
    if not words(text):
        return query
    if is_postgresql():
        return query.where(search_match(text))
    texts = (Product.title, Product.description) if is_default() else shown_texts()
    return query.where(or_(likes(*texts, text), sku_is(Product.id, text)))


def search_rank(text: str) -> ColumnElement:
    """The relevance of a match in the request's language: in another than the default,
    the better of its translation's and its own document's."""
    own = func.ts_rank(Product.search_vector, tsquery(text))
    if is_default():
        return own
    language = current_language()
    in_translation = (
        select(func.ts_rank(Translation.search_vector, tsquery(text, config_of(language))))
        .where(Translation.product_id == Product.id, Translation.language == language)
        .scalar_subquery()
    )
    return func.greatest(func.coalesce(in_translation, 0), own)


def matching_ids(text: str, language: str, sku: Select) -> Select:
    """Ids of the products that match ``text`` in ``language`` (an id may repeat), and the
    product of the SKU searched (``sku``)."""
    translated = select(Translation.product_id).where(
        Translation.language == language,
        Translation.search_vector.op("@@")(tsquery(text, config_of(language))),
    )
    own = aliased(Product, name="untranslated")
    shown = aliased(Translation, name="shown")
    document = own.search_vector
    # Missing or empty: the field falls back to the product's own.
    no_title = func.coalesce(shown.title, "") == ""
    no_description = func.coalesce(shown.description, "") == ""
    untranslated = (
        select(own.id)
        .outerjoin(shown, and_(shown.product_id == own.id, shown.language == language))
        .where(
            document.op("@@")(tsquery(text, PRODUCT_DOCUMENT)),
            or_(
                and_(no_title, no_description),
                and_(no_title, document.op("@@")(tsquery(text, PRODUCT_DOCUMENT, "A"))),
                and_(no_description, document.op("@@")(tsquery(text, PRODUCT_DOCUMENT, "B"))),
            ),
        )
    )
    return union_all(translated, untranslated, sku)


def shown_texts() -> tuple[ColumnElement, ColumnElement]:
    """A product's title and description as the request's language shows them: each
    translated field, else the product's own."""
    language = current_language()

    def shown(field: str) -> ColumnElement:
        translated = (
            select(getattr(Translation, field))
            .where(Translation.product_id == Product.id, Translation.language == language)
            .scalar_subquery()
        )
        return func.coalesce(func.nullif(translated, ""), getattr(Product, field))

    return shown("title"), shown("description")
