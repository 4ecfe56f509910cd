"""product variants: options, SKUs, per-variant price and stock

Every existing product becomes one default variant (no option values) with its price and
stock; cart and order lines point at it. Downgrading merges a cart's lines of one product.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 07:20:00

"""

import sqlalchemy as sa
from alembic import op

from ecom.common.sqlite_migrations import sqlite_foreign_keys_off

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

DEFAULT_SKU = "'P' || products.id"


def upgrade():
    with sqlite_foreign_keys_off():
        _upgrade()


def _upgrade():
    _create_variant_tables()
    with op.batch_alter_table("products") as batch_op:
        batch_op.add_column(sa.Column("price_max", sa.Numeric(10, 2), nullable=True))
    op.execute("UPDATE products SET price_max = price")
    with op.batch_alter_table("products") as batch_op:
        batch_op.alter_column("price_max", existing_type=sa.Numeric(10, 2), nullable=False)
        batch_op.create_check_constraint(op.f("ck_products_price_range"), "price_max >= price")
    op.execute(
        "INSERT INTO product_variants (product_id, sku, price, stock_quantity, is_active, "
        "option_key, created_at, updated_at) "
        f"SELECT products.id, {DEFAULT_SKU}, products.price, products.stock_quantity, "
        "true, '', products.created_at, products.updated_at FROM products"
    )
    _point_cart_lines_at_variants()
    _point_order_lines_at_variants()


