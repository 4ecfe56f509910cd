"""catalog: titles, descriptions, slugs, names and option values in the shop's other languages

Revision ID: 0026
Revises: 0024
Create Date: 2026-12-07 19:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# table: (owner column, owner table, [(text column, type)], has a slug)
TABLES = {
    "category_translations": (
        "category_id",
        "categories",
        [("name", sa.String(length=100)), ("description", sa.Text()), ("slug", sa.String(120))],
    ),
    "product_translations": (
        "product_id",
        "products",
        [("title", sa.String(length=200)), ("description", sa.Text()), ("slug", sa.String(220))],
    ),
    "option_translations": ("option_id", "product_options", [("name", sa.String(length=50))]),
    "option_value_translations": (
        "value_id",
        "product_option_values",
        [("value", sa.String(length=50))],
    ),
}


def upgrade():
    for table, (owner, owner_table, texts) in TABLES.items():
        slugged = any(name == "slug" for name, _type in texts)
        op.create_table(
            table,
            sa.Column(owner, sa.Integer(), nullable=False),
            *(sa.Column(name, type_, nullable=True) for name, type_ in texts),
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("language", sa.String(length=2), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                [owner],
                [f"{owner_table}.id"],
                name=op.f(f"fk_{table}_{owner}_{owner_table}"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint(owner, "language", name=f"uq_{table}_language"),
            *([sa.UniqueConstraint("language", "slug", name=f"uq_{table}_slug")] if slugged else []),
        )
        if slugged:
            op.create_index(op.f(f"ix_{table}_slug"), table, ["slug"])


def downgrade():
    for table in reversed(TABLES):
        op.drop_table(table)
