"""finding orders: an index for each order filter, and staff's internal notes on orders

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-12 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# Leading with the filtered column: a filter's page walks its own rows in date order (the
# single-column index on status is their prefix, so it goes).
ORDER_INDEXES = {
    "ix_orders_status_created_at": ["status", "created_at", "id"],
    "ix_orders_payment_status_created_at": ["payment_status", "created_at", "id"],
    "ix_orders_total_amount": ["total_amount", "id"],
}


def upgrade():
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_index("ix_orders_status")
        for name, columns in ORDER_INDEXES.items():
            batch_op.create_index(name, columns)
    with op.batch_alter_table("order_items") as batch_op:
        batch_op.create_index("ix_order_items_sku", ["sku", "order_id"])
    with op.batch_alter_table("users") as batch_op:
        batch_op.create_index(
            "ix_users_email_pattern", ["email"], postgresql_ops={"email": "text_pattern_ops"}
        )
    op.create_table(
        "order_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_order_notes_author_id_users"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_order_notes_order_id_orders"),
        sa.PrimaryKeyConstraint("id", name="pk_order_notes"),
    )
    with op.batch_alter_table("order_notes") as batch_op:
        batch_op.create_index("ix_order_notes_order_id", ["order_id"])


def downgrade():
    op.drop_table("order_notes")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_index("ix_users_email_pattern")
    with op.batch_alter_table("order_items") as batch_op:
        batch_op.drop_index("ix_order_items_sku")
    with op.batch_alter_table("orders") as batch_op:
        for name in ORDER_INDEXES:
            batch_op.drop_index(name)
        batch_op.create_index("ix_orders_status", ["status"])
