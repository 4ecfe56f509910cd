"""What the accounts domain does when its events happen: the account e-mails."""

from ecom.accounts import emails
from ecom.accounts.events import (
    ACTIVATION_REQUESTED,
    EMAIL_CHANGE_REQUESTED,
    PASSWORD_CHANGED,
    PASSWORD_RESET_REQUESTED,
    USER_REGISTERED,
)
from ecom.accounts.models import User
from ecom.common.events import Event, Listeners, When
from ecom.common.outbox import Handlers
from ecom.extensions import db


def register(listeners: Listeners, handlers: Handlers) -> None:
    listeners.on(USER_REGISTERED, _welcome, when=When.IN_TRANSACTION)
    listeners.on(ACTIVATION_REQUESTED, _send_activation, when=When.IN_TRANSACTION)
    listeners.on(PASSWORD_RESET_REQUESTED, _send_password_reset, when=When.IN_TRANSACTION)
    listeners.on(PASSWORD_CHANGED, _send_password_changed, when=When.IN_TRANSACTION)
    listeners.on(EMAIL_CHANGE_REQUESTED, _send_email_change, when=When.IN_TRANSACTION)
    for name, deliver in (
        (emails.ACTIVATION, emails.deliver_activation),
        (emails.PASSWORD_RESET, emails.deliver_password_reset),
        (emails.PASSWORD_CHANGED, emails.deliver_password_changed),
        (emails.EMAIL_CHANGE_CONFIRM, emails.deliver_email_change_confirm),
        (emails.EMAIL_CHANGE_NOTICE, emails.deliver_email_change_notice),
    ):
        handlers.add(name, deliver, mail_subject=emails.SUBJECTS[name])


def _user(event: Event) -> User:
    return db.session.get(User, event.payload["user_id"])


def _welcome(event: Event) -> None:
    if event.payload["signed_up"]:
        emails.send_activation(_user(event))


def _send_activation(event: Event) -> None:
    emails.send_activation(_user(event))


def _send_password_reset(event: Event) -> None:
    emails.send_password_reset(_user(event))


def _send_password_changed(event: Event) -> None:
    emails.send_password_changed(_user(event))


def _send_email_change(event: Event) -> None:
    emails.send_email_change(_user(event))
