"""What pricing does when promotions or regular prices change: the sale prices of the
products concerned are recomputed by an outbox job, after the commit
(``ecom.pricing.sale_prices``)."""

from ecom.catalog.events import VARIANT_PRICE_CHANGED
from ecom.common import outbox
from ecom.common.events import Event, Listeners, When
from ecom.common.models import utcnow
from ecom.common.outbox import Handlers
from ecom.extensions import celery
from ecom.pricing import sale_prices
from ecom.promotions import services as promotions
from ecom.promotions.events import PROMOTION_CHANGED, PROMOTION_DELETED


def register(listeners: Listeners, handlers: Handlers) -> None:
    for kind in (PROMOTION_CHANGED, PROMOTION_DELETED):
        listeners.on(kind, _recompute_promoted, when=When.IN_TRANSACTION)
    listeners.on(VARIANT_PRICE_CHANGED, _recompute_repriced, when=When.IN_TRANSACTION)
    handlers.add(sale_prices.RECOMPUTE, sale_prices.recompute_job)
    handlers.every_sweep(sale_prices.apply_boundaries)


def _recompute_promoted(event: Event) -> None:
    if event.payload["product_ids"]:
        outbox.enqueue(sale_prices.RECOMPUTE, {"product_ids": event.payload["product_ids"]})


def _recompute_repriced(event: Event) -> None:
    product_id = event.payload["product_id"]
    if promotions.may_price(product_id, utcnow()):
        outbox.enqueue(sale_prices.RECOMPUTE, {"product_ids": [product_id]})


@celery.task(name="ecom.pricing.apply_boundaries")
def apply_boundaries_task() -> int:
    return sale_prices.apply_boundaries()
