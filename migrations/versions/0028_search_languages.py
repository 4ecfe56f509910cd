"""search in each language: a search document on the product translations, stemmed by the
text-search configuration of the row's language, and its GIN index

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 21:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

# As ecom.catalog.search_configs declares them today: a generated column's expression is
# fixed here, and a change to the mapping is a migration of its own.
CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch",
    "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}  # fmt: skip
CONFIG = (
    "CASE language "
    + " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in CONFIGS.items())
    + " ELSE 'simple'::regconfig END"
)
DOCUMENT = (
    f"setweight(to_tsvector({CONFIG}, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector({CONFIG}, coalesce(description, '')), 'B')"
)
TABLE = "product_translations"
INDEX = "ix_product_translations_search_vector"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(
            TABLE, sa.Column("search_vector", TSVECTOR(), sa.Computed(DOCUMENT, persisted=True))
        )
        op.create_index(INDEX, TABLE, ["search_vector"], postgresql_using="gin")
        return
    # A plain, always empty column (as products.search_vector, migration 0003): SQLite
    # searches with LIKE. ALTER TABLE ... ADD COLUMN, no table rebuild.
    op.add_column(TABLE, sa.Column("search_vector", sa.Text()))
    op.create_index(INDEX, TABLE, ["search_vector"])


def downgrade():
    # DROP COLUMN on both back ends (SQLite 3.35+), once its index is gone.
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_column(TABLE, "search_vector")
