"""An import file's rows as values: each cell parsed, each problem named with its row,
column and code (rows are numbered as a spreadsheet shows them: the header is row 1)."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext

from ecom.integrations.bulk.errors import BadFile
from ecom.integrations.bulk.files import unescape_cell

PRODUCT_COLUMNS = ("sku", "title", "category", "price", "stock")
PRODUCT_OPTIONAL = ("handle", "description", "options", "active")
STOCK_COLUMNS = ("sku", "stock")
MAX_PRICE = Decimal("99999999.99")
MAX_STOCK = 2**31 - 1
TRUE, FALSE = {"true", "1", "yes", "y"}, {"false", "0", "no", "n"}
LIMITS = {"sku": 64, "title": 200, "handle": 220}


@dataclass
class Problem:
    row: int
    column: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class Row:
    """One line of the file: a variant, and on a product's first line the product."""

    number: int
    sku: str
    stock: int | None
    price: Decimal | None = None
    title: str = ""
    handle: str = ""
    category: tuple[str, ...] = ()
    description: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    active: bool | None = None
    # False when a cell has a problem: the row still counts for duplicate SKUs.
    valid: bool = True


def check_columns(headers: list[str], kind: str) -> None:
    """The header names every required column once and nothing unknown (a 400 otherwise:
    no row can be read)."""
    required = PRODUCT_COLUMNS if kind == "products" else STOCK_COLUMNS
    allowed = set(required) | (set(PRODUCT_OPTIONAL) if kind == "products" else set())
    missing = [name for name in required if name not in headers]
    unknown = [name for name in headers if name not in allowed]
    repeated = sorted({name for name in headers if headers.count(name) > 1})
    if missing:
        message = gettext("Missing columns: %(names)s.", names=", ".join(missing))
        raise BadFile("missing_columns", message)
    if unknown or repeated:
        named = ", ".join(unknown + repeated)
        raise BadFile(
            "unknown_columns", gettext("Unknown or repeated columns: %(names)s.", names=named)
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape_cell(str(value).strip())


class RowReader:
    """Reads rows of one file, collecting the problems of each."""

    def __init__(self, headers: list[str]) -> None:
        self.headers = headers
        self.problems: list[Problem] = []

    def problem(self, row: int, column: str | None, code: str, message: str) -> None:
        self.problems.append(Problem(row, column, code, message))

    def read(self, number: int, values: tuple, kind: str) -> Row:
        cells = {name: _text(value) for name, value in zip(self.headers, values, strict=False)}
        before = len(self.problems)
        sku = self._required(number, cells, "sku")
        row = Row(number, sku, self._stock(number, cells["stock"]))
        if kind == "products":
            self._product_cells(row, cells)
        row.valid = len(self.problems) == before
        return row

    def _product_cells(self, row: Row, cells: dict[str, str]) -> None:
        row.price = self._price(row.number, cells["price"])
        row.title = self._required(row.number, cells, "title")
        row.handle = self._limited(row.number, cells, "handle") or row.sku
        row.category = self._category(row.number, cells["category"])
        row.description = cells.get("description") or None
        row.options = self._options(row.number, cells.get("options", ""))
        row.active = self._active(row.number, cells.get("active", ""))

    def _limited(self, number: int, cells: dict[str, str], column: str) -> str:
        value = cells.get(column, "")
        if len(value) > LIMITS[column]:
            self.problem(number, column, "too_long", f"At most {LIMITS[column]} characters.")
        return value

    def _required(self, number: int, cells: dict[str, str], column: str) -> str:
        value = self._limited(number, cells, column)
        if not value:
            self.problem(number, column, "required", f"A {column} is required.")
        return value

    def _price(self, number: int, text: str) -> Decimal | None:
        try:
            price = Decimal(text)
        except InvalidOperation:
            price = None
        if price is None or not price.is_finite() or price.as_tuple().exponent < -2:
            self.problem(number, "price", "invalid_price", "A number with at most 2 decimals.")
            return None
        if not Decimal(0) < price <= MAX_PRICE:
            self.problem(number, "price", "invalid_price", f"Above 0, at most {MAX_PRICE}.")
            return None
        return price

    def _stock(self, number: int, text: str) -> int | None:
        try:
            stock = int(text)
        except ValueError:
            self.problem(number, "stock", "invalid_stock", "A whole number of units.")
            return None
        if stock < 0:
            self.problem(number, "stock", "negative_stock", "Must be 0 or more.")
            return None
        if stock > MAX_STOCK:
            self.problem(number, "stock", "invalid_stock", f"At most {MAX_STOCK}.")
            return None
        return stock

    def _category(self, number: int, text: str) -> tuple[str, ...]:
        names = tuple(part.strip() for part in text.split("/"))
        if not text or not all(names) or any(len(name) > 100 for name in names):
            message = "A path of category names, e.g. Books/Crime Novels (each at most 100)."
            self.problem(number, "category", "invalid_category", message)
            return ()
        return names

    def _options(self, number: int, text: str) -> dict[str, str]:
        """``Size=M; Colour=Red`` → {"Size": "M", "Colour": "Red"}."""
        options: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in text.split(";"))):
            name, equals, value = (s.strip() for s in part.partition("="))
            taken = {known.casefold() for known in options}
            if not equals or not name or not value or name.casefold() in taken:
                self.problem(number, "options", "invalid_options", "Write Size=M; Colour=Red.")
                return {}
            options[name] = value
        return options

    def _active(self, number: int, text: str) -> bool | None:
        if not text:
            return None
        if text.lower() in TRUE | FALSE:
            return text.lower() in TRUE
        self.problem(number, "active", "invalid_active", "true or false.")
        return None
