"""mobile clients: each product and variant image says whether its renditions are stored

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-12 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TABLES = ("products", "product_variants")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "image_renditions", sa.Boolean(), nullable=False, server_default=sa.false()
                )
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("image_renditions")
