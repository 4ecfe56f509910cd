import hashlib
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from ecom.accounts import groups
from ecom.accounts.models import TokenFamily, User
from ecom.accounts.passwords import verify_password
from ecom.catalog.models import Product, ProductVariant
from ecom.cli.seed import SEED_PASSWORD
from ecom.common.permissions import PERMISSIONS
from ecom.extensions import db
from ecom.orders.models import (
    NEW_ORDER_STATUS,
    NEW_PAYMENT_STATUS,
    ORDER_STATUSES,
    Order,
    OrderItem,
    OrderStatusChange,
)
from ecom.orders.transitions import TRANSITIONS, payment_status_after
from ecom.reviews.models import Review
from ecom.reviews.services import round_rating
from tests.factories import make_user, run_seed

SMALL = ("--products", "1000", "--users", "50", "--orders", "200", "--seed", "1")


def invoke(app, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def database_digest() -> str:
    """A digest of every row of every table (password hashes aside: they are salted)."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if column.name != "password_hash"]
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns))
        digest.update(table.name.encode())
        for row in rows:
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_admin_creates_an_admin_who_can_log_in_with_the_given_password(app):
    result = invoke(app, "create-admin", "--email", "Boss@Example.com", "--password", "long-pass-1")

    assert result.exit_code == 0, result.output
    user = user_by_email("boss@example.com")
    assert user.role == "admin"
    assert verify_password(user.password_hash, "long-pass-1")


def test_create_staff_prompts_twice_for_a_hidden_password_when_it_is_omitted(app):
    result = invoke(app, "create-staff", "--email", "clerk@example.com", input="long-pass-1\n" * 2)

    assert result.exit_code == 0, result.output
    assert "long-pass-1" not in result.output
    assert user_by_email("clerk@example.com").role == "staff"


def test_create_admin_refuses_a_weak_password_and_creates_nobody(app):
    result = invoke(app, "create-admin", "--email", "boss@example.com", "--password", "12345678")

    assert result.exit_code != 0
    assert "other than digits and spaces" in result.output
    assert user_by_email("boss@example.com") is None


def test_create_admin_refuses_a_malformed_email(app):
    result = invoke(app, "create-admin", "--email", "not-an-email", "--password", "long-pass-1")

    assert result.exit_code != 0
    assert "Not a valid email address" in result.output


def test_create_admin_says_so_when_the_email_is_taken(app):
    make_user(email="boss@example.com")

    result = invoke(app, "create-admin", "--email", "boss@example.com", "--password", "long-pass-1")

    assert result.exit_code != 0
    assert "An account already uses boss@example.com as its email." in result.output
    assert count(User) == 1


def test_create_admin_names_every_field_taken_in_plain_words(app):
    make_user(email="boss@example.com", username="boss@example.com")

    result = invoke(app, "create-admin", "--email", "boss@example.com", "--password", "long-pass-1")

    assert "An account already uses boss@example.com as its email and username." in result.output


def test_seed_with_reset_twice_with_the_same_seed_gives_identical_data(app):
    run_seed(app, *SMALL, "--reset")
    first = database_digest()

    run_seed(app, *SMALL, "--reset")

    assert database_digest() == first


def test_seed_with_another_seed_gives_other_data(app):
    run_seed(app, *SMALL, "--reset")
    first = database_digest()

    run_seed(app, *SMALL[:-1], "2", "--reset")

    assert database_digest() != first


def test_seed_without_reset_adds_nothing_to_a_seeded_database(app):
    run_seed(app, *SMALL)
    before = database_digest()

    result = run_seed(app, *SMALL)

    assert "nothing was added" in result.output
    assert database_digest() == before


def test_seed_writes_the_requested_sizes_and_a_known_password(app):
    run_seed(app, *SMALL)

    assert count(Product) == 1000
    assert db.session.scalar(select(func.count()).where(User.role == "customer")) == 50
    assert db.session.scalar(text("SELECT COUNT(*) FROM orders")) == 200
    staff = user_by_email("staff@shop.example")
    assert verify_password(staff.password_hash, SEED_PASSWORD)


def test_seeded_categories_form_a_three_level_tree(app):
    run_seed(app, *SMALL)

    leaves = db.session.scalar(
        text(
            "SELECT COUNT(*) FROM categories leaf JOIN categories mid ON leaf.parent_id = mid.id "
            "JOIN categories top ON mid.parent_id = top.id WHERE top.parent_id IS NULL"
        )
    )
    in_leaves = db.session.scalar(
        text(
            "SELECT COUNT(*) FROM products p JOIN categories c ON p.category_id = c.id "
            "JOIN categories mid ON c.parent_id = mid.id WHERE mid.parent_id IS NOT NULL"
        )
    )
    assert leaves > 10
    assert in_leaves == 1000


def test_seeded_stock_includes_sold_out_and_low_products(app):
    run_seed(app, *SMALL)

    stocks = db.session.scalars(select(Product.stock_quantity)).all()
    assert 0 in stocks
    assert any(1 <= stock <= 5 for stock in stocks)


def test_about_a_third_of_seeded_products_have_2_to_12_variants_named_by_their_options(app):
    run_seed(app, *SMALL)

    per_product = Counter(db.session.scalars(select(ProductVariant.product_id)))
    several = [product_id for product_id, count in per_product.items() if count > 1]
    products = db.session.scalars(select(Product)).all()
    assert len(per_product) == 1000
    assert 0.25 < len(several) / 1000 < 0.42
    assert all(2 <= per_product[product_id] <= 12 for product_id in several)
    for product in products:
        labels = [variant.label for variant in product.variants]
        assert len(set(labels)) == len(labels), product.id
        for variant in product.variants:
            assert len(variant.values) == len(product.options), variant.sku
            assert variant.sku.split("-")[2:] == [
                re.sub(r"[^0-9A-Z]", "", value.value.upper()) for value in variant.ordered_values
            ]
            assert re.fullmatch(r"[A-Z]{3}-\d{4,}(-[0-9A-Z]+)*", variant.sku), variant.sku


def test_seeded_product_summaries_equal_their_variants(app):
    run_seed(app, *SMALL)

    wrong = []
    for product in db.session.scalars(select(Product)):
        active = [variant for variant in product.variants if variant.is_active]
        priced = [variant.current_price for variant in active or product.variants]
        summary = (min(priced), max(priced), sum(variant.stock_quantity for variant in active))
        if (product.price, product.price_max, product.stock_quantity) != summary:
            wrong.append(product.id)
    assert wrong == []


def test_every_seeded_order_line_copies_its_variant(app):
    run_seed(app, *SMALL)

    lines = db.session.scalars(select(OrderItem)).all()
    assert lines
    assert any(line.variant_label for line in lines)
    for line in lines:
        variant = line.variant
        assert (line.product_id, line.sku, line.variant_label, line.title) == (
            variant.product_id,
            variant.sku,
            variant.label,
            variant.product.title,
        )
        assert line.unit_price == variant.price and variant.is_active


def test_seeded_orders_cover_every_status_with_consistent_totals_and_history(app):
    run_seed(app, *SMALL)

    statuses = set(db.session.scalars(text("SELECT DISTINCT status FROM orders")))
    wrong_totals = [
        order.id
        for order in db.session.scalars(select(Order))
        if order.total_amount != sum(item.unit_price * item.quantity for item in order.items)
    ]
    wrong_history = db.session.scalar(
        text(
            "SELECT COUNT(*) FROM orders o WHERE o.status <> (SELECT h.to_status FROM "
            "order_status_changes h WHERE h.order_id = o.id ORDER BY h.id DESC LIMIT 1)"
        )
    )
    assert statuses == set(ORDER_STATUSES)
    assert wrong_totals == []
    assert wrong_history == 0


def test_every_seeded_order_history_walks_the_status_machine_from_a_new_order(app):
    run_seed(app, *SMALL)

    for order in db.session.scalars(select(Order)):
        steps = [(change.from_status, change.to_status) for change in order.history]
        assert steps[0] == (None, NEW_ORDER_STATUS), order.id
        for from_status, to_status in steps[1:]:
            assert to_status in TRANSITIONS[from_status], (order.id, from_status, to_status)
        assert all(steps[n][0] == steps[n - 1][1] for n in range(1, len(steps))), order.id
        assert order.status == steps[-1][1]


def test_seeded_payment_status_follows_the_orders_history(app):
    run_seed(app, *SMALL)

    for order in db.session.scalars(select(Order)):
        expected = NEW_PAYMENT_STATUS
        for change in order.history[1:]:
            expected = payment_status_after(expected, change.to_status)
        assert order.payment_status == expected, order.id


def test_seeded_ratings_summarise_each_products_visible_reviews(app):
    run_seed(app, *SMALL, "--reviews", "400")

    mismatched = db.session.scalar(
        text(
            "SELECT COUNT(*) FROM products p WHERE p.reviews_count <> "
            "(SELECT COUNT(*) FROM reviews r WHERE r.product_id = p.id AND r.is_visible)"
        )
    )
    rated = db.session.scalar(
        text("SELECT COUNT(*) FROM products WHERE average_rating IS NOT NULL")
    )
    visible_average = (
        select(func.avg(Review.rating))
        .where(Review.product_id == Product.id, Review.is_visible)
        .scalar_subquery()
    )
    averages = db.session.execute(select(Product.average_rating, visible_average)).all()
    assert mismatched == 0
    assert rated > 0
    assert [(s, a) for s, a in averages if s != round_rating(a)] == []


def test_seed_reset_is_refused_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")

    result = invoke(app, "seed", "--reset")

    assert result.exit_code != 0
    assert "refused in production" in result.output


def test_purge_tokens_deletes_only_expired_token_families(app):
    user = make_user()
    now = datetime.now(UTC)
    db.session.add_all(
        [
            TokenFamily(id="expired", user_id=user.id, expires_at=now - timedelta(minutes=1)),
            TokenFamily(id="still-valid", user_id=user.id, expires_at=now + timedelta(hours=1)),
        ]
    )
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["purge-tokens"])

    assert result.exit_code == 0 and "Deleted 1 expired" in result.output
    assert db.session.scalars(select(TokenFamily.id)).all() == ["still-valid"]


def test_seed_as_of_today_writes_nothing_dated_in_the_future(app):
    today = datetime.now(UTC).date().isoformat()
    run_seed(app, "--products", "50", "--users", "20", "--orders", "400", "--as-of", today)
    now = datetime.now(UTC)
    latest = [
        db.session.scalar(select(func.max(column)))
        for column in (
            Order.created_at,
            Order.updated_at,
            OrderStatusChange.created_at,
            Review.created_at,
            User.created_at,
        )
    ]
    assert all(moment <= now for moment in latest)


def test_create_staff_joins_all_permissions_or_the_groups_named(app):
    invoke(app, "create-staff", "--email", "clerk@example.com", "--password", "long-pass-1")
    groups.create_group(None, {"name": "Warehouse", "permissions": ["manage_stock"]})
    named = invoke(
        app,
        "create-staff",
        "--email",
        "packer@example.com",
        "--password",
        "long-pass-1",
        "--group",
        "Warehouse",
    )
    unknown = invoke(
        app,
        "create-staff",
        "--email",
        "ghost@example.com",
        "--password",
        "long-pass-1",
        "--group",
        "Nobody",
    )

    assert user_by_email("clerk@example.com").permissions == set(PERMISSIONS)
    assert named.exit_code == 0 and user_by_email("packer@example.com").permissions == {
        "manage_stock"
    }
    assert unknown.exit_code != 0 and user_by_email("ghost@example.com") is None
