"""Back office variants and options: the product page and the Variants list write through
the catalog's rules, so the product's summary stays right and refusals are messages."""

from decimal import Decimal

from sqlalchemy import select

from ecom.cart import services as cart
from ecom.catalog import options, variants
from ecom.catalog.models import Product, ProductVariant
from ecom.extensions import db
from ecom.orders import placing
from tests.factories import (
    admin_csrf_token,
    admin_login,
    make_address,
    make_product,
    statements,
)


def html(response) -> str:
    return response.get_data(as_text=True)


def fresh_product(product_id: int) -> Product:
    db.session.expire_all()
    return db.session.get(Product, product_id)


def shirt(**fields) -> Product:
    """A product in sizes S and M: S at 20.00 (5 units), M at 24.00 (7 units)."""
    product = make_product(title="Linen shirt", price="20.00", stock=5, sku="SHIRT-S", **fields)
    options.create_option(product.id, {"name": "Size", "values": ["S", "M"]})
    variants.create_variant(
        product.id,
        {
            "sku": "SHIRT-M",
            "price": Decimal("24.00"),
            "stock_quantity": 7,
            "options": {"Size": "M"},
        },
    )
    return fresh_product(product.id)


def variant(sku: str) -> ProductVariant:
    db.session.expire_all()
    return db.session.scalar(select(ProductVariant).where(ProductVariant.sku == sku))


def post(client, url: str, **fields):
    return client.post(
        url, data={"csrf_token": admin_csrf_token(client), **fields}, follow_redirects=True
    )


def variant_fields(**fields) -> dict:
    return {"sku": "SHIRT-M", "price": "24.00", "stock_quantity": "7", "is_active": "y", **fields}


def row(item: ProductVariant, **fields) -> dict:
    """A variant's row of the product page as the browser posts it, ``fields`` changed."""
    values = {
        "sku": item.sku,
        "price": str(item.price),
        "stock_quantity": str(item.stock_quantity),
        "weight_grams": "" if item.weight_grams is None else str(item.weight_grams),
        **({"is_active": "y"} if item.is_active else {}),
        **{f"option-{value.option_id}": value.value for value in item.values},
        **fields,
    }
    return {f"variant-{item.id}-{name}": value for name, value in values.items()}


def save_page(client, product: Product, *rows: dict, **fields):
    """The product page's Save (and continue editing), its variant rows as posted."""
    data = {
        "title": product.title,
        "description": product.description or "",
        "category": product.category_id,
        "is_active": "y",
        "_continue_editing": "Save and Continue Editing",
        **fields,
    }
    for posted in rows:
        data |= posted
    return post(client, f"/admin/products/edit/?id={product.id}", **data)


def inline_edit(client, pk: int, **fields):
    data = {"list_form_pk": pk, "csrf_token": admin_csrf_token(client), **fields}
    return client.post("/admin/variants/ajax/update/", data=data)


def test_the_product_page_shows_its_options_and_variants_without_product_price_or_stock(
    client, staff
):
    product = shirt()
    admin_login(client, staff)

    body = html(client.get(f"/admin/products/edit/?id={product.id}"))

    assert 'value="SHIRT-S"' in body and 'value="SHIRT-M"' in body
    assert body.count('class="form-row align-items-end mb-2 variant-row"') == 2
    assert 'value="S, M"' in body
    assert 'name="price" type="text"' not in body and 'id="stock_quantity"' not in body
    assert "20.00 – 24.00" in body
    assert f"/admin/variants/?flt0_product_equals={product.id}" in body


def test_a_single_variant_product_keeps_price_and_stock_on_its_form(client, staff):
    product = make_product(stock=4)
    admin_login(client, staff)

    body = html(client.get(f"/admin/products/edit/?id={product.id}"))

    assert 'id="stock_quantity"' in body and 'id="price"' in body
    assert body.count("variant-row") == 1


def test_saving_a_product_with_several_variants_keeps_their_prices_and_stock(client, staff):
    product = shirt()
    admin_login(client, staff)

    response = post(
        client,
        f"/admin/products/edit/?id={product.id}",
        title="Linen shirt, washed",
        category=str(product.category_id),
        is_active="y",
    )

    assert response.status_code == 200
    saved = fresh_product(product.id)
    assert saved.title == "Linen shirt, washed"
    assert (saved.price, saved.price_max, saved.stock_quantity) == (
        Decimal("20.00"),
        Decimal("24.00"),
        12,
    )


