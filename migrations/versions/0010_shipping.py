"""shipping: zones (countries, postal prefixes, rest of the world), methods and rate bands

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _timestamps():
    return (
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def upgrade():
    op.create_table(
        "shipping_zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("rest_of_world", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_zones")),
    )
    op.create_index(
        "uq_shipping_zones_rest_of_world",
        "shipping_zones",
        ["rest_of_world"],
        unique=True,
        sqlite_where=sa.text("rest_of_world"),
        postgresql_where=sa.text("rest_of_world"),
    )
    op.create_table(
        "shipping_zone_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("postal_prefix", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["shipping_zones.id"],
            name=op.f("fk_shipping_zone_areas_zone_id_shipping_zones"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_zone_areas")),
        sa.UniqueConstraint("country", "postal_prefix", name="uq_shipping_zone_areas_claim"),
    )
    op.create_index(
        op.f("ix_shipping_zone_areas_zone_id"), "shipping_zone_areas", ["zone_id"], unique=False
    )
    op.create_table(
        "shipping_methods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("min_days", sa.SmallInteger(), nullable=False),
        sa.Column("max_days", sa.SmallInteger(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("rate", sa.String(length=10), nullable=False),
        sa.Column("price", sa.Numeric(10, 2), nullable=True),
        sa.Column("free_over", sa.Numeric(10, 2), nullable=True),
        sa.Column("min_weight_grams", sa.Integer(), nullable=True),
        sa.Column("max_weight_grams", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "rate IN ('flat', 'weight', 'subtotal')", name=op.f("ck_shipping_methods_rate")
        ),
        sa.CheckConstraint(
            "min_days >= 0 AND max_days >= min_days",
            name=op.f("ck_shipping_methods_delivery_days"),
        ),
        sa.CheckConstraint("price >= 0", name=op.f("ck_shipping_methods_price_not_negative")),
        sa.CheckConstraint(
            "free_over >= 0", name=op.f("ck_shipping_methods_free_over_not_negative")
        ),
        sa.CheckConstraint(
            "min_weight_grams >= 0 AND max_weight_grams >= 0 "
            "AND max_weight_grams >= min_weight_grams",
            name=op.f("ck_shipping_methods_weight_range"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["shipping_zones.id"],
            name=op.f("fk_shipping_methods_zone_id_shipping_zones"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_methods")),
    )
    op.create_index(
        op.f("ix_shipping_methods_zone_id"), "shipping_methods", ["zone_id"], unique=False
    )
    op.create_table(
        "shipping_rate_bands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("method_id", sa.Integer(), nullable=False),
        sa.Column("lower", sa.Numeric(10, 2), nullable=False),
        sa.Column("upper", sa.Numeric(10, 2), nullable=True),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.CheckConstraint("lower >= 0", name=op.f("ck_shipping_rate_bands_lower_not_negative")),
        sa.CheckConstraint("upper > lower", name=op.f("ck_shipping_rate_bands_upper_above_lower")),
        sa.CheckConstraint("price >= 0", name=op.f("ck_shipping_rate_bands_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["method_id"],
            ["shipping_methods.id"],
            name=op.f("fk_shipping_rate_bands_method_id_shipping_methods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_rate_bands")),
    )
    op.create_index(
        op.f("ix_shipping_rate_bands_method_id"),
        "shipping_rate_bands",
        ["method_id"],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f("ix_shipping_rate_bands_method_id"), table_name="shipping_rate_bands")
    op.drop_table("shipping_rate_bands")
    op.drop_index(op.f("ix_shipping_methods_zone_id"), table_name="shipping_methods")
    op.drop_table("shipping_methods")
    op.drop_index(op.f("ix_shipping_zone_areas_zone_id"), table_name="shipping_zone_areas")
    op.drop_table("shipping_zone_areas")
    op.drop_index("uq_shipping_zones_rest_of_world", table_name="shipping_zones")
    op.drop_table("shipping_zones")
