from ecom.common.models import TimestampMixin, UTCDateTime
from ecom.common.permissions import PERMISSIONS, ROLES
from ecom.extensions import db


class User(TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        db.CheckConstraint(
            "role IN (" + ", ".join(f"'{role}'" for role in ROLES) + ")", name="role"
        ),
        # E-mails are kept lower-case: a prefix search (LIKE 'ann%') walks this index on
        # PostgreSQL whatever the database's collation.
        db.Index("ix_users_email_pattern", "email", postgresql_ops={"email": "text_pattern_ops"}),
    )

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    username = db.Column(db.String(150), nullable=False, unique=True)
    password_hash = db.Column(db.String(255), nullable=False)
    first_name = db.Column(db.String(150), nullable=False, default="")
    last_name = db.Column(db.String(150), nullable=False, default="")
    role = db.Column(db.String(16), nullable=False, default="customer", index=True)
    is_active = db.Column(db.Boolean, nullable=False, default=True)
    # Set when the owner follows the activation link (REQUIRE_VERIFIED_EMAIL gates checkout).
    is_verified = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    # An address the owner asked to move to: it replaces ``email`` once its link is followed.
    pending_email = db.Column(db.String(254), nullable=True)
    # Bumped to revoke every token issued before (password change, fallback revocation).
    token_version = db.Column(db.Integer, nullable=False, default=0)
    # The language of their e-mails and documents, one of LANGUAGES; null: the default.
    language = db.Column(db.String(8), nullable=True)
    # Orders placed, cancelled ones too (kept by checkout): "first order only" vouchers.
    orders_placed = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    groups = db.relationship(
        "PermissionGroup", secondary="permission_group_members", back_populates="members"
    )

    @property
    def permissions(self) -> frozenset[str]:
        """What the user may do as staff: all for an admin, their groups' for staff."""
        if self.role == "admin":
            return frozenset(PERMISSIONS)
        if self.role != "staff":
            return frozenset()
        return frozenset(name for group in self.groups for name in group.permissions)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class TokenFamily(db.Model):
    """One login: every token pair rotated from it carries its id, and it ends them all.

    ``refresh_jti`` is the one refresh token that may still be traded; presenting any
    earlier one revokes the family. ``expires_at`` is fixed at login.
    """

    __tablename__ = "token_families"

    id = db.Column(db.String(32), primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    refresh_jti = db.Column(db.String(36), nullable=True)
    expires_at = db.Column(UTCDateTime(), nullable=False, index=True)
    revoked_at = db.Column(UTCDateTime(), nullable=True)


class Address(TimestampMixin, db.Model):
    """A shipping address in a customer's address book; at most one default per user."""

    __tablename__ = "addresses"
    __table_args__ = (
        db.Index(
            "uq_addresses_one_default_per_user",
            "user_id",
            unique=True,
            postgresql_where=db.text("is_default"),
            sqlite_where=db.text("is_default"),
        ),
    )

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    first_name = db.Column(db.String(150), nullable=False)
    last_name = db.Column(db.String(150), nullable=False)
    line1 = db.Column(db.String(255), nullable=False)
    line2 = db.Column(db.String(255), nullable=False, default="")
    city = db.Column(db.String(120), nullable=False)
    postal_code = db.Column(db.String(20), nullable=False)
    country = db.Column(db.String(2), nullable=False)
    region = db.Column(db.String(64), nullable=False, default="")
    # Compact form (``DE136695976``), checked by format only; empty for a consumer.
    vat_number = db.Column(db.String(32), nullable=False, default="")
    phone = db.Column(db.String(32), nullable=False, default="")
    is_default = db.Column(db.Boolean, nullable=False, default=False)


group_members = db.Table(
    "permission_group_members",
    db.Column(
        "group_id",
        db.Integer,
        db.ForeignKey("permission_groups.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    db.Column(
        "user_id",
        db.Integer,
        db.ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class PermissionGroup(TimestampMixin, db.Model):
    """A named set of permissions (``ecom.common.permissions.PERMISSIONS``) staff belong to."""

    __tablename__ = "permission_groups"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False, unique=True)
    # Permission names, sorted; the service keeps them within PERMISSIONS.
    permissions = db.Column(db.JSON, nullable=False, default=list)
    members = db.relationship(
        User, secondary=group_members, back_populates="groups", order_by=User.id
    )


class IntegrationToken(TimestampMixin, db.Model):
    """A long-lived API token of another system; only the SHA-256 of its secret is kept."""

    __tablename__ = "integration_tokens"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    digest = db.Column(db.String(64), nullable=False, unique=True)
    # The first characters of the token, so staff can tell tokens apart.
    hint = db.Column(db.String(16), nullable=False)
    permissions = db.Column(db.JSON, nullable=False, default=list)
    created_by_id = db.Column(
        db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # Written at most once a minute (``LAST_USED_RESOLUTION``), not on every request.
    last_used_at = db.Column(UTCDateTime(), nullable=True)
    revoked_at = db.Column(UTCDateTime(), nullable=True)
