"""Helpers for invoice tests: a German shop with two tax rates, paid orders, and PDFs
read back as text with poppler's ``pdftotext``."""

import subprocess
from decimal import Decimal

from sqlalchemy import select

from ecom.extensions import db
from ecom.invoices.models import CreditNote, Invoice
from ecom.orders import transitions
from ecom.tax import services as tax
from tests.factories import make_address, make_method, make_order, make_product, make_zone


def german_shop() -> dict:
    """19% and 7% rates in Germany, a method shipping there for 4.99, a shirt (20.00,
    standard) and a book (12.50, reduced)."""
    standard = tax.create_class({"name": "Standard", "is_default": True})
    reduced = tax.create_class({"name": "Reduced"})
    tax.create_rate({"country": "DE", "tax_class_id": standard.id, "rate": Decimal("19")})
    tax.create_rate({"country": "DE", "tax_class_id": reduced.id, "rate": Decimal("7")})
    make_method(make_zone("DE"), price="4.99")
    shirt = make_product(price="20.00", title="Linen shirt", stock=100)
    book = make_product(price="12.50", title="Field guide", tax_class_id=reduced.id, stock=100)
    return {"shirt": shirt, "book": book}


def german_order(user, shop: dict):
    """Two shirts and a book to a Berlin address, placed and not paid."""
    make_address(user, country="DE", postal_code="10115", city="Berlin")
    return make_order(user, (shop["shirt"], 2), (shop["book"], 1))


def pay_by_hand(order, staff) -> None:
    """Staff record money taken off the providers: the order becomes paid."""
    transitions.change_status(order.id, "paid", actor=staff)


def invoice_of(order) -> Invoice | None:
    db.session.expire_all()
    return db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))


def credit_notes_of(order) -> list[CreditNote]:
    db.session.expire_all()
    query = select(CreditNote).where(CreditNote.order_id == order.id).order_by(CreditNote.id)
    return list(db.session.scalars(query))


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, laid out as on the page (one table row per line)."""
    assert pdf.startswith(b"%PDF-")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def row(text: str, label: str) -> list[str]:
    """The words of the first line of ``text`` that starts with ``label``."""
    for line in text.splitlines():
        if line.strip().startswith(label):
            return line.split()
    raise AssertionError(f"No line starts with {label!r} in:\n{text}")
