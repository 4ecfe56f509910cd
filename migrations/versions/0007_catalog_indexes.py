"""catalog indexes: each list ordering with its category, and by title

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 04:30:00

"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Leading with the category: a category's page walks its own rows in order (the
# single-column index on category_id is their prefix, so it goes).
INDEXES = {
    "ix_products_title": ["title", "id"],
    "ix_products_category_created_at": ["category_id", "created_at", "id"],
    "ix_products_category_price": ["category_id", "price", "id"],
}


def upgrade():
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_index("ix_products_category_id")
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns)


def downgrade():
    with op.batch_alter_table("products") as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
        batch_op.create_index("ix_products_category_id", ["category_id"])
