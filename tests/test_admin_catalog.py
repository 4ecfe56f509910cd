"""Back office products and categories: every write through the catalog service."""

import io

from PIL import Image
from sqlalchemy import select

from ecom.catalog.models import Category, Product
from ecom.extensions import db
from tests.factories import (
    admin_csrf_token,
    admin_login,
    make_category,
    make_order,
    make_product,
    make_sized_product,
)


def html(response) -> str:
    return response.get_data(as_text=True)


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def inline_edit(client, view: str, pk: int, **fields):
    data = {"list_form_pk": pk, "csrf_token": admin_csrf_token(client), **fields}
    return client.post(f"/admin/{view}/ajax/update/", data=data)


def test_inline_stock_edit_is_saved_through_the_service(client, staff):
    product = make_product(stock=3)
    admin_login(client, staff)

    response = inline_edit(client, "products", product.id, stock_quantity="12")

    assert response.status_code == 200
    assert fresh(Product, product.id).stock_quantity == 12


def test_a_negative_inline_stock_is_refused_with_the_service_message_and_nothing_written(
    client, staff
):
    product = make_product(stock=3)
    admin_login(client, staff)

    response = inline_edit(client, "products", product.id, stock_quantity="-4")

    assert response.status_code == 400
    assert "stock_quantity: Must be 0 or more." in html(response)
    assert fresh(Product, product.id).stock_quantity == 3


def test_the_active_flag_is_edited_inline(client, staff):
    product = make_product()
    admin_login(client, staff)

    response = inline_edit(client, "products", product.id, is_active="")

    assert response.status_code == 200
    assert fresh(Product, product.id).is_active is False


def test_the_product_list_searches_titles_and_slugs_and_filters_by_category(client, staff):
    phones, books = make_category("Phones"), make_category("Books")
    make_product(phones, title="Pocket phone")
    make_product(books, title="Pocket guide")
    admin_login(client, staff)

    by_title = html(client.get("/admin/products/?search=pocket"))
    by_slug = html(client.get("/admin/products/?search=pocket-guide"))
    by_category = html(
        client.get(f"/admin/products/?flt0_category_equals={phones.id}&search=pocket")
    )

    assert "Pocket phone" in by_title and "Pocket guide" in by_title
    assert "Pocket guide" in by_slug and "Pocket phone" not in by_slug
    assert "Pocket phone" in by_category and "Pocket guide" not in by_category


def test_the_product_list_filters_by_stock_and_active_flag(client, staff):
    low = make_product(title="Low lamp", stock=2)
    make_product(title="Full lamp", stock=50)
    hidden = make_product(title="Hidden lamp", stock=1, is_active=False)
    admin_login(client, staff)

    body = html(client.get("/admin/products/?flt0_stock_smaller_than=5&flt1_active_equals=1"))

    assert low.title in body
    assert "Full lamp" not in body and hidden.title not in body


def test_a_product_is_created_with_its_image_in_the_api_storage(client, staff):
    category = make_category("Lamps")
    admin_login(client, staff)

    response = client.post(
        "/admin/products/new/",
        data={
            "title": "Desk lamp",
            "description": "Bright.",
            "category": str(category.id),
            "price": "24.50",
            "stock_quantity": "5",
            "is_active": "y",
            "image_upload": (png(), "lamp.png"),
            "csrf_token": admin_csrf_token(client),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.title == "Desk lamp"))
    assert product.slug == "desk-lamp"
    assert product.image.startswith(f"products/{product.id}/")
    assert client.get(f"/media/{product.image}").status_code == 200
    assert f"/media/{product.image}" in html(client.get("/admin/products/"))
    assert f"/media/{product.image}" in html(client.get(f"/admin/products/edit/?id={product.id}"))
    api = client.get(f"/api/v1/products/{product.id}/").json
    assert api["image"].endswith(product.image)


