"""after the sale: returns of delivered units, their lines and status history, and the
refund that paid each back

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-11 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

STATUSES = "'requested', 'approved', 'rejected', 'received', 'refunded', 'cancelled'"
REASONS = (
    "'damaged', 'defective', 'wrong_item', 'not_as_described', 'size_or_fit', "
    "'no_longer_needed', 'other'"
)


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade():
    op.create_table(
        "returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rejection_reason", sa.Text(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("refund_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("shipping_refunded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_returns_status")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_returns_order_id_orders")),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refunds.id"], name=op.f("fk_returns_refund_id_refunds")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_returns_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
        sa.UniqueConstraint("refund_id", name=op.f("uq_returns_refund_id")),
    )
    _indexes("returns", "order_id", "status", "user_id")
    op.create_table(
        "return_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("order_item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("restocked", sa.Boolean(), nullable=False),
        sa.CheckConstraint(f"reason IN ({REASONS})", name=op.f("ck_return_lines_reason")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_return_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_return_lines_order_item_id_order_items"),
        ),
        sa.ForeignKeyConstraint(
            ["return_id"], ["returns.id"], name=op.f("fk_return_lines_return_id_returns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_lines")),
        sa.UniqueConstraint("return_id", "order_item_id", name="uq_return_lines_return_item"),
    )
    _indexes("return_lines", "order_item_id", "return_id")
    op.create_table(
        "return_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_return_status_changes_changed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["return_id"], ["returns.id"], name=op.f("fk_return_status_changes_return_id_returns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_status_changes")),
    )
    _indexes("return_status_changes", "return_id")


def downgrade():
    op.drop_table("return_status_changes")
    op.drop_table("return_lines")
    op.drop_table("returns")
