"""Every table of the app, imported in one place for Alembic and the shell."""

from ecom.accounts.models import Address, TokenFamily, User
from ecom.cart.models import Cart, CartItem
from ecom.catalog.models import Category, OptionValue, Product, ProductOption, ProductVariant
from ecom.catalog.translations import (
    CategoryTranslation,
    OptionTranslation,
    OptionValueTranslation,
    ProductTranslation,
)
from ecom.common.outbox import OutboxMessage
from ecom.fulfilment.models import Carrier, Fulfilment, FulfilmentLine
from ecom.integrations.bulk.models import BulkJob
from ecom.integrations.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from ecom.invoices.models import CreditNote, DocumentCounter, Invoice
from ecom.orders.models import Order, OrderItem, OrderNote, OrderStatusChange
from ecom.payments.models import Payment, PaymentEvent, Refund
from ecom.promotions.models import Promotion, Voucher, VoucherRedemption
from ecom.returns.models import Return, ReturnLine, ReturnStatusChange
from ecom.reviews.models import Review
from ecom.shipping.models import ShippingArea, ShippingMethod, ShippingRateBand, ShippingZone
from ecom.tax.models import TaxClass, TaxRate

__all__ = [
    "Address",
    "Carrier",
    "BulkJob",
    "Cart",
    "CartItem",
    "Category",
    "CategoryTranslation",
    "CreditNote",
    "DocumentCounter",
    "Fulfilment",
    "FulfilmentLine",
    "OptionTranslation",
    "OptionValue",
    "OptionValueTranslation",
    "Invoice",
    "Order",
    "OrderItem",
    "OrderNote",
    "OrderStatusChange",
    "OutboxMessage",
    "Payment",
    "PaymentEvent",
    "Product",
    "ProductOption",
    "ProductTranslation",
    "ProductVariant",
    "Promotion",
    "Refund",
    "Return",
    "ReturnLine",
    "ReturnStatusChange",
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
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]
