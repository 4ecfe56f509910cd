"""Shipping's error codes, declared once."""

from ecom.common.errors import Conflict, NotFound


class ShippingMethodNotOffered(Conflict):
    """The chosen method does not ship to the destination, or not this cart."""

    code = "shipping_method_not_offered"
    message = "This shipping method is not offered for this destination and cart."


class ZoneNotFound(NotFound):
    code = "shipping_zone_not_found"
    message = "Shipping zone not found."


class UnknownZone(ZoneNotFound):
    """A method's body names a zone that does not exist."""

    def __init__(self) -> None:
        super().__init__(errors={"zone": [self.message]})


class MethodNotFound(NotFound):
    code = "shipping_method_not_found"
    message = "Shipping method not found."


class ZoneOverlap(Conflict):
    """Another zone already claims one of these countries with the same (or no) prefix."""

    code = "shipping_zone_overlap"

    def __init__(self, claims: list[str] | None = None) -> None:
        message = (
            f"Already claimed by another zone: {', '.join(claims)}."
            if claims
            else "Another zone already claims one of these countries with the same prefix."
        )
        super().__init__(message, errors={"countries": [message]})


class RestOfWorldTaken(Conflict):
    code = "shipping_rest_of_world_taken"
    message = "Another zone is already the rest of the world."

    def __init__(self) -> None:
        super().__init__(errors={"rest_of_world": [self.message]})


class ZoneNotEmpty(Conflict):
    code = "shipping_zone_not_empty"

    def __init__(self, methods: int) -> None:
        super().__init__(f"The zone still has {methods} method(s); delete or move them first.")


class RateMismatch(Conflict):
    """A change to the price or the bands that the method's (unchanged) rate does not use."""

    code = "shipping_rate_mismatch"

    def __init__(self, field: str, rate: str) -> None:
        message = f"A {rate} rate does not use `{field}`; send `rate` with it to change the rate."
        super().__init__(message, errors={field: [message]})
