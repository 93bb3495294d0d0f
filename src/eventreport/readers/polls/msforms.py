"""Microsoft Forms' responses workbook: a row per respondent, a column per question.

Names and e-mail addresses sit in their own columns; they are skipped, never read.
"""

from __future__ import annotations

from eventreport.model import PollExport
from eventreport.readers.polls.forms import FormsLayout, forms_mismatch, read_responses
from eventreport.readers.polls.sheet import Book, Sheet, find_row

NAME = "microsoft-forms"
LABEL = "Microsoft Forms responses (.xlsx)"
# The first three columns, in English and in Dutch.
_ID = ("ID", "Id")
_START = ("Start time", "Begintijd")
_DONE = ("Completion time", "Tijd van voltooien")
_SIGNATURE = "ID | Start time | Completion time (Dutch: ID | Begintijd | Tijd van voltooien)"
# Columns about the respondent or the scoring, not questions. The Dutch quiz columns are
# unverified, taken from the English pattern.
_SKIP = frozenset(
    {
        "Email", "E-mail", "Name", "Naam",
        "Last modified time", "Tijd van laatste wijziging",
        "Total points", "Quiz feedback", "Totaal aantal punten", "Feedback over de test",
    }
)  # fmt: skip
_SKIP_PREFIXES = ("Points - ", "Feedback - ", "Punten - ")


def mismatch(book: Book) -> str | None:
    """The first sheet's header starts ID | Start time | Completion time."""
    return forms_mismatch(book, LAYOUT)


def read(book: Book, session: int | None = None) -> PollExport:
    """Every question column, counts derived from the answers."""
    return read_responses(book, session, LAYOUT, mismatch(book))


def _header_row(sheet: Sheet) -> int:
    row = find_row(sheet, _ID, limit=10)
    if row and sheet.text(row, 2) in _START and sheet.text(row, 3) in _DONE:
        return row
    return 0


LAYOUT = FormsLayout(
    name=NAME,
    product="Microsoft Forms",
    export_hint="use 'Open results in Excel' in Microsoft Forms",
    header_row=_header_row,
    first_question=4,
    skip=lambda title: title in _SKIP or title.startswith(_SKIP_PREFIXES),
    respondent_column=1,
    time_column=3,
    expected=_SIGNATURE,
    quoted=3,
    separator=";",
)
