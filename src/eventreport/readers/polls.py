"""Poll exports in Excel workbooks: pick the tool's reader by the workbook's layout."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from eventreport.errors import ReadError
from eventreport.model import PollExport
from eventreport.readers import mentimeter
from eventreport.readers._sniff import ZIP_ERRORS, damaged_zip_message

_OPEN_ERRORS = (*ZIP_ERRORS, SyntaxError, InvalidFileException, TypeError)
# openpyxl parses sheets lazily in read-only mode, so damage can surface while reading rows;
# narrower than _OPEN_ERRORS so that a bug in a tool's reader is not called damage.
_ROW_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, SyntaxError)


@dataclass(frozen=True)
class PollTool:
    """How to recognise and read one poll tool's workbook."""

    looks_like: Callable[[Any], bool]
    """True when an open workbook has this tool's layout."""
    read: Callable[[Path, Any, int | None], PollExport]
    """Reads the open workbook; the int picks a session where the tool has them."""


TOOLS: dict[str, PollTool] = {
    mentimeter.TOOL: PollTool(mentimeter.looks_like, mentimeter.read_workbook),
}
"""Poll tools by the name used in event.yaml's `tool:`."""


def read_xlsx_poll(path: Path, tool: str = "auto", *, session: int | None = None) -> PollExport:
    """Read a poll export workbook; `tool="auto"` lets the layout decide."""
    known = ", ".join(TOOLS)
    if tool != "auto" and tool not in TOOLS:
        raise ReadError(path, f"unknown poll tool '{tool}'; use auto or one of: {known}")
    with path.open("rb") as fh:
        try:
            # A file object, because openpyxl refuses file names not ending in .xlsx.
            workbook = load_workbook(fh, read_only=True, data_only=True)
        except _OPEN_ERRORS as exc:
            raise ReadError(path, f"{damaged_zip_message()} ({exc})") from None
        try:
            name = tool if tool != "auto" else _recognise(workbook)
            if name is None:
                sheets = ", ".join(f"'{s}'" for s in workbook.sheetnames)
                raise ReadError(
                    path,
                    f"this workbook matches no known poll export layout (sheets: {sheets}); "
                    f"known tools: {known}. Use the tool's own results export, unchanged",
                )
            return TOOLS[name].read(path, workbook, session)
        except _ROW_ERRORS as exc:
            raise ReadError(path, f"{damaged_zip_message()} ({exc})") from None
        finally:
            workbook.close()


def _recognise(workbook: Any) -> str | None:
    return next((name for name, t in TOOLS.items() if t.looks_like(workbook)), None)
