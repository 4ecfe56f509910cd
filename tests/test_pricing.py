"""Pricing: the one place lines become money, used by the cart, checkout and the order."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecom.pricing.money import allocate, round_money
from ecom.pricing.services import ShippingCharge, VoucherTerms, price, split_tax

D = Decimal


@dataclass
class Product:
    tax_class_id: int | None = None


@dataclass
class Variant:
    id: int
    price: Decimal
    sale_price: Decimal | None = None
    promotion_id: int | None = None
    weight_grams: int | None = None
    product: Product = field(default_factory=Product)


@dataclass
class Line:
    variant: Variant
    quantity: int


@dataclass(frozen=True)
class Rates:
    by_class: dict
    shipping_rate: Decimal = D("0")
    reverse_charge: bool = False

    def rate_for(self, tax_class_id):
        return self.by_class.get(tax_class_id, self.by_class.get(None, D("0")))


def line(price_, quantity=1, *, variant_id=1, sale=None, tax_class=None):
    return Line(
        Variant(variant_id, D(price_), sale and D(sale), None, None, Product(tax_class)), quantity
    )


def test_each_line_is_its_unit_price_times_its_quantity_in_decimal():
    breakdown = price(
        [line("19.90", 3), line("0.10", 1, variant_id=2), line("0.20", 1, variant_id=3)]
    )

    assert [item.line_total for item in breakdown.lines] == [D("59.70"), D("0.10"), D("0.20")]
    assert breakdown.subtotal == breakdown.total == D("60.00")
    assert breakdown.quantity == 5


def test_nothing_to_price_costs_zero_with_two_decimals():
    assert str(price([]).total) == "0.00"


def test_a_line_is_priced_at_its_sale_price_and_remembers_the_regular_one():
    (priced,) = price([line("20.00", 2, sale="15.00")]).lines

    assert (priced.unit_price_undiscounted, priced.unit_price, priced.line_total) == (
        D("20.00"),
        D("15.00"),
        D("30.00"),
    )


def test_allocation_shares_the_remainder_cent_by_cent_to_the_largest_remainders():
    assert allocate(D("10.00"), [D(1), D(1), D(1)]) == [D("3.34"), D("3.33"), D("3.33")]
    assert allocate(D("0.05"), [D("3.33"), D("6.67")]) == [D("0.02"), D("0.03")]
    assert allocate(D("5.00"), [D(0), D(0)]) == [D("0.00"), D("0.00")]


def test_rounding_is_half_up_to_the_minor_unit(app):
    assert round_money(D("0.125")) == D("0.13")
    assert round_money(D("0.124999")) == D("0.12")
    app.config["SHOP_CURRENCY"] = "JPY"
    try:
        assert round_money(D("100.5")) == D("101")
    finally:
        app.config["SHOP_CURRENCY"] = "USD"


def test_tax_is_added_to_net_prices_and_extracted_from_gross_ones():
    assert split_tax(D("10.00"), D("19"), gross=False).gross == D("11.90")
    extracted = split_tax(D("11.90"), D("19"), gross=True)
    assert (extracted.net, extracted.tax) == (D("10.00"), D("1.90"))


def test_a_percentage_voucher_is_shared_over_the_lines_it_covers_only():
    voucher = VoucherTerms("TEN", "percentage", D("10"), frozenset({1, 2}))
    lines = [line("33.33", 1), line("66.67", 1, variant_id=2), line("50.00", 1, variant_id=3)]

    breakdown = price(lines, voucher=voucher)

    assert [item.discount for item in breakdown.lines] == [D("3.33"), D("6.67"), D("0.00")]
    assert breakdown.discount == D("10.00")
    assert breakdown.total == D("140.00")


def test_a_fixed_voucher_never_takes_more_than_the_lines_it_covers():
    voucher = VoucherTerms("BIG", "fixed", D("500.00"), frozenset({1}))

    breakdown = price([line("20.00", 1), line("5.00", 1, variant_id=2)], voucher=voucher)

    assert breakdown.discount == D("20.00") and breakdown.total == D("5.00")


def test_tax_is_computed_per_line_on_its_discounted_amount_and_shipping_is_its_own_line():
    rates = Rates({None: D("20"), 7: D("5")}, shipping_rate=D("20"))
    voucher = VoucherTerms("HALF", "percentage", D("50"), frozenset({1, 2}))
    lines = [line("10.00", 1), line("10.00", 1, variant_id=2, tax_class=7)]

    breakdown = price(
        lines,
        tax=rates,
        shipping=ShippingCharge(1, "Standard", D("4.99")),
        voucher=voucher,
        prices_include_tax=False,
    )

    assert [item.taxed.tax for item in breakdown.lines] == [D("1.00"), D("0.25")]
    assert breakdown.shipping.taxed.tax == D("1.00")
    assert breakdown.tax == D("2.25")
    assert breakdown.total == D("10.00") + D("2.25") + D("4.99")
    assert [a.kind for a in breakdown.adjustments] == ["discount", "shipping", "tax"]


def test_a_free_shipping_voucher_charges_nothing_for_shipping():
    voucher = VoucherTerms("SHIP", "free_shipping", D("0"), frozenset({1}))

    breakdown = price(
        [line("10.00")], shipping=ShippingCharge(1, "Express", D("9.99")), voucher=voucher
    )

    assert breakdown.shipping_price == D("0.00") and breakdown.total == D("10.00")


def test_a_reverse_charge_on_gross_prices_charges_them_net_of_the_home_tax_and_no_tax():
    home = Rates({None: D("19")}, shipping_rate=D("19"))
    zero = Rates({}, reverse_charge=True)

    breakdown = price(
        [line("11.90")],
        tax=zero,
        home_tax=home,
        shipping=ShippingCharge(1, "Standard", D("5.95")),
        prices_include_tax=True,
    )

    assert breakdown.lines[0].taxed.gross == D("10.00") and breakdown.tax == D("0.00")
    assert breakdown.total == D("15.00") and breakdown.reverse_charge


amounts = st.decimals(min_value=D("0.01"), max_value=D("9999.99"), places=2)
percent = st.decimals(min_value=D("0"), max_value=D("30"), places=2)
vouchers = st.one_of(
    st.none(),
    st.builds(
        VoucherTerms,
        code=st.just("CODE"),
        kind=st.sampled_from(["percentage", "fixed", "free_shipping"]),
        value=st.decimals(min_value=D("0.01"), max_value=D("100"), places=2),
        covered=st.frozensets(st.integers(1, 6)),
    ),
)
carts = st.lists(
    st.tuples(
        amounts, st.integers(1, 999), st.one_of(st.none(), amounts), st.sampled_from([None, 1, 2])
    ),
    max_size=6,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cart=carts,
    rates=st.tuples(percent, percent, percent),
    shipping=st.one_of(st.none(), amounts),
    voucher=vouchers,
    gross=st.booleans(),
)
def test_every_breakdown_adds_up_to_the_cent_and_nothing_is_negative(
    app, cart, rates, shipping, voucher, gross
):
    lines = [
        Line(
            Variant(
                i, regular, sale if sale and sale < regular else None, None, None, Product(cls)
            ),
            qty,
        )
        for i, (regular, qty, sale, cls) in enumerate(cart, start=1)
    ]
    tax = Rates({None: rates[0], 1: rates[1], 2: D("0")}, shipping_rate=rates[2])
    charge = ShippingCharge(1, "Post", shipping) if shipping else None

    breakdown = price(lines, tax=tax, shipping=charge, voucher=voucher, prices_include_tax=gross)

    assert breakdown.total == breakdown.subtotal + sum(a.amount for a in breakdown.adjustments)
    assert (
        breakdown.total
        == sum(item.taxed.gross for item in breakdown.lines) + breakdown.shipping_price
    )
    for item in breakdown.lines:
        assert D(0) <= item.discount <= item.line_total
        assert item.taxed.net + item.taxed.tax == item.taxed.gross
        assert min(item.taxed.net, item.taxed.tax) >= 0
    assert breakdown.total >= 0 and breakdown.tax >= 0
    for amount in (breakdown.total, breakdown.tax, breakdown.discount):
        assert amount == amount.quantize(D("0.01"))


@pytest.mark.parametrize("value", ["10", "33.33", "99.99"])
def test_a_voucher_discount_is_exactly_shared_out(value):
    voucher = VoucherTerms("X", "percentage", D(value), frozenset({1, 2, 3}))
    lines = [line("0.01", 1), line("19.99", 3, variant_id=2), line("7.77", 2, variant_id=3)]

    breakdown = price(lines, voucher=voucher)

    assert breakdown.discount == round_money(breakdown.subtotal * D(value) / 100)
