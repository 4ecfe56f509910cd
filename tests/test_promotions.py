"""Catalogue promotions: the best one per variant, stored as its sale price, recomputed
when promotions or regular prices change and at promotions' starts and ends."""

from datetime import timedelta
from decimal import Decimal

import pytest

from ecom.catalog import services as catalog
from ecom.catalog.models import Product, ProductVariant
from ecom.common import jobs
from ecom.common.models import utcnow
from ecom.extensions import db
from ecom.pricing import sale_prices
from ecom.promotions import services as promotions
from tests.factories import make_category, make_product, make_sized_product, set_variant

pytestmark = pytest.mark.usefixtures("embedded_jobs")


def promote(value: str = "10", kind: str = "percentage", **fields):
    return promotions.create_promotion(
        {"name": "Sale", "kind": kind, "value": value, "starts_at": utcnow(), **fields}
    )


def fresh(product: Product) -> Product:
    db.session.expire_all()
    return db.session.get(Product, product.id)


def test_a_live_promotion_stores_the_sale_price_and_the_summary_shows_it():
    product = make_product(price="80.00")
    promotion = promote("25", product_ids=[product.id])

    product = fresh(product)
    variant = product.variants[0]
    assert (variant.sale_price, variant.promotion_id) == (Decimal("60.00"), promotion.id)
    assert (product.price, product.price_max) == (Decimal("60.00"), Decimal("60.00"))
    assert product.price_undiscounted == Decimal("80.00")


def test_the_best_promotion_applies_and_ties_go_to_the_lower_id():
    product = make_product(price="100.00")
    promote("10", product_ids=[product.id])
    best = promote("15", kind="fixed", product_ids=[product.id])
    promote("15", product_ids=[product.id])  # also 85.00, a higher id

    variant = fresh(product).variants[0]
    assert (variant.sale_price, variant.promotion_id) == (Decimal("85.00"), best.id)


def test_a_fixed_amount_never_takes_a_price_below_the_minor_unit():
    product = make_product(price="5.00")
    promote("20", kind="fixed", product_ids=[product.id])
    assert fresh(product).variants[0].sale_price == Decimal("0.01")


def test_a_percentage_rounds_half_up_to_the_minor_unit():
    product = make_product(price="9.99")
    promote("15", product_ids=[product.id])  # 8.4915
    assert fresh(product).variants[0].sale_price == Decimal("8.49")


def test_a_category_promotion_covers_its_descendants_and_nothing_else():
    clothes = make_category("Clothes")
    shirts = make_category("Shirts", parent=clothes)
    shoes = make_category("Shoes")
    shirt, boot = make_product(shirts, price="40.00"), make_product(shoes, price="40.00")
    promote("50", category_ids=[clothes.id])

    assert fresh(shirt).price == Decimal("20.00")
    assert fresh(boot).price == Decimal("40.00")


def test_a_variant_promotion_lowers_that_variant_alone():
    product = make_sized_product("S", "M", price="30.00")
    small = product.variants[0]
    promote("10", kind="fixed", variant_ids=[small.id])

    product = fresh(product)
    prices = {v.label: (v.sale_price, v.current_price) for v in product.variants}
    assert prices == {"S": (Decimal("20.00"), Decimal("20.00")), "M": (None, Decimal("30.00"))}
    assert (product.price, product.price_max) == (Decimal("20.00"), Decimal("30.00"))


def test_a_promotion_to_come_or_inactive_sets_nothing():
    product = make_product(price="50.00")
    promote("10", product_ids=[product.id], starts_at=utcnow() + timedelta(days=1))
    promote("20", product_ids=[product.id], is_active=False)
    assert fresh(product).variants[0].sale_price is None


def test_the_boundary_check_applies_a_start_and_an_end_once_they_pass():
    product = make_product(price="50.00")
    now = utcnow()
    promote(
        "10",
        product_ids=[product.id],
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )
    assert sale_prices.apply_boundaries(now) == 0

    assert sale_prices.apply_boundaries(now + timedelta(hours=1, minutes=1)) == 1
    assert fresh(product).price == Decimal("45.00")
    assert sale_prices.apply_boundaries(now + timedelta(hours=1, minutes=2)) == 0

    assert sale_prices.apply_boundaries(now + timedelta(hours=2, minutes=1)) == 1
    product = fresh(product)
    assert (product.price, product.variants[0].promotion_id) == (Decimal("50.00"), None)


