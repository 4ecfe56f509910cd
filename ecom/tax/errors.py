"""The tax domain's error codes, declared once."""

from flask_babel import lazy_gettext as _l

from ecom.common.errors import Conflict, NotFound, ValidationFailed


class TaxClassNotFound(NotFound):
    code = "tax_class_not_found"
    message = _l("Tax class not found.")


class TaxRateNotFound(NotFound):
    code = "tax_rate_not_found"
    message = _l("Tax rate not found.")


class UnknownTaxClass(ValidationFailed):
    """A body names a tax class that does not exist, in ``field``."""

    code = "unknown_tax_class"
    message = _l("No tax class with this id.")

    def __init__(self, field: str = "tax_class") -> None:
        super().__init__(errors={field: [self.message]})


class TaxClassExists(Conflict):
    code = "tax_class_exists"
    message = _l("A tax class with this name already exists.")

    def __init__(self) -> None:
        super().__init__(errors={"name": [self.message]})


class DefaultTaxClass(Conflict):
    """The default class can be neither deleted nor unmarked: another one takes over by
    being marked the default."""

    code = "default_tax_class"
    message = _l("This is the default tax class: make another class the default first.")


class TaxRateExists(Conflict):
    code = "tax_rate_exists"
    message = _l("A rate for this country, region and class already exists.")

    def __init__(self) -> None:
        super().__init__(errors={"region": [self.message]})


class InvalidTaxRate(ValidationFailed):
    """A rate's values that the schema may not have caught (the back office's forms)."""

    code = "invalid_tax_rate"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors=errors)
