"""Fulfilment's rules: units ship once, in parts; the order's status and its lines'
counters follow; refusals write nothing."""

from collections import defaultdict

import pytest
from sqlalchemy import func, select, update

from ecom.common.errors import DomainError
from ecom.common.events import When
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from ecom.fulfilment import emails, services
from ecom.fulfilment.events import FULFILMENT_CREATED, FULFILMENT_DELIVERED
from ecom.fulfilment.models import Carrier, Fulfilment
from ecom.orders import transitions
from ecom.orders.models import ORDER_STATUSES, Order, OrderItem
from ecom.orders.transitions import StatusFollowsUnits
from tests.factories import run_seed
from tests.fulfilments import make_carrier, paid_order, ship


@pytest.fixture
def carrier():
    return make_carrier("Parcelforce")


def fresh(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def counters(order) -> list[tuple[int, int]]:
    return [(item.quantity_fulfilled, item.quantity_delivered) for item in fresh(order).items]


def statuses(order) -> list[str]:
    return [change.to_status for change in fresh(order).history]


def fulfilments_of(order) -> int:
    query = select(func.count(Fulfilment.id)).where(Fulfilment.order_id == order.id)
    return db.session.scalar(query)


def mails() -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.handler == emails.SHIPPED))
    )


def refused(code: str, call) -> DomainError:
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.code == code
    return error.value


def test_some_units_make_the_order_partially_shipped_and_the_rest_shipped(customer, staff, carrier):
    order = paid_order(customer, staff, 3, 1)

    first = ship(order, staff, carrier, 2, 0, tracking="AB 1")
    assert fresh(order).status == "partially_shipped"
    assert counters(order) == [(2, 0), (0, 0)]
    assert first.tracking_url == "https://track.example/parcels/AB%201"

    ship(order, staff, carrier, 1, 1)
    assert fresh(order).status == "shipped"
    assert counters(order) == [(3, 0), (1, 0)]
    assert statuses(order) == ["pending", "paid", "partially_shipped", "shipped"]
    assert "Parcelforce" in fresh(order).history[-1].note


def test_one_parcel_of_every_unit_ships_a_processing_order_at_once(customer, staff, carrier):
    order = paid_order(customer, staff, 2, statuses=("paid", "processing"))

    ship(order, staff, carrier, 2)

    assert statuses(order)[-2:] == ["processing", "shipped"]


def test_a_line_named_twice_ships_the_sum(customer, staff, carrier):
    order = paid_order(customer, staff, 3)
    line = order.items[0].id
    data = {
        "carrier": carrier.id,
        "tracking_number": "X1",
        "lines": [{"line": line, "quantity": 1}, {"line": line, "quantity": 1}],
    }

    fulfilment = services.create_fulfilment(order.id, data, actor=staff)

    assert fulfilment.quantities == {line: 2}
    assert counters(order) == [(2, 0)]


def test_more_units_than_left_are_refused_and_nothing_is_written(customer, staff, carrier):
    order = paid_order(customer, staff, 3, 2)
    ship(order, staff, carrier, 2, 0)

    error = refused("units_exceed_remaining", lambda: ship(order, staff, carrier, 2, 1))

    assert error.status == 409
    assert error.errors == {
        "lines": [f"Line {order.items[0].id} has 1 unit(s) left to ship; 2 asked."]
    }
    assert counters(order) == [(2, 0), (0, 0)]
    assert (fulfilments_of(order), len(mails()), fresh(order).status) == (1, 1, "partially_shipped")


def test_a_shipped_order_has_nothing_left_to_ship(customer, staff, carrier):
    order = paid_order(customer, staff, 1)
    ship(order, staff, carrier, 1)

    refused("order_not_shippable", lambda: ship(order, staff, carrier, 1))


def test_an_unknown_carrier_is_404_and_writes_nothing(customer, staff):
    order = paid_order(customer, staff, 2)
    data = {
        "carrier": 999_999,
        "tracking_number": "X1",
        "lines": [{"line": order.items[0].id, "quantity": 1}],
    }

    error = refused(
        "carrier_not_found", lambda: services.create_fulfilment(order.id, data, actor=staff)
    )

    assert error.status == 404 and error.errors == {"carrier": ["Carrier not found."]}
    assert (counters(order), fulfilments_of(order), fresh(order).status) == ([(0, 0)], 0, "paid")


