"""What the catalogue does when its events happen: cached reads go stale; and its job,
the renditions of an uploaded image."""

from ecom.catalog import renditions
from ecom.catalog.events import CATEGORY_CHANGED, CATEGORY_DELETED, PRODUCT_CHANGED, PRODUCT_DELETED
from ecom.common.cache import invalidate
from ecom.common.cache_families import CATEGORIES, PRODUCTS
from ecom.common.events import Event, Listeners, When
from ecom.common.outbox import Handlers


def register(listeners: Listeners, handlers: Handlers) -> None:
    handlers.add(renditions.RENDER, renditions.render_job)
    for kind in (PRODUCT_CHANGED, PRODUCT_DELETED):
        listeners.on(kind, _forget_cached_products, when=When.AFTER_COMMIT)
    for kind in (CATEGORY_CHANGED, CATEGORY_DELETED):
        listeners.on(kind, _forget_cached_categories, when=When.AFTER_COMMIT)


def _forget_cached_products(_event: Event) -> None:
    invalidate(PRODUCTS)


def _forget_cached_categories(_event: Event) -> None:
    invalidate(CATEGORIES)
