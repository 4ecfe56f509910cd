"""What the returns' rules refuse, each with its code."""

from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ecom.common.errors import Conflict


class NotReturnable(Conflict):
    """More units of a line than were delivered and are not already being returned."""

    code = "not_returnable"

    def __init__(self, index: int, returnable: int) -> None:
        message = gettext(
            "At most %(returnable)s unit(s) of this line can be returned.", returnable=returnable
        )
        super().__init__(message, errors={"lines": {str(index): {"quantity": [message]}}})


class ReturnWindowClosed(Conflict):
    code = "return_window_closed"

    def __init__(self, index: int, closed_at: datetime) -> None:
        message = gettext(
            "The return window of this line closed at %(closed_at)s.",
            closed_at=closed_at.isoformat(),
        )
        super().__init__(message, errors={"lines": {str(index): {"item": [message]}}})


class UnknownLine(Conflict):
    code = "unknown_line"

    def __init__(self, index: int, field: str = "lines", subfield: str | None = "item") -> None:
        message = gettext("No such line here.")
        at = {subfield: [message]} if subfield else [message]
        super().__init__(message, errors={field: {str(index): at}})


class InvalidReturnTransition(Conflict):
    code = "invalid_return_transition"

    def __init__(self, current: str, requested: str) -> None:
        message = gettext(
            "The return is %(current)s; it cannot become %(requested)s.",
            current=current,
            requested=requested,
        )
        super().__init__(message, errors={"status": [message]})
        self.current = current
        self.requested = requested


class ShippingAlreadyRefunded(Conflict):
    code = "shipping_already_refunded"
    message = _l("The order's shipping was already refunded with another return.")


class TooManyUnits(Conflict):
    code = "too_many_units"

    def __init__(self, index: int, quantity: int) -> None:
        message = gettext("The line has %(quantity)s unit(s).", quantity=quantity)
        super().__init__(message, errors={"lines": {str(index): {"quantity": [message]}}})
