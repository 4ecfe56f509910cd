"""The dashboard's figures, checked against SQL written independently of the service."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import DateTime, bindparam, text

from ecom.admin import dashboard
from ecom.admin.charts import revenue_chart
from ecom.catalog.models import ProductVariant
from ecom.extensions import db
from tests.factories import admin_login, run_seed

AS_OF = date(2026, 11, 1)
NOW = datetime(2026, 11, 1, 15, 30, tzinfo=UTC)
SEED = ("--products", "1000", "--users", "50", "--orders", "200", "--seed", "1")


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def sql(query: str, **moments: datetime):
    """Run raw SQL, binding datetimes the way the tables store them."""
    types = (bindparam(name, type_=DateTime(timezone=True)) for name in moments)
    return db.session.execute(text(query).bindparams(*types), moments)


def cents(value) -> Decimal:
    return Decimal(str(round(float(value or 0), 2))).quantize(Decimal("0.01"))


def revenue_between(start: datetime, end: datetime) -> Decimal:
    return cents(
        sql(
            "SELECT SUM(total_amount) FROM orders WHERE status <> 'cancelled' "
            "AND created_at >= :start AND created_at < :end",
            start=start,
            end=end,
        ).scalar()
    )


def orders_between(start: datetime, end: datetime) -> int:
    return sql(
        "SELECT COUNT(*) FROM orders WHERE created_at >= :start AND created_at < :end",
        start=start,
        end=end,
    ).scalar()


@pytest.fixture
def seeded(app):
    run_seed(app, *SEED, "--as-of", AS_OF.isoformat())


def test_period_figures_equal_sql_for_today_7_and_30_days(seeded):
    end = midnight(AS_OF + timedelta(days=1))

    figures = dashboard.period_figures(NOW)

    expected = [
        (
            revenue_between(end - timedelta(days=days), end),
            orders_between(end - timedelta(days=days), end),
        )
        for days in (1, 7, 30)
    ]
    assert [(cents(f.revenue), f.orders) for f in figures] == expected
    assert figures[2].orders > figures[1].orders > 0


def test_orders_by_status_equal_sql(seeded):
    counts = dict(sql("SELECT status, COUNT(*) FROM orders GROUP BY status").all())

    by_status = dashboard.orders_by_status()

    assert {status: n for status, n in by_status.items() if n} == counts
    assert sum(by_status.values()) == 200


def test_top_products_equal_sql_over_30_days(seeded):
    end = midnight(AS_OF + timedelta(days=1))
    rows = sql(
        "SELECT i.product_id, SUM(i.unit_price * i.quantity) AS revenue FROM order_items i "
        "JOIN orders o ON o.id = i.order_id WHERE o.status <> 'cancelled' "
        "AND o.created_at >= :start AND o.created_at < :end "
        "GROUP BY i.product_id ORDER BY revenue DESC, i.product_id LIMIT 10",
        start=end - timedelta(days=30),
        end=end,
    ).all()

    top = dashboard.top_products(NOW)

    assert [(p.product_id, cents(p.revenue)) for p in top] == [(id, cents(r)) for id, r in rows]
    assert len(top) == 10


def test_low_stock_lists_active_variants_of_active_products_at_or_below_the_threshold(seeded):
    expected = sql(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id "
        "WHERE v.stock_quantity <= 5 AND v.is_active AND p.is_active "
        "ORDER BY v.stock_quantity, v.id"
    ).scalars()
    expected = list(expected)
    labelled = sql(
        "SELECT COUNT(*) FROM product_variants v WHERE v.stock_quantity <= 5 AND v.option_key <> ''"
    ).scalar()

    count, first = dashboard.low_stock(5, page=1, per_page=10)
    _, second = dashboard.low_stock(5, page=2, per_page=10)
    _, everything = dashboard.low_stock(5, page=1, per_page=count)

    assert count == len(expected) > 10
    assert [v.variant_id for v in first + second] == expected[:20]
    assert [v.variant_id for v in everything] == expected
    assert labelled and any(v.label for v in everything)
    for row in everything:
        variant = db.session.get(ProductVariant, row.variant_id)
        assert (row.product_id, row.title, row.label, row.sku, row.stock) == (
            variant.product_id,
            variant.product.title,
            variant.label,
            variant.sku,
            variant.stock_quantity,
        )


def test_daily_revenue_equals_sql_for_each_of_the_30_days(seeded):
    days = dashboard.daily_revenue(NOW)

    first = AS_OF - timedelta(days=29)
    expected = []
    for day in (first + timedelta(days=n) for n in range(30)):
        expected.append((day, revenue_between(midnight(day), midnight(day + timedelta(days=1)))))
    assert [(day, cents(amount)) for day, amount in days] == expected
    assert sum(amount for _, amount in days) == dashboard.period_figures(NOW)[2].revenue > 0


def test_the_chart_draws_one_bar_per_day_on_a_y_axis_of_round_amounts():
    days = [(date(2026, 10, 1) + timedelta(days=n), Decimal(n * 10)) for n in range(30)]

    svg = revenue_chart(days, "EUR")

    assert svg.count("<rect") == 30
    assert "2026-10-30: 290.00 EUR" in svg
    assert re.findall(r'class="y-tick">([^<]+)<', svg) == ["0", "100", "200", "300"]
    assert "Daily revenue in EUR" in svg
    assert "http" not in svg


def test_the_dashboard_page_shows_the_figures_of_seeded_data(app, client, staff):
    today = datetime.now(UTC).date()
    run_seed(app, *SEED, "--as-of", today.isoformat())
    end = midnight(today + timedelta(days=1))
    admin_login(client, staff)

    body = client.get("/admin/").get_data(as_text=True)

    shown = [
        (cents(r), int(n))
        for r, n in re.findall(r'data-revenue="([^"]+)".*?data-orders="(\d+)"', body, re.S)
    ]
    expected = [
        (
            revenue_between(end - timedelta(days=d), end),
            orders_between(end - timedelta(days=d), end),
        )
        for d in (1, 7, 30)
    ]
    assert shown == expected
    assert "except <em>cancelled</em>" in body
    assert body.count("<rect") == 30
    assert "Daily revenue (USD)" in body and "Revenue (USD)" in body
    top_ids = re.findall(
        r'<tr data-product-id="(\d+)">\s*<td>(\d+)</td>\s*<td><a href="([^"]+)"', body
    )
    assert top_ids and all(a == b and f"id={a}" in link for a, b, link in top_ids)


def test_the_low_stock_table_pages_and_leaves_inactive_variants_and_products_out(
    app, client, staff
):
    run_seed(app, *SEED, "--as-of", AS_OF.isoformat())
    admin_login(client, staff)
    inactive = set(
        sql(
            "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id "
            "WHERE NOT v.is_active OR NOT p.is_active"
        ).scalars()
    )

    first = client.get("/admin/").get_data(as_text=True)
    second = client.get("/admin/?low_stock_page=2").get_data(as_text=True)

    def low_stock_rows(body: str) -> list[tuple[int, int]]:
        table = body[body.index('id="low-stock"') :]
        rows = re.findall(r'<tr data-variant-id="(\d+)" data-product-id="(\d+)">', table)
        return [(int(v), int(p)) for v, p in rows]

    def low_stock_ids(body: str) -> list[int]:
        return [variant_id for variant_id, _ in low_stock_rows(body)]

    assert len(low_stock_ids(first)) == 20 and 'id="low-stock-pages"' in first
    assert low_stock_ids(second) and not set(low_stock_ids(first)) & set(low_stock_ids(second))
    assert not inactive & set(low_stock_ids(first) + low_stock_ids(second))
    variant_id, product_id = low_stock_rows(first)[0]
    sku = db.session.get(ProductVariant, variant_id).sku
    assert f"/admin/products/edit/?id={product_id}" in first and f"search={sku}" in first
