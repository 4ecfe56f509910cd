"""Shipping's error codes, declared once."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ecom.common.errors import Conflict, NotFound


class ShippingMethodNotOffered(Conflict):
    """The chosen method does not ship to the destination, or not this cart."""

    code = "shipping_method_not_offered"
    message = _l("This shipping method is not offered for this destination and cart.")


class ZoneNotFound(NotFound):
    code = "shipping_zone_not_found"
    message = _l("Shipping zone not found.")


class UnknownZone(ZoneNotFound):
    """A method's body names a zone that does not exist."""

    def __init__(self) -> None:
        super().__init__(errors={"zone": [self.message]})


class MethodNotFound(NotFound):
    code = "shipping_method_not_found"
    message = _l("Shipping method not found.")


class ZoneOverlap(Conflict):
    """Another zone already claims one of these countries with the same (or no) prefix."""

    code = "shipping_zone_overlap"

    def __init__(self, claims: list[str] | None = None) -> None:
        message = (
            gettext("Already claimed by another zone: %(claims)s.", claims=", ".join(claims))
            if claims
            else gettext("Another zone already claims one of these countries with the same prefix.")
        )
        super().__init__(message, errors={"countries": [message]})


class RestOfWorldTaken(Conflict):
    code = "shipping_rest_of_world_taken"
    message = _l("Another zone is already the rest of the world.")

    def __init__(self) -> None:
        super().__init__(errors={"rest_of_world": [self.message]})


class ZoneNotEmpty(Conflict):
    code = "shipping_zone_not_empty"

    def __init__(self, methods: int) -> None:
        super().__init__(
            gettext(
                "The zone still has %(methods)s method(s); delete or move them first.",
                methods=methods,
            )
        )


class RateMismatch(Conflict):
    """A change to the price or the bands that the method's (unchanged) rate does not use."""

    code = "shipping_rate_mismatch"

    def __init__(self, field: str, rate: str) -> None:
        message = gettext(
            "A %(rate)s rate does not use `%(field)s`; send `rate` with it to change the rate.",
            rate=rate,
            field=field,
        )
        super().__init__(message, errors={field: [message]})
