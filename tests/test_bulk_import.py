"""Bulk import: products with variants, prices and stock from CSV or XLSX, upserted by
SKU through the catalogue's services; every problem reported with row and column, and
nothing written while any row has one."""

import pytest
import tablib
from sqlalchemy import select

from ecom.catalog.models import Category
from ecom.extensions import db
from tests.bulk import HEADER, IMPORTS, csv_file, row_counts, upload, variant
from tests.factories import admin_session, make_category, make_product

SHIRTS = (
    "TEE-S,tee,Tee,Clothes/Shirts,12.50,3,Size=S",
    "TEE-M,tee,Tee,Clothes/Shirts,13.00,0,Size=M",
    "MUG-1,,Mug,Kitchen,8,10,",
)


@pytest.fixture
def staff_headers(auth_headers, staff):
    return auth_headers(staff)


def job_of(client, headers, response) -> dict:
    assert response.status_code == 202, response.json
    return client.get(f"{IMPORTS}{response.json['id']}/", headers=headers).json


def test_an_import_creates_products_with_their_variants_and_categories_by_path(
    client, staff_headers, embedded_jobs
):
    job = job_of(
        client,
        staff_headers,
        upload(client, staff_headers, csv_file(*SHIRTS), create_categories=True),
    )

    assert (job["state"], job["rows_done"], job["rows_total"]) == ("done", 3, 3)
    assert job["counts"] == {"created": 2}
    small, medium, mug = variant("TEE-S"), variant("TEE-M"), variant("MUG-1")
    assert small.product_id == medium.product_id != mug.product_id
    assert (small.named_values, medium.named_values) == ({"Size": "S"}, {"Size": "M"})
    tee = small.product
    assert [c.name for c in tee.category.path] == ["Clothes", "Shirts"]
    # The catalogue's summary: lowest price, units on sale over the variants.
    assert (str(tee.price), str(tee.price_max), tee.stock_quantity) == ("12.50", "13.00", 3)


def test_the_same_file_imported_twice_changes_nothing_the_second_time(
    client, staff_headers, embedded_jobs
):
    upload(client, staff_headers, csv_file(*SHIRTS), create_categories=True)
    before = {sku: variant(sku).updated_at for sku in ("TEE-S", "TEE-M", "MUG-1")}
    counts = row_counts()

    job = job_of(client, staff_headers, upload(client, staff_headers, csv_file(*SHIRTS)))

    assert (job["state"], job["counts"]) == ("done", {"unchanged": 2})
    assert {sku: variant(sku).updated_at for sku in before} == before
    assert row_counts()["products"] == counts["products"]


def test_an_import_updates_prices_and_stock_by_sku_through_the_catalogue(
    client, staff_headers, embedded_jobs
):
    product = make_product(make_category("Garden"), price="20.00", stock=1, title="Bench")
    sku = product.variants[0].sku
    data = csv_file(f"{sku},,Bench,Garden,18.00,7,", header=HEADER)

    job = job_of(client, staff_headers, upload(client, staff_headers, data))

    assert job["counts"] == {"updated": 1}
    updated = variant(sku)
    assert (str(updated.price), updated.stock_quantity) == ("18.00", 7)
    assert (str(updated.product.price), updated.product.stock_quantity) == ("18.00", 7)


BAD_ROWS = csv_file(
    "A-1,,Alpha,Kitchen,ten,1,",  # row 2: price
    "A-2,,Beta,Kitchen,5.00,-3,",  # row 3: negative stock
    "A-3,,Gamma,Nowhere/Else,5.00,2,",  # row 4: unknown category
    "A-2,,Delta,Kitchen,5.00,1,",  # row 5: duplicate SKU
    "A-4,,,Kitchen,5.001,x,",  # row 6: title, price, stock
)


def test_a_dry_run_reports_every_problem_with_its_row_column_and_code_and_writes_nothing(
    client, staff_headers, embedded_jobs
):
    make_category("Kitchen")
    counts = row_counts()

    response = upload(client, staff_headers, BAD_ROWS, dry_run=True)

    assert response.status_code == 200
    report = response.json
    assert (report["id"], report["dry_run"], report["state"]) == (None, True, "failed")
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (2, "price", "invalid_price"),
        (3, "stock", "negative_stock"),
        (4, "category", "unknown_category"),
        (5, "sku", "duplicate_sku"),
        (6, "title", "required"),
        (6, "price", "invalid_price"),
        (6, "stock", "invalid_stock"),
    ]
    assert report["errors_total"] == 7
    assert row_counts() == counts


def test_a_clean_dry_run_says_done_and_writes_nothing(client, staff_headers, embedded_jobs):
    counts = row_counts()

    response = upload(
        client, staff_headers, csv_file(*SHIRTS), dry_run=True, create_categories=True
    )

    assert (response.status_code, response.json["state"]) == (200, "done")
    assert response.json["errors"] == []
    assert row_counts() == counts


def test_a_real_run_with_one_bad_row_fails_and_writes_no_row(client, staff_headers, embedded_jobs):
    make_category("Kitchen")
    counts = row_counts()
    data = csv_file(
        "OK-1,,Fine,Kitchen,5.00,1,",
        "OK-2,,Also fine,Kitchen,5.00,1,",
        "BAD-1,,Broken,Kitchen,0,1,",
    )

    job = job_of(client, staff_headers, upload(client, staff_headers, data))

    assert (job["state"], job["rows_done"], job["errors_total"]) == ("failed", 0, 1)
    assert job["errors"][0] == {
        "row": 4,
        "column": "price",
        "code": "invalid_price",
        "message": job["errors"][0]["message"],
    }
    after = row_counts()
    assert (after["products"], after["product_variants"]) == (
        counts["products"],
        counts["product_variants"],
    )


