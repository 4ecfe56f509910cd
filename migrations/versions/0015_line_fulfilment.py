"""after the sale: each order line counts its units shipped and delivered, and when the last
arrived

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-11 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

CHECK = (
    "quantity_delivered >= 0 AND quantity_delivered <= quantity_fulfilled "
    "AND quantity_fulfilled <= quantity"
)


def upgrade():
    with op.batch_alter_table("order_items") as batch_op:
        batch_op.add_column(
            sa.Column("quantity_fulfilled", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("quantity_delivered", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
    # Orders shipped or delivered as one block before: every unit went, and arrived when the
    # order was last updated.
    op.execute(
        "UPDATE order_items SET quantity_fulfilled = quantity "
        "WHERE order_id IN (SELECT id FROM orders WHERE status IN ('shipped', 'delivered'))"
    )
    op.execute(
        "UPDATE order_items SET quantity_delivered = quantity, "
        "delivered_at = (SELECT updated_at FROM orders WHERE orders.id = order_items.order_id) "
        "WHERE order_id IN (SELECT id FROM orders WHERE status = 'delivered')"
    )
    with op.batch_alter_table("order_items") as batch_op:
        batch_op.create_check_constraint("fulfilled_within_quantity", CHECK)


def downgrade():
    with op.batch_alter_table("order_items") as batch_op:
        batch_op.drop_constraint("fulfilled_within_quantity", type_="check")
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("quantity_delivered")
        batch_op.drop_column("quantity_fulfilled")
