"""Every table of the app, imported in one place for Alembic and the shell."""

from ecom.accounts.models import Address, TokenFamily, User
from ecom.cart.models import Cart, CartItem
from ecom.catalog.models import Category, OptionValue, Product, ProductOption, ProductVariant
from ecom.common.outbox import OutboxMessage
from ecom.integrations.bulk.models import BulkJob
from ecom.orders.models import Order, OrderItem, OrderStatusChange
from ecom.payments.models import Payment, PaymentEvent, Refund
from ecom.promotions.models import Promotion, Voucher, VoucherRedemption
from ecom.reviews.models import Review
from ecom.shipping.models import ShippingArea, ShippingMethod, ShippingRateBand, ShippingZone
from ecom.tax.models import TaxClass, TaxRate

__all__ = [
    "Address",
    "BulkJob",
    "Cart",
    "CartItem",
    "Category",
    "OptionValue",
    "Order",
    "OrderItem",
    "OrderStatusChange",
    "OutboxMessage",
    "Payment",
    "PaymentEvent",
    "Product",
    "ProductOption",
    "ProductVariant",
    "Promotion",
    "Refund",
    "Review",
    "ShippingArea",
    "ShippingMethod",
    "ShippingRateBand",
    "ShippingZone",
    "TaxClass",
    "TaxRate",
    "TokenFamily",
    "User",
    "Voucher",
    "VoucherRedemption",
]
