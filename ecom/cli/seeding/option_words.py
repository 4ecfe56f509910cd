"""The options the seed gives products of each leaf category, and their SKU prefix.

``step`` is what each value after the first adds to a variant's price, as a share of the
product's base price (0: the option does not change the price)."""

from typing import NamedTuple


class Option(NamedTuple):
    name: str
    values: tuple[str, ...]
    step: float = 0.0


class LeafOptions(NamedTuple):
    code: str
    options: tuple[Option, ...]


COLOURS = ("Black", "White", "Navy", "Red", "Green", "Grey")
CLOTHING_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
SHOE_SIZES = ("EU 38", "EU 39", "EU 40", "EU 41", "EU 42", "EU 43", "EU 44", "EU 45", "EU 46")
BOOK_FORMATS = Option("Format", ("Paperback", "Hardcover", "Large Print"), 0.3)

OPTIONS_BY_LEAF: dict[str, LeafOptions] = {
    "Smartphones": LeafOptions(
        "PHN",
        (
            Option("Storage", ("128 GB", "256 GB", "512 GB", "1 TB"), 0.15),
            Option("Colour", ("Black", "White", "Blue", "Green")),
        ),
    ),
    "Tablets": LeafOptions(
        "TAB",
        (
            Option("Storage", ("64 GB", "128 GB", "256 GB"), 0.15),
            Option("Connectivity", ("Wi-Fi", "Wi-Fi + Cellular"), 0.2),
        ),
    ),
    "Laptops": LeafOptions(
        "LAP",
        (
            Option("Memory", ("8 GB", "16 GB", "32 GB"), 0.15),
            Option("Storage", ("256 GB", "512 GB", "1 TB"), 0.1),
        ),
    ),
    "Monitors": LeafOptions("MON", (Option("Size", ("24 inch", "27 inch", "32 inch"), 0.25),)),
    "Headphones": LeafOptions("HPH", (Option("Colour", ("Black", "Silver", "Midnight Blue")),)),
    "Speakers": LeafOptions("SPK", (Option("Colour", ("Black", "Blue", "Red", "Teal")),)),
    "Coffee Machines": LeafOptions(
        "COF", (Option("Colour", ("Stainless Steel", "Black", "White")),)
    ),
    "Blenders": LeafOptions(
        "BLN",
        (Option("Capacity", ("1 L", "1.4 L", "2 L"), 0.1), Option("Colour", COLOURS[:3])),
    ),
    "Office Chairs": LeafOptions(
        "CHR",
        (
            Option("Colour", ("Graphite", "Mineral", "Black Mesh")),
            Option("Armrests", ("Fixed", "Adjustable"), 0.1),
        ),
    ),
    "Desks": LeafOptions(
        "DSK",
        (
            Option("Size", ("120 x 60 cm", "140 x 70 cm", "160 x 80 cm"), 0.15),
            Option("Finish", ("Oak", "White", "Black")),
        ),
    ),
    "Yoga Mats": LeafOptions(
        "YOG",
        (Option("Thickness", ("4 mm", "6 mm", "8 mm"), 0.1), Option("Colour", COLOURS)),
    ),
    "Dumbbells": LeafOptions(
        "DMB", (Option("Weight", ("2 kg", "5 kg", "10 kg", "15 kg", "20 kg", "24 kg"), 0.4),)
    ),
    "Bikes": LeafOptions(
        "BIK",
        (Option("Frame Size", ("S", "M", "L", "XL")), Option("Colour", COLOURS[:4])),
    ),
    "Bike Helmets": LeafOptions(
        "HLM", (Option("Size", ("S", "M", "L")), Option("Colour", COLOURS[:4]))
    ),
    "Tents": LeafOptions("TNT", (Option("Colour", ("Green", "Orange", "Sand")),)),
    "Sleeping Bags": LeafOptions(
        "SLP",
        (Option("Length", ("Regular", "Long"), 0.1), Option("Zip", ("Left", "Right"))),
    ),
    "Crime Novels": LeafOptions("BKC", (BOOK_FORMATS,)),
    "Science Fiction": LeafOptions("BKS", (BOOK_FORMATS,)),
    "Cookbooks": LeafOptions("BKK", (BOOK_FORMATS,)),
    "History Books": LeafOptions("BKH", (BOOK_FORMATS,)),
    "Running Shoes": LeafOptions(
        "RUN", (Option("Size", SHOE_SIZES), Option("Colour", COLOURS[:3]))
    ),
    "Sneakers": LeafOptions("SNK", (Option("Size", SHOE_SIZES), Option("Colour", COLOURS[:3]))),
    "Rain Jackets": LeafOptions("RJK", (Option("Size", CLOTHING_SIZES), Option("Colour", COLOURS))),
    "Down Jackets": LeafOptions("DJK", (Option("Size", CLOTHING_SIZES), Option("Colour", COLOURS))),
}
