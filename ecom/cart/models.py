from typing import TYPE_CHECKING

from ecom.common.models import TimestampMixin
from ecom.extensions import db

if TYPE_CHECKING:
    from ecom.catalog.models import Product


class Cart(TimestampMixin, db.Model):
    __tablename__ = "carts"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, unique=True)
    # The voucher the customer entered, checked again each time the cart is priced.
    voucher_code = db.Column(db.String(64))

    items = db.relationship(
        "CartItem", back_populates="cart", cascade="all, delete-orphan", order_by="CartItem.id"
    )


class CartItem(TimestampMixin, db.Model):
    __tablename__ = "cart_items"
    __table_args__ = (
        db.UniqueConstraint("cart_id", "variant_id", name="uq_cart_items_cart_variant"),
        db.CheckConstraint("quantity BETWEEN 1 AND 999", name="quantity_range"),
    )

    id = db.Column(db.Integer, primary_key=True)
    cart_id = db.Column(db.Integer, db.ForeignKey("carts.id"), nullable=False, index=True)
    variant_id = db.Column(
        db.Integer,
        db.ForeignKey("product_variants.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    quantity = db.Column(db.Integer, nullable=False)

    cart = db.relationship("Cart", back_populates="items")
    variant = db.relationship("ProductVariant")

    @property
    def product_id(self) -> int:
        return self.variant.product_id

    @property
    def product(self) -> "Product":
        return self.variant.product
