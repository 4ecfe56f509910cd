"""Live updates through the app's Socket.IO server (Flask-SocketIO's test client, on both
back ends: the in-process stream on SQLite, the Redis stream on PostgreSQL + Redis).

The tests commit for real: the server's task checks each connection's credentials in a
connection of its own, as in production."""

import time

import pytest

from ecom.common.events import record
from ecom.common.transactions import atomic
from ecom.orders import transitions
from ecom.orders.events import ORDER_STATUS_CHANGED
from tests.background import wait_for
from tests.factories import admin_session, bearer, login, make_order, make_product, make_user
from tests.fulfilments import make_carrier, paid_order, ship

pytestmark = [pytest.mark.committed, pytest.mark.usefixtures("embedded_jobs")]

ARRIVAL = 10


# The test clients a test opened, closed after it by the client itself (a disconnect the
# server starts runs its handler outside the request context the test client keeps).
OPENED: list = []


@pytest.fixture
def hub(app):
    hub = app.extensions["realtime.hub"]
    yield hub
    while OPENED:
        client = OPENED.pop()
        if client.is_connected():
            client.disconnect()
    # Flask-SocketIO's test client replaces how the server sends packets (into its queues):
    # real clients of later tests (a browser, a Python client) need the server's own again.
    for name in ("_send_packet", "_send_eio_packet"):
        vars(hub.socketio.server).pop(name, None)


def connect(hub, app, token=None, flask_client=None, **auth):
    auth = {"token": token, **auth} if token else auth
    client = hub.socketio.test_client(app, auth=auth, flask_test_client=flask_client)
    OPENED.append(client)
    return client


def events(client, name="event") -> list[dict]:
    return [message["args"][0] for message in client.get_received() if message["name"] == name]


def arrive(client, count=1, name="event") -> list[dict]:
    """Wait for ``count`` messages called ``name``; all that arrived by then."""
    seen = []
    wait_for(lambda: seen.extend(events(client, name)) or len(seen) >= count, ARRIVAL, name)
    return seen


def quiet(client, seconds=0.5) -> list[dict]:
    time.sleep(seconds)
    return events(client)


def test_a_connection_needs_a_valid_access_token(app, hub, client):
    customer = make_user()
    assert not connect(hub, app).is_connected()
    assert not connect(hub, app, "not-a-token").is_connected()
    refresh = login(client, customer)["refresh"]
    assert not connect(hub, app, refresh).is_connected()
    assert connect(hub, app, login(client, customer)["access"]).is_connected()


def test_a_customer_hears_of_their_own_orders_only_and_staff_of_every_order(app, hub, client):
    alice, bob, staff = make_user(), make_user(), make_user("staff")
    product = make_product(stock=5)
    alices = connect(hub, app, login(client, alice)["access"])
    bobs = connect(hub, app, login(client, bob)["access"])
    staffs = connect(hub, app, login(client, staff)["access"])

    order = make_order(alice, (product, 1))

    (placed,) = arrive(alices)
    assert placed["event"] == "order.placed"
    assert placed["data"] == {"order_id": order.id, "user_id": alice.id, "total": "10.00"}
    assert placed["id"] and placed["event_id"] and placed["occurred_at"]
    assert [e["data"]["order_id"] for e in arrive(staffs)] == [order.id]
    assert quiet(bobs) == []


def test_a_status_change_reaches_the_customer_with_its_new_state(app, hub, client):
    customer, staff = make_user(), make_user("staff")
    order = make_order(customer, (make_product(), 1))
    listening = connect(hub, app, login(client, customer)["access"])

    transitions.change_status(order.id, "paid", actor=staff)

    names = [(e["event"], e["data"]["to_status"]) for e in arrive(listening, 2)]
    assert ("order.status_changed", "paid") in names
    assert ("order.payment_status_changed", "paid") in names


def test_a_rolled_back_change_announces_nothing(app, hub, client):
    customer = make_user()
    order = make_order(customer, (make_product(), 1))
    listening = connect(hub, app, login(client, customer)["access"])
    with pytest.raises(RuntimeError), atomic():
        record(
            ORDER_STATUS_CHANGED,
            order_id=order.id,
            user_id=customer.id,
            from_status="pending",
            to_status="paid",
            changed_by_id=None,
        )
        raise RuntimeError("rolled back")
    assert quiet(listening) == []


def test_a_client_that_reconnects_receives_what_it_missed_in_order(app, hub, client):
    customer, staff = make_user(), make_user("staff")
    order = make_order(customer, (make_product(), 1))
    first = connect(hub, app, login(client, customer)["access"])
    transitions.change_status(order.id, "paid", actor=staff)
    last_seen = arrive(first, 2)[-1]["id"]
    first.disconnect()

    transitions.change_status(order.id, "processing", actor=staff)
    transitions.change_status(order.id, "shipped", actor=staff)

    again = connect(hub, app, login(client, customer)["access"], last_event_id=last_seen)
    missed = arrive(again, 2)
    assert [e["data"]["to_status"] for e in missed] == ["processing", "shipped"]
    assert missed[0]["id"] < missed[1]["id"] or len(missed[0]["id"]) < len(missed[1]["id"])


def test_a_last_event_id_older_than_the_stream_keeps_asks_for_a_resync(app, hub, client):
    customer = make_user()
    make_order(customer, (make_product(), 1))
    listening = connect(hub, app, login(client, customer)["access"], last_event_id="1-0")
    (resync,) = arrive(listening, name="resync")
    assert resync["oldest_event_id"]


def test_logging_out_ends_the_connection_at_its_next_event(app, hub, client):
    customer, staff = make_user(), make_user("staff")
    order = make_order(customer, (make_product(), 1))
    tokens = login(client, customer)
    listening = connect(hub, app, tokens["access"])
    watching = connect(hub, app, login(client, staff)["access"])
    logout = client.post(
        "/api/v1/auth/jwt/logout/",
        json={"refresh": tokens["refresh"]},
        headers=bearer(tokens["access"]),
    )
    assert logout.status_code == 204
    assert listening.is_connected()  # until something is to be sent

    transitions.change_status(order.id, "paid", actor=staff)

    arrive(watching, 2)
    wait_for(lambda: not listening.is_connected(), ARRIVAL, "the disconnection")


def test_the_back_office_session_of_staff_connects_and_hears_new_orders(app, hub, client):
    staff, customer = make_user("staff"), make_user()
    admin_session(client, staff)
    listening = connect(hub, app, flask_client=client)
    assert listening.is_connected()
    order = make_order(customer, (make_product(), 1))
    assert arrive(listening)[0]["data"]["order_id"] == order.id


def test_a_customers_back_office_session_is_refused(app, hub, client):
    admin_session(client, make_user())
    assert not connect(hub, app, flask_client=client).is_connected()


def test_a_parcel_reaches_its_customer_with_its_tracking_link(app, hub, client):
    customer, staff = make_user(), make_user("staff")
    order = paid_order(customer, staff, 2)
    listening = connect(hub, app, login(client, customer)["access"])

    ship(order, staff, make_carrier("Live Post"), 1, tracking="LP 42")

    heard = {event["event"]: event["data"] for event in arrive(listening, 2)}
    parcel = heard["fulfilment.created"]
    assert (parcel["order_id"], parcel["tracking_number"]) == (order.id, "LP 42")
    assert parcel["tracking_url"] == "https://track.example/parcels/LP%2042"
    assert heard["order.status_changed"]["to_status"] == "partially_shipped"
