"""Words the seed builds its catalog and customers from: a three-level category tree whose
leaves carry product lines, variants and a price range in whole currency units."""

from typing import NamedTuple


class Leaf(NamedTuple):
    lines: tuple[str, ...]
    variants: tuple[str, ...]
    price_range: tuple[int, int]


CATALOG: dict[str, dict[str, dict[str, Leaf]]] = {
    "Electronics": {
        "Phones & Tablets": {
            "Smartphones": Leaf(
                (
                    "iPhone 15",
                    "iPhone 15 Pro",
                    "Galaxy S24",
                    "Galaxy A55",
                    "Pixel 8",
                    "Pixel 8a",
                    "Xperia 10 V",
                    "Nord CE 3",
                ),
                ("128 GB", "256 GB", "512 GB"),
                (199, 1499),
            ),
            "Tablets": Leaf(
                ("iPad Air", "iPad mini", "Galaxy Tab S9", "Tab P12", "MatePad 11"),
                ("Wi-Fi 64 GB", "Wi-Fi 256 GB", "Cellular 128 GB"),
                (249, 1199),
            ),
        },
        "Computers": {
            "Laptops": Leaf(
                (
                    "MacBook Air 13",
                    "MacBook Pro 14",
                    "ThinkPad X1 Carbon",
                    "XPS 13",
                    "ZenBook 14",
                    "Swift Go 14",
                ),
                ("16 GB / 512 GB", "8 GB / 256 GB", "32 GB / 1 TB"),
                (699, 3299),
            ),
            "Monitors": Leaf(
                ("UltraSharp U2724D", "Odyssey G5", "ProArt PA278", "27GP850"),
                ("27 inch", "32 inch", "24 inch"),
                (149, 899),
            ),
        },
        "Audio": {
            "Headphones": Leaf(
                ("WH-1000XM5", "QuietComfort Ultra", "AirPods Pro", "Momentum 4", "Studio Pro"),
                ("Black", "Silver", "Midnight Blue"),
                (79, 449),
            ),
            "Speakers": Leaf(
                ("Flip 6", "SoundLink Flex", "Era 100", "Boom 3", "Charge 5"),
                ("Black", "Blue", "Red"),
                (49, 499),
            ),
        },
    },
    "Home & Kitchen": {
        "Kitchen Appliances": {
            "Coffee Machines": Leaf(
                (
                    "Barista Express",
                    "Magnifica S",
                    "Nespresso Vertuo",
                    "Moccamaster KBG",
                    "Dedica EC685",
                ),
                ("Stainless Steel", "Black", "White"),
                (89, 899),
            ),
            "Blenders": Leaf(
                ("Vitamix E310", "NutriBullet Pro", "Ninja Foodi Power", "Optimum G2.1"),
                ("1.4 L", "2 L", "900 W"),
                (59, 549),
            ),
        },
        "Furniture": {
            "Office Chairs": Leaf(
                ("Aeron", "Leap V2", "Markus", "ErgoChair Pro", "Gesture"),
                ("Graphite", "Mineral", "Black Mesh"),
                (149, 1699),
            ),
            "Desks": Leaf(
                ("Standing Desk Pro", "Bekant", "Jarvis Bamboo", "Uplift V2"),
                ("120 x 60 cm", "140 x 70 cm", "160 x 80 cm"),
                (179, 999),
            ),
        },
    },
    "Sports & Outdoors": {
        "Fitness": {
            "Yoga Mats": Leaf(
                ("Pro Yoga Mat", "Travel Yoga Mat", "Cork Yoga Mat", "Eco Grip Mat"),
                ("4 mm", "6 mm", "Extra Long"),
                (19, 129),
            ),
            "Dumbbells": Leaf(
                ("Adjustable Dumbbell", "Hex Dumbbell", "Neoprene Dumbbell"),
                ("2 x 5 kg", "2 x 10 kg", "24 kg set"),
                (25, 449),
            ),
        },
        "Cycling": {
            "Bikes": Leaf(
                ("Trail Hardtail 29", "City Commuter 7", "Gravel Explorer", "Road Racer SL"),
                ("Size S", "Size M", "Size L"),
                (399, 3499),
            ),
            "Bike Helmets": Leaf(
                ("Aero Road Helmet", "MIPS Trail Helmet", "Urban Commuter Helmet"),
                ("S", "M", "L"),
                (39, 249),
            ),
        },
        "Camping": {
            "Tents": Leaf(
                ("Trail Dome 2", "Backpacker UL 1", "Family Cabin 6", "Alpine Tunnel 3"),
                ("Green", "Orange", "Sand"),
                (69, 799),
            ),
            "Sleeping Bags": Leaf(
                ("Down Mummy -5", "Synthetic Rectangle +5", "Ultralight 0"),
                ("Regular", "Long", "Left Zip"),
                (39, 499),
            ),
        },
    },
    "Books": {
        "Fiction": {
            "Crime Novels": Leaf(
                (
                    "The Silent Harbour",
                    "A Cold Case in Oslo",
                    "Midnight at the Docks",
                    "The Last Witness",
                ),
                ("Paperback", "Hardcover", "Large Print"),
                (8, 35),
            ),
            "Science Fiction": Leaf(
                (
                    "Beyond the Kuiper Belt",
                    "The Glass Orbit",
                    "Children of Vega",
                    "Echoes of Titan",
                ),
                ("Paperback", "Hardcover", "Collector's Edition"),
                (9, 49),
            ),
        },
        "Non-fiction": {
            "Cookbooks": Leaf(
                ("Salt Fat Acid Heat", "Weeknight Vegetarian", "The Bread Book", "Simple Italian"),
                ("Hardcover", "Paperback", "Spiral Bound"),
                (12, 45),
            ),
            "History Books": Leaf(
                (
                    "The Silk Roads",
                    "A History of the Baltic",
                    "Empires of the Sea",
                    "The Long Century",
                ),
                ("Hardcover", "Paperback", "Illustrated Edition"),
                (12, 55),
            ),
        },
    },
    "Fashion": {
        "Footwear": {
            "Running Shoes": Leaf(
                ("Pegasus 41", "Gel-Nimbus 26", "Ghost 16", "Clifton 9", "Ultraboost Light"),
                ("EU 40", "EU 42", "EU 44", "EU 46"),
                (89, 219),
            ),
            "Sneakers": Leaf(
                ("Air Force 1", "Stan Smith", "Old Skool", "Chuck 70", "550"),
                ("White", "Black", "Navy"),
                (59, 159),
            ),
        },
        "Outerwear": {
            "Rain Jackets": Leaf(
                ("Torrentshell 3L", "Beta LT", "Stormbreak", "Microlight Alpine"),
                ("Men M", "Men L", "Women S", "Women M"),
                (79, 599),
            ),
            "Down Jackets": Leaf(
                ("Nuptse 1996", "Down Sweater", "Cerium Hoody", "Ultralight Down"),
                ("Men M", "Men L", "Women S", "Women M"),
                (99, 699),
            ),
        },
    },
}

