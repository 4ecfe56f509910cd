import re

import pytest
from sqlalchemy import select

from ecom.accounts.models import User
from ecom.extensions import db
from tests.factories import PASSWORD, admin_login, csrf_token_from, make_user, run_seed


def html(response) -> str:
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_redirected_to_the_login_page(client):
    response = client.get("/admin/users/")

    assert response.status_code == 302
    assert response.location.startswith("/admin/login/?next=")


def test_staff_log_in_and_land_on_the_page_they_asked_for(client, staff):
    response = admin_login(client, staff, next_path="/admin/")

    assert response.status_code == 302
    assert response.location == "/admin/"
    assert "Dashboard" in html(client.get("/admin/"))


def test_the_login_never_redirects_outside_the_back_office(client, staff):
    response = admin_login(client, staff, next_path="https://evil.example/")

    assert response.location == "/admin/"


@pytest.mark.parametrize("target", ["/admin/%0D%0ASet-Cookie:%20x=1", "/admin/%0Aorder/"])
def test_a_next_path_with_cr_or_lf_redirects_safely(client, staff, target):
    response = admin_login(client, staff, next_path=target)

    assert response.status_code == 302 and response.location == "/admin/"


def test_the_session_cookie_is_http_only_and_same_site_lax(client, staff):
    response = admin_login(client, staff)

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_a_wrong_password_shows_a_message_and_does_not_log_in(client, staff):
    response = admin_login(client, staff, password="wrong-password")

    assert response.status_code == 401
    assert "No active account found" in html(response)
    assert client.get("/admin/").status_code == 302


def test_customers_get_403_at_login_and_no_session(client, customer):
    response = admin_login(client, customer)

    assert response.status_code == 403
    assert "no access to the back office" in html(response)
    assert client.get("/admin/").status_code == 302


def test_a_signed_in_user_demoted_to_customer_gets_403(client, staff):
    admin_login(client, staff)
    staff.role = "customer"
    db.session.commit()

    assert client.get("/admin/").status_code == 403


def test_deactivating_an_account_ends_its_back_office_session(client, staff):
    admin_login(client, staff)
    staff.is_active = False
    db.session.commit()

    assert client.get("/admin/").status_code == 302


def test_logout_is_a_post_with_the_csrf_token_that_ends_the_session(client, staff):
    admin_login(client, staff)
    page = html(client.get("/admin/"))
    form = r'<form method="post" action="/admin/logout/"[^>]*>\s*<input type="hidden" name="csrf_'
    assert re.search(form, page)

    response = client.post("/admin/logout/", data={"csrf_token": csrf_token_from(page)})

    assert response.location == "/admin/login/"
    assert client.get("/admin/").status_code == 302


def test_a_logout_link_or_a_post_without_csrf_token_ends_nothing(client, staff):
    admin_login(client, staff)

    assert client.get("/admin/logout/").status_code == 405
    assert client.post("/admin/logout/").status_code == 400
    assert client.get("/admin/").status_code == 200


def test_back_office_pages_allow_only_their_own_and_nonced_scripts(client, staff):
    admin_login(client, staff)

    response = client.get("/admin/orders/")

    policy = response.headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    nonce = re.fullmatch(r"script-src 'self' 'nonce-([\w-]+)'", script_src).group(1)
    scripts = re.findall(r"<script[^>]*>", html(response))
    assert any(f'nonce="{nonce}"' in tag for tag in scripts)
    assert all('src="/admin/' in tag or f'nonce="{nonce}"' in tag for tag in scripts)
    assert " onclick=" not in html(response)
    assert nonce not in client.get("/admin/orders/").headers["Content-Security-Policy"]


