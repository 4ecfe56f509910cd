"""The catalogue in two languages: a garden shop's bench and T-shirt read in English (the
default) and French, each field falling back to the English text when the French one is
missing; slugs in either language; staff writing translations; what a page costs."""

import pytest
from sqlalchemy import func, select

from ecom.catalog import options
from ecom.catalog.models import Product
from ecom.catalog.translating import CATEGORY, OPTION, OPTION_VALUE, PRODUCT, save_translation
from ecom.catalog.translations import CategoryTranslation, ProductTranslation
from ecom.cli.seeding.french import SELLING_POINTS
from ecom.extensions import db
from tests.factories import make_category, make_product, make_sized_product, run_seed, statements

PRODUCTS = "/api/v1/products/"
CATEGORIES = "/api/v1/categories/"


@pytest.fixture
def garden():
    category = make_category("Garden", description="Outdoors.")
    save_translation(CATEGORY, "fr", {"name": "Jardin"}, category_id=category.id)
    return category


@pytest.fixture
def bench(garden):
    product = make_product(garden, title="Oak bench", description="Seats three.")
    save_translation(PRODUCT, "fr", {"title": "Banc en chêne"}, product_id=product.id)
    return product


def fr(path: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang=fr"


def test_a_product_reads_in_the_language_asked_field_by_field(client, bench):
    english = client.get(f"{PRODUCTS}{bench.id}/").json
    french = client.get(fr(f"{PRODUCTS}{bench.id}/")).json

    assert (english["title"], english["category_name"]) == ("Oak bench", "Garden")
    assert (french["title"], french["category_name"]) == ("Banc en chêne", "Jardin")
    # No French description: the English one.
    assert french["description"] == "Seats three."
    assert (english["slug"], french["slug"]) == ("oak-bench", "banc-en-chene")
    assert set(french) == set(english)


def test_accept_language_chooses_the_language_too(client, bench):
    french = client.get(f"{PRODUCTS}{bench.id}/", headers={"Accept-Language": "fr, en;q=0.5"})
    assert french.json["title"] == "Banc en chêne"


def test_the_list_reads_in_the_language_asked(client, bench, garden):
    make_product(garden, title="Teak table")

    titles = [p["title"] for p in client.get(fr(PRODUCTS)).json["results"]]
    names = {p["category_name"] for p in client.get(fr(PRODUCTS)).json["results"]}

    assert sorted(titles) == ["Banc en chêne", "Teak table"]
    assert names == {"Jardin"}


def test_a_slug_in_any_language_finds_the_product(client, bench):
    by_english = client.get(fr(f"{PRODUCTS}slug/oak-bench/"))
    by_french = client.get(f"{PRODUCTS}slug/banc-en-chene/")

    assert by_english.json["title"] == "Banc en chêne"
    assert (by_french.json["id"], by_french.json["title"]) == (bench.id, "Oak bench")
    assert client.get(f"{PRODUCTS}slug/banc/").status_code == 404


def test_options_values_and_variant_labels_are_translated(client):
    tee = make_sized_product("S", "M", title="Tee")
    [size] = tee.options
    save_translation(OPTION, "fr", {"name": "Taille"}, product_id=tee.id, option_id=size.id)
    medium = next(v for v in size.values if v.value == "M")
    save_translation(
        OPTION_VALUE,
        "fr",
        {"value": "Moyen"},
        product_id=tee.id,
        option_id=size.id,
        value_id=medium.id,
    )

    detail = client.get(fr(f"{PRODUCTS}{tee.id}/")).json
    variants = client.get(fr(f"{PRODUCTS}{tee.id}/variants/")).json
    listed = client.get(fr(f"{PRODUCTS}{tee.id}/options/")).json

    assert detail["options"] == [
        {
            "id": size.id,
            "name": "Taille",
            "values": [
                {"id": size.values[0].id, "value": "S"},
                {"id": medium.id, "value": "Moyen"},
            ],
        }
    ]
    assert [v["options"] for v in detail["variants"]] == [{"Taille": "S"}, {"Taille": "Moyen"}]
    assert [v["label"] for v in variants] == ["S", "Moyen"]
    assert listed == detail["options"]
    assert client.get(f"{PRODUCTS}{tee.id}/").json["variants"][1]["options"] == {"Size": "M"}


def test_categories_read_in_the_language_asked(client, garden):
    benches = make_category("Benches", parent=garden)
    save_translation(CATEGORY, "fr", {"name": "Bancs", "slug": "bancs"}, category_id=benches.id)

    listed = {c["name"] for c in client.get(fr(CATEGORIES)).json["results"]}
    [tree] = client.get(fr(f"{CATEGORIES}tree/")).json
    detail = client.get(fr(f"{CATEGORIES}{benches.id}/")).json

    assert listed == {"Jardin", "Bancs"}
    assert (tree["name"], tree["slug"], tree["children"][0]["name"]) == (
        "Jardin",
        "jardin",
        "Bancs",
    )
    assert [c["name"] for c in detail["path"]] == ["Jardin", "Bancs"]
    assert detail["description"] == ""


def test_a_translated_category_slug_filters_the_list(client, bench, garden):
    assert [p["id"] for p in client.get(f"{PRODUCTS}?category=jardin").json["results"]] == [
        bench.id
    ]


def test_the_cached_detail_is_kept_per_language(client, bench):
    english = client.get(f"{PRODUCTS}{bench.id}/")
    french = client.get(fr(f"{PRODUCTS}{bench.id}/"))
    again = client.get(f"{PRODUCTS}{bench.id}/")

    assert (english.json["title"], french.json["title"]) == ("Oak bench", "Banc en chêne")
    assert again.json["title"] == "Oak bench"
    assert english.headers["ETag"] != french.headers["ETag"]


def test_a_translation_write_shows_at_once_in_cached_reads(client, staff, auth_headers, bench):
    assert client.get(fr(f"{PRODUCTS}{bench.id}/")).json["title"] == "Banc en chêne"

    client.patch(
        f"{PRODUCTS}{bench.id}/translations/fr/",
        json={"title": "Banc de chêne"},
        headers=auth_headers(staff),
    )

    assert client.get(fr(f"{PRODUCTS}{bench.id}/")).json["title"] == "Banc de chêne"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_page_costs_the_same_statements_with_translations(client, garden, language):
    for n in range(12):
        product = make_product(garden, title=f"Chair {n}")
        save_translation(PRODUCT, "fr", {"title": f"Chaise {n}"}, product_id=product.id)

    with statements() as seen:
        response = client.get(f"{PRODUCTS}?ordering=price&page_size=10&lang={language}")

    assert response.status_code == 200
    # The count, the page; in French one more for every text of the page.
    assert len(seen) == (2 if language == "en" else 3)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_detail_costs_one_statement_more_in_another_language(client, language):
    tee = make_sized_product("S", "M", "L", title="Tee")
    options.create_option(tee.id, {"name": "Colour", "values": ["Red"]})

    with statements() as english:
        client.get(f"{PRODUCTS}{tee.id}/")
    with statements() as seen:
        client.get(f"{PRODUCTS}{tee.id}/?fields=id,title&lang={language}")

    assert len(seen) == len(english) + (language == "fr")


def test_the_seed_writes_french_for_every_category_and_product(app, client):
    run_seed(app, "--products", "60", "--users", "0", "--orders", "0", "--reviews", "0")

    products = db.session.scalar(select(func.count()).select_from(Product))
    assert db.session.scalar(select(func.count()).select_from(ProductTranslation)) == products
    assert db.session.scalar(select(func.count()).select_from(CategoryTranslation)) == 41
    tree = client.get(f"{CATEGORIES}tree/?lang=fr").json
    assert {"Électronique", "Livres", "Mode"} <= {c["name"] for c in tree}
    french = client.get(f"{PRODUCTS}?lang=fr&page_size=60").json["results"]
    points = tuple(f"{point}." for point in SELLING_POINTS.values())
    assert all(p["description"].endswith(points) for p in french)
    slugs = set(db.session.scalars(select(ProductTranslation.slug)).all()) - {None}
    assert slugs and not slugs & set(db.session.scalars(select(Product.slug)))
