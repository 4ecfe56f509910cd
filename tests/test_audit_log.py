"""The audit log beyond the API walk: the back office's writes, the read API and page,
masking, the retention purge and the append-only guard."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, text, update
from sqlalchemy.exc import DBAPIError

from ecom.catalog.models import Product
from ecom.common.audit import AuditEntry
from ecom.common.audit_retention import purge_expired
from ecom.common.models import is_postgresql, utcnow
from ecom.common.permissions import PERMISSIONS
from ecom.extensions import db
from tests.audit_helpers import all_entries, entries_of
from tests.factories import (
    PASSWORD,
    admin_csrf_token,
    admin_login,
    bearer,
    login,
    make_category,
    make_product,
    make_user,
)


def _entry(**fields) -> dict:
    values = {
        "created_at": utcnow(),
        "actor_user_id": 1,
        "actor_email": "staff@example.com",
        "action": "update",
        "object_type": "products",
        "object_id": "1",
        "method": "PATCH",
        "route": "/api/v1/products/<int:product_id>/",
        "changes": {"price": {"before": "1.00", "after": "2.00"}},
    }
    return {**values, **fields}


def test_a_back_office_edit_leaves_an_entry_with_its_actor_and_fields(client, staff):
    product = make_product(stock=3)
    admin_login(client, staff)

    response = client.post(
        "/admin/products/ajax/update/",
        data={
            "list_form_pk": product.id,
            "stock_quantity": "12",
            "csrf_token": admin_csrf_token(client),
        },
    )

    assert response.status_code == 200
    [variant] = [e for e in entries_of(response) if e.object_type == "product_variants"]
    assert (variant.actor_user_id, variant.actor_email) == (staff.id, staff.email)
    assert variant.route == "/admin/products/ajax/update/"
    assert variant.changes["stock_quantity"] == {"before": 3, "after": 12}


def test_a_refused_back_office_edit_leaves_no_entry(client, staff):
    product = make_product(stock=3)
    admin_login(client, staff)
    response = client.post(
        "/admin/products/ajax/update/",
        data={
            "list_form_pk": product.id,
            "stock_quantity": "-4",
            "csrf_token": admin_csrf_token(client),
        },
    )
    assert response.status_code == 400 and "Must be 0 or more" in response.get_data(as_text=True)
    assert all_entries() == []


def test_the_back_office_lists_entries_read_only_with_filters(client, admin):
    db.session.execute(insert(AuditEntry), [_entry(object_id="7"), _entry(object_id="8")])
    db.session.commit()
    admin_login(client, admin)

    page = client.get("/admin/audit/?flt0_object_id_equals=7").get_data(as_text=True)

    assert "price: &#34;1.00&#34; → &#34;2.00&#34;" in page or 'price: "1.00" → "2.00"' in page
    assert page.count("/api/v1/products/&lt;int:product_id&gt;/") == 1
    for path in ("/admin/audit/new/", "/admin/audit/edit/?id=1"):
        assert client.get(path).status_code in (302, 404)
    deleted = client.post(
        "/admin/audit/delete/", data={"id": 1, "csrf_token": admin_csrf_token(client)}
    )
    assert deleted.status_code in (302, 404) and len(all_entries()) == 2


def test_staff_without_view_reports_cannot_open_the_back_office_log(client):
    lacking = make_user("staff", permissions=sorted(set(PERMISSIONS) - {"view_reports"}))
    admin_login(client, lacking)
    assert client.get("/admin/audit/").status_code == 403


def test_the_api_lists_entries_by_actor_object_and_date(client, admin, staff):
    product = make_product()
    staff_headers = bearer(login(client, staff)["access"])
    client.patch(f"/api/v1/products/{product.id}/", json={"price": "7.00"}, headers=staff_headers)
    db.session.execute(insert(AuditEntry), [_entry(created_at=utcnow() - timedelta(days=3))])
    db.session.commit()
    headers = bearer(login(client, admin)["access"])

    mine = client.get(
        f"/api/v1/audit/?actor_user_id={staff.id}&object_type=products&object_id={product.id}",
        headers=headers,
    ).get_json()
    since = (utcnow() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    recent = client.get(f"/api/v1/audit/?created_after={since}", headers=headers).get_json()

    [entry] = mine["results"]
    assert entry["actor_email"] == staff.email and entry["action"] == "update"
    assert entry["changes"]["price"]["after"] == "7.00"
    assert all(row["actor_user_id"] == staff.id for row in recent["results"])
    assert recent["count"] == len(all_entries()) - 1


def test_password_hashes_are_masked(client, staff):
    headers = bearer(login(client, staff)["access"])

    response = client.post(
        "/api/v1/auth/users/me/password/",
        json={"current_password": PASSWORD, "new_password": "a-new-long-passphrase"},
        headers=headers,
    )

    [entry] = [e for e in entries_of(response) if e.object_type == "users"]
    assert entry.changes["password_hash"] == {"before": "***", "after": "***"}


def test_a_write_in_after_commit_work_is_not_taken_for_the_request(client, staff, embedded_jobs):
    category = make_category("Hats")
    headers = bearer(login(client, staff)["access"])
    response = client.post(
        "/api/v1/products/",
        json={"title": "Cap", "price": "9.00", "category": category.id, "stock_quantity": 1},
        headers=headers,
    )
    entries = entries_of(response)
    assert {e.object_type for e in entries} >= {"products", "product_variants"}
    # The jobs ran after the commit, in a context of their own: none of their writes.
    assert all(e.action == "create" or e.object_type != "outbox" for e in entries)


def test_the_purge_deletes_entries_past_the_retention_in_batches(app, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_RETENTION_DAYS", 30)
    monkeypatch.setitem(app.config, "AUDIT_PURGE_BATCH", 2)
    old = utcnow() - timedelta(days=31)
    db.session.execute(insert(AuditEntry), [_entry(created_at=old) for _ in range(5)])
    db.session.execute(insert(AuditEntry), [_entry(object_id="kept")])
    db.session.commit()

    assert purge_expired() == 5
    assert [entry.object_id for entry in all_entries()] == ["kept"]


def test_a_retention_of_zero_keeps_everything(app, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_RETENTION_DAYS", 0)
    db.session.execute(insert(AuditEntry), [_entry(created_at=utcnow() - timedelta(days=999))])
    assert purge_expired() == 0 and len(all_entries()) == 1


def test_beat_schedules_the_purge(app):
    schedule = app.config["CELERY"]["beat_schedule"]["audit-purge"]
    assert schedule == {"task": "ecom.audit.purge", "schedule": app.config["AUDIT_PURGE_SECONDS"]}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET actor_email = 'someone@else.example'",
        "DELETE FROM audit_entries",
    ],
)
def test_postgresql_refuses_to_change_or_delete_an_entry(statement):
    if not is_postgresql():
        pytest.skip("The append-only trigger is PostgreSQL's (SQLite: no code path writes).")
    db.session.execute(insert(AuditEntry), [_entry()])
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement))
    assert len(all_entries()) == 1


def test_a_bulk_write_outside_a_request_is_not_audited():
    product = make_product()
    db.session.execute(update(Product).where(Product.id == product.id).values(title="Quiet"))
    assert all_entries() == []