def test_a_line_of_another_order_is_404(customer, staff, carrier):
    order, other = paid_order(customer, staff, 2), paid_order(customer, staff, 2)
    data = {
        "carrier": carrier.id,
        "tracking_number": "X1",
        "lines": [{"line": other.items[0].id, "quantity": 1}],
    }

    refused("order_line_not_found", lambda: services.create_fulfilment(order.id, data, actor=staff))

    assert counters(other) == [(0, 0)] and fulfilments_of(order) == 0


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ((), "order_unpaid"),
        (("cancelled",), "order_not_shippable"),
        (("paid", "cancelled"), "order_not_shippable"),
    ],
)
def test_an_unpaid_or_cancelled_order_does_not_ship(customer, staff, carrier, path, code):
    order = paid_order(customer, staff, 2, statuses=path)

    refused(code, lambda: ship(order, staff, carrier, 1))

    assert counters(order) == [(0, 0)] and fulfilments_of(order) == 0 and mails() == []


def test_a_delivered_parcel_counts_its_units_and_the_last_one_delivers_the_order(
    customer, staff, carrier
):
    order = paid_order(customer, staff, 2, 1)
    first = ship(order, staff, carrier, 1, 1)
    services.deliver_fulfilment(order.id, first.id, actor=staff)
    assert counters(order) == [(1, 1), (1, 1)] and fresh(order).status == "partially_shipped"
    assert fresh(order).items[0].delivered_at is not None

    second = ship(order, staff, carrier, 1, 0)
    assert fresh(order).status == "shipped"
    services.deliver_fulfilment(order.id, second.id, actor=staff)

    assert counters(order) == [(2, 2), (1, 1)]
    assert statuses(order)[-2:] == ["shipped", "delivered"]
    refused(
        "fulfilment_already_delivered",
        lambda: services.deliver_fulfilment(order.id, second.id, actor=staff),
    )


def test_delivering_the_whole_order_delivers_every_parcel(customer, staff, carrier):
    order = paid_order(customer, staff, 2, 1)
    ship(order, staff, carrier, 1, 1)
    ship(order, staff, carrier, 1, 0)

    delivered = services.deliver_order(order.id, actor=staff)

    assert all(f.delivered_at for f in delivered) and len(delivered) == 2
    assert counters(order) == [(2, 2), (1, 1)] and fresh(order).status == "delivered"
    refused("fulfilment_already_delivered", lambda: services.deliver_order(order.id, actor=staff))


def test_a_fulfilment_of_another_order_is_not_found(customer, staff, carrier):
    order, other = paid_order(customer, staff, 1), paid_order(customer, staff, 1)
    parcel = ship(other, staff, carrier, 1)

    refused(
        "fulfilment_not_found",
        lambda: services.deliver_fulfilment(order.id, parcel.id, actor=staff),
    )


def test_the_whole_order_marked_shipped_ships_every_unit_left(customer, staff, carrier):
    order = paid_order(customer, staff, 3, 2)
    ship(order, staff, carrier, 1, 0)

    transitions.change_status(order.id, "shipped", actor=staff)

    assert counters(order) == [(3, 0), (2, 0)]


def test_the_whole_order_marked_delivered_delivers_every_unit_and_parcel(customer, staff, carrier):
    order = paid_order(customer, staff, 3, statuses=("paid", "processing"))
    parcel = ship(order, staff, carrier, 3)

    transitions.change_status(order.id, "delivered", actor=staff)

    assert counters(order) == [(3, 3)]
    db.session.expire_all()
    assert db.session.get(Fulfilment, parcel.id).delivered_at is not None
    assert fresh(order).items[0].delivered_at is not None


def test_shipping_as_one_block_keeps_the_counters_too(customer, staff):
    order = paid_order(customer, staff, 2, statuses=("paid", "processing", "shipped"))
    assert counters(order) == [(2, 0)]

    transitions.change_status(order.id, "delivered", actor=staff)

    assert counters(order) == [(2, 2)]