def test_a_variant_row_edited_is_saved_by_the_pages_save_with_the_products_summary(client, staff):
    product = shirt()
    admin_login(client, staff)
    small, medium = variant("SHIRT-S"), variant("SHIRT-M")

    response = save_page(
        client,
        product,
        row(small),
        row(medium, price="30.00", stock_quantity="1", weight_grams="250"),
        title="Linen shirt II",
    )

    assert "Record was successfully saved." in html(response)
    assert f'name="variant-{medium.id}-price" value="30.00"' in html(response)
    assert fresh_product(product.id).title == "Linen shirt II"
    assert (variant("SHIRT-M").price, variant("SHIRT-M").weight_grams) == (Decimal("30.00"), 250)
    saved = fresh_product(product.id)
    assert (saved.price_max, saved.stock_quantity) == (Decimal("30.00"), 6)


def test_a_variant_is_added_with_a_new_option_value_and_counted_in_the_summary(client, staff):
    product = shirt()
    admin_login(client, staff)

    response = post(
        client,
        f"/admin/products/{product.id}/variants/",
        **variant_fields(sku="SHIRT-L", price="26.00", stock_quantity="3"),
        **{f"option-{product.options[0].id}": "L"},
    )

    assert "Variant SHIRT-L added." in html(response)
    assert variant("SHIRT-L").label == "L"
    saved = fresh_product(product.id)
    assert (saved.price_max, saved.stock_quantity) == (Decimal("26.00"), 15)


def test_a_taken_sku_refuses_the_whole_page_save_and_keeps_the_rows_as_typed(client, staff):
    product = shirt()
    admin_login(client, staff)
    small, medium = variant("SHIRT-S"), variant("SHIRT-M")

    response = save_page(
        client,
        product,
        row(small, stock_quantity="40"),
        row(medium, sku="SHIRT-S", stock_quantity="99"),
        title="Renamed shirt",
    )

    body = html(response)
    assert response.status_code == 200
    assert "Another variant already has this SKU." in body
    assert "successfully saved" not in body
    assert f'name="variant-{medium.id}-stock_quantity" value="99"' in body
    assert f'name="variant-{small.id}-stock_quantity" value="40"' in body
    assert (variant("SHIRT-S").stock_quantity, variant("SHIRT-M").stock_quantity) == (5, 7)
    saved = fresh_product(product.id)
    assert (saved.title, saved.stock_quantity) == ("Linen shirt", 12)


def test_bad_variant_input_is_a_message_never_a_write(client, staff):
    product = shirt()
    admin_login(client, staff)
    small, medium = variant("SHIRT-S"), variant("SHIRT-M")

    response = save_page(
        client, product, row(small), row(medium, price="0", stock_quantity="-2"), title="New"
    )

    body = html(response)
    assert response.status_code == 200
    assert "SHIRT-M: Price: Number must be between 0.01 and 99999999.99." in body
    assert "SHIRT-M: Stock: Number must be between 0 and 2147483647." in body
    assert variant("SHIRT-M").price == Decimal("24.00")
    assert fresh_product(product.id).title == "Linen shirt"


def test_a_row_moved_to_another_option_value_is_saved(client, staff):
    product = shirt()
    admin_login(client, staff)
    options.update_option(
        product.id, product.options[0].id, {"name": "Size", "values": ["S", "M", "L"]}
    )
    small, medium = variant("SHIRT-S"), variant("SHIRT-M")

    save_page(client, product, row(small), row(medium, **{f"option-{product.options[0].id}": "L"}))

    assert variant("SHIRT-M").label == "L"


def test_a_page_saved_with_unchanged_rows_writes_no_variant(client, staff):
    product = shirt()
    admin_login(client, staff)
    small, medium = variant("SHIRT-S"), variant("SHIRT-M")
    stamps = (small.updated_at, medium.updated_at)

    save_page(client, product, row(small), row(medium), title="Same rows")

    assert (variant("SHIRT-S").updated_at, variant("SHIRT-M").updated_at) == stamps