def test_an_unknown_category_is_an_error_unless_the_request_creates_it(
    client, staff_headers, embedded_jobs
):
    data = csv_file("BK-1,,Whodunit,Books/Crime Novels,9.90,4,")

    refused = upload(client, staff_headers, data, dry_run=True)
    job = job_of(client, staff_headers, upload(client, staff_headers, data, create_categories=True))

    assert refused.json["errors"][0]["code"] == "unknown_category"
    assert job["state"] == "done"
    crime = db.session.scalar(select(Category).where(Category.name == "Crime Novels"))
    assert [c.name for c in crime.path] == ["Books", "Crime Novels"]


def test_an_xlsx_file_imports_like_a_csv(client, staff_headers, embedded_jobs):
    make_category("Kitchen")
    sheet = tablib.Dataset(headers=["sku", "title", "category", "price", "stock"])
    sheet.append(["X-1", "Kettle", "Kitchen", 24.5, 6])

    job = job_of(
        client,
        staff_headers,
        upload(client, staff_headers, sheet.export("xlsx"), name="kettles.xlsx"),
    )

    assert job["state"] == "done"
    assert (str(variant("X-1").price), variant("X-1").stock_quantity) == ("24.50", 6)


def test_a_stock_only_import_sets_each_skus_stock(client, staff_headers, embedded_jobs):
    product = make_product(stock=2)
    sku = product.variants[0].sku
    data = csv_file(f"{sku},40", header="sku,stock")

    job = job_of(client, staff_headers, upload(client, staff_headers, data, kind="stock"))
    unknown = upload(
        client, staff_headers, csv_file("NOPE,1", header="sku,stock"), kind="stock", dry_run=True
    )

    assert (job["state"], job["counts"]) == ("done", {"updated": 1})
    assert variant(sku).stock_quantity == 40
    assert unknown.json["errors"][0]["code"] == "unknown_sku"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"PK\x03\x04 not really a workbook", "products.xlsx", "malformed_file"),
        (b"\xff\xfe\x00garbage", "products.csv", "malformed_file"),
        (b"sku,title\nA,B,C,D\n", "products.csv", "malformed_file"),
        (b"sku,title,price\nA,B,1\n", "products.csv", "missing_columns"),
        (csv_file("A,,B,C,1,1,", header=HEADER + ",colour"), "products.csv", "unknown_columns"),
        (b"", "products.csv", "malformed_file"),
        (b"sku,stock\n", "products.txt", "unsupported_format"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_400_with_its_code_and_writes_nothing(
    client, staff_headers, data, name, code
):
    counts = row_counts()

    response = upload(client, staff_headers, data, name=name)

    assert (response.status_code, response.json["code"]) == (400, code)
    assert "file" in response.json["errors"]["files"]
    assert row_counts() == counts


class GigabyteBody:
    """A 1 GB request body that must not be read: it only knows its size."""

    size = 2**30

    def __init__(self) -> None:
        self.position = 0
        self.reads = 0

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> None:
        self.position = self.size if whence == 2 else offset

    def read(self, *_args) -> bytes:
        self.reads += 1
        raise AssertionError("the body was read")


def test_an_upload_announced_past_the_limit_is_refused_unread(client, staff_headers):
    body = GigabyteBody()

    response = client.post(
        IMPORTS,
        input_stream=body,
        headers={**staff_headers, "Content-Type": "multipart/form-data; boundary=x"},
    )

    assert (response.status_code, response.json["code"]) == (413, "upload_too_large")
    assert body.reads == 0


def test_a_file_past_the_limit_is_refused_after_a_bounded_read(
    app, client, staff_headers, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 100)
    counts = row_counts()

    response = upload(
        client, staff_headers, csv_file(*[f"S-{n},,T,Kitchen,1,1," for n in range(10)])
    )

    assert (response.status_code, response.json["code"]) == (413, "upload_too_large")
    assert row_counts() == counts


def test_a_large_import_writes_batch_by_batch_and_counts_every_row(
    app, client, staff_headers, embedded_jobs, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_BATCH_ROWS", 2)
    make_category("Kitchen")
    data = csv_file(*[f"K-{n},,Pot {n},Kitchen,{n + 1}.00,{n}," for n in range(5)])

    job = job_of(client, staff_headers, upload(client, staff_headers, data))

    assert (job["state"], job["rows_done"], job["counts"]) == ("done", 5, {"created": 5})
    assert [variant(f"K-{n}").stock_quantity for n in range(5)] == [0, 1, 2, 3, 4]


def test_the_back_office_lists_each_import_with_its_progress_and_problems(
    client, staff, staff_headers, embedded_jobs
):
    make_category("Kitchen")
    upload(client, staff_headers, csv_file("P-1,,Pan,Kitchen,5.00,1,"))
    upload(client, staff_headers, csv_file("P-2,,Pan,Kitchen,5.00,-1,"))
    admin_session(client, staff)

    page = client.get("/admin/bulk-jobs/").get_data(as_text=True)

    assert "1 / 1" in page and "0 / 1" in page
    assert "row 2 stock: negative_stock" in page
