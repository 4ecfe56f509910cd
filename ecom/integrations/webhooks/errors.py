"""The webhooks' refusals."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ecom.common.errors import Conflict, DomainError


class TargetRefused(DomainError):
    """The target URL resolves to an address the shop does not call."""

    status = 400
    code = "webhook_target_refused"

    def __init__(self, reason: str) -> None:
        message = gettext("The target URL is refused: %(reason)s.", reason=reason)
        super().__init__(message, errors={"url": [reason]})


class DeliveryPending(Conflict):
    code = "webhook_delivery_pending"
    message = _l("This delivery is still under way: it cannot be redelivered yet.")


class SubscriptionInactive(Conflict):
    code = "webhook_subscription_inactive"
    message = _l("The subscription is inactive: activate it before redelivering.")
