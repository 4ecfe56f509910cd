"""after the sale: invoices and credit notes, numbered from a counter per kind and year

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-12 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def document_columns():
    """What invoices and credit notes share."""
    amount = sa.Numeric(12, 2)
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("seller", sa.JSON(), nullable=False),
        sa.Column("buyer", sa.JSON(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("taxes", sa.JSON(), nullable=False),
        sa.Column("net_amount", amount, nullable=False),
        sa.Column("tax_amount", amount, nullable=False),
        sa.Column("gross_amount", amount, nullable=False),
        sa.Column("file_key", sa.String(length=255), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    ]


def upgrade():
    op.create_table(
        "document_counters",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year"),
    )
    op.create_table(
        "invoices",
        *document_columns(),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("reverse_charge", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.UniqueConstraint("order_id"),
        sa.UniqueConstraint("year", "sequence", name="uq_invoices_year_sequence"),
    )
    op.create_table(
        "credit_notes",
        *document_columns(),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.id"]),
        sa.UniqueConstraint("refund_id"),
        sa.UniqueConstraint("year", "sequence", name="uq_credit_notes_year_sequence"),
    )
    with op.batch_alter_table("credit_notes") as batch_op:
        batch_op.create_index("ix_credit_notes_invoice_id", ["invoice_id"])
        batch_op.create_index("ix_credit_notes_order_id", ["order_id"])


def downgrade():
    op.drop_table("credit_notes")
    op.drop_table("invoices")
    op.drop_table("document_counters")
