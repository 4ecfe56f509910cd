"""What the returns' rules refuse, each with its code."""

from datetime import datetime

from ecom.common.errors import Conflict


class NotReturnable(Conflict):
    """More units of a line than were delivered and are not already being returned."""

    code = "not_returnable"

    def __init__(self, index: int, returnable: int) -> None:
        message = f"At most {returnable} unit(s) of this line can be returned."
        super().__init__(message, errors={"lines": {str(index): {"quantity": [message]}}})


class ReturnWindowClosed(Conflict):
    code = "return_window_closed"

    def __init__(self, index: int, closed_at: datetime) -> None:
        message = f"The return window of this line closed at {closed_at.isoformat()}."
        super().__init__(message, errors={"lines": {str(index): {"item": [message]}}})


class UnknownLine(Conflict):
    code = "unknown_line"

    def __init__(self, index: int, field: str = "lines", subfield: str | None = "item") -> None:
        message = "No such line here."
        at = {subfield: [message]} if subfield else [message]
        super().__init__(message, errors={field: {str(index): at}})


class InvalidReturnTransition(Conflict):
    code = "invalid_return_transition"

    def __init__(self, current: str, requested: str) -> None:
        message = f"The return is {current}; it cannot become {requested}."
        super().__init__(message, errors={"status": [message]})
        self.current = current
        self.requested = requested


class ShippingAlreadyRefunded(Conflict):
    code = "shipping_already_refunded"
    message = "The order's shipping was already refunded with another return."


class TooManyUnits(Conflict):
    code = "too_many_units"

    def __init__(self, index: int, quantity: int) -> None:
        message = f"The line has {quantity} unit(s)."
        super().__init__(message, errors={"lines": {str(index): {"quantity": [message]}}})
