from decimal import Decimal
from typing import NamedTuple

from ecom.common.models import TimestampMixin, UTCDateTime, one_of, utcnow
from ecom.extensions import db
from ecom.pricing.services import line_total

AMOUNT = db.Numeric(12, 2)
RATE = db.Numeric(6, 3)


def amount_column() -> db.Column:
    return db.Column(AMOUNT, nullable=False, default=0)


ORDER_STATUSES = (
    "pending",
    "paid",
    "processing",
    "partially_shipped",
    "shipped",
    "delivered",
    "cancelled",
)
# The longest status, "partially_shipped", fits.
STATUS_LENGTH = 20
PAYMENT_STATUSES = ("unpaid", "paid", "refunded")
NEW_ORDER_STATUS, NEW_PAYMENT_STATUS = "pending", "unpaid"


class ShippingCharge(NamedTuple):
    method_id: int | None
    name: str
    gross: Decimal
    tax_rate: Decimal
    tax: Decimal


class Order(TimestampMixin, db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        one_of("status", ORDER_STATUSES),
        one_of("payment_status", PAYMENT_STATUSES),
        db.UniqueConstraint("user_id", "idempotency_key", name="uq_orders_user_idempotency_key"),
        db.Index("ix_orders_created_at", "created_at"),
        # Finding orders (ecom.orders.search): each filter walks its rows in date order.
        db.Index("ix_orders_status_created_at", "status", "created_at", "id"),
        db.Index("ix_orders_payment_status_created_at", "payment_status", "created_at", "id"),
        db.Index("ix_orders_total_amount", "total_amount", "id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    status = db.Column(db.String(STATUS_LENGTH), nullable=False, default=NEW_ORDER_STATUS)
    payment_status = db.Column(db.String(16), nullable=False, default=NEW_PAYMENT_STATUS)
    # The breakdown at checkout (ecom.pricing), kept as it was: later changes of rates,
    # methods or promotions never change a placed order.
    subtotal_amount = amount_column()
    discount_amount = amount_column()
    shipping_amount = amount_column()
    shipping_tax_amount = amount_column()
    shipping_tax_rate = db.Column(RATE, nullable=False, default=0)
    tax_amount = amount_column()
    total_amount = db.Column(AMOUNT, nullable=False)
    shipping_method_id = db.Column(
        db.Integer, db.ForeignKey("shipping_methods.id", ondelete="SET NULL")
    )
    shipping_method_name = db.Column(db.String(100))
    voucher_id = db.Column(db.Integer, db.ForeignKey("vouchers.id", ondelete="SET NULL"))
    voucher_code = db.Column(db.String(64))
    prices_include_tax = db.Column(db.Boolean, nullable=False, default=False)
    reverse_charge = db.Column(db.Boolean, nullable=False, default=False)
    # A copy taken at checkout: later edits of the address book do not change the order.
    shipping_address = db.Column(db.JSON, nullable=False)
    idempotency_key = db.Column(db.String(255))
    # Digest of the cart lines an idempotency key was first used with.
    cart_fingerprint = db.Column(db.String(64))

    user = db.relationship("User")
    items = db.relationship(
        "OrderItem", back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id"
    )
    history = db.relationship(
        "OrderStatusChange",
        back_populates="order",
        cascade="all, delete-orphan",
        order_by="OrderStatusChange.id",
    )

    @property
    def shipping_charge(self) -> ShippingCharge | None:
        """The copy of the shipping method chosen at checkout, if any."""
        if self.shipping_method_name is None:
            return None
        return ShippingCharge(
            self.shipping_method_id,
            self.shipping_method_name,
            self.shipping_amount,
            self.shipping_tax_rate,
            self.shipping_tax_amount,
        )


class OrderItem(db.Model):
    __tablename__ = "order_items"
    __table_args__ = (
        db.CheckConstraint("quantity > 0", name="quantity_positive"),
        db.CheckConstraint(
            "quantity_delivered >= 0 AND quantity_delivered <= quantity_fulfilled "
            "AND quantity_fulfilled <= quantity",
            name="fulfilled_within_quantity",
        ),
        db.Index("ix_order_items_sku", "sku", "order_id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, index=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id"), nullable=False, index=True)
    variant_id = db.Column(
        db.Integer, db.ForeignKey("product_variants.id"), nullable=False, index=True
    )
    # Copies of what was sold, as it was named then.
    title = db.Column(db.String(200), nullable=False)
    sku = db.Column(db.String(64), nullable=False)
    variant_label = db.Column(db.String(200), nullable=False, default="")
    unit_price_undiscounted = db.Column(db.Numeric(10, 2), nullable=False)
    # After the catalogue promotion, if any (named by its copy).
    unit_price = db.Column(db.Numeric(10, 2), nullable=False)
    promotion_id = db.Column(db.Integer, db.ForeignKey("promotions.id", ondelete="SET NULL"))
    promotion_name = db.Column(db.String(200))
    quantity = db.Column(db.Integer, nullable=False)
    # The line's share of the voucher, then its tax on what is left.
    discount_amount = amount_column()
    net_amount = amount_column()
    tax_rate = db.Column(RATE, nullable=False, default=0)
    tax_amount = amount_column()
    gross_amount = amount_column()
    # After the sale: units shipped, units known to have arrived, and when the last arrived
    # (a return's window runs from it).
    quantity_fulfilled = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    quantity_delivered = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    delivered_at = db.Column(UTCDateTime())

    order = db.relationship("Order", back_populates="items")
    product = db.relationship("Product")
    variant = db.relationship("ProductVariant")

    @property
    def subtotal(self) -> Decimal:
        return line_total(self.unit_price, self.quantity)


class OrderStatusChange(db.Model):
    __tablename__ = "order_status_changes"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, index=True)
    from_status = db.Column(db.String(STATUS_LENGTH))
    to_status = db.Column(db.String(STATUS_LENGTH), nullable=False)
    changed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    note = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)

    order = db.relationship("Order", back_populates="history")
    changed_by = db.relationship("User")


class OrderNote(db.Model):
    """Staff's internal note on an order: never shown to the customer."""

    __tablename__ = "order_notes"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, index=True)
    # None: written by an integration token (the audit log names which).
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)

    author = db.relationship("User")
