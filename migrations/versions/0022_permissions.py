"""permissions: permission groups of staff members, and integration tokens

The staff of a shop upgraded from roles alone keep what they could do: when there are
staff members, a group "All permissions" with every permission of the time is made, and
they join it.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-12 09:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# The permissions of this revision (ecom.common.permissions.PERMISSIONS may grow later).
PERMISSIONS = [
    "manage_catalog",
    "manage_customers",
    "manage_integrations",
    "manage_orders",
    "manage_pricing",
    "manage_refunds",
    "manage_staff",
    "manage_stock",
    "view_reports",
]


def upgrade():
    op.create_table(
        "permission_groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=80), nullable=False, unique=True),
        sa.Column("permissions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "permission_group_members",
        sa.Column(
            "group_id",
            sa.Integer(),
            sa.ForeignKey("permission_groups.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index(
        "ix_permission_group_members_user_id", "permission_group_members", ["user_id"]
    )
    op.create_table(
        "integration_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False, unique=True),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("permissions", sa.JSON(), nullable=False),
        sa.Column(
            "created_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    _existing_staff_keep_their_access()


def _existing_staff_keep_their_access():
    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT 1 FROM users WHERE role = 'staff' LIMIT 1")).first():
        return
    groups = sa.table(
        "permission_groups",
        sa.column("name", sa.String),
        sa.column("permissions", sa.JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    bind.execute(
        groups.insert().values(
            name="All permissions", permissions=PERMISSIONS, created_at=now, updated_at=now
        )
    )
    bind.execute(
        sa.text(
            "INSERT INTO permission_group_members (group_id, user_id) "
            "SELECT g.id, u.id FROM permission_groups g, users u "
            "WHERE g.name = 'All permissions' AND u.role = 'staff'"
        )
    )


def downgrade():
    op.drop_table("integration_tokens")
    op.drop_index("ix_permission_group_members_user_id", table_name="permission_group_members")
    op.drop_table("permission_group_members")
    op.drop_table("permission_groups")
