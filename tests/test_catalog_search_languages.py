"""The product search in the request's language: French words stemmed as French (a plural
finds the singular), English ones as English, and a product shown in English text in
French found by that text; on SQLite, LIKE over the texts each language shows."""

import pytest
from sqlalchemy import text

from ecom.catalog.search_configs import CONFIGS, OTHERWISE, config_of
from ecom.catalog.translating import PRODUCT, save_translation
from ecom.extensions import db
from tests.factories import make_category, make_product, statements

PRODUCTS = "/api/v1/products/"


@pytest.fixture
def postgresql():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("Full-text search runs on PostgreSQL (the PostgreSQL + Redis pass).")


@pytest.fixture
def shirt():
    product = make_product(title="Linen shirt", description="Cool in the heat.")
    save_translation(
        PRODUCT,
        "fr",
        {"title": "Chemise en lin", "description": "Fraîche par les chaleurs élevées."},
        product_id=product.id,
    )
    return product


@pytest.fixture
def socks():
    """A product with no French text: French shows its English."""
    return make_product(title="Wool socks", description="Warm feet in winter.")


def titles(client, query: str, language: str) -> list[str]:
    response = client.get(f"{PRODUCTS}?{query}&lang={language}")
    assert response.status_code == 200, response.json
    return [p["title"] for p in response.json["results"]]


@pytest.mark.usefixtures("postgresql", "shirt")
@pytest.mark.parametrize("term", ["chemises", "chemise", "CHEMISES", "chemises+en+lin", "chem"])
def test_a_french_plural_finds_the_french_singular(client, term):
    assert titles(client, f"search={term}", "fr") == ["Chemise en lin"]


@pytest.mark.usefixtures("postgresql", "shirt")
def test_french_stemming_and_accents_in_french(client):
    # "élevées" and "élevé" are one French stem, as are "fraîches" and "fraîche".
    assert titles(client, "search=%C3%A9lev%C3%A9", "fr") == ["Chemise en lin"]
    assert titles(client, "search=FRA%C3%8ECHES", "fr") == ["Chemise en lin"]
    # French stop words are no search word.
    assert titles(client, "search=les+chemises", "fr") == ["Chemise en lin"]


@pytest.mark.usefixtures("postgresql", "shirt")
def test_english_does_not_find_a_product_by_its_french_words(client):
    assert titles(client, "search=chemises", "en") == []
    assert titles(client, "search=shirts", "en") == ["Linen shirt"]


@pytest.mark.usefixtures("postgresql", "shirt")
def test_an_english_search_finds_by_english_stems(client):
    assert titles(client, "search=heated", "en") == ["Linen shirt"]
    # Its English words are not what French shows: French does not find it by them.
    assert titles(client, "search=shirts", "fr") == []


@pytest.mark.usefixtures("postgresql", "shirt", "socks")
def test_a_product_without_french_text_is_found_in_french_by_its_english_words(client):
    assert titles(client, "search=sock", "fr") == ["Wool socks"]
    assert titles(client, "search=winter", "fr") == ["Wool socks"]


@pytest.mark.usefixtures("postgresql")
def test_a_field_without_french_text_is_searched_in_english_field_by_field(client):
    bench = make_product(title="Oak bench", description="Seats three.")
    save_translation(PRODUCT, "fr", {"title": "Banc en chêne"}, product_id=bench.id)
    # The English description is shown in French, the English title is not.
    assert titles(client, "search=seats", "fr") == ["Banc en chêne"]
    assert titles(client, "search=bancs", "fr") == ["Banc en chêne"]
    assert titles(client, "search=oak", "fr") == []


@pytest.mark.usefixtures("postgresql")
def test_a_french_title_match_ranks_above_a_description_only_match(client):
    case = make_product(title="Case", description="For a linen shirt.")
    save_translation(
        PRODUCT, "fr", {"title": "Étui", "description": "Pour une chemise."}, product_id=case.id
    )
    plain = make_product(title="Plain shirt")
    save_translation(PRODUCT, "fr", {"title": "Chemise unie"}, product_id=plain.id)
    assert titles(client, "search=chemises", "fr") == ["Chemise unie", "Étui"]


