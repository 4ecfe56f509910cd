"""The shop as Gunicorn serves it, except that checkout writes no order confirmation: the
baseline of ``bench/run.py --outbox`` for what the outbox row costs a checkout. Only the
benchmark serves it (``bench.no_outbox:app``); it is never imported by the shop."""

from ecom import create_app
from ecom.orders import emails
from ecom.orders.models import Order


def _no_confirmation(order: Order) -> None:
    """Checkout as without the outbox: no row, so nothing to hand over after the commit."""


emails.send_confirmation = _no_confirmation
app = create_app()
