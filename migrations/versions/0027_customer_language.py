"""languages: a customer's language for their e-mails, and the language of each document

Revision ID: 0027
Revises: 0024
Create Date: 2026-12-07 20:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

DOCUMENTS = ("invoices", "credit_notes")


def upgrade():
    # ALTER TABLE ... ADD COLUMN on both back ends (no table rebuild on SQLite).
    op.add_column("users", sa.Column("language", sa.String(length=8), nullable=True))
    # The documents issued so far were rendered in English.
    for table in DOCUMENTS:
        op.add_column(
            table,
            sa.Column("language", sa.String(length=8), nullable=False, server_default="en"),
        )


def downgrade():
    # ALTER TABLE ... DROP COLUMN on both back ends (SQLite 3.35+; none of them is indexed,
    # so no table is rebuilt).
    for table in ("users", *DOCUMENTS):
        op.drop_column(table, "language")
