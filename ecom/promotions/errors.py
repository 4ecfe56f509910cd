"""The promotions' error codes, declared once."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ecom.common.errors import Conflict


class VoucherRefused(Conflict):
    """A code that cannot be used now, by this customer, on these lines (409 with its
    reason, as every refusal of a code the customer typed)."""


class VoucherNotFound(VoucherRefused):
    code = "voucher_not_found"
    message = _l("No voucher has this code.")


class VoucherNotActive(VoucherRefused):
    code = "voucher_not_active"
    message = _l("This voucher is not active.")


class VoucherExpired(VoucherRefused):
    code = "voucher_expired"
    message = _l("This voucher has expired.")


class VoucherExhausted(VoucherRefused):
    code = "voucher_exhausted"
    message = _l("This voucher has been used as many times as it may be.")


class VoucherCustomerLimit(VoucherRefused):
    code = "voucher_customer_limit"
    message = _l("You have used this voucher as many times as you may.")


class VoucherFirstOrderOnly(VoucherRefused):
    code = "voucher_first_order_only"
    message = _l("This voucher is for a first order only.")


class VoucherMinSubtotal(VoucherRefused):
    code = "voucher_min_subtotal"

    def __init__(self, minimum: object) -> None:
        super().__init__(
            gettext("This voucher needs a subtotal of at least %(minimum)s.", minimum=minimum)
        )


class VoucherMinQuantity(VoucherRefused):
    code = "voucher_min_quantity"

    def __init__(self, minimum: int) -> None:
        super().__init__(
            gettext("This voucher needs at least %(minimum)s item(s).", minimum=minimum)
        )


class VoucherCodeTaken(Conflict):
    code = "voucher_code_taken"
    message = _l("Another voucher has this code.")

    def __init__(self) -> None:
        super().__init__(errors={"code": [self.message]})


class VoucherInUse(Conflict):
    code = "voucher_in_use"
    message = _l("Orders used this voucher: deactivate it instead of deleting it.")


class RuleBroken(Conflict):
    """A rule between fields that the OpenAPI document cannot state (an end after the
    start, a percentage up to 100, a value for the kind): 409 naming the field, as every
    request the document allows is answered 2xx, 401, 403, 404 or 409."""

    def __init__(self, code: str, errors: dict[str, list[str]]) -> None:
        super().__init__(gettext("The values break a promotion rule."), code=code, errors=errors)