@pytest.mark.usefixtures("postgresql", "shirt")
def test_a_sku_is_found_in_french(client, shirt):
    assert titles(client, f"search={shirt.variants[0].sku}", "fr") == ["Chemise en lin"]


@pytest.mark.usefixtures("postgresql")
@pytest.mark.parametrize("ordering", ["", "&ordering=-price", "&ordering=created_at"])
def test_a_french_page_costs_what_an_english_one_does_plus_its_texts(client, ordering):
    category = make_category()
    for n in range(12):
        product = make_product(category, title=f"Linen shirt {n}", price=10 + n)
        save_translation(PRODUCT, "fr", {"title": f"Chemise {n}"}, product_id=product.id)
    with statements() as english:
        found = titles(client, f"search=shirts&page_size=5{ordering}", "en")
    with statements() as french:
        trouvé = titles(client, f"search=chemises&page_size=5{ordering}", "fr")

    assert len(found) == len(trouvé) == 5
    # The same count and page; French reads the page's texts in one more.
    assert len(french) == len(english) + 1


@pytest.mark.usefixtures("postgresql")
def test_a_french_search_in_order_is_the_sorted_page(client):
    category = make_category()
    for n in range(6):
        product = make_product(category, title=f"Shirt {n}", price=10 + n)
        save_translation(PRODUCT, "fr", {"title": f"Chemise {n}"}, product_id=product.id)
    make_product(category, title="Chemise sans traduction", price=99)
    assert titles(client, "search=chemises&ordering=-price&page_size=3", "fr") == [
        "Chemise sans traduction",
        "Chemise 5",
        "Chemise 4",
    ]


@pytest.mark.usefixtures("shirt")
def test_the_same_search_url_answers_each_language(app, client, monkeypatch):
    # Counts are remembered too: per language.
    monkeypatch.setitem(app.config, "CATALOG_COUNT_CACHE_MIN", 1)
    url = f"{PRODUCTS}?search=chemise"
    french = client.get(url, headers={"Accept-Language": "fr"})
    english = client.get(url, headers={"Accept-Language": "en"})
    assert (french.json["count"], english.json["count"]) == (1, 0)
    assert (french.headers["Content-Language"], english.headers["Content-Language"]) == ("fr", "en")


@pytest.mark.usefixtures("postgresql")
def test_every_language_s_document_is_stemmed_by_its_configuration():
    """The migration's generated document and ``search_configs`` agree, language by language."""
    product = make_product(title="Plain")
    languages = [*CONFIGS, "xx"]
    for language in languages:
        db.session.execute(
            text(
                "INSERT INTO product_translations (product_id, language, title, created_at, "
                "updated_at) VALUES (:id, :language, 'Running dogs', now(), now())"
            ),
            {"id": product.id, "language": language},
        )
    for language in languages:
        same = db.session.scalar(
            text(
                "SELECT search_vector = setweight(to_tsvector(CAST(:config AS regconfig), "
                "'Running dogs'), 'A') FROM product_translations "
                "WHERE product_id = :id AND language = :language"
            ),
            {"id": product.id, "language": language, "config": config_of(language)},
        )
        assert same, language
    assert config_of("xx") == OTHERWISE


# --- SQLite: LIKE over the texts each language shows ---------------------------------------


@pytest.fixture
def sqlite():
    if db.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL searches with full text (above).")


@pytest.mark.usefixtures("sqlite", "shirt", "socks")
def test_on_sqlite_french_searches_the_french_texts_and_the_english_ones_shown(client):
    assert titles(client, "search=chemise", "fr") == ["Chemise en lin"]
    assert titles(client, "search=CHALEURS", "fr") == ["Chemise en lin"]
    assert titles(client, "search=linen", "fr") == []
    assert titles(client, "search=wool", "fr") == ["Wool socks"]
    assert titles(client, "search=chemise", "en") == []
    assert titles(client, "search=linen", "en") == ["Linen shirt"]
