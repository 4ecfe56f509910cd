"""Catalogue promotions, vouchers and their redemptions.

Catalog rows are named by table ("products.id"): the catalog never imports this package,
and this one reads catalog rows through their ids."""

from ecom.common.models import TimestampMixin, UTCDateTime, one_of
from ecom.extensions import db

KINDS = ("percentage", "fixed")
VOUCHER_KINDS = ("percentage", "fixed", "free_shipping")
SCOPES = ("order", "selection")


def _link(name: str, owner: str, column: str, target: str) -> db.Table:
    """A many-to-many table from ``owner``'s rows to ``target``'s, going with either."""
    owner_column = owner.rstrip("s") + "_id"
    return db.Table(
        name,
        db.Column(
            owner_column,
            db.Integer,
            db.ForeignKey(f"{owner}.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        db.Column(
            column,
            db.Integer,
            db.ForeignKey(f"{target}.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
    )


promotion_products = _link("promotion_products", "promotions", "product_id", "products")
promotion_variants = _link("promotion_variants", "promotions", "variant_id", "product_variants")
promotion_categories = _link("promotion_categories", "promotions", "category_id", "categories")
voucher_products = _link("voucher_products", "vouchers", "product_id", "products")
voucher_categories = _link("voucher_categories", "vouchers", "category_id", "categories")


class Promotion(TimestampMixin, db.Model):
    """A percentage or fixed amount off chosen products, variants or categories (with
    their descendants) from ``starts_at`` until ``ends_at`` (none: open-ended)."""

    __tablename__ = "promotions"
    __table_args__ = (
        one_of("kind", KINDS),
        db.CheckConstraint("value > 0", name="value_positive"),
        db.CheckConstraint("kind != 'percentage' OR value <= 100", name="percentage_range"),
        db.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="period"),
    )

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    kind = db.Column(db.String(16), nullable=False)
    value = db.Column(db.Numeric(10, 2), nullable=False)
    starts_at = db.Column(UTCDateTime(), nullable=False)
    ends_at = db.Column(UTCDateTime())
    is_active = db.Column(db.Boolean, nullable=False, default=True)
    # When its sale prices were last computed: a start or end after it (and now past) is
    # a boundary the periodic check still has to apply.
    applied_at = db.Column(UTCDateTime(), nullable=False)

    products = db.relationship("Product", secondary=promotion_products, order_by="Product.id")
    variants = db.relationship(
        "ProductVariant", secondary=promotion_variants, order_by="ProductVariant.id"
    )
    categories = db.relationship("Category", secondary=promotion_categories, order_by="Category.id")

    def __repr__(self) -> str:
        return f"<Promotion {self.id} {self.name}>"


class Voucher(TimestampMixin, db.Model):
    """A code a customer enters for money off the order (or free shipping), under
    conditions; ``used_count`` counts its redemptions."""

    __tablename__ = "vouchers"
    __table_args__ = (
        one_of("kind", VOUCHER_KINDS),
        one_of("scope", SCOPES),
        db.CheckConstraint("value >= 0", name="value_not_negative"),
        db.CheckConstraint("kind != 'percentage' OR value <= 100", name="percentage_range"),
        db.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="period"),
        db.CheckConstraint("used_count >= 0", name="used_not_negative"),
        db.CheckConstraint(
            "usage_limit IS NULL OR used_count <= usage_limit", name="within_usage_limit"
        ),
        # Case-insensitive uniqueness: codes are stored upper-cased.
        db.CheckConstraint("code = upper(code)", name="code_upper"),
    )

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(50), nullable=False, unique=True)
    kind = db.Column(db.String(16), nullable=False)
    value = db.Column(db.Numeric(10, 2), nullable=False, default=0)
    scope = db.Column(db.String(16), nullable=False, default="order")
    min_subtotal = db.Column(db.Numeric(10, 2))
    min_quantity = db.Column(db.Integer)
    starts_at = db.Column(UTCDateTime(), nullable=False)
    ends_at = db.Column(UTCDateTime())
    usage_limit = db.Column(db.Integer)
    usage_limit_per_customer = db.Column(db.Integer)
    first_order_only = db.Column(db.Boolean, nullable=False, default=False)
    is_active = db.Column(db.Boolean, nullable=False, default=True)
    used_count = db.Column(db.Integer, nullable=False, default=0)

    products = db.relationship("Product", secondary=voucher_products, order_by="Product.id")
    categories = db.relationship("Category", secondary=voucher_categories, order_by="Category.id")

    def __repr__(self) -> str:
        return f"<Voucher {self.id} {self.code}>"


class VoucherRedemption(db.Model):
    """A voucher used by an order; one per order and voucher."""

    __tablename__ = "voucher_redemptions"
    __table_args__ = (
        db.UniqueConstraint("voucher_id", "order_id", name="uq_voucher_redemptions_order"),
        db.Index("ix_voucher_redemptions_voucher_user", "voucher_id", "user_id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    voucher_id = db.Column(
        db.Integer, db.ForeignKey("vouchers.id", ondelete="RESTRICT"), nullable=False
    )
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    order_id = db.Column(
        db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = db.Column(UTCDateTime(), nullable=False)

    def __repr__(self) -> str:
        return f"<VoucherRedemption {self.voucher_id} order {self.order_id}>"
