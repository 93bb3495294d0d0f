"""Poll exports: load a workbook or CSV file as sheets, then let its layout pick the tool."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree

from eventreport.errors import ReadError
from eventreport.imports import without
from eventreport.limits import POLL_CELLS, WORKBOOK_PART, WORKBOOK_TOTAL
from eventreport.model import PollExport, Question
from eventreport.readers.polls import csvpoll, gforms, kahoot, mentimeter, msforms, wooclap
from eventreport.readers.polls.csvbytes import read_csv
from eventreport.readers.polls.sheet import UNCALCULATED, Book, Sheet
from eventreport.readers.sniff import damaged_zip_message
from eventreport.readers.text import plain
from eventreport.readers.zipguard import SafeZip

from ...i18n import _

# openpyxl is not made for hostile files: fuzzing (tests/test_fuzz_readers.py) finds damage
# surfacing as LookupError (an XML declaration naming an unknown encoding), KeyError,
# IndexError, ValueError and more, when opening and, in read-only mode, while reading rows.
# Only openpyxl (and `sheet`, which raises ReadError itself) runs inside these guards; the
# tools' readers run after, so a bug there is still not called damage.
_OPENPYXL_ERRORS = (Exception,)


@dataclass(frozen=True)
class PollTool:
    """How to recognise and read one poll tool's export."""

    label: str
    """How messages name the export, e.g. "Mentimeter results (.xlsx)"."""
    mismatch: Callable[[Book], str | None]
    """Why a loaded export is not this tool's (naming sheet and row), or None when it is."""
    read: Callable[[Book, int | None], PollExport]
    """Reads the export; the int picks a session where the tool has them."""


# In the order they are tried: the workbook tools recognise themselves by sheet names no
# other tool writes; the header-row layouts come after them, the catch-all CSV last.
TOOLS: dict[str, PollTool] = {
    mentimeter.NAME: PollTool(mentimeter.LABEL, mentimeter.mismatch, mentimeter.read),
    wooclap.NAME: PollTool(wooclap.LABEL, wooclap.mismatch, wooclap.read),
    kahoot.NAME: PollTool(kahoot.LABEL, kahoot.mismatch, kahoot.read),
    msforms.NAME: PollTool(msforms.LABEL, msforms.mismatch, msforms.read),
    gforms.NAME: PollTool(gforms.LABEL, gforms.mismatch, gforms.read),
    csvpoll.NAME: PollTool(csvpoll.LABEL, csvpoll.mismatch, csvpoll.read),
}
"""Poll tools by the name used in event.yaml's `tool:`."""

WORKBOOK_TOOLS = (mentimeter.NAME, wooclap.NAME, kahoot.NAME, msforms.NAME)
"""Tools whose export is a workbook, for naming what a .xlsx file may hold."""
CSV_TOOLS = (gforms.NAME, csvpoll.NAME)
"""Tools whose export is a CSV file."""


def tool_problem(tool: str) -> str | None:
    """What is wrong with a `tool:` value, listing the known tools; None when it is fine."""
    if tool == "auto" or tool in TOOLS:
        return None
    close = difflib.get_close_matches(tool, list(TOOLS), n=1)
    said = (
        _("unknown poll tool '{tool}'; use auto or one of: {tools} (did you mean '{near}'?)")
        if close
        else _("unknown poll tool '{tool}'; use auto or one of: {tools}")
    )
    return said.format(tool=tool, tools=", ".join(TOOLS), near=close[0] if close else "")


def read_xlsx_poll(path: Path, tool: str = "auto", *, session: int | None = None) -> PollExport:
    """Read a poll export workbook; `tool="auto"` lets the layout decide."""
    _check_tool(path, tool)
    return _read(_load_workbook(path), tool, session)


def read_csv_poll(path: Path, tool: str = "auto", *, session: int | None = None) -> PollExport:
    """Read a poll export CSV file; `tool="auto"` lets the header decide."""
    _check_tool(path, tool)
    return _read(Book(path, (read_csv(path),)), tool, session)


def _check_tool(path: Path, tool: str) -> None:
    problem = tool_problem(tool)
    if problem is not None:
        raise ReadError(path, problem)


