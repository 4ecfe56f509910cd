"""product search: generated search_vector column and its index; ordering indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 23:50:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

POSTGRESQL_DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B')"
)


ORDERING_INDEXES = {"ix_products_created_at": "created_at", "ix_products_price": "price"}


def upgrade():
    with op.batch_alter_table("products") as batch_op:
        for name, column in ORDERING_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, [column, "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(
            "products",
            sa.Column("search_vector", TSVECTOR(), sa.Computed(POSTGRESQL_DOCUMENT, persisted=True)),
        )
        op.create_index(
            "ix_products_search_vector", "products", ["search_vector"], postgresql_using="gin"
        )
    else:
        # A plain, always empty column: SQLite searches with LIKE, and a generated column
        # would break the table copies of later batch migrations.
        with op.batch_alter_table("products") as batch_op:
            batch_op.add_column(sa.Column("search_vector", sa.Text()))
            batch_op.create_index("ix_products_search_vector", ["search_vector"])


def downgrade():
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_index("ix_products_search_vector")
        batch_op.drop_column("search_vector")
        for name, column in ORDERING_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, [column])
