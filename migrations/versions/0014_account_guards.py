"""account and money guards: an e-mail change waits for its confirmation; a payment keeps
what its provider captured, which caps its refunds

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-10 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from ecom.common.sqlite_migrations import sqlite_foreign_keys_off

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("pending_email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("payments") as batch_op:
        batch_op.add_column(sa.Column("captured_amount", sa.Numeric(12, 2), nullable=True))
    # A capture that paid its order took the payment's amount; a flagged amount_mismatch
    # took something else, which staff check with the provider (nothing is refundable).
    op.execute(
        "UPDATE payments SET captured_amount = amount "
        "WHERE status IN ('captured', 'partially_refunded', 'refunded') "
        "AND (flag IS NULL OR flag <> 'amount_mismatch')"
    )


def downgrade():
    with sqlite_foreign_keys_off():
        with op.batch_alter_table("payments") as batch_op:
            batch_op.drop_column("captured_amount")
        with op.batch_alter_table("users") as batch_op:
            batch_op.drop_column("pending_email")
