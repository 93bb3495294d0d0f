"""A plain table `question, option, count` for results from any other tool, typed by hand.

Columns are found by their header (English or Dutch), in any order; a question's rows
need not be next to each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eventreport.model import Option, PollExport, Question
from eventreport.readers.polls.sheet import Book, Sheet, whole

NAME = "csv"
LABEL = "a CSV file with the columns question, option, count"
_HEADERS = {
    "question": ("question", "vraag"),
    "option": ("option", "optie", "answer", "antwoord"),
    "count": ("count", "aantal", "votes", "stemmen"),
}
_SIGNATURE = "question, option, count (Dutch: vraag, optie, aantal)"
_SEARCH = 10


def mismatch(book: Book) -> str | None:
    """A header row with a question, an option and a count column."""
    sheet = book.sheets[0] if book.sheets else None
    if sheet is None:
        return "the file holds no sheet"
    if _header(sheet) is not None:
        return None
    return f"{sheet.where(1)} has no header with the columns {_SIGNATURE}"


@dataclass
class _Draft:
    title: str
    row: int
    options: list[Option] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def read(book: Book, session: int | None = None) -> PollExport:
    """Questions in the order they first appear, options in row order."""
    sheet = book.sheets[0] if book.sheets else None
    found = _header(sheet) if sheet is not None else None
    if sheet is None or found is None:
        raise book.fail(
            f"this is not a plain poll results table ({mismatch(book)}); write the header "
            f"row {_SIGNATURE} above the results"
        )
    if session is not None:
        raise book.fail("a plain results table has no sessions; leave out 'session'")
    header, columns = found
    drafts: dict[str, _Draft] = {}
    for number, _ in sheet.numbered(header + 1):
        if sheet.blank(number):
            continue
        title = sheet.text(number, columns["question"])
        label = sheet.text(number, columns["option"])
        if not title or not label:
            missing = "question" if not title else "option"
            raise book.fail(
                f"the {missing} is empty; fill it in or delete the row",
                sheet.where(number, columns[missing]),
            )
        where = sheet.where(number, columns["count"])
        count = whole(book, sheet.cell(number, columns["count"]), "count", where)
        draft = drafts.setdefault(title, _Draft(title, number))
        if label in draft.rows:
            raise book.fail(
                f"'{label}' of '{title}' is listed twice (also in row {draft.rows[label]}); "
                "keep one row per option",
                sheet.where(number),
            )
        draft.rows[label] = number
        draft.options.append(Option(label, count, sheet.where(number)))
    questions = tuple(
        Question(
            id=str(n),
            title=d.title,
            type="choice",
            respondents=sum(o.count for o in d.options),
            options=tuple(d.options),
            responses=(),
            location=sheet.where(d.row),
        )
        for n, d in enumerate(drafts.values(), 1)
    )
    return PollExport(source=book.path, tool=NAME, questions=questions)


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The header row and the column of each field, within the first rows."""
    for number in range(1, min(_SEARCH, len(sheet.rows)) + 1):
        names = [t.casefold() for t in sheet.texts(number)]
        columns = {
            key: names.index(alias) + 1
            for key, aliases in _HEADERS.items()
            for alias in aliases
            if alias in names
        }
        if len(columns) == len(_HEADERS):
            return number, columns
    return None