def test_the_login_form_posted_without_csrf_token_is_refused(client, staff):
    response = client.post("/admin/login/", data={"email": staff.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "CSRF token is missing" in html(response)
    assert client.get("/admin/").status_code == 302


def test_an_admin_form_posted_without_csrf_token_is_refused_and_changes_nothing(client, admin):
    target = make_user("customer")
    admin_login(client, admin)

    response = client.post(
        f"/admin/users/edit/?id={target.id}", data={"role": "staff", "is_active": "y"}
    )

    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "customer"


def test_the_json_api_needs_no_csrf_token(client):
    response = client.post(
        "/api/v1/auth/users/",
        json={"email": "new@example.com", "username": "new", "password": PASSWORD},
    )

    assert response.status_code == 201


def test_staff_cannot_open_users(client, staff):
    admin_login(client, staff)

    response = client.get("/admin/users/")

    assert response.status_code == 403
    assert "403 Forbidden" in html(response)  # a back office page, not API JSON
    assert "/admin/users/" not in html(client.get("/admin/"))


def test_admins_list_users_without_any_password_hash(client, admin):
    admin_login(client, admin)

    for page in ("/admin/users/", f"/admin/users/details/?id={admin.id}"):
        body = html(client.get(page))
        assert admin.email in body
        assert "argon2" not in body
        assert "password" not in body.lower()


def test_the_user_edit_form_offers_only_role_active_flag_and_language(client, admin):
    target = make_user("customer")
    admin_login(client, admin)

    body = html(client.get(f"/admin/users/edit/?id={target.id}"))

    fields = set(re.findall(r'<(?:input|select)[^>]* name="([^"]+)"', body))
    assert fields == {"csrf_token", "role", "is_active", "language", "_continue_editing"}


def test_an_admin_changes_a_users_role_and_active_flag(client, admin):
    target = make_user("customer")
    admin_login(client, admin)
    url = f"/admin/users/edit/?id={target.id}"
    token = csrf_token_from(html(client.get(url)))

    response = client.post(url, data={"role": "staff", "csrf_token": token})

    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, target.id)
    assert (changed.role, changed.is_active) == ("staff", False)


def test_an_admin_cannot_demote_themselves_from_the_back_office(client, admin):
    admin_login(client, admin)
    url = f"/admin/users/edit/?id={admin.id}"
    token = csrf_token_from(html(client.get(url)))

    response = client.post(
        url,
        data={"role": "customer", "is_active": "y", "csrf_token": token},
        follow_redirects=True,
    )

    assert "cannot demote or deactivate themselves" in html(response)
    db.session.expire_all()
    assert db.session.scalar(select(User.role).where(User.id == admin.id)) == "admin"


def test_back_office_pages_load_no_asset_from_another_host(client, admin):
    run_seed(client.application, "--products", "20", "--users", "5", "--orders", "10")
    admin_login(client, admin)

    pages = (
        "/admin/login/",
        "/admin/",
        "/admin/users/",
        f"/admin/users/edit/?id={admin.id}",
        "/admin/products/",
        "/admin/products/new/",
        "/admin/products/edit/?id=1",
        "/admin/variants/",
        "/admin/variants/edit/?id=1",
        "/admin/categories/",
        "/admin/orders/",
        "/admin/orders/details/?id=1",
        "/admin/reviews/",
    )
    for page in pages:
        body = html(client.get(page))
        assets = re.findall(r'(?:src|href)="([^"]+)"', body)
        # Absolute links to the shop itself (seeded product pictures under /media/) are fine.
        elsewhere = [url for url in assets if re.match(r"(https?:)?//(?!localhost/)", url)]
        assert not elsewhere, page
        for url in assets:
            if "/static/" in url:
                assert client.get(url).status_code == 200, url


def test_inline_editing_of_the_role_goes_through_the_accounts_rules(client, admin):
    target = make_user("customer")
    admin_login(client, admin)
    token = csrf_token_from(html(client.get(f"/admin/users/edit/?id={target.id}")))

    changed = client.post(
        "/admin/users/ajax/update/",
        data={"list_form_pk": target.id, "role": "staff", "csrf_token": token},
    )
    refused = client.post(
        "/admin/users/ajax/update/",
        data={"list_form_pk": admin.id, "role": "customer", "csrf_token": token},
    )

    assert changed.status_code == 200
    assert refused.status_code == 400
    assert "cannot demote or deactivate themselves" in html(refused)
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "staff"
    assert db.session.get(User, admin.id).role == "admin"


def test_a_mistyped_back_office_url_is_a_back_office_404_page(client, staff):
    admin_login(client, staff)
    response = client.get("/admin/no-such-page/")

    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Back to the dashboard" in html(response)
    api = client.get("/api/v1/no-such-page/")
    assert api.status_code == 404 and api.json["code"] == "not_found"


def test_back_office_pages_link_a_favicon_served_locally(client):
    page = html(client.get("/admin/login/"))
    [href] = re.findall(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', page)
    icon = client.get(href)
    assert href.startswith("/admin/") and icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
