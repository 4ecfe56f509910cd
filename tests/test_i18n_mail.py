"""E-mails in their recipient's language (docs/I18N.md): the outbox job renders each mail
in the account's language, whatever the language of the request that wrote its row, with
amounts and days as that language writes them (CLDR, through Babel)."""

import pytest
from flask_babel import format_date

from ecom.common.i18n import speaking
from ecom.common.models import utcnow
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from ecom.orders import emails
from tests.factories import (
    PASSWORD,
    admin_login,
    csrf_token_from,
    make_order,
    make_product,
    make_user,
    token_headers,
)
from tests.fulfilments import make_carrier, ship
from tests.returns import delivered_order, refunded
from tests.translations import NBSP, NNBSP, compile_catalogues

pytestmark = pytest.mark.usefixtures("embedded_jobs")


@pytest.fixture(autouse=True)
def euros(app, monkeypatch):
    compile_catalogues()
    monkeypatch.setitem(app.config, "SHOP_CURRENCY", "EUR")


def today_in(language: str) -> str:
    with speaking(language):
        return format_date(utcnow(), "long")


def mails_about(mailbox, words: str) -> list:
    return [message for message in mailbox if words in message.subject]


def test_a_french_customers_confirmation_is_french_with_french_money_and_day(embedded_jobs):
    customer = make_user("customer", language="fr", first_name="Amélie")
    order = make_order(customer, (make_product(title="Bouilloire", price="1234.50"), 1))

    [mail] = embedded_jobs
    assert mail.subject.startswith(f"Commande n° {order.id} confirmée")
    text = mail.body
    assert "Bonjour Amélie," in text
    assert f"Merci pour votre commande n° {order.id} du {today_in('fr')}." in text
    assert f"1 x Bouilloire à 1{NNBSP}234,50{NBSP}€ = 1{NNBSP}234,50{NBSP}€" in text
    assert f"Sous-total: 1{NNBSP}234,50{NBSP}€" in text
    assert f"Total: 1{NNBSP}234,50{NBSP}€" in text
    html, _ = mail.alternatives[0]
    assert '<html lang="fr">' in html and f"<strong>1{NNBSP}234,50{NBSP}€</strong>" in html


def test_an_english_customers_confirmation_is_english(embedded_jobs):
    customer = make_user("customer", language="en", first_name="Ann")
    order = make_order(customer, (make_product(title="Kettle", price="12.50"), 2))

    [mail] = embedded_jobs
    assert mail.subject.startswith(f"Order #{order.id} confirmed")
    assert f"Thank you for your order #{order.id} of {today_in('en')}." in mail.body
    assert "2 x Kettle at €12.50 = €25.00" in mail.body
    assert "Total: €25.00" in mail.body


def test_an_account_without_a_language_reads_the_default(embedded_jobs):
    customer = make_user("customer")
    assert customer.language is None
    make_order(customer, (make_product(price="12.50"), 1))
    assert "Subtotal: €12.50" in embedded_jobs[0].body


def test_the_mail_follows_the_account_not_the_request_that_wrote_it(
    client, embedded_jobs, auth_headers
):
    customer = make_user("customer", language="en")
    make_order(customer, (make_product(price="12.50"), 1))
    embedded_jobs.clear()
    headers = {**auth_headers(customer), "Accept-Language": "fr"}

    body = {"current_password": PASSWORD, "new_password": "another-long-password-2"}
    response = client.post("/api/v1/auth/users/me/password/", headers=headers, json=body)

    assert response.status_code == 204

    [mail] = embedded_jobs
    assert mail.subject.startswith("Your password was changed")


def test_a_french_customer_is_told_of_a_parcel_in_french(staff, embedded_jobs):
    customer = make_user("customer", language="fr")
    order = make_order(customer, (make_product(stock=5), 2), statuses=("paid",), actor=staff)

    ship(order, staff, make_carrier("La Poste"), 1, tracking="LP 42")

    [mail] = mails_about(embedded_jobs, "un colis est en route")
    assert mail.subject.startswith(f"Commande n° {order.id}{NBSP}: un colis est en route")
    assert (
        f"Le {today_in('fr')}, un colis de votre commande n° {order.id} est parti avec La Poste"
        in mail.body
    )
    assert f"Numéro de suivi LP 42{NBSP}: https://track.example/parcels/LP%2042" in mail.body
    [paid] = mails_about(embedded_jobs, "payée")
    assert "Nous avons bien reçu votre paiement." in paid.body


