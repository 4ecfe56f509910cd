"""after the sale: carriers, fulfilments and their lines; an order may be partially shipped

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-11 11:00:00

"""

import sqlalchemy as sa
from alembic import op

from ecom.common.sqlite_migrations import sqlite_foreign_keys_off

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

OLD_STATUSES = ("pending", "paid", "processing", "shipped", "delivered", "cancelled")
NEW_STATUSES = (
    "pending",
    "paid",
    "processing",
    "partially_shipped",
    "shipped",
    "delivered",
    "cancelled",
)


def _one_of(statuses):
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def _statuses(length, statuses):
    """The status columns at ``length`` characters, the order's among ``statuses``."""
    with sqlite_foreign_keys_off(), op.batch_alter_table("orders") as batch_op:
        batch_op.drop_constraint("status", type_="check")
        batch_op.alter_column("status", type_=sa.String(length=length), existing_nullable=False)
        batch_op.create_check_constraint("status", _one_of(statuses))
    with op.batch_alter_table("order_status_changes") as batch_op:
        batch_op.alter_column("from_status", type_=sa.String(length=length), existing_nullable=True)
        batch_op.alter_column("to_status", type_=sa.String(length=length), existing_nullable=False)


def upgrade():
    _statuses(20, NEW_STATUSES)
    op.create_table(
        "carriers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("tracking_url_template", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carriers")),
        sa.UniqueConstraint("name", name=op.f("uq_carriers_name")),
    )
    op.create_table(
        "fulfilments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("carrier_id", sa.Integer(), nullable=False),
        sa.Column("tracking_number", sa.String(length=100), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["carrier_id"], ["carriers.id"], name=op.f("fk_fulfilments_carrier_id_carriers")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_fulfilments_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_fulfilments_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fulfilments")),
    )
    with op.batch_alter_table("fulfilments") as batch_op:
        batch_op.create_index(batch_op.f("ix_fulfilments_carrier_id"), ["carrier_id"])
        batch_op.create_index(batch_op.f("ix_fulfilments_order_id"), ["order_id"])
    op.create_table(
        "fulfilment_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fulfilment_id", sa.Integer(), nullable=False),
        sa.Column("order_item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_fulfilment_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["fulfilment_id"],
            ["fulfilments.id"],
            name=op.f("fk_fulfilment_lines_fulfilment_id_fulfilments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_fulfilment_lines_order_item_id_order_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fulfilment_lines")),
        sa.UniqueConstraint(
            "fulfilment_id", "order_item_id", name=op.f("uq_fulfilment_lines_item")
        ),
    )
    with op.batch_alter_table("fulfilment_lines") as batch_op:
        batch_op.create_index(batch_op.f("ix_fulfilment_lines_order_item_id"), ["order_item_id"])


def downgrade():
    with op.batch_alter_table("fulfilment_lines") as batch_op:
        batch_op.drop_index(batch_op.f("ix_fulfilment_lines_order_item_id"))
    op.drop_table("fulfilment_lines")
    with op.batch_alter_table("fulfilments") as batch_op:
        batch_op.drop_index(batch_op.f("ix_fulfilments_order_id"))
        batch_op.drop_index(batch_op.f("ix_fulfilments_carrier_id"))
    op.drop_table("fulfilments")
    op.drop_table("carriers")
    # A partially shipped order was shipped in the one-block world.
    op.execute("UPDATE orders SET status = 'processing' WHERE status = 'partially_shipped'")
    op.execute(
        "UPDATE order_status_changes SET to_status = 'processing' "
        "WHERE to_status = 'partially_shipped'"
    )
    op.execute(
        "UPDATE order_status_changes SET from_status = 'processing' "
        "WHERE from_status = 'partially_shipped'"
    )
    _statuses(16, OLD_STATUSES)
