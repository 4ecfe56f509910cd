"""Bulk export: products (the import's columns), orders by date with their lines and
customers, as CSV or XLSX jobs downloadable by staff, with formula cells escaped."""

import csv
import io
from datetime import timedelta

import pytest
import tablib
from sqlalchemy import update

from ecom.common.models import utcnow
from ecom.extensions import db
from ecom.orders.models import Order
from tests.bulk import EXPORTS, upload
from tests.factories import make_category, make_order, make_product, make_sized_product


@pytest.fixture
def staff_headers(auth_headers, staff):
    return auth_headers(staff)


def export(client, headers, **body) -> tuple[dict, bytes]:
    created = client.post(EXPORTS, json=body, headers=headers)
    assert created.status_code == 202, created.json
    job = client.get(f"{EXPORTS}{created.json['id']}/", headers=headers).json
    assert job["state"] == "done", job
    download = client.get(job["download_url"], headers=headers)
    assert download.status_code == 200
    return job, download.data


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode())))


def test_a_products_export_has_a_row_per_variant_and_imports_back_unchanged(
    client, staff_headers, embedded_jobs
):
    make_sized_product("S", "M", title="Tee", price="12.00")
    make_product(make_category("Garden"), title="Bench", price="99.90", stock=4)

    job, data = export(client, staff_headers, kind="products", format="csv")
    rows = csv_rows(data)

    assert job["rows_total"] == len(rows) == 3
    tee = [row for row in rows if row["title"] == "Tee"]
    assert sorted(row["options"] for row in tee) == ["Size=M", "Size=S"]
    again = upload(client, staff_headers, data, name="products.csv")
    imported = client.get(f"/api/v1/imports/{again.json['id']}/", headers=staff_headers).json
    assert (imported["state"], imported["counts"]) == ("done", {"unchanged": 2})


def test_cells_a_spreadsheet_would_run_as_formulas_are_escaped_and_import_back(
    client, staff_headers, embedded_jobs
):
    formula = '=HYPERLINK("http://evil.example","click")'
    product = make_product(title=formula, description="@SUM(1+1)\t-2")

    _job, data = export(client, staff_headers, kind="products", format="csv")
    (row,) = csv_rows(data)

    assert row["title"] == "'" + formula
    assert row["description"] == "'@SUM(1+1)\t-2"
    again = upload(client, staff_headers, data, name="products.csv")
    imported = client.get(f"/api/v1/imports/{again.json['id']}/", headers=staff_headers).json
    assert imported["counts"] == {"unchanged": 1}
    db.session.refresh(product)
    assert product.title == formula


def test_an_orders_export_has_a_row_per_line_of_the_orders_in_the_date_range(
    client, staff_headers, embedded_jobs, customer
):
    product = make_product(title="Lamp", price="30.00")
    recent = make_order(customer, (product, 2))
    old = make_order(customer, (product, 1))
    db.session.execute(
        update(Order).where(Order.id == old.id).values(created_at=utcnow() - timedelta(days=40))
    )
    db.session.commit()
    since = (utcnow() - timedelta(days=1)).date().isoformat()

    _job, data = export(client, staff_headers, kind="orders", format="xlsx", date_from=since)
    sheet = tablib.Dataset().load(data, format="xlsx")

    assert [(row[0], row[6], row[9]) for row in sheet] == [(recent.id, product.variants[0].sku, 2)]
    assert sheet.headers[:5] == [
        "order_id",
        "created_at",
        "status",
        "payment_status",
        "customer_email",
    ]


def test_a_customers_export_lists_customers_only(client, staff_headers, embedded_jobs, customer):
    _job, data = export(client, staff_headers, kind="customers", format="csv")

    assert [row["email"] for row in csv_rows(data)] == [customer.email]


def test_an_export_not_done_cannot_be_downloaded(client, staff_headers, queue_down):
    created = client.post(EXPORTS, json={"kind": "customers"}, headers=staff_headers)

    response = client.get(f"{EXPORTS}{created.json['id']}/file/", headers=staff_headers)

    assert created.json["state"] == "queued"
    assert (response.status_code, response.json["code"]) == (409, "export_not_ready")


def test_dates_are_for_orders_only(client, staff_headers):
    body = {"kind": "customers", "date_from": "2026-01-01"}

    response = client.post(EXPORTS, json=body, headers=staff_headers)

    assert (response.status_code, response.json["code"]) == (400, "validation_error")
    assert "date_from" in response.json["errors"]["json"]
