"""Messages in the request's language: how a request chooses it (``?lang=``, else
``Accept-Language`` with quality values, else the default), what the answer says of it,
error bodies (domain errors, the texts services and schemas write, marshmallow's field
messages, HTTP errors, the request guards) and the back office in French, and the
catalogues complete for every message of the code."""

import ast
import inspect
from pathlib import Path

import marshmallow as ma
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from werkzeug.exceptions import default_exceptions

from ecom.common.field_messages import MARSHMALLOW, WERKZEUG, translate
from ecom.common.i18n import choose_language
from scripts import translations
from tests.factories import (
    PASSWORD,
    admin_login,
    csrf_token_from,
    make_order,
    make_product,
    make_review,
    make_user,
    token_headers,
)

LOGIN = "/api/v1/auth/jwt/create/"
REGISTER = "/api/v1/auth/users/"
PRODUCTS = "/api/v1/products/"
SPOKEN = ["en", "fr"]
FRENCH = {"Accept-Language": "fr"}


def refused_login(client, **request):
    """A coded domain error: ``invalid_credentials``."""
    user = make_user()
    body = {"email": user.email, "password": PASSWORD + "-wrong"}
    return client.post(LOGIN, json=body, **request)


@pytest.mark.parametrize(
    ("asked", "header", "chosen"),
    [
        (None, None, "en"),
        (None, "fr", "fr"),
        (None, "en;q=0.4, fr;q=0.8", "fr"),
        (None, "de, fr-CH;q=0.9, en;q=0.5", "fr"),
        (None, "de, es;q=0.9", "en"),
        (None, "*", "en"),
        (None, "fr-CH, en;q=0.5", "fr"),
        (None, "de;q=0.2, " * 40 + "fr;q=0.5", "fr"),  # Too long to be remembered.
        (None, "fr;q=0, en;q=0.1", "en"),
        (None, "EN-gb;q=0.2, fr_FR;q=0.1", "en"),
        (None, "garbage;;q=x", "en"),
        ("en", "fr", "en"),
        ("fr", None, "fr"),
        ("de", "fr", None),
        ("", "fr", None),
        ("FR", None, None),
    ],
)
def test_a_language_is_chosen_by_lang_then_accept_language_then_the_default(asked, header, chosen):
    assert choose_language(asked, header, SPOKEN) == chosen


def test_a_domain_error_is_written_in_french_when_asked_and_in_english_by_default(client):
    english = refused_login(client)
    french = refused_login(client, headers={"Accept-Language": "en;q=0.3, fr;q=0.9"})

    assert english.status_code == french.status_code == 401
    assert english.json["code"] == french.json["code"] == "invalid_credentials"
    assert english.json["message"] == "No active account found with the given credentials."
    assert french.json["message"] == "Aucun compte actif ne correspond à ces identifiants."
    assert english.headers["Content-Language"] == "en"
    assert french.headers["Content-Language"] == "fr"


def test_lang_in_the_query_overrides_accept_language(client):
    response = refused_login(client, query_string={"lang": "en"}, headers=FRENCH)
    assert response.json["message"] == "No active account found with the given credentials."
    assert response.headers["Content-Language"] == "en"


def test_a_field_error_from_marshmallow_is_translated_and_keeps_its_shape(client):
    english = client.post(REGISTER, json={"email": "nobody"})
    french = client.post(REGISTER, json={"email": "nobody"}, headers=FRENCH)

    assert english.status_code == french.status_code == 400
    assert english.json["code"] == french.json["code"] == "validation_error"
    assert english.json["errors"]["json"].keys() == french.json["errors"]["json"].keys()
    assert english.json["errors"]["json"]["password"] == ["Missing data for required field."]
    assert french.json["errors"]["json"]["password"] == [
        "Donnée manquante pour un champ obligatoire."
    ]
    assert french.json["message"] == "Entrée invalide."


