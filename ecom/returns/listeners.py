"""What the returns domain does when its events happen: an e-mail at each step."""

from ecom.common.events import Event, Listeners, When
from ecom.common.outbox import Handlers
from ecom.extensions import db
from ecom.returns import emails
from ecom.returns.events import RETURN_REQUESTED, RETURN_STATUS_CHANGED
from ecom.returns.models import Return


def register(listeners: Listeners, handlers: Handlers) -> None:
    listeners.on(RETURN_REQUESTED, _tell_requested, when=When.IN_TRANSACTION)
    listeners.on(RETURN_STATUS_CHANGED, _tell_step, when=When.IN_TRANSACTION)
    handlers.add(emails.RETURN_STEP, emails.deliver_step, mail_subject=emails.SUBJECT)


def _return(event: Event) -> Return:
    return db.session.get(Return, event.payload["return_id"])


def _tell_requested(event: Event) -> None:
    emails.send_step(_return(event), "requested")


def _tell_step(event: Event) -> None:
    emails.send_step(_return(event), event.payload["to_status"])
