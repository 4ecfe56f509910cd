"""The message catalogues against the code (``make lint``), and their compilation for tests.

``python scripts/translations.py FRESH.pot`` compares a template just extracted from the
code (``make lint`` makes one) with ``ecom/translations/messages.pot``, and every
language's ``messages.po`` with that template. It fails, naming the messages, when the
template is out of date (a message of the code missing from it, or one no longer in the
code still in it: run ``make translations-update``), or when a catalogue misses a message,
leaves one untranslated or keeps one fuzzy.
"""

import os
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "ecom" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _ids(catalog: Catalog) -> set:
    return {message.id for message in catalog if message.id}


def _problems(fresh: Catalog, template: Catalog, catalogues: list[Path]) -> list[str]:
    problems = []
    for message_id in sorted(map(str, _ids(fresh) - _ids(template))):
        problems.append(f"{TEMPLATE.name}: missing {message_id!r}")
    for message_id in sorted(map(str, _ids(template) - _ids(fresh))):
        problems.append(f"{TEMPLATE.name}: no longer in the code {message_id!r}")
    for path in catalogues:
        # <language>/LC_MESSAGES/messages.po
        catalogue, where = _read(path), path.relative_to(path.parents[2])
        for message_id in sorted(map(str, _ids(template) - _ids(catalogue))):
            problems.append(f"{where}: missing {message_id!r}")
        for message in catalogue:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                problems.append(f"{where}: untranslated {message.id!r}")
            elif message.fuzzy:
                problems.append(f"{where}: fuzzy {message.id!r}")
    return problems


def catalogues() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def compile_stale() -> None:
    """Compile each catalogue whose ``.mo`` is missing or older than its ``.po`` (as
    ``make install`` does), atomically: parallel test workers may do it at once."""
    for po in catalogues():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        handle, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as file:
            write_mo(file, _read(po))
        os.replace(temporary, mo)


def main(fresh_template: str) -> int:
    problems = _problems(_read(Path(fresh_template)), _read(TEMPLATE), catalogues())
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("message catalogues: out of date (make translations-update)", file=sys.stderr)
        return 1
    print(f"message catalogues: {len(catalogues())} complete")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
