"""Full-text search of products: PostgreSQL's search document through its GIN index, a
case-insensitive LIKE elsewhere, and a variant's exact SKU on both. The search in the
request's language is ``ecom.catalog.search_languages``."""

import re

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from ecom.catalog.models import ProductVariant
from ecom.catalog.search_configs import PRODUCT_DOCUMENT

# Words shorter than this match whole words only.
MIN_PREFIX = 3


def words(text: str | None) -> list[str]:
    """The words of a search, lower case: none means no search."""
    return re.findall(r"\w+", (text or "").lower())


def tsquery(text: str, config: str = PRODUCT_DOCUMENT, weights: str = "") -> ColumnElement | None:
    """Every word, each of ``MIN_PREFIX`` letters or more also as a prefix (`iph` finds
    "iPhone"), stemmed by ``config``, in the fields of ``weights`` if given (``A`` the
    title); None without a word. A shorter prefix matches so many words that reading
    their index entries cost 100 ms at 1M products ("wi-fi": `wi:* & fi:*`)."""
    if not words(text):
        return None
    labels = f":{weights}" if weights else ""
    terms = (
        f"{word}:*{weights}" if len(word) >= MIN_PREFIX else f"{word}{labels}"
        for word in words(text)
    )
    return func.to_tsquery(config, " & ".join(terms))


def sku_product(text: str) -> Select:
    """The id of the product with a variant whose SKU is ``text`` (none or one)."""
    return select(ProductVariant.product_id).where(ProductVariant.sku == text.strip())


def sku_is(product_id: ColumnElement, text: str) -> ColumnElement:
    """The product has a variant whose SKU is ``text`` (one product id, so the full-text
    index still serves the rest: a BitmapOr)."""
    return product_id == sku_product(text).scalar_subquery()


def full_text_or_sku(vector: ColumnElement, product_id: ColumnElement, text: str) -> ColumnElement:
    """PostgreSQL: the search document matches every word of ``text``, or a SKU is ``text``."""
    return or_(vector.op("@@")(tsquery(text)), sku_is(product_id, text))


def likes(title: ColumnElement, description: ColumnElement, text: str) -> ColumnElement:
    """Every word of ``text`` is in ``title`` or ``description``, case-insensitively."""
    return and_(
        *(
            or_(title.ilike(pattern, escape="\\"), description.ilike(pattern, escape="\\"))
            for pattern in ("%" + word.replace("_", "\\_") + "%" for word in words(text))
        )
    )
