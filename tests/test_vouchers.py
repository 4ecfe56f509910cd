"""Vouchers: found in any case, each condition refused with its own code, scoped cover,
and redemption counted."""

from datetime import timedelta
from decimal import Decimal

import pytest

from ecom.common.errors import Conflict
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.promotions import errors
from ecom.promotions import vouchers as service
from tests.factories import make_category, make_order, make_product, make_user


def voucher(**fields):
    return service.create_voucher(
        {"code": "save5", "kind": "fixed", "value": "5", "starts_at": utcnow(), **fields}
    )


def check(v, *, user_id=None, orders_placed=0, subtotal="50.00", quantity=1, at=None):
    service.check_voucher(
        v,
        user_id=user_id,
        orders_placed=orders_placed,
        subtotal=Decimal(subtotal),
        quantity=quantity,
        at=at or utcnow(),
    )


def test_a_code_is_found_in_any_case_and_stored_upper_cased():
    created = voucher(code="Welcome10")
    assert created.code == "WELCOME10"
    assert service.find_voucher(" welcome10 ").id == created.id


def test_an_unknown_code_is_a_409_voucher_not_found():
    with pytest.raises(errors.VoucherNotFound) as refused:
        service.find_voucher("NOPE")
    assert (refused.value.status, refused.value.code) == (409, "voucher_not_found")


def test_a_code_taken_in_another_case_is_refused():
    voucher(code="SAVE5")
    with pytest.raises(errors.VoucherCodeTaken):
        voucher(code="save5")


@pytest.mark.parametrize(
    ("fields", "situation", "code"),
    [
        ({"is_active": False}, {}, "voucher_not_active"),
        ({"starts_at": utcnow() + timedelta(days=1)}, {}, "voucher_not_active"),
        (
            {"starts_at": utcnow() - timedelta(days=2), "ends_at": utcnow() - timedelta(days=1)},
            {},
            "voucher_expired",
        ),
        ({"first_order_only": True}, {"orders_placed": 1}, "voucher_first_order_only"),
        ({"min_subtotal": "60.00"}, {"subtotal": "59.99"}, "voucher_min_subtotal"),
        ({"min_quantity": 3}, {"quantity": 2}, "voucher_min_quantity"),
    ],
)
def test_each_condition_is_refused_with_its_code(fields, situation, code):
    with pytest.raises(Conflict) as refused:
        check(voucher(**fields), **situation)
    assert (refused.value.status, refused.value.code) == (409, code)


def test_conditions_met_pass():
    check(voucher(min_subtotal="50.00", min_quantity=1, first_order_only=True))


def redeem(v, user, order, **fields):
    """As checkout does: in its transaction."""
    with atomic(keep_loaded=True):
        return service.redeem(
            v.id,
            user_id=user.id,
            order_id=order.id,
            orders_placed=0,
            subtotal=Decimal("50.00"),
            quantity=1,
            at=utcnow(),
            **fields,
        )


def test_redeeming_counts_and_the_usage_limits_then_refuse():
    customer, other = make_user(), make_user()
    product = make_product(stock=10)
    orders = [make_order(customer, (product, 1)) for _ in range(2)]
    other_order = make_order(other, (product, 1))
    v = voucher(usage_limit=2, usage_limit_per_customer=1)

    assert redeem(v, customer, orders[0]).used_count == 1
    with pytest.raises(Conflict) as refused:
        redeem(v, customer, orders[1])
    assert refused.value.code == "voucher_customer_limit"
    redeem(v, other, other_order)
    with pytest.raises(Conflict) as refused:
        check(v, user_id=make_user().id)
    assert refused.value.code == "voucher_exhausted"
    assert service.get_voucher(v.id).used_count == 2


def test_a_whole_order_voucher_covers_every_variant():
    assert service.voucher_covers(voucher(), make_product().variants[0])


def test_a_scoped_voucher_covers_its_products_and_categories_with_descendants():
    clothes = make_category("Clothes")
    shirts = make_category("Shirts", parent=clothes)
    shoes = make_category("Shoes")
    chosen, shirt, boot = make_product(shoes), make_product(shirts), make_product(shoes)
    v = voucher(scope="selection", product_ids=[chosen.id], category_ids=[clothes.id])

    covered = {p.title: service.voucher_covers(v, p.variants[0]) for p in (chosen, shirt, boot)}
    assert covered == {chosen.title: True, shirt.title: True, boot.title: False}


def test_a_used_voucher_is_not_deleted_but_an_unused_one_is():
    customer = make_user()
    used, unused = voucher(code="USED"), voucher(code="UNUSED")
    redeem(used, customer, make_order(customer, (make_product(), 1)))

    with pytest.raises(errors.VoucherInUse):
        service.delete_voucher(used.id)
    service.delete_voucher(unused.id)
    assert service.get_voucher(used.id).used_count == 1
