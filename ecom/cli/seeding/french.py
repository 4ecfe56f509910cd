"""The seeded catalogue's French: every category name, the selling points, and the words
of product titles a dictionary knows (brand and model names stay as they are)."""

from slugify import slugify

LANGUAGE = "fr"

CATEGORIES = {
    "Electronics": "Électronique",
    "Phones & Tablets": "Téléphones et tablettes",
    "Smartphones": "Smartphones",
    "Tablets": "Tablettes",
    "Computers": "Ordinateurs",
    "Laptops": "Ordinateurs portables",
    "Monitors": "Écrans",
    "Audio": "Audio",
    "Headphones": "Casques",
    "Speakers": "Enceintes",
    "Home & Kitchen": "Maison et cuisine",
    "Kitchen Appliances": "Électroménager de cuisine",
    "Coffee Machines": "Machines à café",
    "Blenders": "Blenders",
    "Furniture": "Mobilier",
    "Office Chairs": "Chaises de bureau",
    "Desks": "Bureaux",
    "Sports & Outdoors": "Sports et plein air",
    "Fitness": "Fitness",
    "Yoga Mats": "Tapis de yoga",
    "Dumbbells": "Haltères",
    "Cycling": "Cyclisme",
    "Bikes": "Vélos",
    "Bike Helmets": "Casques de vélo",
    "Camping": "Camping",
    "Tents": "Tentes",
    "Sleeping Bags": "Sacs de couchage",
    "Books": "Livres",
    "Fiction": "Romans",
    "Crime Novels": "Romans policiers",
    "Science Fiction": "Science-fiction",
    "Non-fiction": "Essais et documents",
    "Cookbooks": "Livres de cuisine",
    "History Books": "Livres d'histoire",
    "Fashion": "Mode",
    "Footwear": "Chaussures",
    "Running Shoes": "Chaussures de course",
    "Sneakers": "Baskets",
    "Outerwear": "Vêtements d'extérieur",
    "Rain Jackets": "Vestes de pluie",
    "Down Jackets": "Doudounes",
}

SELLING_POINTS = {
    "Backed by a two-year warranty": "Garanti deux ans",
    "Ships within one business day": "Expédié sous un jour ouvré",
    "Rated highly for build quality": "Très bien noté pour sa finition",
    "Designed for everyday use": "Conçu pour un usage quotidien",
    "Comes with free returns within 30 days": "Retours gratuits sous 30 jours",
    "A customer favourite this season": "Un favori des clients cette saison",
    "Made with recycled materials where possible": "Fabriqué en matériaux recyclés si possible",
    "Compact, light and easy to carry": "Compact, léger et facile à transporter",
}

# Title words, as the seed's product lines, variants and series spell them.
WORDS = {
    "Black": "Noir",
    "White": "Blanc",
    "Blue": "Bleu",
    "Red": "Rouge",
    "Green": "Vert",
    "Navy": "Marine",
    "Orange": "Orange",
    "Silver": "Argent",
    "Sand": "Sable",
    "Graphite": "Graphite",
    "Midnight": "Nuit",
    "Stainless": "Inox",
    "Steel": "Acier",
    "Hardcover": "Relié",
    "Paperback": "Broché",
    "Illustrated": "Illustré",
    "Large": "Grand",
    "Print": "Format",
    "Regular": "Standard",
    "Long": "Long",
    "Left": "Gauche",
    "Men": "Homme",
    "Women": "Femme",
    "Zip": "Zip",
    "inch": "pouces",
    "Edition": "Édition",
    "Classic": "Classique",
    "Travel": "Voyage",
    "Everyday": "Quotidien",
    "Essential": "Essentiel",
    "Heritage": "Héritage",
    "Select": "Sélection",
    "Desk": "Bureau",
    "Standing": "Debout",
    "Helmet": "Casque",
    "Mat": "Tapis",
    "Sweater": "Pull",
    "Bread": "Pain",
    "Road": "Route",
    "Trail": "Sentier",
    "City": "Ville",
    "Light": "Léger",
    "Family": "Famille",
    "History": "Histoire",
    "Children": "Enfants",
    "Glass": "Verre",
    "Bamboo": "Bambou",
    "Cork": "Liège",
    "Silk": "Soie",
    "Salt": "Sel",
    "Sea": "Mer",
    "Old": "Vieux",
    "of": "de",
    "the": "le",
    "The": "Le",
    "in": "en",
    "at": "à",
}


def words(text: str) -> str:
    """``text`` with each word the dictionary knows in French."""
    return " ".join(WORDS.get(word, word) for word in text.split(" "))


def category(name: str, slug: str) -> dict:
    """A category's French row (its owner's id and times left to the caller); the slug
    only where it differs from the English one."""
    french = CATEGORIES[name]
    french_slug = slugify(french)
    return {
        "language": LANGUAGE,
        "name": french,
        "description": f"Tout l'univers {french}.",
        "slug": french_slug if french_slug != slug else None,
    }


def product(title: str, slug_suffix: str, points: list[str]) -> dict:
    """A product's French row: the title and slug where any word of the title changes."""
    french = words(title)
    changed = french != title
    return {
        "language": LANGUAGE,
        "title": french if changed else None,
        "description": f"{french}. {'. '.join(SELLING_POINTS[p] for p in points)}.",
        "slug": f"{slugify(french)}-{slug_suffix}" if changed else None,
    }
