"""Helpers for fulfilment tests: a carrier, a paid order, a parcel of some of its units."""

from itertools import count

from ecom.fulfilment import carriers, services
from tests.factories import make_order, make_product

_serial = count(1)
TEMPLATE = "https://track.example/parcels/{tracking_number}"


def make_carrier(name: str | None = None, template: str = TEMPLATE):
    name = name or f"Carrier {next(_serial)}"
    return carriers.create_carrier({"name": name, "tracking_url_template": template})


def paid_order(customer, staff, *quantities: int, statuses=("paid",)):
    """A paid order of one product per quantity given (default: one line of 3 units)."""
    lines = [(make_product(stock=20), quantity) for quantity in quantities or (3,)]
    return make_order(customer, *lines, statuses=statuses, actor=staff)


def ship(order, staff, carrier, *quantities: int, tracking: str = "TRACK 1"):
    """A fulfilment of ``quantities`` units of the order's lines, in order."""
    lines = [
        {"line": item.id, "quantity": units}
        for item, units in zip(order.items, quantities, strict=False)
        if units
    ]
    data = {"carrier": carrier.id, "tracking_number": tracking, "lines": lines}
    return services.create_fulfilment(order.id, data, actor=staff)