def test_a_templated_field_message_is_translated_with_its_values(client):
    english = client.get(PRODUCTS, query_string={"page_size": "0"})
    french = client.get(PRODUCTS, query_string={"page_size": "0", "lang": "fr"})

    assert english.json["errors"]["query"]["page_size"] == [
        "Must be greater than or equal to 1 and less than or equal to 100."
    ]
    assert french.json["errors"]["query"]["page_size"] == [
        "Doit être supérieur ou égal à 1 et inférieur ou égal à 100."
    ]
    not_an_integer = client.get(PRODUCTS, query_string={"page_size": "x"}, headers=FRENCH)
    assert not_an_integer.json["errors"]["query"]["page_size"] == ["Entier invalide."]


def test_an_http_error_is_written_in_french(client):
    response = client.get("/api/v1/no-such-thing/", headers=FRENCH)
    assert response.status_code == 404 and response.json["code"] == "not_found"
    assert response.json["message"].startswith("L’URL demandée est introuvable")
    not_allowed = client.delete(PRODUCTS, headers=FRENCH)
    assert not_allowed.status_code == 405
    assert not_allowed.json["message"] == "La méthode n’est pas autorisée pour l’URL demandée."


def test_refusals_services_write_are_in_french_across_domains(client):
    customer, staff = make_user(), make_user("staff")
    product = make_product()
    order = make_order(customer, (product, 1))
    review = make_review(make_user(), product)
    french = {**token_headers(staff), **FRENCH}

    missing = client.get("/api/v1/orders/999999/", headers=french)
    moved = client.patch(f"/api/v1/orders/{order.id}/", json={"status": "shipped"}, headers=french)
    edited = client.patch(
        f"/api/v1/reviews/{review.id}/",
        json={"rating": 5},
        headers={**token_headers(customer), **FRENCH},
    )

    assert missing.status_code == 404 and missing.json["code"] == "not_found"
    assert missing.json["message"] == "Commande introuvable."
    assert moved.status_code == 409 and moved.json["code"] == "invalid_transition"
    assert moved.json["message"] == (
        "La commande est pending ; elle ne peut pas devenir shipped (permis : paid, cancelled)."
    )
    assert edited.status_code == 403
    assert edited.json["message"] == "Seul l’auteur peut modifier un avis."


def test_the_domains_schema_messages_are_in_french_with_their_values(client):
    customer, staff = make_user(), make_user("staff")
    product = make_product()
    both = {"variant_id": product.variants[0].id, "product_id": product.id}

    cart = client.post(
        "/api/v1/cart/add/", json=both, headers={**token_headers(customer), **FRENCH}
    )
    translation = client.patch(
        f"{PRODUCTS}{product.id}/translations/fr/",
        json={"title": "x" * 201},
        query_string={"lang": "fr"},
        headers=token_headers(staff),
    )

    assert cart.json["errors"]["json"]["variant_id"] == [
        "Envoyez variant_id ou product_id, pas les deux."
    ]
    assert translation.json["errors"]["json"]["title"] == ["1 à 200 caractères."]
    ordering = client.get(PRODUCTS, query_string={"ordering": "colour", "lang": "fr"})
    [unknown] = ordering.json["errors"]["query"]["ordering"]
    assert unknown.startswith("Champ de tri `colour` inconnu ; utilisez ")


def test_the_request_guards_refuse_in_french(client):
    deep = client.post(
        LOGIN, data="[" * 50 + "]" * 50, content_type="application/json", headers=FRENCH
    )
    lone = client.post(
        LOGIN, data='{"email": "\\ud800"}', content_type="application/json", headers=FRENCH
    )

    assert deep.json["message"] == "Le corps JSON est imbriqué sur plus de 32 niveaux."
    assert lone.json["message"] == "Le texte ne peut pas contenir de demi-codets UTF-16 isolés."


def test_a_language_the_shop_does_not_speak_is_refused_in_the_headers_language(client):
    response = client.get(PRODUCTS, query_string={"lang": "de"}, headers=FRENCH)

    assert response.status_code == 400
    assert response.json["code"] == "unknown_language"
    assert response.json["message"] == "La boutique ne parle pas cette langue."
    assert response.json["errors"] == {"query": {"lang": ["Doit être l’une des valeurs : en, fr."]}}