def _create_variant_tables():
    op.create_table(
        "product_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_options_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_options")),
        sa.UniqueConstraint("product_id", "name", name="uq_product_options_name"),
    )
    op.create_index(op.f("ix_product_options_product_id"), "product_options", ["product_id"])
    op.create_table(
        "product_option_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["product_options.id"],
            name=op.f("fk_product_option_values_option_id_product_options"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_option_values")),
        sa.UniqueConstraint("option_id", "value", name="uq_product_option_values_value"),
    )
    op.create_index(
        op.f("ix_product_option_values_option_id"), "product_option_values", ["option_id"]
    )
    op.create_table(
        "product_variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.Column("stock_quantity", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("image", sa.String(length=500), nullable=True),
        sa.Column("weight_grams", sa.Integer(), nullable=True),
        sa.Column("option_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("price > 0", name=op.f("ck_product_variants_price_positive")),
        sa.CheckConstraint(
            "stock_quantity >= 0", name=op.f("ck_product_variants_stock_not_negative")
        ),
        sa.CheckConstraint(
            "weight_grams >= 0", name=op.f("ck_product_variants_weight_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_variants_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_variants")),
        sa.UniqueConstraint("product_id", "option_key", name="uq_product_variants_options"),
        sa.UniqueConstraint("sku", name=op.f("uq_product_variants_sku")),
    )
    op.create_table(
        "variant_option_values",
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("option_value_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_value_id"],
            ["product_option_values.id"],
            name=op.f("fk_variant_option_values_option_value_id_product_option_values"),
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["product_variants.id"],
            name=op.f("fk_variant_option_values_variant_id_product_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "variant_id", "option_value_id", name=op.f("pk_variant_option_values")
        ),
    )
    op.create_index(
        op.f("ix_variant_option_values_option_value_id"),
        "variant_option_values",
        ["option_value_id"],
    )


# The default variant of a line's product: each product has exactly one at this point.
VARIANT_OF_PRODUCT = (
    "(SELECT product_variants.id FROM product_variants "
    "WHERE product_variants.product_id = {table}.product_id)"
)


def _point_cart_lines_at_variants():
    with op.batch_alter_table("cart_items") as batch_op:
        batch_op.add_column(sa.Column("variant_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE cart_items SET variant_id = {VARIANT_OF_PRODUCT.format(table='cart_items')}")
    with op.batch_alter_table("cart_items") as batch_op:
        batch_op.alter_column("variant_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_cart_items_cart_product", type_="unique")
        batch_op.drop_index("ix_cart_items_product_id")
        batch_op.drop_constraint("fk_cart_items_product_id_products", type_="foreignkey")
        batch_op.drop_column("product_id")
        batch_op.create_foreign_key(
            op.f("fk_cart_items_variant_id_product_variants"),
            "product_variants",
            ["variant_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(op.f("ix_cart_items_variant_id"), ["variant_id"])
        batch_op.create_unique_constraint("uq_cart_items_cart_variant", ["cart_id", "variant_id"])


def _point_order_lines_at_variants():
    with op.batch_alter_table("order_items") as batch_op:
        batch_op.add_column(sa.Column("variant_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sku", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("variant_label", sa.String(length=200), nullable=True))
    variant = VARIANT_OF_PRODUCT.format(table="order_items")
    sku = variant.replace("product_variants.id FROM", "product_variants.sku FROM")
    op.execute(f"UPDATE order_items SET variant_id = {variant}, sku = {sku}, variant_label = ''")
    with op.batch_alter_table("order_items") as batch_op:
        for column, kind in (
            ("variant_id", sa.Integer()),
            ("sku", sa.String(length=64)),
            ("variant_label", sa.String(length=200)),
        ):
            batch_op.alter_column(column, existing_type=kind, nullable=False)
        batch_op.create_foreign_key(
            op.f("fk_order_items_variant_id_product_variants"),
            "product_variants",
            ["variant_id"],
            ["id"],
        )
        batch_op.create_index(op.f("ix_order_items_variant_id"), ["variant_id"])


def downgrade():
    with sqlite_foreign_keys_off():
        _downgrade()


def _downgrade():
    with op.batch_alter_table("order_items") as batch_op:
        batch_op.drop_index(op.f("ix_order_items_variant_id"))
        batch_op.drop_constraint(
            op.f("fk_order_items_variant_id_product_variants"), type_="foreignkey"
        )
        for column in ("variant_id", "sku", "variant_label"):
            batch_op.drop_column(column)
    _point_cart_lines_at_products()
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_constraint(op.f("ck_products_price_range"), type_="check")
        batch_op.drop_column("price_max")
    op.drop_index(op.f("ix_variant_option_values_option_value_id"), "variant_option_values")
    op.drop_table("variant_option_values")
    op.drop_table("product_variants")
    op.drop_index(op.f("ix_product_option_values_option_id"), "product_option_values")
    op.drop_table("product_option_values")
    op.drop_index(op.f("ix_product_options_product_id"), "product_options")
    op.drop_table("product_options")


def _point_cart_lines_at_products():
    """Lines of several variants of one product become one line of it, their quantities
    added up to the cart's limit (999)."""
    with op.batch_alter_table("cart_items") as batch_op:
        batch_op.add_column(sa.Column("product_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE cart_items SET product_id = (SELECT product_variants.product_id "
        "FROM product_variants WHERE product_variants.id = cart_items.variant_id)"
    )
    op.execute(
        "UPDATE cart_items SET quantity = (SELECT CASE WHEN sum(other.quantity) > 999 "
        "THEN 999 ELSE sum(other.quantity) END FROM cart_items AS other "
        "WHERE other.cart_id = cart_items.cart_id AND other.product_id = cart_items.product_id)"
    )
    op.execute(
        "DELETE FROM cart_items WHERE id > (SELECT min(other.id) FROM cart_items AS other "
        "WHERE other.cart_id = cart_items.cart_id AND other.product_id = cart_items.product_id)"
    )
    with op.batch_alter_table("cart_items") as batch_op:
        batch_op.alter_column("product_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_cart_items_cart_variant", type_="unique")
        batch_op.drop_index(op.f("ix_cart_items_variant_id"))
        batch_op.drop_constraint(
            op.f("fk_cart_items_variant_id_product_variants"), type_="foreignkey"
        )
        batch_op.drop_column("variant_id")
        batch_op.create_foreign_key(
            op.f("fk_cart_items_product_id_products"), "products", ["product_id"], ["id"]
        )
        batch_op.create_index(op.f("ix_cart_items_product_id"), ["product_id"])
        batch_op.create_unique_constraint("uq_cart_items_cart_product", ["cart_id", "product_id"])
