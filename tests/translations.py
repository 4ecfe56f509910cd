"""The message catalogues compiled for the tests that read French (``pybabel compile``
does the same; the .mo files are built, never committed)."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import get_domain

import ecom

TRANSLATIONS = Path(ecom.__file__).parent / "translations"

# A narrow no-break space groups thousands in French, a no-break space sets the currency
# sign and the percent sign apart (CLDR).
NNBSP = "\u202f"
NBSP = "\u00a0"


def compile_catalogues() -> None:
    """Each language's .mo from its .po when missing or older; Flask-Babel reloads them."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
    get_domain().cache.clear()