def test_the_sweep_runs_the_boundary_check_on_the_embedded_default(monkeypatch):
    product = make_product(price="50.00")
    promotion = promote("10", product_ids=[product.id], starts_at=utcnow() + timedelta(hours=1))
    monkeypatch.setattr(
        "ecom.pricing.sale_prices.utcnow", lambda: promotion.starts_at + timedelta(seconds=1)
    )
    jobs.sweep()
    assert fresh(product).price == Decimal("45.00")


def test_a_regular_price_change_recomputes_the_product():
    product = make_product(price="50.00")
    promote("10", product_ids=[product.id])
    set_variant(product, price="70.00")

    product = fresh(product)
    assert (product.variants[0].sale_price, product.price) == (Decimal("63.00"), Decimal("63.00"))
    assert product.price_undiscounted == Decimal("70.00")


def test_moving_a_product_into_a_promoted_category_prices_it():
    sale, plain = make_category("Sale"), make_category("Plain")
    product = make_product(plain, price="50.00")
    promote("10", category_ids=[sale.id])
    catalog.update_product(product.id, {"category_id": sale.id})
    assert fresh(product).price == Decimal("45.00")


def test_changing_and_deleting_a_promotion_recompute_its_variants():
    product = make_product(price="50.00")
    promotion = promote("10", product_ids=[product.id])
    promotions.update_promotion(promotion.id, {"value": "20"})
    assert fresh(product).price == Decimal("40.00")

    promotions.delete_promotion(promotion.id)
    product = fresh(product)
    assert (product.price, product.variants[0].sale_price) == (Decimal("50.00"), None)


def test_only_products_whose_prices_moved_are_announced_so_only_their_cache_goes(monkeypatch):
    promoted, untouched = make_product(price="50.00"), make_product(price="50.00")
    announced = []
    monkeypatch.setattr("ecom.catalog.summary.product_changed", announced.append)
    promote("10", product_ids=[promoted.id])
    assert announced == [promoted.id]

    announced.clear()
    sale_prices.recompute_products([promoted.id, untouched.id])
    assert announced == []


def test_the_list_filters_and_orders_by_the_price_a_customer_pays(client):
    category = make_category("Boots")
    make_product(category, title="Cheap", price="30.00")
    promoted = make_product(category, title="Promoted", price="60.00")
    promote("60", product_ids=[promoted.id])  # 24.00
    db.session.expire_all()  # the requests share the test's session

    listed = f"/api/v1/products/?category={category.id}"
    ordered = client.get(f"{listed}&ordering=price").json["results"]
    assert [(p["title"], p["price"]) for p in ordered] == [
        ("Promoted", "24.00"),
        ("Cheap", "30.00"),
    ]
    below = client.get(f"{listed}&price_max=25").json["results"]
    assert [p["title"] for p in below] == ["Promoted"]
    body = client.get(f"/api/v1/products/{promoted.id}/").json
    assert (body["price"], body["price_undiscounted"]) == ("24.00", "60.00")
    assert (body["variants"][0]["price"], body["variants"][0]["sale_price"]) == ("60.00", "24.00")


def test_the_listing_filter_between_bounds_reads_variants_sale_prices(client):
    product = make_sized_product("S", "M", price="100.00")
    promote("50", kind="fixed", variant_ids=[product.variants[0].id])
    found = client.get("/api/v1/products/?price_min=45&price_max=55").json
    assert [p["id"] for p in found["results"]] == [product.id]


def test_variants_written_directly_keep_a_sale_price_below_the_regular_one():
    product = make_product(price="50.00")
    promote("10", product_ids=[product.id])
    variant = db.session.get(ProductVariant, product.variants[0].id)
    assert variant.current_price == Decimal("45.00")
