"""ordering indexes: by rating (unrated last, either way) and by category, so that a
search in those orders with many matches walks its page instead of sorting them all

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 23:00:00

"""

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

# As the list orders (ecom.catalog.listing.ORDERING): ties by id in the key's direction,
# unrated products last both ways, so each order is one index read forwards. No index
# holds stock_quantity: checkout changes it, and its product update stays HOT only while
# no index does (docs/PERFORMANCE.md, "Orderings without a search index").
INDEXES = {
    "ix_products_average_rating": "average_rating ASC NULLS LAST, id",
    "ix_products_average_rating_desc": "average_rating DESC NULLS LAST, id DESC",
    "ix_products_category_id": "category_id, id",
}


def upgrade():
    # PostgreSQL's only: the walk that reads them is (SQLite sorts its small lists).
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON products ({columns})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX {name}")
