"""mobile clients: each product and variant image says whether its renditions are stored

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-12 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from ecom.common.sqlite_migrations import sqlite_foreign_keys_off

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TABLES = ("products", "product_variants")


def upgrade():
    # ALTER TABLE ... ADD COLUMN on both back ends (no table rebuild on SQLite).
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("image_renditions", sa.Boolean(), nullable=False, server_default=sa.false()),
        )


def downgrade():
    with sqlite_foreign_keys_off():
        for table in TABLES:
            with op.batch_alter_table(table) as batch_op:
                batch_op.drop_column("image_renditions")
