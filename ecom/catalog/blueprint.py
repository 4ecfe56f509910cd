"""The catalog's blueprint, shared by its route modules."""

from ecom.common.api import Blueprint

blp = Blueprint(
    "catalog",
    __name__,
    url_prefix="/api/v1",
    description="Categories (a tree) and products with their options and variants: filters, "
    "search, ordering, images.",
)
