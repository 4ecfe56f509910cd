"""The webhooks listen to every domain event a topic is sent for (``topics.TOPICS``)."""

from ecom.common.events import Listeners, When
from ecom.common.outbox import Handlers
from ecom.integrations.webhooks import delivery, emails, fanout
from ecom.integrations.webhooks.topics import event_kinds


def register(listeners: Listeners, handlers: Handlers) -> None:
    for kind in event_kinds():
        listeners.on(kind, fanout.on_event, when=When.IN_TRANSACTION)
    handlers.add(fanout.DELIVER, delivery.deliver)
    handlers.add(emails.DISABLED, emails.deliver_disabled, mail_subject=emails.SUBJECT)
