"""Poll exports as plain sheets of cell values that know their coordinates.

Every importer reads a `Book`, whether it came from a workbook or a CSV file, so that
each value can say where it was found ("sheet 'Q1', row 4, column B") in an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventreport.errors import ReadError
from eventreport.readers.text import clean

Row = tuple[Any, ...]


class Uncalculated:
    """A formula cell whose result the file does not hold (saved by a program that does
    not calculate): its value is unknown, not empty."""

    def __repr__(self) -> str:
        return "<formula without a saved result>"


UNCALCULATED = Uncalculated()
_UNCALCULATED_ADVICE = (
    "holds a formula whose result was not saved in the file, so its value is unknown; open"
    " the file in Excel or LibreOffice and save it again (that stores the results), or type"
    " the number"
)


@dataclass(frozen=True)
class Sheet:
    """One sheet (or the one table of a CSV file): rows of cell values, 1-based."""

    name: str | None
    """The sheet's name; None for a CSV file, which has no sheets."""
    rows: tuple[Row, ...]
    """Cell values row by row; short rows are not padded."""

    def cell(self, row: int, column: int) -> Any:
        """The value at a 1-based row and column; None past the end."""
        if not 1 <= row <= len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[column - 1] if 1 <= column <= len(values) else None

    def text(self, row: int, column: int) -> str:
        """The cell's value as stripped text."""
        return text(self.cell(row, column))

    def texts(self, row: int) -> list[str]:
        """A whole row as stripped texts, trailing empty cells dropped."""
        values = [text(v) for v in self.rows[row - 1]] if 1 <= row <= len(self.rows) else []
        while values and not values[-1]:
            values.pop()
        return values

    def blank(self, row: int) -> bool:
        """True when the row holds nothing (or lies past the end)."""
        return not self.texts(row)

    def numbered(self, start: int = 1) -> Iterator[tuple[int, Row]]:
        """(row number, values) from `start` on."""
        for number in range(start, len(self.rows) + 1):
            yield number, self.rows[number - 1]

    def where(self, row: int, column: int | None = None) -> str:
        """The coordinates people see in Excel: "sheet 'Q1', row 4, column B"."""
        parts = [f"sheet '{self.name}'"] if self.name is not None else []
        parts.append(f"row {row}")
        if column is not None:
            # Here, not at the top: a deck command must not load openpyxl (issue 17).
            from openpyxl.utils import get_column_letter

            parts.append(f"column {get_column_letter(column)}")
        return ", ".join(parts)

    @property
    def label(self) -> str:
        """How messages name the sheet."""
        return f"sheet '{self.name}'" if self.name is not None else "the file"


@dataclass(frozen=True)
class Book:
    """An export's sheets in order, and the file they came from."""

    path: Path
    """The export file."""
    sheets: tuple[Sheet, ...]
    """Its sheets; a CSV file has exactly one, without a name."""

    @property
    def names(self) -> list[str]:
        """The sheets' names (empty for a CSV file)."""
        return [s.name for s in self.sheets if s.name is not None]

    def sheet(self, name: str) -> Sheet | None:
        """The sheet with this name, or None."""
        return next((s for s in self.sheets if s.name == name), None)

    def fail(self, message: str, where: str | None = None) -> ReadError:
        """An error about this export, at `where` in it."""
        return ReadError(self.path, message, where)


def text(value: Any) -> str:
    """A cell's value as stripped text, without control characters (the audience typed it);
    integers written as floats lose their '.0'."""
    if value is None or value is UNCALCULATED:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value))


def find_row(sheet: Sheet, matches: Sequence[str], *, column: int = 1, limit: int = 20) -> int:
    """The first row (within `limit`) whose cell in `column` is one of `matches`; 0 if none.

    Headers are not always in row 1, so importers find them by their signature cells.
    """
    for number in range(1, min(limit, len(sheet.rows)) + 1):
        if sheet.text(number, column) in matches:
            return number
    return 0


def whole(
    book: Book, value: Any, what: str, where: str, advice: str = "export the results again"
) -> int:
    """A count stored as a number or as text ("14", "14.0"); blank counts as 0."""
    if value is UNCALCULATED:
        raise book.fail(f"{what}: the cell {_UNCALCULATED_ADVICE}", where)
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float) and float(value).is_integer() and value >= 0:
        return int(value)
    found = str(value).strip()
    if re.fullmatch(r"\d+", found):
        return int(found)
    raise book.fail(f"{what} '{value}' is not a whole number; correct the cell or {advice}", where)


def decimal(book: Book, value: Any, what: str, where: str) -> float | None:
    """A number stored as a number or as text ("3.4", "3,4", "24%"); blank is None."""
    if value is UNCALCULATED:
        raise book.fail(f"{what}: the cell {_UNCALCULATED_ADVICE}", where)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    found = str(value).strip().removesuffix("%").strip().replace(",", ".")
    if re.fullmatch(r"-?\d+(\.\d+)?", found):
        return float(found)
    raise book.fail(
        f"{what} '{value}' is not a number; correct the cell or export the results again", where
    )


def moment(value: Any) -> str | None:
    """A time cell as ISO 8601 when it is a real date, else its text; None when blank."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return text(value) or None
