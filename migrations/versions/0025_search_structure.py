"""search structure: each product's price in cents beside its search document, and where
PostgreSQL offers the rum extension, search indexes that answer in price or date order

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-14 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from ecom.common.sqlite_migrations import sqlite_foreign_keys_off

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# (index, attached sort column): ecom.catalog.search_order reads them.
RUM_INDEXES = (
    ("ix_products_search_price", "price_cents"),
    ("ix_products_search_created_at", "created_at"),
)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        # Never read on SQLite (it searches with LIKE): a plain column, no table rebuild.
        op.add_column("products", sa.Column("price_cents", sa.BigInteger()))
        return
    op.add_column(
        "products",
        sa.Column(
            "price_cents",
            sa.BigInteger(),
            sa.Computed("CAST(price * 100 AS BIGINT)", persisted=True),
        ),
    )
    if not _rum_installed(bind):
        return
    for name, column in RUM_INDEXES:
        op.execute(
            f"CREATE INDEX {name} ON products USING rum "
            f"(search_vector rum_tsvector_addon_ops, {column}) "
            f"WITH (attach = '{column}', to = 'search_vector')"
        )


def _rum_installed(bind: sa.engine.Connection) -> bool:
    """Whether the rum extension is (or could now be) installed: offered by the server and
    creatable by this role. Without it the search keeps its GIN index alone."""
    offered = bind.scalar(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'"))
    if not offered:
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS rum"))
    except sa.exc.DBAPIError:
        return False
    return True


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name, _column in RUM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        op.drop_column("products", "price_cents")
        return
    with sqlite_foreign_keys_off(), op.batch_alter_table("products") as batch_op:
        batch_op.drop_column("price_cents")
