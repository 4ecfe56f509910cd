"""The promotions' error codes, declared once."""

from ecom.common.errors import Conflict


class VoucherRefused(Conflict):
    """A code that cannot be used now, by this customer, on these lines (409 with its
    reason, as every refusal of a code the customer typed)."""


class VoucherNotFound(VoucherRefused):
    code = "voucher_not_found"
    message = "No voucher has this code."


class VoucherNotActive(VoucherRefused):
    code = "voucher_not_active"
    message = "This voucher is not active."


class VoucherExpired(VoucherRefused):
    code = "voucher_expired"
    message = "This voucher has expired."


class VoucherExhausted(VoucherRefused):
    code = "voucher_exhausted"
    message = "This voucher has been used as many times as it may be."


class VoucherCustomerLimit(VoucherRefused):
    code = "voucher_customer_limit"
    message = "You have used this voucher as many times as you may."


class VoucherFirstOrderOnly(VoucherRefused):
    code = "voucher_first_order_only"
    message = "This voucher is for a first order only."


class VoucherMinSubtotal(VoucherRefused):
    code = "voucher_min_subtotal"

    def __init__(self, minimum: object) -> None:
        super().__init__(f"This voucher needs a subtotal of at least {minimum}.")


class VoucherMinQuantity(VoucherRefused):
    code = "voucher_min_quantity"

    def __init__(self, minimum: int) -> None:
        super().__init__(f"This voucher needs at least {minimum} item(s).")


class VoucherCodeTaken(Conflict):
    code = "voucher_code_taken"
    message = "Another voucher has this code."

    def __init__(self) -> None:
        super().__init__(errors={"code": [self.message]})


class VoucherInUse(Conflict):
    code = "voucher_in_use"
    message = "Orders used this voucher: deactivate it instead of deleting it."


class RuleBroken(Conflict):
    """A rule between fields that the OpenAPI document cannot state (an end after the
    start, a percentage up to 100, a value for the kind): 409 naming the field, as every
    request the document allows is answered 2xx, 401, 403, 404 or 409."""

    def __init__(self, code: str, errors: dict[str, list[str]]) -> None:
        super().__init__("The values break a promotion rule.", code=code, errors=errors)
