"""What shipping offers a cart: the methods of the destination's zone that fit it, each
with its charge, cheapest first. Zones and methods are written by ``zones`` and
``methods`` (re-exported here)."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from ecom.accounts.destinations import Destination
from ecom.extensions import db
from ecom.shipping.errors import ShippingMethodNotOffered
from ecom.shipping.methods import (
    create_method,
    delete_method,
    get_method,
    methods_query,
    update_method,
)
from ecom.shipping.models import ShippingMethod
from ecom.shipping.zones import (
    create_zone,
    delete_zone,
    get_zone,
    update_zone,
    zone_for,
    zones_query,
)

__all__ = [
    "ShippingMethodNotOffered",
    "ShippingOption",
    "create_method",
    "create_zone",
    "delete_method",
    "delete_zone",
    "get_method",
    "get_zone",
    "method_charge",
    "methods_query",
    "ships_anywhere",
    "shipping_option",
    "shipping_options",
    "update_method",
    "update_zone",
    "zone_for",
    "zones_query",
]

FREE = Decimal("0.00")


@dataclass(frozen=True)
class ShippingOption:
    method: ShippingMethod
    # The method's charge for this cart, in catalogue terms (before any voucher).
    price: Decimal


def method_charge(
    method: ShippingMethod, *, weight_grams: int, subtotal: Decimal
) -> Decimal | None:
    """What ``method`` charges for a cart of this weight and subtotal, or None when the
    cart does not fit it (outside its weight limits, or in none of its bands)."""
    if method.min_weight_grams is not None and weight_grams < method.min_weight_grams:
        return None
    if method.max_weight_grams is not None and weight_grams > method.max_weight_grams:
        return None
    if method.rate == "flat":
        price = method.price
    else:
        measure = weight_grams if method.rate == "weight" else subtotal
        band = next((band for band in method.bands if band.holds(measure)), None)
        if band is None:
            return None
        price = band.price
    if method.free_over is not None and subtotal >= method.free_over:
        return FREE
    return price


def shipping_options(
    destination: Destination, *, weight_grams: int, subtotal: Decimal
) -> list[ShippingOption]:
    """Methods offered for the destination's zone and this cart, cheapest first."""
    zone = zone_for(destination)
    if zone is None:
        return []
    options = []
    for method in zone.methods:
        charge = method_charge(method, weight_grams=weight_grams, subtotal=subtotal)
        if method.is_active and charge is not None:
            options.append(ShippingOption(method, charge))
    return sorted(options, key=lambda o: (o.price, o.method.max_days, o.method.id))


def shipping_option(
    destination: Destination, method_id: int, *, weight_grams: int, subtotal: Decimal
) -> ShippingOption:
    """That method if offered, else raise ShippingMethodNotOffered (409)."""
    for option in shipping_options(destination, weight_grams=weight_grams, subtotal=subtotal):
        if option.method.id == method_id:
            return option
    raise ShippingMethodNotOffered()


def ships_anywhere() -> bool:
    """True when at least one active method exists (the shop then requires a method at
    checkout)."""
    active = select(ShippingMethod.id).where(ShippingMethod.is_active.is_(True)).limit(1)
    return db.session.scalar(active) is not None