def test_a_french_customers_refunded_return_is_told_in_french(staff, embedded_jobs):
    customer = make_user("customer", language="fr")
    order = delivered_order(customer, price="12.50", quantity=2)

    return_ = refunded(customer, order, staff, quantity=2)

    subject = f"Retour n° {return_.id} de la commande n° {order.id}{NBSP}: remboursé"
    [mail] = mails_about(embedded_jobs, subject)
    assert "Votre retour a été remboursé." in mail.body
    assert f"Remboursé{NBSP}: 25,00{NBSP}€" in mail.body


def test_a_language_the_shop_no_longer_speaks_reads_the_default(app, monkeypatch, embedded_jobs):
    customer = make_user("customer", language="fr")
    monkeypatch.setitem(app.config, "LANGUAGES", ["en"])
    make_order(customer, (make_product(price="12.50"), 1))
    assert embedded_jobs[0].subject.startswith("Order #")


def test_registering_in_french_stores_french_and_sends_a_french_activation(client, embedded_jobs):
    body = {"email": "zoe@example.com", "username": "zoe", "password": "a-long-password"}

    response = client.post("/api/v1/auth/users/", json=body, headers={"Accept-Language": "fr"})

    assert response.status_code == 201 and response.json["language"] == "fr"
    [mail] = embedded_jobs
    assert mail.subject.startswith("Activez votre compte")
    assert "Merci de confirmer votre adresse e-mail" in mail.body


def test_registering_without_a_preference_stores_the_request_language(client):
    body = {"email": "bob@example.com", "username": "bob", "password": "a-long-password"}
    response = client.post("/api/v1/auth/users/?lang=en", json=body)
    assert response.json["language"] == "en"


def profile(client, user, changes):
    return client.patch("/api/v1/auth/users/me/", json=changes, headers=token_headers(user))


def test_a_customer_chooses_their_language_in_their_profile(client, customer):
    assert (
        client.get("/api/v1/auth/users/me/", headers=token_headers(customer)).json["language"]
        == "en"
    )

    assert profile(client, customer, {"language": "fr"}).json["language"] == "fr"
    db.session.expire_all()
    assert customer.language == "fr"
    # null follows the shop's default again.
    assert profile(client, customer, {"language": None}).json["language"] == "en"


def test_a_language_the_shop_does_not_speak_is_refused_with_its_code(client, customer):
    response = profile(client, customer, {"language": "de"})

    assert response.status_code == 400
    assert response.json["code"] == "unknown_language"
    assert "language" in response.json["errors"]["json"]
    db.session.expire_all()
    assert customer.language is None


def test_an_admin_sets_a_users_language(client, admin, customer):
    url = f"/api/v1/auth/users/{customer.id}/"
    headers = token_headers(admin)
    assert client.patch(url, json={"language": "fr"}, headers=headers).json["language"] == "fr"
    refused = client.patch(url, json={"language": "xx"}, headers=headers)
    assert refused.status_code == 400 and refused.json["code"] == "unknown_language"


def test_an_admin_sets_a_users_language_in_the_back_office(client, admin, customer):
    admin_login(client, admin)
    url = f"/admin/users/edit/?id={customer.id}"
    page = client.get(url).get_data(as_text=True)
    assert '<option value="fr">fr</option>' in page

    form = {"role": "customer", "is_active": "y", "language": "fr"}
    response = client.post(url, data={**form, "csrf_token": csrf_token_from(page)})

    assert response.status_code == 302
    db.session.expire_all()
    assert customer.language == "fr"


def test_the_order_status_mail_words_and_amounts_are_built_in_the_job(staff, queue_down):
    customer = make_user("customer", language="fr")
    make_order(customer, (make_product(price="12.50"), 1), statuses=("paid",), actor=staff)
    query = db.select(OutboxMessage).where(OutboxMessage.handler == emails.STATUS_CHANGED)
    [row] = db.session.scalars(query)
    assert row.payload["language"] == "fr" and row.payload["news"] == "paid"
    assert row.payload["totals"][-1] == {"kind": "total", "name": "", "amount": "12.50"}
