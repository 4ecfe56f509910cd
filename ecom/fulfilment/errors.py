"""Fulfilment's error codes, declared once (the units' own rules are orders': see
``ecom.orders.lines`` and ``ecom.orders.shipments``)."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ecom.common.errors import Conflict, NotFound


class CarrierNotFound(NotFound):
    code = "carrier_not_found"
    message = _l("Carrier not found.")


class UnknownCarrier(CarrierNotFound):
    """A fulfilment's body names a carrier that does not exist."""

    def __init__(self) -> None:
        super().__init__(errors={"carrier": [self.message]})


class CarrierNameTaken(Conflict):
    code = "carrier_name_taken"
    message = _l("Another carrier has this name.")

    def __init__(self) -> None:
        super().__init__(errors={"name": [self.message]})


class CarrierInUse(Conflict):
    code = "carrier_in_use"

    def __init__(self, fulfilments: int) -> None:
        super().__init__(
            gettext("%(count)s fulfilment(s) name this carrier; it stays.", count=fulfilments)
        )


class FulfilmentNotFound(NotFound):
    code = "fulfilment_not_found"
    message = _l("Fulfilment not found.")


class AlreadyDelivered(Conflict):
    code = "fulfilment_already_delivered"
    message = _l("This fulfilment was already delivered.")
