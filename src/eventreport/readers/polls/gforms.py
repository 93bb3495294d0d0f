"""Google Forms' responses CSV: a row per respondent, a column per question.

The e-mail address column, when the form collects it, is skipped, never read.
"""

from __future__ import annotations

from eventreport.model import PollExport
from eventreport.readers.polls.forms import FormsLayout, forms_mismatch, read_responses
from eventreport.readers.polls.sheet import Book, Sheet, find_row

NAME = "google-forms"
LABEL = "Google Forms responses (.csv)"
_TIME = ("Timestamp", "Tijdstempel")
# Columns about the respondent or the scoring, not questions.
_SKIP = frozenset({"Email Address", "Email address", "E-mailadres", "Score"})


def mismatch(book: Book) -> str | None:
    """The first sheet's header starts with Timestamp (Dutch: Tijdstempel)."""
    return forms_mismatch(book, LAYOUT)


def read(book: Book, session: int | None = None) -> PollExport:
    """Every question column (a grid's `Question [Row]` columns as one), counts derived."""
    return read_responses(book, session, LAYOUT, mismatch(book))


def _header_row(sheet: Sheet) -> int:
    return find_row(sheet, _TIME, limit=5)


# Google Forms numbers no respondents; the row below the header stands in for one.
LAYOUT = FormsLayout(
    name=NAME,
    product="Google Forms",
    export_hint="download the responses from Google Forms as .csv",
    header_row=_header_row,
    first_question=2,
    skip=lambda title: title in _SKIP,
    respondent_column=None,
    time_column=1,
    expected="Timestamp (Dutch: Tijdstempel)",
    quoted=1,
    separator=", ",
)