def _load_workbook(path: Path) -> Book:
    # openpyxl opens the zip itself and has no limits of its own: every member is first
    # inflated once through the guard, so a sheet that inflates to gigabytes stops there.
    with SafeZip(
        path,
        max_part=WORKBOOK_PART,
        max_total=WORKBOOK_TOTAL,
        kind="poll export",
        advice="Export the results from the poll tool again.",
    ) as guarded:
        guarded.check_all()
    # openpyxl loads here, when a workbook is read (issue 17); never numpy through it.
    with without("numpy"):
        from openpyxl import load_workbook

    with path.open("rb") as fh:
        try:
            # A file object, because openpyxl refuses file names not ending in .xlsx.
            workbook = load_workbook(fh, read_only=True, data_only=True)
        except _OPENPYXL_ERRORS as exc:
            raise _damaged(path, exc) from None
        try:
            cells = _CellBudget(path)
            sheets = tuple(_sheet(workbook, ws, cells) for ws in workbook.worksheets)
        except ReadError:
            raise
        except _OPENPYXL_ERRORS as exc:
            raise _damaged(path, exc) from None
        finally:
            workbook.close()
    return Book(path, sheets)


def _damaged(path: Path, exc: Exception) -> ReadError:
    detail = str(exc)[:160] or type(exc).__name__
    return ReadError(path, f"{damaged_zip_message()} ({detail})")


class _CellBudget:
    """Counts the cells read from one export against POLL_CELLS."""

    def __init__(self, path: Path) -> None:
        self.path, self.used = path, 0

    def take(self, row: tuple[object, ...], sheet: str) -> None:
        self.used += max(len(row), 1)
        if self.used > POLL_CELLS:
            raise ReadError(
                self.path,
                f"the export holds more than {POLL_CELLS} cells, far more than a poll's"
                " results; the file may be crafted to exhaust memory. Export the results"
                " from the poll tool again",
                f"sheet '{sheet}'",
            )


def _sheet(workbook: Any, ws: Any, cells: _CellBudget) -> Sheet:
    # The declared size (<dimension>) is the file's claim, and openpyxl pads every row to
    # it; a crafted claim of 16,384 columns would pad each row to that. Rows are read
    # as long as their last cell instead.
    ws.reset_dimensions()
    rows: list[tuple[object, ...]] = []
    for row in ws.iter_rows(values_only=True):
        cells.take(row, ws.title)
        rows.append(row)
    for row_no, column in _uncalculated(workbook, ws):
        if row_no <= len(rows) and column <= len(rows[row_no - 1]):
            values = list(rows[row_no - 1])
            values[column - 1] = UNCALCULATED
            rows[row_no - 1] = tuple(values)
    return Sheet(ws.title, tuple(rows))


_CELL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}c"
_FORMULA = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}f"
_VALUE = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}v"


def _uncalculated(workbook: Any, ws: Any) -> list[tuple[int, int]]:
    """(row, column) of the formula cells whose result was never saved: openpyxl reads
    them as empty, which for a vote count would silently mean 0."""
    part = getattr(ws, "_worksheet_path", None)
    if part is None:
        return []
    from openpyxl.utils.cell import coordinate_to_tuple

    found: list[tuple[int, int]] = []
    with workbook._archive.open(part) as source:
        for _, cell in etree.iterparse(source, tag=_CELL, resolve_entities=False, no_network=True):
            value = cell.find(_VALUE)
            if cell.find(_FORMULA) is not None and (value is None or not value.text):
                row, column = coordinate_to_tuple(cell.get("r", "A1"))
                found.append((row, column))
            cell.clear()
    return found


def _read(book: Book, tool: str, session: int | None) -> PollExport:
    if tool != "auto":
        return _plain_labels(TOOLS[tool].read(book, session))
    tried: list[str] = []
    for name, candidate in TOOLS.items():
        why = candidate.mismatch(book)
        if why is None:
            return _plain_labels(candidate.read(book, session))
        tried.append(f"{name}: {why}")
    if book.names:
        sheets = ", ".join(f"'{s}'" for s in book.names)
        said = _(
            "this workbook matches no known poll export layout (sheets: {sheets}); known tools:"
            " {tools}. Tried {tried}. Use the tool's own results export, unchanged, or a CSV"
            " file with the columns question, option, count"
        )
    else:
        said = _(
            "this CSV file matches no known poll export layout; known tools: {tools}. Tried"
            " {tried}. Use the tool's own results export, unchanged, or a CSV file with the"
            " columns question, option, count"
        )
    raise book.fail(
        said.format(
            sheets=sheets if book.names else "", tools=", ".join(TOOLS), tried="; ".join(tried)
        )
    )


def _plain_labels(export: PollExport) -> PollExport:
    """The export with its title, questions and options as the words they show: tools
    keep the markup of their editors in them (Kahoot: `Realist<br>`). Answers the
    audience typed stay as typed."""

    def question(q: Question) -> Question:
        options = tuple(replace(o, label=plain(o.label)) for o in q.options)
        return replace(q, title=plain(q.title), options=options)

    return replace(
        export,
        title=plain(export.title) if export.title is not None else None,
        questions=tuple(question(q) for q in export.questions),
        sessions=tuple(
            replace(s, questions=tuple(question(q) for q in s.questions)) for s in export.sessions
        ),
    )
