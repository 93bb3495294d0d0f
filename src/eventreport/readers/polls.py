"""Poll exports: load a workbook or CSV file as sheets, then let its layout pick the tool."""

from __future__ import annotations

import difflib
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from eventreport.errors import ReadError
from eventreport.model import PollExport
from eventreport.readers import csvpoll, gforms, kahoot, mentimeter, msforms, wooclap
from eventreport.readers._csvbytes import read_csv
from eventreport.readers._sheet import Book, Sheet
from eventreport.readers._sniff import ZIP_ERRORS, damaged_zip_message

_OPEN_ERRORS = (*ZIP_ERRORS, SyntaxError, InvalidFileException, TypeError)
# openpyxl parses sheets lazily in read-only mode, so damage can surface while reading rows;
# narrower than _OPEN_ERRORS so that a bug in a tool's reader is not called damage.
_ROW_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, SyntaxError)


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
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown poll tool '{tool}'; use auto or one of: {', '.join(TOOLS)}{hint}"


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
    with path.open("rb") as fh:
        try:
            # A file object, because openpyxl refuses file names not ending in .xlsx.
            workbook = load_workbook(fh, read_only=True, data_only=True)
        except _OPEN_ERRORS as exc:
            raise ReadError(path, f"{damaged_zip_message()} ({exc})") from None
        try:
            sheets = tuple(
                Sheet(ws.title, tuple(ws.iter_rows(values_only=True))) for ws in workbook.worksheets
            )
        except _ROW_ERRORS as exc:
            raise ReadError(path, f"{damaged_zip_message()} ({exc})") from None
        finally:
            workbook.close()
    return Book(path, sheets)


def _read(book: Book, tool: str, session: int | None) -> PollExport:
    if tool != "auto":
        return TOOLS[tool].read(book, session)
    tried: list[str] = []
    for name, candidate in TOOLS.items():
        why = candidate.mismatch(book)
        if why is None:
            return candidate.read(book, session)
        tried.append(f"{name}: {why}")
    if book.names:
        sheets = ", ".join(f"'{s}'" for s in book.names)
        what = f"this workbook matches no known poll export layout (sheets: {sheets})"
    else:
        what = "this CSV file matches no known poll export layout"
    raise book.fail(
        f"{what}; known tools: {', '.join(TOOLS)}. Tried {'; '.join(tried)}. Use the tool's "
        "own results export, unchanged, or a CSV file with the columns question, option, count"
    )
