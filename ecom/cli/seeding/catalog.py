"""The seeded catalog: a category tree, then products with their options and variants,
inserted in batches so a million products fit in memory; with their French texts when the
shop speaks French besides its default language."""

from datetime import timedelta

import click
from slugify import slugify

from ecom.catalog.models import (
    Category,
    OptionValue,
    Product,
    ProductOption,
    ProductVariant,
    variant_option_values,
)
from ecom.catalog.translations import CategoryTranslation, ProductTranslation
from ecom.cli.seeding import french
from ecom.cli.seeding.option_words import OPTIONS_BY_LEAF, LeafOptions
from ecom.cli.seeding.rows import SeededVariant, Seeder, insert_links, insert_rows
from ecom.cli.seeding.variants import PlannedProduct, plan_variants
from ecom.cli.vocabulary import CATALOG, SELLING_POINTS, Leaf
from ecom.common.i18n import languages

BATCH = 20_000
SeededLeaf = tuple[int, Leaf, LeafOptions]


def seed_categories(seeder: Seeder) -> list[SeededLeaf]:
    """The category tree; returns the leaves with their ids and options."""
    created = seeder.end - timedelta(days=400)
    leaves: list[SeededLeaf] = []
    translations: list[dict] = []

    def add(name: str, parent_id: int | None) -> int:
        row = {
            "name": name,
            "slug": slugify(name),
            "description": f"Everything in {name}.",
            "parent_id": parent_id,
            "created_at": created,
        }
        category_id = insert_rows(Category, [row])[0]
        translations.append(
            {
                **french.category(name, row["slug"]),
                "category_id": category_id,
                "created_at": created,
                "updated_at": created,
            }
        )
        return category_id

    for top, middles in CATALOG.items():
        top_id = add(top, None)
        for middle, bottoms in middles.items():
            middle_id = add(middle, top_id)
            leaves.extend(
                (add(name, middle_id), leaf, OPTIONS_BY_LEAF[name])
                for name, leaf in bottoms.items()
            )
    if speaks_french():
        insert_rows(CategoryTranslation, translations)
    return leaves


def speaks_french() -> bool:
    """Whether the shop speaks French, and not as its default language."""
    return french.LANGUAGE in languages()[1:]


class Batch:
    """Products planned together, then written table by table."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.plans: list[PlannedProduct] = []
        self.codes: list[str] = []
        self.french: list[dict] = []

    def plan(self, seeder: Seeder, number: int, seeded_leaf: SeededLeaf) -> None:
        category_id, leaf, options = seeded_leaf
        rng = seeder.rng
        line = rng.choice(leaf.lines)
        plan = plan_variants(rng, options, leaf.price_range)
        title = seeder.unique_title(line if plan.options else f"{line} {rng.choice(leaf.variants)}")
        created = seeder.before_orders()
        points = rng.sample(SELLING_POINTS, 2)
        self.french.append(french.product(title, str(number), points))
        self.rows.append(
            {
                "title": title,
                "slug": f"{slugify(title)}-{number}",
                "description": f"{title}. {'. '.join(points)}.",
                **plan.summary(),
                "category_id": category_id,
                "is_active": rng.random() > 0.03,
                "reviews_count": 0,
                "created_at": created,
                "updated_at": created,
            }
        )
        self.plans.append(plan)
        self.codes.append(options.code)

    def write(self, seeder: Seeder) -> None:
        product_ids = insert_rows(Product, self.rows)
        if speaks_french():
            insert_rows(ProductTranslation, self._french_rows(product_ids))
        seeder.product_ids += [
            id for id, row in zip(product_ids, self.rows, strict=True) if row["is_active"]
        ]
        rows, links, on_sale = self._variants(product_ids, self._write_options(product_ids))
        variant_ids = insert_rows(ProductVariant, rows)
        insert_links(
            variant_option_values,
            [
                {"variant_id": variant_id, "option_value_id": value_id}
                for variant_id, ids in zip(variant_ids, links, strict=True)
                for value_id in ids
            ],
        )
        for variant_id, seeded in zip(variant_ids, on_sale, strict=True):
            if seeded is not None:
                seeded.id = variant_id
                seeder.variants.append(seeded)

    def _french_rows(self, product_ids: list[int]) -> list[dict]:
        return [
            {
                **texts,
                "product_id": id,
                "created_at": row["created_at"],
                "updated_at": row["created_at"],
            }
            for id, row, texts in zip(product_ids, self.rows, self.french, strict=True)
        ]

    def _variants(
        self, product_ids: list[int], value_ids: list[list[dict[int, int]]]
    ) -> tuple[list[dict], list[list[int]], list[SeededVariant | None]]:
        """The variant rows, the option value ids of each, and each as order lines will
        copy it when it is on sale (its id set once inserted)."""
        rows, links, on_sale = [], [], []
        for n, (product_id, plan) in enumerate(zip(product_ids, self.plans, strict=True)):
            product = self.rows[n]
            for variant in plan.variants:
                ids = [value_ids[n][position][pick] for position, pick in enumerate(variant.picks)]
                sku = plan.sku(self.codes[n], product_id, variant)
                rows.append(
                    {
                        "product_id": product_id,
                        "sku": sku,
                        "price": variant.price,
                        "stock_quantity": variant.stock_quantity,
                        "is_active": variant.is_active,
                        "option_key": ".".join(str(id) for id in sorted(ids)),
                        "created_at": product["created_at"],
                        "updated_at": product["created_at"],
                    }
                )
                links.append(ids)
                selling = product["is_active"] and variant.is_active
                label = plan.label(variant)
                seeded = SeededVariant(0, product_id, product["title"], sku, label, variant.price)
                on_sale.append(seeded if selling else None)
        return rows, links, on_sale

    def _write_options(self, product_ids: list[int]) -> list[list[dict[int, int]]]:
        """Each product's options and values; for each product and option, value index → id."""
        options, values = [], []
        for product_id, plan in zip(product_ids, self.plans, strict=True):
            for position, (option, picks) in enumerate(plan.options):
                options.append(
                    {"product_id": product_id, "name": option.name, "position": position}
                )
                values.append([(pick, option.values[pick]) for pick in picks])
        option_ids = insert_rows(ProductOption, options)
        value_rows = [
            {"option_id": option_id, "value": value, "position": position}
            for option_id, option_values in zip(option_ids, values, strict=True)
            for position, (_, value) in enumerate(option_values)
        ]
        ids = iter(insert_rows(OptionValue, value_rows))
        by_option = [{pick: next(ids) for pick, _ in option_values} for option_values in values]
        found = iter(by_option)
        return [[next(found) for _ in plan.options] for plan in self.plans]


def seed_products(seeder: Seeder, leaves: list[SeededLeaf], count: int) -> None:
    with click.progressbar(length=count, label="Products") as bar:
        for start in range(1, count + 1, BATCH):
            batch = Batch()
            for number in range(start, min(start + BATCH, count + 1)):
                batch.plan(seeder, number, seeder.rng.choice(leaves))
            batch.write(seeder)
            bar.update(len(batch.rows))
