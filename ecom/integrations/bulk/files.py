"""Tables in and out: a bounded read of an upload, CSV or XLSX parsed by tablib, and
cells escaped against formula injection on the way out."""

import csv
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

import tablib
from flask_babel import gettext
from openpyxl.utils.exceptions import InvalidFileException

from ecom.integrations.bulk.errors import BadFile, UploadTooLarge

CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ZIP_MAGIC = b"PK\x03\x04"
# A cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What tablib, csv and openpyxl raise on a file that is not the table it claims to be.
UNREADABLE = (
    tablib.InvalidDimensions,
    csv.Error,
    UnicodeDecodeError,
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    OSError,
)


def read_bounded(stream: IO[bytes], limit: int) -> bytes:
    """The stream's bytes, refused past ``limit`` without reading more than one byte
    beyond it."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(limit)
    return data


def format_of(filename: str, data: bytes) -> str:
    """The file's extension; without one, XLSX for a ZIP archive, else CSV."""
    if "." not in filename:
        return "xlsx" if data.startswith(ZIP_MAGIC) else "csv"
    extension = filename.rsplit(".", 1)[-1].lower()
    if extension not in CONTENT_TYPES:
        raise BadFile("unsupported_format", gettext("Upload a .csv or .xlsx file."))
    return extension


def load_table(data: bytes, file_format: str) -> tuple[list[str], list[tuple]]:
    """The header (trimmed, lower case) and the rows of a CSV (UTF-8) or XLSX file."""
    dataset = tablib.Dataset()
    try:
        if file_format == "csv":
            dataset.load(data.decode("utf-8-sig"), format="csv")
        else:
            dataset.load(data, format="xlsx")
    except UNREADABLE as exc:
        message = gettext(
            "The file is not a readable %(format)s: %(error)s", format=file_format, error=exc
        )
        raise BadFile("malformed_file", message) from exc
    headers = [str(name or "").strip().lower() for name in dataset.headers or []]
    if not headers:
        raise BadFile("malformed_file", gettext("The file has no header row."))
    return headers, list(dataset)


def escape_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made text (a leading ``'``);
    numbers and dates stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """What ``escape_cell`` made of a text, back: an export imports as it was."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def dump_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], file_format: str) -> bytes:
    dataset = tablib.Dataset(headers=list(headers))
    for row in rows:
        dataset.append([escape_cell(value) for value in row])
    exported = dataset.export(file_format)
    return exported.encode("utf-8") if isinstance(exported, str) else exported
