"""The catalog's error codes, declared once."""

from ecom.common.errors import Conflict, DomainError, NotFound, ValidationFailed


class CategoryExists(Conflict):
    code = "category_exists"
    message = "A category with this name already exists."

    def __init__(self) -> None:
        super().__init__(errors={"name": [self.message]})


class UnknownCategory(NotFound):
    """A body names a category that does not exist, in ``field``."""

    code = "category_not_found"
    message = "Category not found."

    def __init__(self, field: str) -> None:
        super().__init__(errors={field: [self.message]})


class UnknownTaxClass(ValidationFailed):
    code = "unknown_tax_class"
    message = "No tax class with this id."

    def __init__(self) -> None:
        super().__init__(errors={"tax_class_id": [self.message]})


class CategoryCycle(Conflict):
    code = "category_cycle"
    message = "A category cannot move under itself or its descendants."

    def __init__(self) -> None:
        super().__init__(errors={"parent": [self.message]})


class CategoryNotEmpty(Conflict):
    code = "category_not_empty"

    def __init__(self, products: int, children: int) -> None:
        super().__init__(
            f"Category still has {products} product(s) and {children} subcategory(ies); "
            "move or delete them first."
        )


class SlugUnavailable(Conflict):
    code = "slug_unavailable"
    message = "No free slug could be found for this name; try again."


class ProductInUse(Conflict):
    code = "product_in_use"
    message = "Orders refer to this product; deactivate it instead."


class ImageTooLarge(DomainError):
    status = 413
    code = "file_too_large"
    message = "The image is too large."
    location = "files"


class InsufficientStock(Conflict):
    """Some lines ask for more than is on sale; ``errors["stock"]`` lists each of them."""

    code = "insufficient_stock"

    def __init__(self, shortages: list[dict]) -> None:
        names = ", ".join(f"{s['title']} ({s['available']} available)" for s in shortages)
        super().__init__(f"Not enough stock: {names}.", errors={"stock": shortages})


class SkuUnavailable(Conflict):
    code = "sku_unavailable"
    message = "Another variant already has this SKU."

    def __init__(self) -> None:
        super().__init__(errors={"sku": [self.message]})


class VariantExists(Conflict):
    code = "variant_exists"
    message = "The product already has a variant with these option values."

    def __init__(self) -> None:
        super().__init__(errors={"options": [self.message]})


class VariantRequired(DomainError):
    """A request names a product where only one of its several variants will do."""

    code = "variant_required"
    message = "This product has several variants: name one (variant_id)."

    def __init__(self, field: str, message: str | None = None) -> None:
        super().__init__(message, errors={field: [message or self.message]})


class LastVariant(Conflict):
    code = "last_variant"
    message = "A product keeps at least one variant; delete the product instead."


class VariantInUse(Conflict):
    code = "variant_in_use"
    message = "Orders refer to this variant; deactivate it instead."


class OptionInUse(Conflict):
    code = "option_in_use"
    message = "Variants use this option or value; change or delete them first."


class OptionExists(Conflict):
    code = "option_exists"
    message = "The product already has an option with this name."

    def __init__(self) -> None:
        super().__init__(errors={"name": [self.message]})


class OptionsMismatch(Conflict):
    """A variant's options name other options than its product's, or miss one."""

    code = "options_mismatch"

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"options": [message]})


class UnknownLanguage(ValidationFailed):
    code = "unknown_language"
    location = "path"

    def __init__(self, language: str, spoken: list[str]) -> None:
        message = f"The shop does not speak {language!r}; it speaks {', '.join(spoken)}."
        super().__init__(message, errors={"language": [message]})


class DefaultLanguage(ValidationFailed):
    code = "default_language"
    location = "path"

    def __init__(self, language: str) -> None:
        message = f"{language!r} is the default language: its text is the catalogue's own."
        super().__init__(message, errors={"language": [message]})


class SlugTaken(Conflict):
    code = "slug_taken"
    message = "Another product or category of this kind has this slug in some language."

    def __init__(self) -> None:
        super().__init__(errors={"slug": [self.message]})
