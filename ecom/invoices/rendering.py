"""The PDF of a document, rendered by an outbox job after the commit and stored once.

The PDF is made from the document's rows alone (number, parties, lines and totals fixed
at issue, the issue time as its creation date, the language it was issued in for its
labels, amounts and dates), so rendering it again gives the same bytes; and once its
``file_key`` is set, the job does nothing."""

import hashlib
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from weasyprint import HTML

from ecom.common import outbox
from ecom.common.models import utcnow
from ecom.common.storage import PRIVATE_PREFIX, get_storage
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.invoices.models import CreditNote, Invoice

RENDER = "invoices.render"
MODELS: dict[str, type[Invoice] | type[CreditNote]] = {
    "invoice": Invoice,
    "credit_note": CreditNote,
}
FOLDERS = {"invoice": "invoices", "credit_note": "credit-notes"}
TITLES = {"invoice": _l("Invoice"), "credit_note": _l("Credit note")}


def kind_of(document: Invoice | CreditNote) -> str:
    return "invoice" if isinstance(document, Invoice) else "credit_note"


def schedule(document: Invoice | CreditNote) -> None:
    """Write the job that renders ``document`` (flushed), in the issuing transaction."""
    kind = kind_of(document)
    payload = {"kind": kind, "id": document.id}
    outbox.enqueue(RENDER, payload, key=f"{RENDER}:{kind}:{document.id}")


def storage_key(document: Invoice | CreditNote) -> str:
    """Where the PDF lives: under the storage's private prefix, never served as media."""
    folder = FOLDERS[kind_of(document)]
    return f"{PRIVATE_PREFIX}{folder}/{document.year}/{document.number}.pdf"


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict:
    """A document loads nothing from outside: its template holds all it shows."""
    raise ValueError(f"Documents load no resources ({url}).")


def render_pdf(document: Invoice | CreditNote) -> bytes:
    kind = kind_of(document)
    # The language it was issued in, even one the shop has stopped speaking since.
    with force_locale(document.language):
        html = render_template(
            "invoices/document.html",
            document=document,
            kind=kind,
            title=str(TITLES[kind]),
            language=document.language,
        )
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def render_document(key: str, payload: dict[str, Any]) -> None:
    """The outbox job: render and store the PDF, unless it is stored already."""
    model = MODELS[payload["kind"]]
    document = db.session.get(model, payload["id"])
    if document.file_key is not None:
        return
    pdf = render_pdf(document)
    stored_at = storage_key(document)
    get_storage().save(stored_at, pdf, "application/pdf")
    with atomic():
        db.session.execute(
            update(model)
            .where(model.id == document.id, model.file_key.is_(None))
            .values(
                file_key=stored_at,
                file_sha256=hashlib.sha256(pdf).hexdigest(),
                rendered_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )


def read_pdf(document: Invoice | CreditNote) -> bytes:
    return get_storage().read(document.file_key)
