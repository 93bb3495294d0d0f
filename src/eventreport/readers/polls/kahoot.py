"""Kahoot's report workbook: a sheet per question ("1 Quiz", "2 Quiz", ...).

Merged cells hold their value in the top-left cell only, so values are read at the
columns where each merged range starts.
"""

from __future__ import annotations

import re

from eventreport.model import Option, PollExport, Question, QuestionType
from eventreport.readers.polls.sheet import Book, Sheet, find_row, whole

NAME = "kahoot"
LABEL = "Kahoot report (.xlsx)"
_OVERVIEW = "Overview"
_QUESTION_SHEET = re.compile(r"(\d+) (.+)")
_OPTIONS = "Answer options"
_CORRECT = "Is answer correct?"
_COUNTS = "Number of answers received"
_PLAYERS = "Players"  # header of the answer details, one row per player below it
# (symbol column, label column) of the four answer options: C/D, E/F, G/H, I/J. The
# symbol's column also holds the option's count and correctness mark.
_PAIRS = ((3, 4), (5, 6), (7, 8), (9, 10))
_SEARCH = 40  # rows to search for a labelled row
_AGAIN = "download the report from Kahoot again"
_NO_ANSWER = frozenset({"", "-", "—"})


def mismatch(book: Book) -> str | None:
    """A Kahoot report has an Overview and question sheets with an 'Answer options' row."""
    if book.sheet(_OVERVIEW) is None:
        return f"no '{_OVERVIEW}' sheet"
    if not any(find_row(sheet, (_OPTIONS,), limit=_SEARCH) for _, _, sheet in _sheets(book)):
        return f"no question sheet such as '1 Quiz' with an '{_OPTIONS}' row"
    return None


def read(book: Book, session: int | None = None) -> PollExport:
    """Every question sheet, in number order; the Overview's A1 is the kahoot's title."""
    why = mismatch(book)
    if why is not None:
        raise book.fail(
            f"this is not a Kahoot report ({why}); download the report from Kahoot as Excel, "
            "or choose the right poll tool"
        )
    if session is not None:
        raise book.fail("a Kahoot report has no sessions; leave out 'session'")
    questions = tuple(_question(book, number, sheet) for number, _, sheet in _sheets(book))
    overview = book.sheet(_OVERVIEW)
    title = overview.text(1, 1) if overview is not None else ""
    return PollExport(source=book.path, tool=NAME, questions=questions, title=title or None)


def _sheets(book: Book) -> list[tuple[int, str, Sheet]]:
    found = [
        (int(m[1]), m[2], sheet)
        for sheet in book.sheets
        if sheet.name is not None and (m := _QUESTION_SHEET.fullmatch(sheet.name))
    ]
    return sorted(found, key=lambda item: item[0])


def _question(book: Book, number: int, sheet: Sheet) -> Question:
    rows = {label: find_row(sheet, (label,), limit=_SEARCH) for label in (_OPTIONS, _COUNTS)}
    for name, row in rows.items():
        if not row:
            raise book.fail(
                f"no '{name}' row in column A of this question sheet (looked for "
                f"'{_OPTIONS}', '{_CORRECT}', '{_COUNTS}'); {_AGAIN}",
                sheet.where(1),
            )
    title = sheet.text(2, 2)
    if not title:
        raise book.fail(f"the question's text is missing from cell B2; {_AGAIN}", sheet.where(2, 2))
    marks = find_row(sheet, (_CORRECT,), limit=_SEARCH)
    options: list[Option] = []
    for symbol, label in _PAIRS:
        text = sheet.text(rows[_OPTIONS], label)
        count = sheet.cell(rows[_COUNTS], symbol)
        if not text and count is None:
            continue  # this kahoot used fewer than four answers
        mark = sheet.text(marks, symbol) if marks else ""
        options.append(
            Option(
                text or sheet.text(rows[_OPTIONS], symbol),  # a picture answer has no text
                whole(book, count, "number of answers", sheet.where(rows[_COUNTS], symbol), _AGAIN),
                sheet.where(rows[_OPTIONS], label),
                # "✔︎" carries a variation selector, so compare the first character only.
                correct=True if mark[:1] == "✔" else False if mark[:1] == "✘" else None,
            )
        )
    votes = sum(o.count for o in options)
    respondents = _players_who_answered(sheet)
    if respondents is None:
        respondents = votes
    kind: QuestionType = (
        "quiz"
        if any(o.correct for o in options)
        else "multi-choice"
        if votes > respondents
        else "choice"
    )
    return Question(
        id=str(number),
        title=title,
        type=kind,
        respondents=respondents,
        options=tuple(options),
        responses=(),
        location=sheet.where(1),
    )


def _players_who_answered(sheet: Sheet) -> int | None:
    """Rows below the 'Players' header with an answer; their names are never read."""
    header = find_row(sheet, (_PLAYERS,), limit=_SEARCH)
    if not header:
        return None
    return sum(
        1
        for n, _ in sheet.numbered(header + 1)
        if sheet.text(n, 4) not in _NO_ANSWER or sheet.text(n, 3) not in _NO_ANSWER
    )