SELLING_POINTS = (
    "Backed by a two-year warranty",
    "Ships within one business day",
    "Rated highly for build quality",
    "Designed for everyday use",
    "Comes with free returns within 30 days",
    "A customer favourite this season",
    "Made with recycled materials where possible",
    "Compact, light and easy to carry",
)

FIRST_NAMES = (
    "Anna",
    "Ben",
    "Chloe",
    "David",
    "Elena",
    "Finn",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Karin",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Paul",
    "Rosa",
    "Samuel",
    "Tara",
    "Victor",
)
LAST_NAMES = (
    "Andersen",
    "Bauer",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Martin",
    "Novak",
    "Olsen",
    "Peters",
    "Rossi",
    "Schmidt",
)
CITIES = (
    ("Berlin", "DE", "10115"),
    ("Paris", "FR", "75002"),
    ("Madrid", "ES", "28013"),
    ("Rome", "IT", "00184"),
    ("Amsterdam", "NL", "1012"),
    ("Vienna", "AT", "1010"),
    ("Copenhagen", "DK", "1050"),
    ("Lisbon", "PT", "1100-148"),
)
STREETS = (
    "Market Street",
    "Station Road",
    "Park Lane",
    "Mill Street",
    "Church Road",
    "High Street",
)
REVIEW_TITLES = {
    1: ("Disappointed", "Broke after a week", "Not as described"),
    2: ("Not great", "Expected more", "Mediocre quality"),
    3: ("It is fine", "Does the job", "Average"),
    4: ("Very good", "Happy with it", "Good value"),
    5: ("Excellent", "Love it", "Perfect, would buy again"),
}
