"""The catalog's error codes, declared once."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ecom.common.errors import Conflict, DomainError, NotFound, ValidationFailed


class CategoryExists(Conflict):
    code = "category_exists"
    message = _l("A category with this name already exists.")

    def __init__(self) -> None:
        super().__init__(errors={"name": [self.message]})


class UnknownCategory(NotFound):
    """A body names a category that does not exist, in ``field``."""

    code = "category_not_found"
    message = _l("Category not found.")

    def __init__(self, field: str) -> None:
        super().__init__(errors={field: [self.message]})


class VariantNotFound(NotFound):
    message = _l("Variant not found.")


class UnknownTaxClass(ValidationFailed):
    code = "unknown_tax_class"
    message = _l("No tax class with this id.")

    def __init__(self) -> None:
        super().__init__(errors={"tax_class_id": [self.message]})


class CategoryCycle(Conflict):
    code = "category_cycle"
    message = _l("A category cannot move under itself or its descendants.")

    def __init__(self) -> None:
        super().__init__(errors={"parent": [self.message]})


class CategoryNotEmpty(Conflict):
    code = "category_not_empty"

    def __init__(self, products: int, children: int) -> None:
        super().__init__(
            gettext(
                "Category still has %(products)s product(s) and %(children)s "
                "subcategory(ies); move or delete them first.",
                products=products,
                children=children,
            )
        )


class SlugUnavailable(Conflict):
    code = "slug_unavailable"
    message = _l("No free slug could be found for this name; try again.")


class ProductInUse(Conflict):
    code = "product_in_use"
    message = _l("Orders refer to this product; deactivate it instead.")


class ImageTooLarge(DomainError):
    status = 413
    code = "file_too_large"
    message = _l("The image is too large.")
    location = "files"


class InsufficientStock(Conflict):
    """Some lines ask for more than is on sale; ``errors["stock"]`` lists each of them."""

    code = "insufficient_stock"

    def __init__(self, shortages: list[dict]) -> None:
        names = ", ".join(
            gettext("%(title)s (%(available)s available)", **short) for short in shortages
        )
        super().__init__(
            gettext("Not enough stock: %(names)s.", names=names), errors={"stock": shortages}
        )


class SkuUnavailable(Conflict):
    code = "sku_unavailable"
    message = _l("Another variant already has this SKU.")

    def __init__(self) -> None:
        super().__init__(errors={"sku": [self.message]})


class VariantExists(Conflict):
    code = "variant_exists"
    message = _l("The product already has a variant with these option values.")

    def __init__(self) -> None:
        super().__init__(errors={"options": [self.message]})


class VariantRequired(DomainError):
    """A request names a product where only one of its several variants will do."""

    code = "variant_required"
    message = _l("This product has several variants: name one (variant_id).")

    def __init__(self, field: str, message: str | None = None) -> None:
        super().__init__(message, errors={field: [message or self.message]})


class LastVariant(Conflict):
    code = "last_variant"
    message = _l("A product keeps at least one variant; delete the product instead.")


class VariantInUse(Conflict):
    code = "variant_in_use"
    message = _l("Orders refer to this variant; deactivate it instead.")


class OptionInUse(Conflict):
    code = "option_in_use"
    message = _l("Variants use this option or value; change or delete them first.")


class OptionExists(Conflict):
    code = "option_exists"
    message = _l("The product already has an option with this name.")

    def __init__(self) -> None:
        super().__init__(errors={"name": [self.message]})


class OptionsMismatch(Conflict):
    """A variant's options name other options than its product's, or miss one."""

    code = "options_mismatch"

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"options": [message]})


class DefaultLanguage(ValidationFailed):
    code = "default_language"
    location = "path"

    def __init__(self, language: str) -> None:
        message = gettext(
            "%(language)s is the default language: its text is the catalogue's own.",
            language=repr(language),
        )
        super().__init__(message, errors={"language": [message]})


class SlugTaken(Conflict):
    code = "slug_taken"
    message = _l("Another product or category of this kind has this slug in some language.")

    def __init__(self) -> None:
        super().__init__(errors={"slug": [self.message]})