def test_an_invalid_image_is_refused_with_a_message(client, staff):
    product = make_product()
    admin_login(client, staff)
    url = f"/admin/products/edit/?id={product.id}"

    response = client.post(
        url,
        data={
            "title": product.title,
            "category": str(product.category_id),
            "price": "10.00",
            "stock_quantity": "10",
            "is_active": "y",
            "image_upload": (io.BytesIO(b"not an image"), "x.png"),
            "csrf_token": admin_csrf_token(client),
        },
        content_type="multipart/form-data",
    )

    assert "Upload a valid JPEG, PNG or WebP image." in html(response)
    assert fresh(Product, product.id).image is None


def test_a_zero_price_is_refused_by_the_service_on_the_edit_form(client, staff):
    product = make_product(price="10.00")
    admin_login(client, staff)

    response = client.post(
        f"/admin/products/edit/?id={product.id}",
        data={
            "title": "Renamed",
            "category": str(product.category_id),
            "price": "0",
            "stock_quantity": "10",
            "csrf_token": admin_csrf_token(client),
        },
    )

    assert response.status_code == 200
    assert "price: Must be above 0." in html(response)
    assert fresh(Product, product.id).title != "Renamed"


def test_deleting_an_ordered_product_is_refused_with_a_message(client, staff, customer):
    product = make_product()
    make_order(customer, (product, 1))
    admin_login(client, staff)

    response = client.post(
        "/admin/products/delete/",
        data={"id": product.id, "csrf_token": admin_csrf_token(client)},
        follow_redirects=True,
    )

    assert "deactivate it instead" in html(response)
    assert fresh(Product, product.id) is not None


def test_a_category_is_created_under_a_parent(client, staff):
    parent = make_category("Audio")
    admin_login(client, staff)

    client.post(
        "/admin/categories/new/",
        data={
            "name": "Headphones",
            "parent": str(parent.id),
            "csrf_token": admin_csrf_token(client),
        },
    )

    child = db.session.scalar(select(Category).where(Category.name == "Headphones"))
    assert child.parent_id == parent.id
    assert child.slug == "headphones"


def test_moving_a_category_under_its_descendant_is_refused(client, staff):
    root = make_category("Home")
    child = make_category("Kitchen", parent=root)
    admin_login(client, staff)

    response = client.post(
        f"/admin/categories/edit/?id={root.id}",
        data={"name": "Home", "parent": str(child.id), "csrf_token": admin_csrf_token(client)},
    )

    assert html(response).count("cannot move under itself or its descendants") == 1
    assert fresh(Category, root.id).parent_id is None


def test_deleting_a_category_still_in_use_is_refused(client, staff):
    category = make_category("Garden")
    make_product(category)
    admin_login(client, staff)

    response = client.post(
        "/admin/categories/delete/",
        data={"id": category.id, "csrf_token": admin_csrf_token(client)},
        follow_redirects=True,
    )

    assert "Category still has 1 product(s)" in html(response)
    assert fresh(Category, category.id) is not None


def test_an_empty_category_is_deleted(client, staff):
    category = make_category("Empty")
    admin_login(client, staff)

    client.post(
        "/admin/categories/delete/",
        data={"id": category.id, "csrf_token": admin_csrf_token(client)},
    )

    assert fresh(Category, category.id) is None


def test_products_are_found_by_a_variants_sku_once_each(client, staff):
    tee = make_sized_product("S", "M", "L", title="Logo tee")
    make_product(title="Plain mug", sku="MUG-1")
    admin_login(client, staff)

    body = html(client.get("/admin/products/", query_string={"search": tee.variants[2].sku}))
    every_size = html(client.get("/admin/products/", query_string={"search": "logo tee"}))

    assert body.count(f'class="action-checkbox" value="{tee.id}"') == 1
    assert "Plain mug" not in body
    assert every_size.count('class="action-checkbox"') == 1
    assert "SKU" in body.split('name="search"')[1].split(">")[0]


def test_list_prices_carry_the_shops_currency(app, client, staff):
    make_sized_product("S", "M", title="Priced tee", price="15.00")
    currency = app.config["SHOP_CURRENCY"]
    admin_login(client, staff)

    products = html(client.get("/admin/products/?search=priced"))
    variants = html(client.get("/admin/variants/"))

    assert f"15.00 {currency}" in products
    assert f"Price ({currency})" in variants
