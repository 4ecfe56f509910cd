"""Staff write the catalogue's translations through the API: upserts of some fields,
deletes, slugs made or refused, languages refused, and each write a change of its owner."""

import pytest
from sqlalchemy import select

from ecom.catalog import options
from ecom.common.audit import AuditEntry
from ecom.extensions import db
from tests.factories import make_category, make_product, token_headers

PRODUCTS = "/api/v1/products/"


@pytest.fixture
def headers(staff):
    return token_headers(staff)


@pytest.fixture
def bench():
    return make_product(make_category("Garden"), title="Oak bench", description="Seats three.")


def translation(product, language: str = "fr") -> str:
    return f"{PRODUCTS}{product.id}/translations/{language}/"


def test_staff_write_a_translation_field_by_field(client, headers, bench):
    created = client.patch(translation(bench), json={"title": "Banc en chêne"}, headers=headers)
    described = client.patch(
        translation(bench), json={"description": "Trois places."}, headers=headers
    )
    listed = client.get(f"{PRODUCTS}{bench.id}/translations/", headers=headers)

    assert created.status_code == 200, created.json
    assert (created.json["slug"], created.json["description"]) == ("banc-en-chene", None)
    assert described.json["title"] == "Banc en chêne"
    assert [(t["language"], t["title"], t["description"]) for t in listed.json] == [
        ("fr", "Banc en chêne", "Trois places.")
    ]


def test_a_cleared_field_falls_back_to_the_default_text(client, headers, bench):
    client.patch(
        translation(bench), json={"title": "Banc", "description": "Trois."}, headers=headers
    )
    client.patch(translation(bench), json={"description": None}, headers=headers)

    french = client.get(f"{PRODUCTS}{bench.id}/?lang=fr").json
    assert (french["title"], french["description"]) == ("Banc", "Seats three.")


def test_a_deleted_translation_falls_back_entirely(client, headers, bench):
    client.patch(translation(bench), json={"title": "Banc"}, headers=headers)

    deleted = client.delete(translation(bench), headers=headers)

    assert deleted.status_code == 204
    assert client.get(f"{PRODUCTS}{bench.id}/?lang=fr").json["title"] == "Oak bench"
    assert client.delete(translation(bench), headers=headers).status_code == 404
    assert client.get(f"{PRODUCTS}slug/banc/").status_code == 404


@pytest.mark.parametrize(
    ("language", "code"), [("de", "unknown_language"), ("en", "default_language")]
)
def test_a_language_the_shop_does_not_translate_into_is_a_400(
    client, headers, bench, language, code
):
    response = client.patch(translation(bench, language), json={"title": "X"}, headers=headers)

    assert response.status_code == 400
    assert response.json["code"] == code
    assert "language" in response.json["errors"]["path"]


def test_a_slug_another_product_has_in_any_language_is_a_409(client, headers, bench):
    other = make_product(title="Teak table")
    client.patch(translation(other), json={"slug": "table-en-teck"}, headers=headers)

    taken_default = client.patch(translation(bench), json={"slug": other.slug}, headers=headers)
    taken_french = client.patch(translation(bench), json={"slug": "table-en-teck"}, headers=headers)
    own = client.patch(translation(bench), json={"slug": bench.slug}, headers=headers)

    assert [taken_default.status_code, taken_french.status_code] == [409, 409]
    assert taken_default.json["code"] == "slug_taken"
    assert own.status_code == 200


def test_a_made_slug_avoids_the_slugs_of_every_language(client, headers, bench):
    make_product(title="Banc")

    made = client.patch(translation(bench), json={"title": "Banc"}, headers=headers)

    assert made.json["slug"] == "banc-2"


def test_a_new_product_avoids_the_translated_slugs(client, headers, bench):
    client.patch(translation(bench), json={"title": "Chair"}, headers=headers)

    assert make_product(title="Chair").slug == "chair-2"


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": "   "},
        {"slug": "Not A Slug"},
        {"title": "x" * 201},
        {"colour": "x"},
    ],
)
def test_bad_fields_are_a_400_naming_them(client, headers, bench, body):
    response = client.patch(translation(bench), json=body, headers=headers)

    assert response.status_code in (400, 422)
    assert response.json["errors"]


def test_options_values_and_categories_have_the_same_routes(client, headers, bench):
    size = options.create_option(bench.id, {"name": "Size", "values": ["S", "M"]})
    option = f"{PRODUCTS}{bench.id}/options/{size.id}/"
    value = f"{option}values/{size.values[1].id}/"
    category = f"/api/v1/categories/{bench.category_id}/"

    for path, body in (
        (option, {"name": "Taille"}),
        (value, {"value": "Moyen"}),
        (category, {"name": "Jardin"}),
    ):
        assert (
            client.patch(f"{path}translations/fr/", json=body, headers=headers).status_code == 200
        )

    detail = client.get(f"{PRODUCTS}{bench.id}/?lang=fr").json
    assert detail["category_name"] == "Jardin"
    assert detail["options"][0]["name"] == "Taille"
    assert [v["value"] for v in detail["options"][0]["values"]] == ["S", "Moyen"]
    assert client.get(f"{category}translations/", headers=headers).json[0]["slug"] == "jardin"
    elsewhere = make_product(title="Elsewhere")
    wrong = f"{PRODUCTS}{elsewhere.id}/options/{size.id}/translations/fr/"
    assert client.patch(wrong, json={"name": "X"}, headers=headers).status_code == 404


def test_a_translation_write_is_the_products_change_and_audited(
    client, headers, bench, monkeypatch
):
    announced = []
    monkeypatch.setattr("ecom.catalog.translating.product_changed", announced.append)

    client.patch(translation(bench), json={"title": "Banc"}, headers=headers)

    assert announced == [bench.id]
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "product_translations")
    )
    assert (entry.action, entry.changes["title"]["after"]) == ("create", "Banc")


def test_customers_cannot_read_translations(client, customer, bench):
    response = client.get(f"{PRODUCTS}{bench.id}/translations/", headers=token_headers(customer))
    assert response.status_code == 403
