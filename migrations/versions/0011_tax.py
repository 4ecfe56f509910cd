"""tax: classes and rates, a product's tax class, an address's region and VAT number

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from ecom.common.sqlite_migrations import sqlite_foreign_keys_off

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    _create_tax_tables()
    with sqlite_foreign_keys_off():
        with op.batch_alter_table("products") as batch_op:
            batch_op.add_column(sa.Column("tax_class_id", sa.Integer(), nullable=True))
            batch_op.create_index(op.f("ix_products_tax_class_id"), ["tax_class_id"])
            batch_op.create_foreign_key(
                op.f("fk_products_tax_class_id_tax_classes"),
                "tax_classes",
                ["tax_class_id"],
                ["id"],
                ondelete="SET NULL",
            )
    with op.batch_alter_table("addresses") as batch_op:
        batch_op.add_column(
            sa.Column("region", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("vat_number", sa.String(length=32), nullable=False, server_default="")
        )
    with op.batch_alter_table("addresses") as batch_op:
        batch_op.alter_column("region", server_default=None)
        batch_op.alter_column("vat_number", server_default=None)


def _create_tax_tables():
    op.create_table(
        "tax_classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_classes")),
        sa.UniqueConstraint("name", name=op.f("uq_tax_classes_name")),
    )
    op.create_index(
        "uq_tax_classes_one_default",
        "tax_classes",
        ["is_default"],
        unique=True,
        postgresql_where=sa.text("is_default"),
        sqlite_where=sa.text("is_default"),
    )
    op.create_table(
        "tax_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("tax_class_id", sa.Integer(), nullable=True),
        sa.Column("rate", sa.Numeric(6, 3), nullable=False),
        sa.CheckConstraint("rate >= 0 AND rate <= 100", name=op.f("ck_tax_rates_rate_percent")),
        sa.ForeignKeyConstraint(
            ["tax_class_id"],
            ["tax_classes.id"],
            name=op.f("fk_tax_rates_tax_class_id_tax_classes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_rates")),
    )
    op.create_index(op.f("ix_tax_rates_tax_class_id"), "tax_rates", ["tax_class_id"])
    op.create_index(
        "uq_tax_rates_class",
        "tax_rates",
        ["country", "region", "tax_class_id"],
        unique=True,
        postgresql_where=sa.text("tax_class_id IS NOT NULL"),
        sqlite_where=sa.text("tax_class_id IS NOT NULL"),
    )
    op.create_index(
        "uq_tax_rates_shipping",
        "tax_rates",
        ["country", "region"],
        unique=True,
        postgresql_where=sa.text("tax_class_id IS NULL"),
        sqlite_where=sa.text("tax_class_id IS NULL"),
    )


def downgrade():
    with op.batch_alter_table("addresses") as batch_op:
        batch_op.drop_column("vat_number")
        batch_op.drop_column("region")
    with sqlite_foreign_keys_off():
        with op.batch_alter_table("products") as batch_op:
            batch_op.drop_constraint(
                op.f("fk_products_tax_class_id_tax_classes"), type_="foreignkey"
            )
            batch_op.drop_index(op.f("ix_products_tax_class_id"))
            batch_op.drop_column("tax_class_id")
    op.drop_table("tax_rates")
    op.drop_table("tax_classes")
