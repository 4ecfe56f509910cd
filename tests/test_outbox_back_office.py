"""The outbox in the back office and from ``flask outbox``: states, errors, retries."""

from sqlalchemy import update

from ecom.accounts.emails import PASSWORD_RESET
from ecom.accounts.recovery import request_password_reset
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from ecom.orders.emails import CONFIRMATION
from tests.factories import admin_csrf_token, admin_login, admin_session, make_order, make_product


def failed_order_mail(customer) -> OutboxMessage:
    make_order(customer, (make_product(), 1))
    mail = OutboxMessage.handler == CONFIRMATION
    db.session.execute(
        update(OutboxMessage)
        .where(mail)
        .values(state="failed", attempts=5, last_error="SMTPServerDisconnected")
    )
    db.session.commit()
    return db.session.scalars(db.select(OutboxMessage).where(mail)).one()


def test_staff_see_each_row_with_its_state_attempts_and_last_error(
    client, staff, customer, queue_down
):
    row = failed_order_mail(customer)
    admin_login(client, staff)
    page = client.get("/admin/outbox/?flt1_state_equals=failed").get_data(as_text=True)
    assert row.key in page and "SMTPServerDisconnected" in page
    # Read-only: the edit page sends staff back to the list.
    assert client.get(f"/admin/outbox/edit/?id={row.id}").status_code == 302


def test_the_retry_action_hands_a_failed_row_over_again(
    client, staff, customer, embedded_jobs, queue_down, app, monkeypatch
):
    row = failed_order_mail(customer)
    monkeypatch.setitem(app.config["CELERY"], "broker_url", None)
    admin_login(client, staff)
    response = client.post(
        "/admin/outbox/action/",
        data={"action": "retry", "rowid": [row.id], "csrf_token": admin_csrf_token(client)},
        follow_redirects=True,
    )
    assert "1 message(s) handed over again." in response.get_data(as_text=True)
    db.session.refresh(row)
    assert (row.state, row.attempts, len(embedded_jobs)) == ("done", 1, 1)


def test_customers_cannot_open_the_outbox(client, customer):
    admin_session(client, customer)
    assert client.get("/admin/outbox/").status_code == 403


def test_flask_outbox_lists_and_retries_failed_rows(app, customer, queue_down):
    row = failed_order_mail(customer)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["outbox", "list", "--state", "failed"])
    assert f"{row.id}\tfailed\t5\torders.confirmation" in listed.output
    assert "SMTPServerDisconnected" in listed.output
    retried = runner.invoke(args=["outbox", "retry", "--all-failed"])
    assert retried.exit_code == 0 and f"Retrying {row.id}." in retried.output
    db.session.refresh(row)
    assert (row.state, row.attempts) == ("pending", 0)
    again = runner.invoke(args=["outbox", "retry", str(row.id)])
    assert again.exit_code == 1 and "Only failed messages can be retried" in again.output


def test_flask_outbox_sweep_hands_over_waiting_rows(
    app, customer, queue_down, monkeypatch, mailbox
):
    make_order(customer, (make_product(), 1))
    monkeypatch.setitem(app.config["CELERY"], "broker_url", None)
    result = app.test_cli_runner().invoke(args=["outbox", "sweep", "--all"])
    # The confirmation and the order's live update.
    assert "Handed over 2 message(s)." in result.output and len(mailbox) == 1


def test_staff_see_a_mail_rows_recipient_and_subject_but_nothing_of_its_link(
    client, app, staff, customer, queue_down
):
    request_password_reset(customer.email)
    order = make_order(customer, (make_product(), 1))
    db.session.commit()
    rows = {row.handler: row for row in db.session.scalars(db.select(OutboxMessage))}
    reset, confirmation = rows[PASSWORD_RESET], rows[CONFIRMATION]
    shop = app.config["SHOP_NAME"]

    admin_login(client, staff)
    page = client.get("/admin/outbox/").get_data(as_text=True)

    assert customer.email in page
    assert f"Reset your password | {shop}" in page
    assert f"Order #{order.id} confirmed | {shop}" in page
    assert reset.payload["state"] not in page
    assert confirmation.payload["url"] not in page
    assert app.config["FRONTEND_URL"] not in page
