"""order pricing: each order keeps its breakdown (discount, shipping, tax per line); a
cart keeps the voucher entered; a user counts the orders placed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 14:00:00

"""

import sqlalchemy as sa
from alembic import op

from ecom.common.sqlite_migrations import sqlite_foreign_keys_off

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

AMOUNT = sa.Numeric(12, 2)
RATE = sa.Numeric(6, 3)


def _amount(name):
    return sa.Column(name, AMOUNT, nullable=False, server_default="0")


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("orders_placed", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute(
        "UPDATE users SET orders_placed = "
        "(SELECT count(*) FROM orders WHERE orders.user_id = users.id)"
    )
    with op.batch_alter_table("carts") as batch_op:
        batch_op.add_column(sa.Column("voucher_code", sa.String(length=64), nullable=True))
    with sqlite_foreign_keys_off():
        _price_orders()
    # Orders placed before: no discount, shipping or tax; each line is what it cost.
    op.execute(
        "UPDATE order_items SET unit_price_undiscounted = unit_price, "
        "net_amount = unit_price * quantity, gross_amount = unit_price * quantity"
    )
    op.execute("UPDATE orders SET subtotal_amount = total_amount")


def _price_orders():
    """The breakdown's columns on orders and their lines, with their foreign keys."""
    with op.batch_alter_table("orders") as batch_op:
        for name in ("subtotal_amount", "discount_amount", "shipping_amount",
                     "shipping_tax_amount", "tax_amount"):
            batch_op.add_column(_amount(name))
        batch_op.add_column(sa.Column("shipping_tax_rate", RATE, nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("shipping_method_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("shipping_method_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("voucher_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("voucher_code", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("prices_include_tax", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("reverse_charge", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            "fk_orders_shipping_method_id_shipping_methods", "shipping_methods",
            ["shipping_method_id"], ["id"], ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            "fk_orders_voucher_id_vouchers", "vouchers", ["voucher_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("order_items") as batch_op:
        batch_op.add_column(
            sa.Column("unit_price_undiscounted", sa.Numeric(10, 2), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("promotion_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("promotion_name", sa.String(length=200), nullable=True))
        for name in ("discount_amount", "net_amount", "tax_amount", "gross_amount"):
            batch_op.add_column(_amount(name))
        batch_op.add_column(sa.Column("tax_rate", RATE, nullable=False, server_default="0"))
        batch_op.create_foreign_key(
            "fk_order_items_promotion_id_promotions", "promotions", ["promotion_id"], ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with sqlite_foreign_keys_off():
        with op.batch_alter_table("order_items") as batch_op:
            batch_op.drop_constraint("fk_order_items_promotion_id_promotions", type_="foreignkey")
            for name in ("unit_price_undiscounted", "promotion_id", "promotion_name", "discount_amount",
                         "net_amount", "tax_amount", "gross_amount", "tax_rate"):
                batch_op.drop_column(name)
        with op.batch_alter_table("orders") as batch_op:
            batch_op.drop_constraint("fk_orders_voucher_id_vouchers", type_="foreignkey")
            batch_op.drop_constraint("fk_orders_shipping_method_id_shipping_methods", type_="foreignkey")
            for name in ("subtotal_amount", "discount_amount", "shipping_amount", "shipping_tax_amount",
                         "tax_amount", "shipping_tax_rate", "shipping_method_id", "shipping_method_name",
                         "voucher_id", "voucher_code", "prices_include_tax", "reverse_charge"):
                batch_op.drop_column(name)
        with op.batch_alter_table("carts") as batch_op:
            batch_op.drop_column("voucher_code")
        with op.batch_alter_table("users") as batch_op:
            batch_op.drop_column("orders_placed")
