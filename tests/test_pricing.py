"""Pricing: the one place lines become money, used by the cart and by checkout."""

from dataclasses import dataclass
from decimal import Decimal

from ecom.pricing.services import Adjustment, Breakdown, price
from tests.factories import fill_cart, make_address, make_product


@dataclass
class Item:
    price: Decimal


@dataclass
class Line:
    variant: Item
    quantity: int


def test_each_line_is_its_unit_price_times_its_quantity():
    breakdown = price([Line(Item(Decimal("19.90")), 3), Line(Item(Decimal("0.05")), 7)])

    assert [line.unit_price for line in breakdown.lines] == [Decimal("19.90"), Decimal("0.05")]
    assert [line.line_total for line in breakdown.lines] == [Decimal("59.70"), Decimal("0.35")]


def test_the_subtotal_is_the_exact_sum_of_the_lines_in_decimal():
    # 0.1 + 0.2 in binary floating point is not 0.3; in Decimal it is.
    breakdown = price([Line(Item(Decimal("0.10")), 1), Line(Item(Decimal("0.20")), 1)])

    assert breakdown.subtotal == Decimal("0.30")
    assert isinstance(breakdown.subtotal, Decimal)
    assert breakdown.total == breakdown.subtotal
    assert breakdown.quantity == 2


def test_nothing_to_price_costs_zero_with_two_decimals():
    breakdown = price([])

    assert breakdown.subtotal == Decimal("0.00") and str(breakdown.total) == "0.00"


def test_adjustments_change_the_total_but_not_the_subtotal():
    lines = price([Line(Item(Decimal("100.00")), 2)]).lines
    breakdown = Breakdown(
        lines,
        adjustments=(
            Adjustment("discount", "Winter sale", Decimal("-20.00")),
            Adjustment("shipping", "Standard", Decimal("4.90")),
        ),
    )

    assert breakdown.subtotal == Decimal("200.00")
    assert breakdown.total == Decimal("184.90")


def test_a_line_keeps_what_it_priced():
    line = Line(Item(Decimal("5.00")), 2)

    assert price([line]).lines[0].source is line


def test_the_cart_answer_and_the_order_placed_from_it_price_alike(client, customer, auth_headers):
    headers = auth_headers(customer)
    fill_cart(customer, (make_product(price="19.99"), 3), (make_product(price="0.01"), 1))
    make_address(customer)

    cart = client.get("/api/v1/cart/", headers=headers).json
    order = client.post("/api/v1/orders/", json={}, headers=headers).json

    assert cart["subtotal"] == cart["total"] == "59.98"
    assert [line["subtotal"] for line in cart["items"]] == ["59.97", "0.01"]
    assert order["total_amount"] == cart["total"]
