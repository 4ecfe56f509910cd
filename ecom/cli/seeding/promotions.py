"""The seeded shop's promotions: a live catalogue promotion on one category, and two
vouchers (WELCOME10: 10% off a first order; FREESHIP: free shipping from 50.00).

Rows are inserted as the rest of the seed is, with the seeder's dates, after the
promotions' own rule check; the sale prices are then computed by the pricing package as
of the seeder's end, and the rows it touched keep their seeded ``updated_at``: one seed
always gives the same rows."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert, select, update

from ecom.catalog.models import Category, Product, ProductVariant
from ecom.cli.seeding.rows import Seeder, insert_rows
from ecom.extensions import db
from ecom.pricing import sale_prices
from ecom.promotions.models import Promotion, Voucher, promotion_categories
from ecom.promotions.services import check_period_and_value
from ecom.promotions.vouchers import normal_code

FREE_SHIPPING_FROM = Decimal("50.00")


def _checked(row: dict, started: object) -> dict:
    check_period_and_value(row)
    return {"is_active": True, "created_at": started, "updated_at": started, **row}


def seed_promotions(seeder: Seeder) -> None:
    started = seeder.end - timedelta(days=7)
    leaves = db.session.scalars(
        select(Category.id).where(~Category.children.any()).order_by(Category.id)
    ).all()
    base = {
        "starts_at": started,
        "used_count": 0,
        "scope": "order",
        "min_subtotal": None,
        "usage_limit_per_customer": None,
    }
    insert_rows(
        Voucher,
        [
            _checked(
                {
                    **base,
                    "code": normal_code("welcome10"),
                    "kind": "percentage",
                    "value": Decimal(10),
                    "first_order_only": True,
                    "usage_limit_per_customer": 1,
                },
                started,
            ),
            _checked(
                {
                    **base,
                    "code": normal_code("freeship"),
                    "kind": "free_shipping",
                    "value": Decimal(0),
                    "first_order_only": False,
                    "min_subtotal": FREE_SHIPPING_FROM,
                },
                started,
            ),
        ],
    )
    if not leaves:
        return
    category_id = seeder.rng.choice(leaves)
    [promotion_id] = insert_rows(
        Promotion,
        [
            _checked(
                {
                    "name": "Season sale",
                    "kind": "percentage",
                    "value": Decimal(15),
                    "starts_at": started,
                    "applied_at": seeder.end,
                },
                started,
            )
        ],
    )
    db.session.execute(
        insert(promotion_categories), [{"promotion_id": promotion_id, "category_id": category_id}]
    )
    _apply_sale_prices(seeder, category_id)


def _apply_sale_prices(seeder: Seeder, category_id: int) -> None:
    """The category's sale prices as of the seeder's end, its rows' seeded times kept."""
    products = db.session.execute(
        select(Product.id, Product.updated_at).where(Product.category_id == category_id)
    ).all()
    variants = db.session.execute(
        select(ProductVariant.id, ProductVariant.updated_at).where(
            ProductVariant.product_id.in_([row.id for row in products])
        )
    ).all()
    db.session.commit()
    sale_prices.recompute_products([row.id for row in products], seeder.end)
    for model, rows in ((Product, products), (ProductVariant, variants)):
        if rows:
            db.session.execute(
                update(model), [{"id": row.id, "updated_at": row.updated_at} for row in rows]
            )
    db.session.commit()
