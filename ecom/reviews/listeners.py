"""What the reviews domain does when its events happen: cached review reads go stale."""

from ecom.common.cache import invalidate
from ecom.common.cache_families import REVIEWS
from ecom.common.events import Event, Listeners, When
from ecom.common.outbox import Handlers
from ecom.reviews.events import REVIEWS_CHANGED


def register(listeners: Listeners, _handlers: Handlers) -> None:
    listeners.on(REVIEWS_CHANGED, _forget_cached_reviews, when=When.AFTER_COMMIT)


def _forget_cached_reviews(_event: Event) -> None:
    invalidate(REVIEWS)
