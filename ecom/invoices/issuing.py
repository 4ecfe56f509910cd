"""Issuing documents, in the transaction that causes them: an invoice when an order is
paid, a credit note when a refund succeeds. Each takes the next number of its series and
leaves its PDF to an outbox job (``rendering``). An invoice is in its customer's language
at issue (``users.language``, else the default), and its credit notes in the same one."""

import logging
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ecom.common.i18n import speaking
from ecom.common.models import utcnow
from ecom.extensions import db
from ecom.invoices import lines, rendering
from ecom.invoices.models import CreditNote, Invoice
from ecom.invoices.numbering import format_number, next_number
from ecom.orders.models import Order
from ecom.payments.models import Refund

logger = logging.getLogger(__name__)


def seller_details() -> dict[str, Any]:
    """The shop's legal details as the settings say them now (copied into each document)."""
    config = current_app.config
    address = config["SHOP_LEGAL_ADDRESS"] or ""
    return {
        "name": config["SHOP_LEGAL_NAME"],
        "address": [part.strip() for part in address.split(";") if part.strip()],
        "vat_number": config["SHOP_VAT_NUMBER"] or "",
        "registration": config["SHOP_REGISTRATION"] or "",
        "footer": config["INVOICE_FOOTER"] or "",
    }


def _buyer(order: Order) -> dict[str, Any]:
    return {**order.shipping_address, "email": order.user.email}


def _numbered(kind: str, issued_at: datetime) -> dict[str, Any]:
    sequence = next_number(kind, issued_at.year)
    return {
        "number": format_number(kind, issued_at.year, sequence),
        "year": issued_at.year,
        "sequence": sequence,
        "issued_at": issued_at,
        "currency": current_app.config["SHOP_CURRENCY"],
        "seller": seller_details(),
    }


def invoice_of(order_id: int) -> Invoice | None:
    return db.session.scalar(select(Invoice).where(Invoice.order_id == order_id))


def issue_invoice(order_id: int) -> Invoice:
    """The order's invoice, issued now if it has none (in the caller's transaction)."""
    invoice = invoice_of(order_id)
    if invoice is not None:
        return invoice
    order = db.session.get(Order, order_id)
    with speaking(order.user.language) as language:
        invoiced = lines.order_lines(order)
    taxes = lines.by_rate(invoiced)
    invoice = Invoice(
        order_id=order.id,
        language=language,
        reverse_charge=order.reverse_charge,
        buyer=_buyer(order),
        lines=invoiced,
        taxes=taxes,
        **lines.totals(taxes),
        **_numbered("invoice", utcnow()),
    )
    db.session.add(invoice)
    db.session.flush()
    rendering.schedule(invoice)
    return invoice


def issue_credit_note(refund_id: int) -> CreditNote | None:
    """The refund's credit note, issued now if it has none, correcting the order's invoice;
    None when the order was never invoiced (a payment that did not pay it)."""
    existing = db.session.scalar(select(CreditNote).where(CreditNote.refund_id == refund_id))
    if existing is not None:
        return existing
    refund = db.session.get(Refund, refund_id)
    invoice = invoice_of(refund.payment.order_id)
    if invoice is None:
        logger.info("Refund %s of an order without an invoice: no credit note.", refund_id)
        return None
    with force_locale(invoice.language):
        description = _("Refund of %(number)s", number=invoice.number)
    refunded = lines.refund_lines(refund.amount, invoice.taxes, description)
    taxes = lines.by_rate(refunded)
    credit_note = CreditNote(
        language=invoice.language,
        invoice_id=invoice.id,
        order_id=invoice.order_id,
        refund_id=refund.id,
        reason=refund.reason,
        buyer=invoice.buyer,
        lines=refunded,
        taxes=taxes,
        **lines.totals(taxes),
        **_numbered("credit_note", utcnow()),
    )
    db.session.add(credit_note)
    db.session.flush()
    rendering.schedule(credit_note)
    return credit_note
