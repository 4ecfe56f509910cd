"""Seeded shipping: a domestic zone, the EU and the rest of the world, each with methods,
written through the shipping services (their rules hold for seeds too)."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import update

from ecom.extensions import db
from ecom.shipping import services as shipping
from ecom.shipping.models import ShippingMethod, ShippingZone

EU = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]
# (zone fields, its methods: name, days, rate fields)
ZONES = (
    (
        {"name": "United States", "countries": ["US"]},
        [
            ("Standard", (3, 5), {"rate": "flat", "price": "4.90", "free_over": "75.00"}),
            (
                "Express",
                (1, 2),
                {
                    "rate": "weight",
                    "bands": [
                        ("0", "1000", "9.90"),
                        ("1000", "5000", "14.90"),
                        ("5000", None, "24.90"),
                    ],
                },
            ),
        ],
    ),
    (
        {"name": "European Union", "countries": EU},
        [
            ("Standard", (4, 8), {"rate": "flat", "price": "9.90", "free_over": "150.00"}),
            (
                "Express",
                (2, 3),
                {
                    "rate": "weight",
                    "bands": [("0", "2000", "19.90"), ("2000", "10000", "34.90")],
                    "max_weight_grams": 10000,
                },
            ),
        ],
    ),
    (
        {"name": "Rest of the world", "rest_of_world": True},
        [
            (
                "International",
                (7, 21),
                {"rate": "subtotal", "bands": [("0", "100", "24.90"), ("100", None, "14.90")]},
            ),
        ],
    ),
)


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _method(zone_id: int, name: str, days: tuple[int, int], rate: dict) -> dict:
    bands = [
        {"lower": Decimal(lower), "upper": _money(upper), "price": Decimal(price)}
        for lower, upper, price in rate.get("bands", [])
    ]
    return {
        **rate,
        "zone_id": zone_id,
        "name": name,
        "min_days": days[0],
        "max_days": days[1],
        "price": _money(rate.get("price")),
        "free_over": _money(rate.get("free_over")),
        "bands": bands,
    }


def seed_shipping(end: datetime) -> int:
    """The zones and their methods, dated ``end`` (one seed, one database); how many methods."""
    methods = 0
    for zone_fields, zone_methods in ZONES:
        zone = shipping.create_zone(zone_fields)
        for name, days, rate in zone_methods:
            shipping.create_method(_method(zone.id, name, days, rate))
            methods += 1
    for model in (ShippingZone, ShippingMethod):
        db.session.execute(update(model).values(created_at=end, updated_at=end))
    db.session.commit()
    return methods