def test_two_variants_with_the_same_options_are_refused(client, staff):
    product = shirt()
    admin_login(client, staff)

    response = post(
        client,
        f"/admin/products/{product.id}/variants/",
        **variant_fields(sku="SHIRT-M2"),
        **{f"option-{product.options[0].id}": "M"},
    )

    assert response.status_code == 200
    assert variant("SHIRT-M2") is None
    assert "already has a variant with these option values" in html(response)


def test_the_last_variant_is_not_deleted_and_another_one_is(client, staff):
    product = shirt()
    admin_login(client, staff)
    small, medium = variant("SHIRT-S"), variant("SHIRT-M")

    deleted = post(client, f"/admin/products/{product.id}/variants/{medium.id}/", action="delete")
    refused = post(client, f"/admin/products/{product.id}/variants/{small.id}/", action="delete")

    assert "Variant deleted." in html(deleted)
    assert refused.status_code == 200 and variant("SHIRT-S") is not None
    assert "A product keeps at least one variant" in html(refused)
    saved = fresh_product(product.id)
    assert (saved.price, saved.price_max, saved.stock_quantity) == (
        Decimal("20.00"),
        Decimal("20.00"),
        5,
    )


def test_an_ordered_variant_is_not_deleted(client, staff, customer):
    product = shirt()
    medium = variant("SHIRT-M")
    make_address(customer)
    cart.add_item(customer, quantity=1, variant_id=medium.id)
    placing.checkout(customer)
    admin_login(client, staff)

    response = post(client, f"/admin/products/{product.id}/variants/{medium.id}/", action="delete")

    assert response.status_code == 200
    assert "Orders refer to this variant; deactivate it instead." in html(response)
    assert variant("SHIRT-M") is not None


def test_an_option_added_on_the_page_gives_every_variant_its_first_value(client, staff):
    product = shirt()
    admin_login(client, staff)

    response = post(
        client, f"/admin/products/{product.id}/options/", name="Colour", values="Red, Blue"
    )

    assert "Option Colour added" in html(response)
    assert sorted(variant(sku).label for sku in ("SHIRT-S", "SHIRT-M")) == ["M / Red", "S / Red"]


def test_an_option_value_in_use_is_not_removed(client, staff):
    product = shirt()
    admin_login(client, staff)
    size = product.options[0]

    response = post(
        client, f"/admin/products/{product.id}/options/{size.id}/", name="Size", values="S, L"
    )

    assert response.status_code == 200
    assert "Variants use this option or value" in html(response)
    assert variant("SHIRT-M").label == "M"


def test_an_option_is_renamed_and_given_a_new_value(client, staff):
    product = shirt()
    admin_login(client, staff)
    size = product.options[0]

    post(
        client,
        f"/admin/products/{product.id}/options/{size.id}/",
        name="Shirt size",
        values="S, M, L",
    )

    saved = fresh_product(product.id)
    assert saved.options[0].name == "Shirt size"
    assert [value.value for value in saved.options[0].values] == ["S", "M", "L"]


def test_the_variants_list_edits_stock_inline_through_the_catalog_rules(client, staff):
    product = shirt()
    admin_login(client, staff)

    response = inline_edit(client, variant("SHIRT-M").id, stock_quantity="40")

    assert response.status_code == 200
    assert variant("SHIRT-M").stock_quantity == 40
    assert fresh_product(product.id).stock_quantity == 45


def test_the_variants_list_edits_price_and_active_flag_inline(client, staff):
    product = shirt()
    admin_login(client, staff)

    price = inline_edit(client, variant("SHIRT-S").id, price="18.50")
    active = inline_edit(client, variant("SHIRT-M").id, is_active="")

    assert price.status_code == active.status_code == 200
    saved = fresh_product(product.id)
    assert (saved.price, saved.price_max, saved.stock_quantity) == (
        Decimal("18.50"),
        Decimal("18.50"),
        5,
    )


