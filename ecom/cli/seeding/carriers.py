"""Seeded carriers with their real tracking pages, written through the fulfilment
service (its rules hold for seeds too)."""

from ecom.fulfilment import carriers

CARRIERS = (
    ("DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={tracking_number}"),
    ("UPS", "https://www.ups.com/track?tracknum={tracking_number}"),
    ("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{tracking_number}"),
)


def seed_carriers() -> int:
    """The carriers staff ship with; how many."""
    for name, template in CARRIERS:
        carriers.create_carrier({"name": name, "tracking_url_template": template})
    return len(CARRIERS)
