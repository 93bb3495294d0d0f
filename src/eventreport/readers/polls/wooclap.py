"""Wooclap's results workbook: a `Q<n>` sheet per question, and the Wall.

The `Main results` sheet (one row per participant, with names and e-mail addresses) only
identifies the export; counts come from the question sheets, which hold them already.
"""

from __future__ import annotations

import re

from eventreport.model import Option, PollExport, Question, QuestionType, Response
from eventreport.readers.polls.sheet import Book, Sheet, decimal, find_row, whole

NAME = "wooclap"
LABEL = "Wooclap results (.xlsx)"
_MAIN = "Main results"
_WALL = "Wall"
_QUESTION_SHEET = re.compile(r"Q(\d+)")
_FOOTER = frozenset({"By SMS", "By web"})
# Rows a quiz question adds below its choices; their numbers are about scoring.
_QUIZ_STATS = frozenset({"Number of participants", "Maximum score"})
_POINT = re.compile(r"# answers for (\d+) / (\d+)")
_AGAIN = "export the results from Wooclap again"
_LAYOUTS = (
    "choice 'Choice | Number of votes | % | Comments'",
    "rating 'Choice | Average | | # answers for 1 / 5 | ...'",
    "open 'Answer'",
)
# Values in the Wall's "Archived?" column for a message the presenter took off the wall.
_ARCHIVED = frozenset({"yes", "true", "1", "x", "oui", "ja"})


def mismatch(book: Book) -> str | None:
    """Wooclap's first sheet lists participants under `# | Username`."""
    main = book.sheet(_MAIN)
    if main is None:
        return f"no '{_MAIN}' sheet"
    found = main.texts(1)[:2]
    if found != ["#", "Username"]:
        return f"{main.where(1)} starts {' | '.join(found) or '(nothing)'}, not # | Username"
    return None


def read(book: Book, session: int | None = None) -> PollExport:
    """Every question sheet in number order, then the Wall's messages."""
    why = mismatch(book)
    if why is not None:
        raise book.fail(
            f"this is not a Wooclap results export ({why}); export the results from Wooclap "
            "as Excel, or choose the right poll tool"
        )
    if session is not None:
        raise book.fail("a Wooclap export has no sessions; leave out 'session'")
    numbered = sorted(
        (int(m[1]), sheet)
        for sheet in book.sheets
        if sheet.name is not None and (m := _QUESTION_SHEET.fullmatch(sheet.name))
    )
    questions = [_QuestionSheet(book, sheet, str(n)).read() for n, sheet in numbered]
    wall = book.sheet(_WALL)
    if wall is not None:
        questions.append(_wall(book, wall))
    return PollExport(source=book.path, tool=NAME, questions=tuple(questions))