def test_partially_shipped_is_never_set_by_hand_and_never_cancelled(customer, staff, carrier):
    order = paid_order(customer, staff, 2)
    with pytest.raises(StatusFollowsUnits):
        transitions.change_status(order.id, "partially_shipped", actor=staff)
    ship(order, staff, carrier, 1)

    refused(
        "invalid_transition", lambda: transitions.change_status(order.id, "cancelled", actor=staff)
    )

    assert fresh(order).status == "partially_shipped"


def test_cancelling_puts_back_only_what_never_shipped(customer, staff):
    order = paid_order(customer, staff, 3)
    product = order.items[0].product
    before = product.variants[0].stock_quantity
    # One unit of the line left (written directly: the rule holds whatever path led here).
    shipped_one = update(OrderItem).where(OrderItem.order_id == order.id)
    db.session.execute(shipped_one.values(quantity_fulfilled=1))

    transitions.change_status(order.id, "cancelled", actor=staff)

    db.session.expire_all()
    assert product.variants[0].stock_quantity == before + 2


def test_each_parcel_writes_its_tracking_e_mail_to_the_outbox(customer, staff, carrier):
    order = paid_order(customer, staff, 2)
    parcel = ship(order, staff, carrier, 1, tracking="1Z999")

    [row] = mails()
    assert row.key == f"fulfilment.shipped:{parcel.id}"
    assert row.payload["email"] == customer.email
    assert row.payload["tracking_url"] == "https://track.example/parcels/1Z999"
    assert row.payload["lines"][0]["quantity"] == 1


def test_the_seed_writes_carriers_and_counters_that_follow_each_status(app):
    run_seed(app, "--products", "20", "--users", "4", "--orders", "40", "--reviews", "0")

    assert {c.name for c in db.session.scalars(select(Carrier))} == {"DHL", "UPS", "Royal Mail"}
    seen = set()
    for order in db.session.scalars(select(Order)):
        units = sum(item.quantity for item in order.items)
        shipped = sum(item.quantity_fulfilled for item in order.items)
        delivered = sum(item.quantity_delivered for item in order.items)
        expected_shipped = {"shipped": units, "delivered": units}.get(order.status, 0)
        if order.status == "partially_shipped":
            assert 0 < shipped < units, order.id
        else:
            assert shipped == expected_shipped, order.id
        assert delivered == (units if order.status == "delivered" else 0), order.id
        seen.add(order.status)
    assert seen == set(ORDER_STATUSES)


@pytest.fixture
def heard(app, monkeypatch):
    """The payloads of fulfilment's events, as an after-commit listener hears them."""
    listeners = app.extensions["events"]
    subscriptions = {name: list(each) for name, each in listeners._subscriptions.items()}
    monkeypatch.setattr(listeners, "_subscriptions", defaultdict(list, subscriptions))
    payloads = []
    for kind in (FULFILMENT_CREATED, FULFILMENT_DELIVERED):
        listeners.on(
            kind,
            lambda event: payloads.append((event.name, dict(event.payload))),
            when=When.AFTER_COMMIT,
        )
    return payloads


def test_a_parcel_tells_what_left_and_where_to_follow_it(customer, staff, carrier, heard):
    order = paid_order(customer, staff, 2)
    parcel = ship(order, staff, carrier, 1, tracking="1Z9")

    assert heard == [
        (
            "fulfilment.created",
            {
                "order_id": order.id,
                "user_id": customer.id,
                "fulfilment_id": parcel.id,
                "lines": [{"line_id": order.items[0].id, "sku": order.items[0].sku, "quantity": 1}],
                "carrier_id": carrier.id,
                "carrier": "Parcelforce",
                "tracking_number": "1Z9",
                "tracking_url": "https://track.example/parcels/1Z9",
            },
        )
    ]


def test_parcels_delivered_with_their_whole_order_say_so(customer, staff, carrier, heard):
    order = paid_order(customer, staff, 2)
    first, second = ship(order, staff, carrier, 1), ship(order, staff, carrier, 1)
    services.deliver_fulfilment(order.id, first.id, actor=staff)
    heard.clear()

    transitions.change_status(order.id, "delivered", actor=staff)

    delivered = {"order_id": order.id, "user_id": customer.id, "fulfilment_id": second.id}
    assert heard == [("fulfilment.delivered", delivered)]
