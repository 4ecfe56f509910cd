"""Staff export the filtered order list as CSV, streamed, every cell safe in a spreadsheet."""

import csv
import io

import pytest

from ecom.orders.export import COLUMNS, safe_cell
from tests.factories import make_address, make_order, make_product, make_user

EXPORT = "/api/v1/orders/export/"


def rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ann = Lee", "Ann = Lee"),
        (None, ""),
        (12, "12"),
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_starts_with_a_quote(value, cell):
    assert safe_cell(value) == cell


def test_the_export_holds_the_filtered_orders_with_formulas_defused(client, auth_headers, staff):
    mug = make_product(sku="MUG-1", price="8.00")
    hostile = make_user(email="=1+2@example.com")
    make_address(hostile, first_name="@SUM(A1)", last_name="-Lee")
    found = make_order(hostile, (mug, 2))
    make_order(make_user(), (make_product(sku="PLATE-1"), 1))

    response = client.get(EXPORT, query_string={"sku": "MUG-1"}, headers=auth_headers(staff))

    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert 'filename="orders.csv"' in response.headers["Content-Disposition"]
    [row] = rows(response)
    assert list(row) == list(COLUMNS)
    assert row["number"] == str(found.id)
    assert row["customer_email"] == "'=1+2@example.com"
    assert row["ship_to_name"] == "'@SUM(A1) -Lee"
    assert row["lines"] == "MUG-1x2" and row["total"] == str(found.total_amount)
    assert row["status"] == "pending" and row["payment_status"] == "unpaid"


def test_the_export_follows_the_list_ordering_and_refuses_bad_filters(
    client, auth_headers, staff, customer
):
    cheap = make_order(customer, (make_product(price="5.00"), 1))
    dear = make_order(customer, (make_product(price="50.00"), 1))
    headers = auth_headers(staff)

    by_total = rows(client.get(EXPORT, query_string={"ordering": "-total_amount"}, headers=headers))
    refused = client.get(EXPORT, query_string={"status": "lost"}, headers=headers)

    assert [row["number"] for row in by_total] == [str(dear.id), str(cheap.id)]
    assert refused.status_code == 400 and "status" in refused.json["errors"]["query"]


def test_customers_cannot_export(client, auth_headers, customer):
    assert client.get(EXPORT, headers=auth_headers(customer)).status_code == 403
