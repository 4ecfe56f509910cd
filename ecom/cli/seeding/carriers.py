"""Seeded carriers with their real tracking pages, written through the fulfilment
service (its rules hold for seeds too)."""

from datetime import datetime

from sqlalchemy import update

from ecom.extensions import db
from ecom.fulfilment import carriers
from ecom.fulfilment.models import Carrier

CARRIERS = (
    ("DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={tracking_number}"),
    ("UPS", "https://www.ups.com/track?tracknum={tracking_number}"),
    ("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{tracking_number}"),
)


def seed_carriers(end: datetime) -> int:
    """The carriers staff ship with, dated ``end`` (one seed, the same rows); how many."""
    for name, template in CARRIERS:
        carriers.create_carrier({"name": name, "tracking_url_template": template})
    db.session.execute(update(Carrier).values(created_at=end, updated_at=end))
    db.session.commit()
    return len(CARRIERS)
