"""promotions: catalogue promotions and the variants' stored sale prices, vouchers and
their redemptions

Products gain ``price_undiscounted`` (their ``price`` now being the lowest price a customer
pays); with no promotion yet, it is their price.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 09:00:00

"""

import sqlalchemy as sa
from alembic import op

from ecom.common.sqlite_migrations import sqlite_foreign_keys_off

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

LINKS = (
    ("promotion_products", "promotions", "product_id", "products"),
    ("promotion_variants", "promotions", "variant_id", "product_variants"),
    ("promotion_categories", "promotions", "category_id", "categories"),
    ("voucher_products", "vouchers", "product_id", "products"),
    ("voucher_categories", "vouchers", "category_id", "categories"),
)


def upgrade():
    _create_promotions()
    _create_vouchers()
    with sqlite_foreign_keys_off():
        _add_sale_prices()


def _period_and_value(table: str) -> list:
    return [
        sa.CheckConstraint(
            "kind != 'percentage' OR value <= 100", name=op.f(f"ck_{table}_percentage_range")
        ),
        sa.CheckConstraint(
            "ends_at IS NULL OR ends_at > starts_at", name=op.f(f"ck_{table}_period")
        ),
    ]


def _create_promotions():
    op.create_table(
        "promotions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Numeric(10, 2), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('percentage', 'fixed')", name=op.f("ck_promotions_kind")),
        sa.CheckConstraint("value > 0", name=op.f("ck_promotions_value_positive")),
        *_period_and_value("promotions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotions")),
    )


def _create_vouchers():
    op.create_table(
        "vouchers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Numeric(10, 2), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("min_subtotal", sa.Numeric(10, 2), nullable=True),
        sa.Column("min_quantity", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("usage_limit_per_customer", sa.Integer(), nullable=True),
        sa.Column("first_order_only", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("used_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('percentage', 'fixed', 'free_shipping')", name=op.f("ck_vouchers_kind")
        ),
        sa.CheckConstraint("scope IN ('order', 'selection')", name=op.f("ck_vouchers_scope")),
        sa.CheckConstraint("value >= 0", name=op.f("ck_vouchers_value_not_negative")),
        *_period_and_value("vouchers"),
        sa.CheckConstraint("used_count >= 0", name=op.f("ck_vouchers_used_not_negative")),
        sa.CheckConstraint(
            "usage_limit IS NULL OR used_count <= usage_limit",
            name=op.f("ck_vouchers_within_usage_limit"),
        ),
        sa.CheckConstraint("code = upper(code)", name=op.f("ck_vouchers_code_upper")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vouchers")),
        sa.UniqueConstraint("code", name=op.f("uq_vouchers_code")),
    )
    for name, owner, column, target in LINKS:
        owner_column = owner.rstrip("s") + "_id"
        op.create_table(
            name,
            sa.Column(owner_column, sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                [owner_column],
                [f"{owner}.id"],
                name=op.f(f"fk_{name}_{owner_column}_{owner}"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                [column],
                [f"{target}.id"],
                name=op.f(f"fk_{name}_{column}_{target}"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint(owner_column, column, name=op.f(f"pk_{name}")),
        )
        op.create_index(op.f(f"ix_{name}_{column}"), name, [column])
    op.create_table(
        "voucher_redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["vouchers.id"],
            name=op.f("fk_voucher_redemptions_voucher_id_vouchers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_voucher_redemptions_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_voucher_redemptions_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_redemptions")),
        sa.UniqueConstraint("voucher_id", "order_id", name="uq_voucher_redemptions_order"),
    )
    op.create_index(
        "ix_voucher_redemptions_voucher_user", "voucher_redemptions", ["voucher_id", "user_id"]
    )
    op.create_index(
        op.f("ix_voucher_redemptions_order_id"), "voucher_redemptions", ["order_id"]
    )


def _add_sale_prices():
    with op.batch_alter_table("product_variants") as batch_op:
        batch_op.add_column(sa.Column("sale_price", sa.Numeric(10, 2), nullable=True))
        batch_op.add_column(sa.Column("promotion_id", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_product_variants_sale_price_positive"), "sale_price > 0"
        )
        batch_op.create_foreign_key(
            op.f("fk_product_variants_promotion_id_promotions"),
            "promotions",
            ["promotion_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(op.f("ix_product_variants_promotion_id"), ["promotion_id"])
    with op.batch_alter_table("products") as batch_op:
        batch_op.add_column(sa.Column("price_undiscounted", sa.Numeric(10, 2), nullable=True))
    op.execute("UPDATE products SET price_undiscounted = price")
    with op.batch_alter_table("products") as batch_op:
        batch_op.alter_column(
            "price_undiscounted", existing_type=sa.Numeric(10, 2), nullable=False
        )
        batch_op.create_check_constraint(
            op.f("ck_products_price_undiscounted_range"), "price_undiscounted >= price"
        )


def downgrade():
    with sqlite_foreign_keys_off():
        with op.batch_alter_table("products") as batch_op:
            batch_op.drop_constraint(
                op.f("ck_products_price_undiscounted_range"), type_="check"
            )
            batch_op.drop_column("price_undiscounted")
        # Sale prices go: products show their regular prices again.
        op.execute(
            "UPDATE products SET price = (SELECT min(v.price) FROM product_variants v "
            "WHERE v.product_id = products.id AND v.is_active), "
            "price_max = (SELECT max(v.price) FROM product_variants v "
            "WHERE v.product_id = products.id AND v.is_active) "
            "WHERE EXISTS (SELECT 1 FROM product_variants v "
            "WHERE v.product_id = products.id AND v.is_active)"
        )
        with op.batch_alter_table("product_variants") as batch_op:
            batch_op.drop_index(op.f("ix_product_variants_promotion_id"))
            batch_op.drop_constraint(
                op.f("fk_product_variants_promotion_id_promotions"), type_="foreignkey"
            )
            batch_op.drop_constraint(
                op.f("ck_product_variants_sale_price_positive"), type_="check"
            )
            batch_op.drop_column("promotion_id")
            batch_op.drop_column("sale_price")
    op.drop_table("voucher_redemptions")
    for name, *_ in reversed(LINKS):
        op.drop_table(name)
    op.drop_table("vouchers")
    op.drop_table("promotions")
