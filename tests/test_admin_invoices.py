"""Invoices and credit notes in the back office: read-only lists with their PDFs, and the
order page's link to its invoice; PDFs stored on S3 as on local disk."""

import boto3
import pytest

from ecom.invoices import rendering
from tests.factories import admin_session, token_headers
from tests.invoices import german_order, german_shop, invoice_of, pay_by_hand, pdf_text
from tests.test_catalog_images import s3_endpoint  # noqa: F401  (the moto S3 server)

pytestmark = pytest.mark.usefixtures("embedded_jobs")
BUCKET = "ecom-test-invoices"


@pytest.fixture
def paid_order(customer, staff):
    order = german_order(customer, german_shop())
    pay_by_hand(order, staff)
    return order


def test_staff_list_invoices_and_download_their_pdf(client, staff, paid_order):
    invoice = invoice_of(paid_order)
    admin_session(client, staff)

    listing = client.get("/admin/invoices/").get_data(as_text=True)
    assert invoice.number in listing
    pdf = client.get(f"/admin/invoices/{invoice.id}/pdf/")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f"Invoice {invoice.number}" in pdf_text(pdf.data)
    assert client.get("/admin/invoices/new/").status_code != 200


def test_the_order_page_links_to_its_invoice(client, staff, paid_order):
    invoice = invoice_of(paid_order)
    admin_session(client, staff)
    page = client.get(f"/admin/orders/details/?id={paid_order.id}").get_data(as_text=True)
    assert f'href="/admin/invoices/{invoice.id}/pdf/">{invoice.number}</a>' in page


def test_customers_are_kept_out_of_the_back_office_documents(client, customer, paid_order):
    admin_session(client, customer)
    invoice = invoice_of(paid_order)
    assert client.get(f"/admin/invoices/{invoice.id}/pdf/").status_code in (302, 403)


@pytest.fixture
def s3(app, s3_endpoint, monkeypatch):  # noqa: F811
    settings = {
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test-secret",
        "S3_OBJECT_ACL": "public-read",
    }
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    client = boto3.client(
        "s3",
        region_name=app.config["S3_REGION"],
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_on_s3_the_pdf_is_a_private_object_the_api_reads_back(client, customer, staff, s3):
    order = german_order(customer, german_shop())
    pay_by_hand(order, staff)
    invoice = invoice_of(order)

    stored = s3.get_object(Bucket=BUCKET, Key=invoice.file_key)
    assert stored["ContentType"] == "application/pdf"
    grants = s3.get_object_acl(Bucket=BUCKET, Key=invoice.file_key)["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI", "").endswith("AllUsers")]
    response = client.get(f"/api/v1/orders/{order.id}/invoice/", headers=token_headers(customer))
    assert response.data == stored["Body"].read() == rendering.read_pdf(invoice)
    assert invoice.number in pdf_text(response.data)
