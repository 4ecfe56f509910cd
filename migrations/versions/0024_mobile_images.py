"""mobile clients: each product and variant image says whether its renditions are stored

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-12 10:00:00

"""
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

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


@contextmanager
def _sqlite_foreign_keys_off() -> Iterator[None]:
    """SQLite drops a column by rebuilding the table: with foreign keys on, dropping the old
    products table fails on the rows that refer to it (as in 0014). Off while tables are
    rebuilt, then every reference is checked."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    yield
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"Rows refer to missing rows: {broken}")
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=ON")


def downgrade():
    with _sqlite_foreign_keys_off():
        for table in TABLES:
            with op.batch_alter_table(table) as batch_op:
                batch_op.drop_column("image_renditions")
