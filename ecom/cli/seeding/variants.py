"""A seeded product's variants: about a third of products get 2 to 12 variants from the
options of their category, each with its own price and stock; the others one default
variant. The product's price, highest price and stock summarise them as the catalog does."""

import itertools
import random
import re
from dataclasses import dataclass
from decimal import Decimal

from ecom.cli.seeding.option_words import LeafOptions, Option
from ecom.cli.seeding.rows import money, stock

SHARE_WITH_OPTIONS = 1 / 3
MAX_VARIANTS = 12


@dataclass(slots=True)
class PlannedVariant:
    picks: tuple[int, ...]  # for each of the product's options, the index of its value
    price: Decimal
    stock_quantity: int
    is_active: bool


@dataclass(slots=True)
class PlannedProduct:
    options: list[tuple[Option, list[int]]]  # each option with the indices of its values
    variants: list[PlannedVariant]

    def summary(self) -> dict:
        """The product's price summary and stock_quantity, from its variants."""
        active = [variant for variant in self.variants if variant.is_active]
        priced = [variant.price for variant in active or self.variants]
        return {
            "price": min(priced),
            "price_max": max(priced),
            "price_undiscounted": min(priced),
            "stock_quantity": sum(variant.stock_quantity for variant in active),
        }

    def value(self, variant: PlannedVariant, position: int) -> str:
        option, _ = self.options[position]
        return option.values[variant.picks[position]]

    def label(self, variant: PlannedVariant) -> str:
        return " / ".join(self.value(variant, n) for n in range(len(self.options)))

    def sku(self, code: str, product_id: int, variant: PlannedVariant) -> str:
        """E.g. ``RJK-0042-RED-M``; ``RJK-0042`` for a default variant."""
        parts = [code, f"{product_id:04}"]
        parts += [_sku_part(self.value(variant, n)) for n in range(len(self.options))]
        return "-".join(parts)


def _sku_part(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


def _choose_options(rng: random.Random, leaf: LeafOptions) -> list[tuple[Option, list[int]]]:
    """One or two of the leaf's options, with values enough for 2 to 12 variants."""
    options = list(leaf.options)
    if len(options) > 1 and rng.random() < 0.4:
        options = [rng.choice(options)]
    chosen: list[tuple[Option, list[int]]] = []
    room = MAX_VARIANTS
    for option in options:
        most = min(len(option.values), room)
        if most < 2:
            break
        count = rng.randint(2, most)
        chosen.append((option, sorted(rng.sample(range(len(option.values)), count))))
        room //= count
    return chosen


def _variant_price(
    base: Decimal, options: list[tuple[Option, list[int]]], picks: tuple[int, ...]
) -> Decimal:
    extra = sum(
        (Decimal(int(base * Decimal(str(option.step)))) * pick)
        for (option, _), pick in zip(options, picks, strict=True)
    )
    return base + extra


def plan_variants(
    rng: random.Random, leaf: LeafOptions, price_range: tuple[int, int]
) -> PlannedProduct:
    """A product's options and variants; without options, its one default variant."""
    base = money(rng, *price_range)
    if rng.random() >= SHARE_WITH_OPTIONS:
        return PlannedProduct([], [PlannedVariant((), base, stock(rng), True)])
    options = _choose_options(rng, leaf)
    combinations = itertools.product(*(picks for _, picks in options))
    variants = [
        PlannedVariant(picks, _variant_price(base, options, picks), stock(rng), rng.random() > 0.05)
        for picks in combinations
    ]
    return PlannedProduct(options, variants)