class _QuestionSheet:
    """One `Q<n>` sheet: the title in A1, a header row, a table, statistics and a footer."""

    def __init__(self, book: Book, sheet: Sheet, number: str) -> None:
        self.book = book
        self.sheet = sheet
        self.number = number
        # Row 3 in the exports seen; otherwise the first filled row below the title, so an
        # unknown layout is reported at its header.
        self.header_row = find_row(sheet, ("Choice", "Answer"), limit=10) or next(
            (n for n, _ in sheet.numbered(2) if not sheet.blank(n)), 0
        )

    def read(self) -> Question:
        sheet = self.sheet
        if not self.header_row:
            raise self.book.fail(
                f"the sheet holds only a title, no results (tried: {'; '.join(_LAYOUTS)});"
                f" {_AGAIN}",
                sheet.where(1),
            )
        header = sheet.texts(self.header_row)
        if header[:1] == ["Answer"]:
            return self._open()
        if header[:2] == ["Choice", "Number of votes"]:
            return self._choice()
        if header[:2] == ["Choice", "Average"]:
            return self._rating(header)
        raise self.book.fail(
            f"the header {' | '.join(header)} is not a Wooclap question layout this program "
            f"knows (tried: {'; '.join(_LAYOUTS)}); {_AGAIN}",
            sheet.where(self.header_row),
        )

    def _table(self) -> list[int]:
        """The rows from below the header to the first blank row."""
        rows: list[int] = []
        for number in range(self.header_row + 1, len(self.sheet.rows) + 1):
            if self.sheet.blank(number):
                break
            rows.append(number)
        return rows

    def _footer(self) -> int | None:
        """Respondents from the `By SMS` / `By web` rows; None when there are none."""
        found = [
            whole(self.book, self.sheet.cell(n, 2), "number of answers", self.sheet.where(n, 2))
            for n, _ in self.sheet.numbered(self.header_row + 1)
            if self._is_footer(n)
        ]
        return sum(found) if found else None

    def _question(
        self,
        kind: QuestionType,
        respondents: int,
        options: list[Option] | None = None,
        responses: list[Response] | None = None,
        scale: tuple[str, ...] = (),
    ) -> Question:
        return Question(
            id=self.number,
            title=self.sheet.text(1, 1),
            type=kind,
            respondents=respondents,
            options=tuple(options or ()),
            responses=tuple(responses or ()),
            location=self.sheet.where(1),
            scale=scale,
        )

    def _choice(self) -> Question:
        book, sheet = self.book, self.sheet
        options: list[Option] = []
        comments: list[Response] = []
        for n in self._table():
            options.append(
                Option(
                    sheet.text(n, 1),
                    whole(book, sheet.cell(n, 2), "number of votes", sheet.where(n, 2), _AGAIN),
                    sheet.where(n),
                    percent=decimal(book, sheet.cell(n, 3), "percentage", sheet.where(n, 3)),
                )
            )
            comments += [Response(c, sheet.where(n, 4)) for c in _comments(sheet.text(n, 4))]
        votes = sum(o.count for o in options)
        respondents = self._footer()
        respondents = votes if respondents is None else respondents
        quiz = any(sheet.text(n, 1) in _QUIZ_STATS for n, _ in sheet.numbered(self.header_row))
        # Wooclap's percentages are shares of respondents: more votes than respondents means
        # several answers were allowed.
        kind: QuestionType = "quiz" if quiz else "multi-choice" if votes > respondents else "choice"
        return self._question(kind, respondents, options, comments)

    def _rating(self, header: list[str]) -> Question:
        book, sheet = self.book, self.sheet
        points = [(c, _POINT.fullmatch(h)) for c, h in enumerate(header, 1)]
        columns = [(c, int(m[1])) for c, m in points if m]
        if not columns:
            raise book.fail(
                f"the rating header has no '# answers for 1 / 5' columns; {_AGAIN}",
                sheet.where(self.header_row),
            )
        options = []
        for n in self._table():
            counts = tuple(
                whole(book, sheet.cell(n, c), "number of answers", sheet.where(n, c), _AGAIN)
                for c, _ in columns
            )
            mean = decimal(book, sheet.cell(n, 2), "average", sheet.where(n, 2))
            options.append(
                Option(
                    sheet.text(n, 1), sum(counts), sheet.where(n), mean=mean, distribution=counts
                )
            )
        respondents = self._footer()
        if respondents is None:
            respondents = max((o.count for o in options), default=0)
        scale = tuple(str(point) for _, point in columns)
        return self._question("scale", respondents, options, scale=scale)

    def _open(self) -> Question:
        responses = [
            Response(self.sheet.text(n, 1), self.sheet.where(n))
            for n, row in self.sheet.numbered(self.header_row + 1)
            if self.sheet.text(n, 1) and not self._is_footer(n)
        ]
        respondents = self._footer()
        return self._question("open", len(responses) if respondents is None else respondents,
                              responses=responses)  # fmt: skip

    def _is_footer(self, row: int) -> bool:
        # An answer may read "By web"; the footer has a count beside it.
        return self.sheet.text(row, 1) in _FOOTER and self.sheet.text(row, 2).isdigit()


def _comments(cell: str) -> list[str]:
    """Wooclap joins the texts given with an option as "[first], [second]"."""
    if not (cell.startswith("[") and cell.endswith("]")):
        return [cell] if cell else []
    return [c for c in cell[1:-1].split("], [") if c.strip()]


def _wall(book: Book, sheet: Sheet) -> Question:
    """The Wall's messages: only the Answer column, never the names or e-mail addresses."""
    header_row = next((n for n, _ in sheet.numbered() if "Answer" in sheet.texts(n)), 0)
    if not header_row:
        raise book.fail(f"the Wall has no 'Answer' column; {_AGAIN}", sheet.where(1))
    header = sheet.texts(header_row)
    answer = header.index("Answer") + 1
    archived = header.index("Archived?") + 1 if "Archived?" in header else None
    responses: list[Response] = []
    respondents: int | None = None
    for n, _ in sheet.numbered(header_row + 1):
        if sheet.text(n, 1) in _FOOTER and sheet.text(n, 2).isdigit():
            by = whole(book, sheet.cell(n, 2), "number of messages", sheet.where(n, 2))
            respondents = (respondents or 0) + by
        elif sheet.text(n, answer) and not (
            archived and sheet.text(n, archived).casefold() in _ARCHIVED
        ):
            responses.append(Response(sheet.text(n, answer), sheet.where(n, answer)))
    return Question(
        id="wall",
        title=_WALL,
        type="open",
        respondents=len(responses) if respondents is None else respondents,
        options=(),
        responses=tuple(responses),
        location=sheet.where(1),
    )