def test_a_language_the_shop_does_not_speak_falls_back_outside_the_api(client):
    response = client.get("/admin/login/", query_string={"lang": "de"}, headers=FRENCH)
    assert response.status_code == 200 and response.headers["Content-Language"] == "fr"


def test_answers_say_their_language_and_vary_on_accept_language(client):
    response = client.get(PRODUCTS, headers=FRENCH)

    assert response.headers["Content-Language"] == "fr"
    vary = {value.strip() for value in response.headers["Vary"].split(",")}
    assert {"Accept-Language", "Authorization"} <= vary


def test_a_private_answer_keeps_its_vary_and_adds_accept_language(client):
    headers = {**token_headers(make_user()), **FRENCH}
    response = client.get("/api/v1/cart/", headers=headers)

    assert response.status_code == 200 and response.headers["Content-Language"] == "fr"
    vary = {value.strip() for value in response.headers["Vary"].split(",")}
    assert {"Accept-Language", "Authorization"} <= vary


def test_the_document_lists_lang_on_the_api_reads_with_the_shops_languages(client):
    document = client.get("/api/v1/schema/").json
    listed = {
        (path, method)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        and any(p["name"] == "lang" for p in operation.get("parameters", []))
    }
    assert {method for _, method in listed} == {"get"}
    assert all(path.startswith("/api/") for path, _ in listed)
    for path in (PRODUCTS, "/api/v1/cart/", "/api/v1/orders/", "/api/v1/categories/tree/"):
        assert (path, "get") in listed, path
    [lang] = [p for p in document["paths"][PRODUCTS]["get"]["parameters"] if p["name"] == "lang"]
    assert lang["schema"]["enum"] == SPOKEN


def test_the_back_office_is_in_french_with_flask_admins_own_texts(client):
    staff = make_user("staff")
    admin_login(client, staff)

    page = client.get("/admin/products/", headers=FRENCH).get_data(as_text=True)

    assert "Produits" in page and "Commandes" in page  # our menu
    assert "Liste" in page and "Créer" in page  # Flask-Admin's catalogue
    english = client.get("/admin/products/").get_data(as_text=True)
    assert "Products" in english and "Liste" not in english


def test_the_back_office_login_and_its_refusal_are_in_french(client):
    staff = make_user("staff")
    token = csrf_token_from(client.get("/admin/login/").get_data(as_text=True))
    body = {"email": staff.email, "password": "wrong-password", "csrf_token": token}

    page = client.post("/admin/login/", data=body, headers=FRENCH).get_data(as_text=True)

    assert "Connexion au back-office" in page and "Mot de passe" in page
    assert "Aucun compte actif ne correspond à ces identifiants." in page


def _marshmallow_templates() -> set[str]:
    """marshmallow's own messages: its fields', its schemas', and its validators' (a
    range's, with each of its comparisons written in)."""
    templates = set(ma.Schema._default_error_messages.values())
    for _, field in inspect.getmembers(ma.fields, inspect.isclass):
        templates.update(getattr(field, "default_error_messages", {}).values())
    names = ("default_message", "message_min", "message_max", "message_all", "message_equal")
    for _, validator in inspect.getmembers(ma.validate, inspect.isclass):
        if validator is not ma.validate.Range:
            templates.update(getattr(validator, name) for name in names if name in vars(validator))
    ranges = ma.validate.Range
    lows, highs = (ranges.message_gte, ranges.message_gt), (ranges.message_lte, ranges.message_lt)
    templates.update(ranges.message_min.format(min_op=low) for low in lows)
    templates.update(ranges.message_max.format(max_op=high) for high in highs)
    templates.update(
        ranges.message_all.format(min_op=low, max_op=high) for low in lows for high in highs
    )
    return templates


def test_every_marshmallow_message_is_named_for_the_catalogue():
    assert _marshmallow_templates() <= set(MARSHMALLOW)


def test_werkzeugs_descriptions_of_the_apis_statuses_are_named_for_the_catalogue():
    statuses = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500)
    assert {default_exceptions[status].description for status in statuses} <= set(WERKZEUG)


