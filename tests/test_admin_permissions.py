"""The back office: every page × a staff member whose group grants its permission and one
whose groups grant every other; the menu shows only what one may open; the stronger
actions of a page (a refund from the order page) check their own permission; groups and
integration tokens are managed there."""

import re

import pytest

from ecom.accounts.models import IntegrationToken, PermissionGroup
from ecom.admin.base import StaffOnly
from ecom.common.permissions import PERMISSIONS
from ecom.extensions import db
from tests.factories import (
    admin_csrf_token,
    admin_session,
    bearer,
    make_order,
    make_product,
    make_token,
    make_user,
)
from tests.payments import captured_payment


def staff_pages(app) -> dict[str, str]:
    """Each permission-guarded page's URL → its permission, read from the views."""
    admin = app.extensions["admin"][0]
    return {
        view.url + "/": view.required_permission
        for view in admin._views
        if isinstance(view, StaffOnly) and view.required_permission is not None
    }


def test_every_staff_page_but_home_and_users_names_its_permission(app):
    admin = app.extensions["admin"][0]
    unguarded = {
        view.endpoint
        for view in admin._views
        if isinstance(view, StaffOnly) and view.required_permission is None
    }
    assert unguarded == {"admin", "admin_users"}
    assert len(staff_pages(app)) >= 15


PAGES = [
    "/admin/products/",
    "/admin/variants/",
    "/admin/categories/",
    "/admin/tax-classes/",
    "/admin/tax-rates/",
    "/admin/orders/",
    "/admin/reviews/",
    "/admin/shipping-zones/",
    "/admin/shipping-methods/",
    "/admin/promotions/",
    "/admin/vouchers/",
    "/admin/voucher-redemptions/",
    "/admin/permission-groups/",
    "/admin/integration-tokens/",
    "/admin/outbox/",
    "/admin/audit/",
    "/admin/bulk-jobs/",
    "/admin/carriers/",
    "/admin/fulfilments/",
    "/admin/invoices/",
    "/admin/credit-notes/",
    "/admin/webhooks/",
    "/admin/webhook-deliveries/",
    "/admin/webhook-attempts/",
]


def test_the_pages_checked_here_are_every_guarded_page(app):
    assert sorted(staff_pages(app)) == sorted(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_opens_with_its_permission_and_is_refused_and_unlisted_without(app, client, page):
    permission = staff_pages(app)[page]
    holder = make_user("staff", permissions=[permission])
    lacking = make_user("staff", permissions=sorted(set(PERMISSIONS) - {permission}))

    admin_session(client, holder)
    opened, menu_with = client.get(page), client.get("/admin/").get_data(as_text=True)
    admin_session(client, lacking)
    refused, menu_without = client.get(page), client.get("/admin/").get_data(as_text=True)

    assert (opened.status_code, refused.status_code) == (200, 403)
    assert f'href="{page}"' in menu_with
    assert f'href="{page}"' not in menu_without


def test_the_dashboard_figures_need_view_reports(client):
    admin_session(client, make_user("staff", permissions=["view_reports"]))
    with_reports = client.get("/admin/").get_data(as_text=True)
    admin_session(client, make_user("staff", permissions=["manage_orders"]))
    without = client.get("/admin/")

    assert 'id="periods"' in with_reports
    assert without.status_code == 200
    body = without.get_data(as_text=True)
    assert 'id="periods"' not in body and 'id="welcome"' in body


def test_a_refund_from_the_order_page_needs_manage_refunds(client, customer):
    order = make_order(customer, (make_product(stock=5), 1))
    captured_payment(order)
    clerk = make_user("staff", permissions=["manage_orders"])
    admin_session(client, clerk)

    page = client.get(f"/admin/orders/details/?id={order.id}").get_data(as_text=True)
    refused = client.post(
        "/admin/orders/refund/",
        data={"order_id": order.id, "reason": "Broken", "csrf_token": admin_csrf_token(client)},
    )

    assert 'id="refund-form"' not in page
    assert refused.status_code == 403
    admin_session(client, make_user("staff", permissions=["manage_orders", "manage_refunds"]))
    allowed = client.get(f"/admin/orders/details/?id={order.id}").get_data(as_text=True)
    assert 'id="refund-form"' in allowed


def test_a_group_is_made_in_the_back_office_with_permissions_and_members(client):
    manager = make_user("staff", permissions=["manage_staff", "manage_orders"])
    clerk = make_user("staff", permissions=[])
    admin_session(client, manager)

    response = client.post(
        "/admin/permission-groups/new/",
        data={
            "name": "Order desk",
            "permissions": ["manage_orders"],
            "members": [str(clerk.id)],
            "csrf_token": admin_csrf_token(client),
        },
    )

    assert response.status_code == 302
    group = db.session.scalar(
        db.select(PermissionGroup).where(PermissionGroup.name == "Order desk")
    )
    assert group.permissions == ["manage_orders"] and group.members == [clerk]


def test_the_back_office_grants_nothing_beyond_its_user(client):
    admin_session(client, make_user("staff", permissions=["manage_staff"]))

    client.post(
        "/admin/permission-groups/new/",
        data={
            "name": "Refunders",
            "permissions": ["manage_refunds"],
            "csrf_token": admin_csrf_token(client),
        },
    )

    assert (
        db.session.scalar(db.select(PermissionGroup).where(PermissionGroup.name == "Refunders"))
        is None
    )


def test_a_token_made_in_the_back_office_is_shown_once_and_works(client):
    admin_session(client, make_user("staff", permissions=["manage_integrations", "manage_pricing"]))

    shown = client.post(
        "/admin/integration-tokens/new/",
        data={
            "name": "ERP",
            "permissions": ["manage_pricing"],
            "csrf_token": admin_csrf_token(client),
        },
    ).get_data(as_text=True)
    [secret] = re.findall(r'id="new-token">(ecom_it_[\w-]+)<', shown)
    listed = client.get("/admin/integration-tokens/").get_data(as_text=True)

    assert secret not in listed
    assert client.get("/api/v1/tax/classes/", headers=bearer(secret)).status_code == 200


def test_revoking_in_the_back_office_refuses_the_token_at_once(client):
    secret = make_token(["manage_pricing"])
    token = db.session.scalar(db.select(IntegrationToken))
    admin_session(client, make_user("staff", permissions=["manage_integrations"]))

    client.post(
        "/admin/integration-tokens/action/",
        data={"action": "revoke", "rowid": [token.id], "csrf_token": admin_csrf_token(client)},
    )

    assert client.get("/api/v1/tax/classes/", headers=bearer(secret)).status_code == 401