def test_a_negative_inline_stock_is_refused_and_nothing_written(client, staff):
    product = shirt()
    admin_login(client, staff)

    response = inline_edit(client, variant("SHIRT-M").id, stock_quantity="-1")

    assert response.status_code == 400
    assert "Number must be between 0 and 2147483647." in html(response)
    assert variant("SHIRT-M").stock_quantity == 7
    assert fresh_product(product.id).stock_quantity == 12


def test_the_variants_list_searches_skus_and_filters_by_product(client, staff):
    product = shirt()
    other = make_product(title="Wool scarf", sku="SCARF-1")
    admin_login(client, staff)

    by_sku = html(client.get("/admin/variants/?search=SHIRT-M"))
    by_product = html(client.get(f"/admin/variants/?flt0_product_equals={other.id}"))

    assert "SHIRT-M" in by_sku and "SHIRT-S" not in by_sku and "SCARF-1" not in by_sku
    assert "SCARF-1" in by_product and "SHIRT" not in by_product
    assert f"/admin/products/edit/?id={product.id}" in by_sku


def test_a_variant_edit_form_saves_through_the_catalog_rules(client, staff):
    product = shirt()
    admin_login(client, staff)
    medium = variant("SHIRT-M")

    post(
        client,
        f"/admin/variants/edit/?id={medium.id}",
        **variant_fields(sku="SHIRT-MEDIUM", stock_quantity="2"),
    )

    assert variant("SHIRT-MEDIUM").stock_quantity == 2
    assert fresh_product(product.id).stock_quantity == 7


def test_the_product_lists_inline_stock_of_a_product_with_variants_is_refused_with_a_message(
    client, staff
):
    product = shirt()
    admin_login(client, staff)

    response = client.post(
        "/admin/products/ajax/update/",
        data={
            "list_form_pk": product.id,
            "stock_quantity": "50",
            "csrf_token": admin_csrf_token(client),
        },
    )

    assert response.status_code == 400
    assert "set this on each of them" in html(response)
    assert fresh_product(product.id).stock_quantity == 12


def test_the_variants_list_costs_the_same_statements_for_few_or_many_rows(client, staff):
    admin_login(client, staff)

    def statements_of_the_list() -> tuple[int, int]:
        client.get("/admin/variants/")
        with statements() as seen:
            body = html(client.get("/admin/variants/"))
        return len(seen), body.count('name="rowid"')

    shirt()
    few = statements_of_the_list()
    for n in range(6):
        product = make_product(title=f"Cap {n}", sku=f"CAP-{n}-S")
        options.create_option(product.id, {"name": "Size", "values": ["S", "M"]})
        options.create_option(product.id, {"name": "Colour", "values": ["Red"]})
        variants.create_variant(
            product.id,
            {
                "sku": f"CAP-{n}-M",
                "price": Decimal("9.00"),
                "options": {"Size": "M", "Colour": "Red"},
            },
        )
    many = statements_of_the_list()

    assert (few[1], many[1]) == (2, 14)
    assert many[0] == few[0]


def test_a_t_shirt_in_three_sizes_is_built_from_an_empty_catalog_on_its_page(client, staff):
    category = make_product().category
    admin_login(client, staff)
    post(
        client,
        "/admin/products/new/",
        title="Organic tee",
        category=str(category.id),
        price="15.00",
        stock_quantity="4",
        is_active="y",
    )
    product = db.session.scalar(select(Product).where(Product.title == "Organic tee"))
    post(client, f"/admin/products/{product.id}/options/", name="Size", values="S, M, L")
    size = fresh_product(product.id).options[0]
    for sku, value, price, stock in (("TEE-M", "M", "15.00", "9"), ("TEE-L", "L", "17.00", "0")):
        post(
            client,
            f"/admin/products/{product.id}/variants/",
            **variant_fields(sku=sku, price=price, stock_quantity=stock),
            **{f"option-{size.id}": value},
        )

    saved = fresh_product(product.id)
    assert [(v.label, v.stock_quantity) for v in saved.variants] == [("S", 4), ("M", 9), ("L", 0)]
    assert (saved.price, saved.price_max, saved.stock_quantity) == (
        Decimal("15.00"),
        Decimal("17.00"),
        13,
    )
    detail = client.get(f"/api/v1/products/{product.id}/").json
    assert detail["stock_quantity"] == 13
