"""Every back office list renders for staff over seeded data; customers get 403."""

import json
import re
from html import unescape as html_unescape

import pytest

from ecom.common.models import utcnow
from ecom.common.outbox import STATES, OutboxMessage
from ecom.extensions import db
from tests.factories import admin_login, admin_session, run_seed

LISTS = [
    "/admin/products/",
    "/admin/variants/",
    "/admin/categories/",
    "/admin/orders/",
    "/admin/reviews/",
    "/admin/shipping-zones/",
    "/admin/shipping-methods/",
]


@pytest.fixture
def seeded(app):
    run_seed(app, "--products", "30", "--users", "5", "--orders", "20", "--reviews", "10")


@pytest.mark.parametrize("page", LISTS)
def test_each_list_renders_its_rows_for_staff(client, staff, seeded, page):
    admin_login(client, staff)

    response = client.get(page)

    assert response.status_code == 200
    assert response.get_data(as_text=True).count('name="rowid"') > 1


@pytest.mark.parametrize("page", LISTS)
def test_customers_get_403_on_every_list(client, customer, page):
    admin_session(client, customer)

    assert client.get(page).status_code == 403


@pytest.mark.parametrize("page", LISTS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, page):
    response = client.get(page)

    assert response.status_code == 302
    assert response.location.startswith("/admin/login/")


def test_the_menu_links_every_staff_view(client, staff):
    admin_login(client, staff)

    body = client.get("/admin/").get_data(as_text=True)

    for page in LISTS:
        assert f'href="{page}"' in body


@pytest.mark.parametrize("page", LISTS)
def test_every_sortable_column_sorts_both_ways(client, staff, seeded, page):
    admin_login(client, staff)
    body = client.get(page).get_data(as_text=True)
    sort_links = set(re.findall(r'href="[^"]*[?&]sort=(\d+)', body))

    assert len(sort_links) >= 4
    for index in sort_links:
        for direction in ("", "&desc=1"):
            response = client.get(f"{page}?sort={index}{direction}")
            assert response.status_code == 200, (index, direction)


def test_the_outbox_filters_by_state_from_a_choice_and_cuts_long_errors(client, admin):
    long_error = "ConnectionError: " + "x" * 300
    db.session.add_all(
        [
            OutboxMessage(
                handler="orders.email",
                payload={},
                key="failed-one",
                state="failed",
                last_error=long_error,
                next_attempt_at=utcnow(),
            ),
            OutboxMessage(
                handler="orders.email", payload={}, key="pending-one", next_attempt_at=utcnow()
            ),
        ]
    )
    db.session.commit()
    admin_login(client, admin)

    listed = client.get("/admin/outbox/").get_data(as_text=True)
    only_failed = client.get("/admin/outbox/?flt0_state_equals=failed").get_data(as_text=True)

    groups = json.loads(
        html_unescape(re.search(r'id="filter-groups-data"[^>]*>([^<]*)<', listed)[1])
    )
    assert groups["State"][0]["options"] == [[state, state] for state in STATES]
    assert "failed-one" in only_failed and "pending-one" not in only_failed
    assert f'title="{long_error}"' in listed
    assert listed.count(long_error) == 1