def test_the_french_catalogue_translates_every_message_of_the_template():
    template = translations._read(translations.TEMPLATE)
    assert translations._problems(template, template, translations.catalogues()) == []
    [french] = [path for path in translations.catalogues() if path.parts[-3] == "fr"]
    assert translations._ids(template) <= translations._ids(translations._read(french))


def test_the_catalogue_check_names_missing_untranslated_and_fuzzy_messages(tmp_path):
    fresh = Catalog()
    for message in ("Kept.", "New.", "Untranslated.", "Fuzzy."):
        fresh.add(message)
    template = Catalog()
    for message in ("Kept.", "Untranslated.", "Fuzzy.", "Gone."):
        template.add(message)
    french = Catalog(locale="fr")
    french.add("Kept.", "Gardé.")
    french.add("Untranslated.", "")
    french.add("Fuzzy.", "Flou.", flags=["fuzzy"])
    path = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as file:
        write_po(file, french)

    problems = translations._problems(fresh, template, [path])

    assert problems == [
        "messages.pot: missing 'New.'",
        "messages.pot: no longer in the code 'Gone.'",
        "fr/LC_MESSAGES/messages.po: missing 'Gone.'",
        "fr/LC_MESSAGES/messages.po: untranslated 'Untranslated.'",
        "fr/LC_MESSAGES/messages.po: fuzzy 'Fuzzy.'",
    ]


def test_a_message_not_named_for_the_catalogue_is_left_as_it_is(app):
    with app.test_request_context(headers=FRENCH):
        assert translate("Some text of a client.") == "Some text of a client."
        assert translate("Longer than maximum length 5.") == "Plus long que la longueur maximale 5."


# Exceptions that are programming errors, or failures a job or the cache records: no
# request reads them.
NOT_FOR_A_REQUEST = {
    "GiveUp",
    "LookupError",
    "NotImplementedError",
    "RedisError",
    "RuntimeError",
    "TypeError",
    "ValueError",
}
MARKS = {"gettext", "lazy_gettext", "_l", "N_"}
# The commands write to a terminal, in English.
UNMARKED = ("ecom/cli/",)
ROOT = Path(__file__).resolve().parent.parent


def _name(node: ast.expr) -> str | None:
    return getattr(node, "id", None) or getattr(node, "attr", None)


def _unmarked(node: ast.AST):
    """Texts under ``node`` written as they are: not in a marking call, not a dict's key,
    not a code or field name (``snake_case``)."""
    if isinstance(node, ast.Call):
        if _name(node.func) in MARKS:
            return
        if isinstance(node.func, ast.Attribute) and node.func.attr in dir(str):
            return  # ", ".join(names), N_("...").format(...): the text is not in the arguments.
        children = [*node.args, *(keyword.value for keyword in node.keywords)]
    elif isinstance(node, ast.Dict):
        children = node.values
    elif isinstance(node, ast.JoinedStr):
        yield node
        return
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        if not node.value.replace("_", "").isalnum() or not node.value.islower():
            yield node
        return
    else:
        children = list(ast.iter_child_nodes(node))
    for child in children:
        yield from _unmarked(child)


def _messages_written_as_they_are(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            if _name(node.exc.func) in NOT_FOR_A_REQUEST:
                continue
            call = node.exc
            texts = [*call.args, *(k.value for k in call.keywords if k.arg != "code")]
        elif isinstance(node, ast.Call) and _name(getattr(node.func, "value", node)) == "validate":
            texts = [keyword.value for keyword in node.keywords if keyword.arg == "error"]
        else:
            continue
        for text in texts:
            yield from (f"{path.relative_to(ROOT)}:{found.lineno}" for found in _unmarked(text))


def test_every_message_raised_or_given_to_a_validator_is_marked_for_the_catalogue():
    found = [
        where
        for path in sorted((ROOT / "ecom").rglob("*.py"))
        if not path.relative_to(ROOT).as_posix().startswith(UNMARKED)
        for where in _messages_written_as_they_are(path)
    ]
    assert found == []
