"""The text-search configuration of each language: how PostgreSQL splits and stems its
words (``french`` makes "chemises" and "chemise" one lexeme). Every configuration
PostgreSQL 15 ships, by ISO 639-1 code; any other language is searched with ``simple``
(lower case, no stemming). docs/I18N.md, "Search in each language"."""

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

CONFIGS = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
OTHERWISE = "simple"
# The configuration of the products' own document (their default-language text). A
# generated column's expression is fixed in the schema and cannot follow ``LANGUAGES``:
# whatever the default language, its text is searched with this one.
PRODUCT_DOCUMENT = "english"


def config_of(language: str) -> str:
    """The configuration of a translation's text in ``language``."""
    return CONFIGS.get(language, OTHERWISE)


def case_sql(column: str) -> str:
    """SQL choosing the configuration of the language in ``column``; immutable, so a
    stored generated column may use it."""
    whens = " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in CONFIGS.items())
    return f"CASE {column} {whens} ELSE '{OTHERWISE}'::regconfig END"


class TranslationDocument(ColumnElement):
    """What a translation is searched by: a weighted ``tsvector`` in its language's
    configuration on PostgreSQL (title above description); nothing elsewhere, as SQLite
    searches with LIKE."""

    inherit_cache = True


def weighted_document(config: str) -> str:
    """A search document's SQL: the title above the description, each stemmed with
    ``config`` (an SQL expression naming a text-search configuration)."""
    return (
        f"setweight(to_tsvector({config}, coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector({config}, coalesce(description, '')), 'B')"
    )


@compiles(TranslationDocument, "postgresql")
def _translation_document_postgresql(element: object, compiler: object, **kw: object) -> str:
    return weighted_document(case_sql("language"))


@compiles(TranslationDocument)
def _translation_document_default(element: object, compiler: object, **kw: object) -> str:
    return "NULL"
