"""Back office tax classes and rates, and a product's tax class: every write through the
tax and catalog services."""

from decimal import Decimal

from sqlalchemy import func, select

from ecom.catalog.models import Product
from ecom.extensions import db
from ecom.tax import services as tax
from ecom.tax.models import TaxClass, TaxRate
from tests.factories import admin_csrf_token, admin_login, make_product


def html(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_first_class_created_in_the_back_office_is_the_default(client, staff):
    admin_login(client, staff)

    response = client.post(
        "/admin/tax-classes/new/",
        data={"name": "Standard", "csrf_token": admin_csrf_token(client)},
    )

    assert response.status_code == 302
    assert tax.default_class().name == "Standard"
    assert "Standard" in html(client.get("/admin/tax-classes/"))


def test_deleting_the_default_class_is_refused_with_a_message(client, staff):
    standard = tax.create_class({"name": "Standard"})
    admin_login(client, staff)

    response = client.post(
        "/admin/tax-classes/delete/",
        data={"id": standard.id, "csrf_token": admin_csrf_token(client)},
        follow_redirects=True,
    )

    assert "This is the default tax class" in html(response)
    assert count(TaxClass) == 1


def test_a_rate_is_created_for_a_class_or_for_shipping(client, staff):
    standard = tax.create_class({"name": "Standard"})
    admin_login(client, staff)

    for tax_class in (str(standard.id), "__None"):
        client.post(
            "/admin/tax-rates/new/",
            data={
                "country": "de",
                "region": "",
                "tax_class": tax_class,
                "rate": "19",
                "csrf_token": admin_csrf_token(client),
            },
        )

    rates = db.session.scalars(select(TaxRate).order_by(TaxRate.id)).all()
    assert [(r.country, r.tax_class_id, r.rate) for r in rates] == [
        ("DE", standard.id, Decimal("19.000")),
        ("DE", None, Decimal("19.000")),
    ]


def test_a_rate_above_100_percent_is_refused_by_the_service(client, staff):
    standard = tax.create_class({"name": "Standard"})
    admin_login(client, staff)

    response = client.post(
        "/admin/tax-rates/new/",
        data={
            "country": "DE",
            "tax_class": str(standard.id),
            "rate": "120",
            "csrf_token": admin_csrf_token(client),
        },
    )

    assert "rate: A percentage from 0 to 100." in html(response)
    assert count(TaxRate) == 0


def test_a_products_tax_class_is_set_on_its_edit_form(client, staff):
    tax.create_class({"name": "Standard"})
    reduced = tax.create_class({"name": "Reduced"})
    product = make_product(price="10.00")
    admin_login(client, staff)
    url = f"/admin/products/edit/?id={product.id}"

    response = client.post(
        url,
        data={
            "title": product.title,
            "category": str(product.category_id),
            "tax_class_id": str(reduced.id),
            "price": "10.00",
            "stock_quantity": "10",
            "is_active": "y",
            "csrf_token": admin_csrf_token(client),
        },
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Product, product.id).tax_class_id == reduced.id
    assert f'<option selected value="{reduced.id}">Reduced</option>' in html(client.get(url))
