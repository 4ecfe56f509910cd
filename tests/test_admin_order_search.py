"""Back office: the order list's filters are the API's, its Export streams the API's CSV
of what is listed, and the order page shows and takes staff's internal notes."""

import csv
import io

import pytest

from ecom.orders import notes
from tests.factories import admin_csrf_token, admin_login, make_order, make_product, make_user

LIST = "/admin/orders/"


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def orders(staff):
    ann = make_user(email="ann@shop.example")
    mug = make_product(sku="MUG-1", price="8.00")
    plate = make_product(sku="PLATE-1", price="30.00")
    return {
        "ann_mug": make_order(ann, (mug, 1), statuses=["paid"], actor=staff).id,
        "ann_plate": make_order(ann, (plate, 2)).id,
        "bob_plate": make_order(make_user(email="=bob@example.com"), (plate, 1)).id,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("flt0_payment_equals=paid", {"ann_mug"}),
        ("flt0_customer_email_equals=ANN@shop.example", {"ann_mug", "ann_plate"}),
        ("flt0_customer_email_starts_with=an", {"ann_mug", "ann_plate"}),
        ("flt0_sku_equals=PLATE-1", {"ann_plate", "bob_plate"}),
        ("flt0_total_at_least=40&flt1_total_at_most=70", {"ann_plate"}),
        ("flt0_sku_equals=PLATE-1&flt1_customer_email_starts_with=ann", {"ann_plate"}),
        ("flt0_status_equals=paid", {"ann_mug"}),
    ],
)
def test_the_list_filters_through_the_order_search(client, staff, orders, query, expected):
    admin_login(client, staff)

    body = html(client.get(f"{LIST}?{query}"))

    listed = {
        name for name, id_ in orders.items() if f'class="action-checkbox" value="{id_}"' in body
    }
    assert listed == expected


def test_a_filter_value_the_api_refuses_is_flashed_and_ignored(client, staff, orders):
    admin_login(client, staff)

    body = html(client.get(f"{LIST}?flt0_total_at_least=lots"))

    assert "Invalid Filter Value: lots" in body
    assert all(f'class="action-checkbox" value="{id_}"' in body for id_ in orders.values())


def test_export_streams_the_listed_orders_as_the_api_csv(client, staff, orders):
    admin_login(client, staff)

    response = client.get(f"{LIST}export/csv/?flt0_sku_equals=PLATE-1&search=example.com")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    [row] = list(csv.DictReader(io.StringIO(html(response))))
    assert row["number"] == str(orders["bob_plate"])
    assert row["customer_email"] == "'=bob@example.com"


def test_the_order_page_shows_notes_and_takes_new_ones(client, staff, admin, orders):
    order_id = orders["ann_mug"]
    notes.add_note(order_id, admin, "Left the parcel at the depot.")
    admin_login(client, staff)

    added = client.post(
        f"{LIST}notes/",
        data={
            "order_id": order_id,
            "body": "Customer called.",
            "csrf_token": admin_csrf_token(client),
        },
        follow_redirects=True,
    )
    blank = client.post(
        f"{LIST}notes/",
        data={"order_id": order_id, "body": "  ", "csrf_token": admin_csrf_token(client)},
        follow_redirects=True,
    )

    page = html(added)
    assert "Note added." in page and "Left the parcel at the depot." in page
    assert admin.email in page and staff.email in page
    assert "Must not be blank." in html(blank)
    assert [note.body for note in notes.order_notes(order_id)] == [
        "Left the parcel at the depot.",
        "Customer called.",
    ]
