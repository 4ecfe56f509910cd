"""Words the seed builds its catalog and customers from, read once from vocabulary.json: a
three-level category tree whose leaves carry product lines, variants and a price range in
whole currency units; selling points, series names that tell apart products of one line,
names, cities, streets, and review titles and sentences by rating."""

import json
from pathlib import Path
from typing import NamedTuple


class Leaf(NamedTuple):
    lines: tuple[str, ...]
    variants: tuple[str, ...]
    price_range: tuple[int, int]


_WORDS = json.loads((Path(__file__).with_name("vocabulary.json")).read_text(encoding="utf-8"))

CATALOG: dict[str, dict[str, dict[str, Leaf]]] = {
    top: {
        middle: {
            name: Leaf(tuple(leaf["lines"]), tuple(leaf["variants"]), tuple(leaf["price_range"]))
            for name, leaf in leaves.items()
        }
        for middle, leaves in middles.items()
    }
    for top, middles in _WORDS["catalog"].items()
}
SELLING_POINTS: tuple[str, ...] = tuple(_WORDS["selling_points"])
FIRST_NAMES: tuple[str, ...] = tuple(_WORDS["first_names"])
LAST_NAMES: tuple[str, ...] = tuple(_WORDS["last_names"])
# (city, country code, postal code)
CITIES: tuple[tuple[str, str, str], ...] = tuple(
    (city["city"], city["country"], city["postal_code"]) for city in _WORDS["cities"]
)
STREETS: tuple[str, ...] = tuple(_WORDS["streets"])
REVIEW_TITLES: dict[int, tuple[str, ...]] = {
    int(rating): tuple(titles) for rating, titles in _WORDS["review_titles"].items()
}
SERIES: tuple[str, ...] = tuple(_WORDS["series"])
REVIEW_SENTENCES: dict[int, tuple[str, ...]] = {
    int(rating): tuple(sentences) for rating, sentences in _WORDS["review_sentences"].items()
}
