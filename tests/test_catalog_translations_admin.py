"""The back office edits a product's and a category's French texts on their pages, below
the English ones, through the catalogue's translation service."""

from ecom.catalog.translating import PRODUCT, save_translation, translations
from ecom.catalog.translations import CategoryTranslation, ProductTranslation
from ecom.extensions import db
from tests.factories import admin_csrf_token, admin_login, make_category, make_product


def edit(client, product, **fields):
    data = {
        "title": product.title,
        "category": str(product.category_id),
        "price": "10.00",
        "stock_quantity": "10",
        "csrf_token": admin_csrf_token(client),
        **fields,
    }
    return client.post(f"/admin/products/edit/?id={product.id}", data=data)


def test_the_product_page_shows_the_french_texts(client, staff):
    product = make_product(title="Oak bench")
    save_translation(PRODUCT, "fr", {"title": "Banc en chêne"}, product_id=product.id)
    admin_login(client, staff)

    page = client.get(f"/admin/products/edit/?id={product.id}").get_data(as_text=True)

    assert 'name="title_fr"' in page and "Banc en chêne" in page
    assert 'name="title_en"' not in page


def test_the_product_page_saves_the_french_texts_through_the_service(client, staff):
    product = make_product(title="Oak bench")
    admin_login(client, staff)

    edit(client, product, title_fr="Banc en chêne", description_fr="Trois places.")

    db.session.expire_all()
    [french] = translations(PRODUCT, product_id=product.id)
    assert (french.title, french.description, french.slug) == (
        "Banc en chêne",
        "Trois places.",
        "banc-en-chene",
    )
    edit(client, product)
    assert db.session.query(ProductTranslation).count() == 0


def test_a_slug_another_product_has_is_refused_on_the_page(client, staff):
    other = make_product(title="Teak table")
    product = make_product(title="Oak bench")
    admin_login(client, staff)

    response = edit(client, product, title_fr="Banc", slug_fr=other.slug)

    assert response.status_code == 200
    assert "slug" in response.get_data(as_text=True).lower()
    assert db.session.query(ProductTranslation).count() == 0


def test_a_category_is_created_with_its_french_name(client, staff):
    admin_login(client, staff)

    client.post(
        "/admin/categories/new/",
        data={"name": "Garden", "name_fr": "Jardin", "csrf_token": admin_csrf_token(client)},
    )

    [french] = db.session.query(CategoryTranslation).all()
    assert (french.name, french.slug, french.language) == ("Jardin", "jardin", "fr")


def test_a_category_page_edits_its_french_name(client, staff):
    category = make_category("Garden")
    admin_login(client, staff)

    client.post(
        f"/admin/categories/edit/?id={category.id}",
        data={"name": "Garden", "name_fr": "Jardin", "csrf_token": admin_csrf_token(client)},
    )

    [french] = db.session.query(CategoryTranslation).all()
    assert french.name == "Jardin"
