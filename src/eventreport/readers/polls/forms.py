"""Form tools' response tables (a row per respondent, a column per question) as questions.

The files hold answers, not counts or question types, so both are derived here:
- a multi-select answer joins its options ("A;B;" in Microsoft Forms, "A, B" in Google
  Forms); option texts may hold the separator too, so pieces are joined back where the
  other answers show that the joined text is one option;
- whole numbers from 0 to 10 are a rating; a few answers given repeatedly are choices;
  anything else is open text, kept as responses to quote.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventreport.model import Option, PollExport, Question, QuestionType, Response
from eventreport.readers.polls.sheet import Book, Sheet, moment

_RATING = range(0, 11)
_MAX_CHOICES = 12  # more different answers than this is open text
_MAX_CHOICE_LENGTH = 100
_GRID = re.compile(r"(.+?) \[(.+)\]")


@dataclass(frozen=True)
class Answer:
    """One respondent's answer in one column."""

    text: str
    """The cell's text."""
    row: int
    """Its row in the sheet."""
    column: int
    """Its column in the sheet."""


@dataclass(frozen=True)
class Table:
    """A responses sheet: where its header is and which columns say who and when."""

    book: Book
    sheet: Sheet
    header_row: int
    """The row holding the column titles."""
    respondent_column: int | None
    """Column of the export's respondent number (never a name), if it has one."""
    time_column: int | None
    """Column of the submission time, if it has one."""
    separator: str
    """How a multi-select answer joins its options."""

    def rows(self) -> list[int]:
        """The respondents' rows: every non-blank row below the header."""
        return [n for n, _ in self.sheet.numbered(self.header_row + 1) if not self.sheet.blank(n)]

    def answers(self, column: int) -> list[Answer]:
        """The non-empty answers in a column, top to bottom."""
        found = ((n, self.sheet.text(n, column)) for n in self.rows())
        return [Answer(value, n, column) for n, value in found if value]

    def response(self, answer: Answer) -> Response:
        """An answer as a quotable response, with the export's respondent number and time."""
        who = self.sheet.text(answer.row, self.respondent_column) if self.respondent_column else ""
        when = moment(self.sheet.cell(answer.row, self.time_column)) if self.time_column else None
        return Response(
            answer.text,
            self.sheet.where(answer.row, answer.column),
            respondent=who or str(answer.row - self.header_row),
            time=when,
        )


@dataclass(frozen=True)
class FormsLayout:
    """What sets one forms tool's responses file apart; the reading is the same."""

    name: str
    """The tool's id in event.yaml."""
    product: str
    """The product, as messages name it."""
    export_hint: str
    """How to get the file from the product again."""
    header_row: Callable[[Sheet], int]
    """The header's row number in the first sheet, 0 when it is not there."""
    first_question: int
    """The first column that can hold a question (the ones before are about the answer)."""
    skip: Callable[[str], bool]
    """True for a column about the respondent or the scoring, never read."""
    respondent_column: int | None
    """Column with the tool's own respondent number, if it has one."""
    time_column: int
    """Column with the time of the answer."""
    separator: str
    """What joins several choices in one cell."""
    expected: str
    """How the header starts, as messages say it."""
    quoted: int
    """How many cells of a wrong first row a message quotes."""


def forms_mismatch(book: Book, layout: FormsLayout) -> str | None:
    """Why `book` is not this tool's export (its first sheet lacks the header), or None."""
    sheet = book.sheets[0] if book.sheets else None
    if sheet is None:
        return "the file holds no sheet"
    if layout.header_row(sheet):
        return None
    found = " | ".join(sheet.texts(1)[: layout.quoted]) or "(nothing)"
    return f"{sheet.where(1)} starts {found}, not {layout.expected}"


def read_responses(
    book: Book, session: int | None, layout: FormsLayout, why: str | None
) -> PollExport:
    """Every question column of a forms export, counts derived from the answers.

    `why` is the tool's reason the file is not its export, or None when it is."""
    if why is not None:
        raise book.fail(
            f"this is not a {layout.product} responses file ({why}); {layout.export_hint}"
            " and keep the file unchanged, or choose the right poll tool"
        )
    if session is not None:
        raise book.fail(f"a {layout.product} export has no sessions; leave out 'session'")
    sheet = book.sheets[0]
    header_row = layout.header_row(sheet)
    columns = [
        (column, title)
        for column, title in enumerate(sheet.texts(header_row), 1)
        if column >= layout.first_question and title and not layout.skip(title)
    ]
    table = Table(
        book,
        sheet,
        header_row,
        respondent_column=layout.respondent_column,
        time_column=layout.time_column,
        separator=layout.separator,
    )
    return PollExport(source=book.path, tool=layout.name, questions=questions(table, columns))


def questions(table: Table, columns: Sequence[tuple[int, str]]) -> tuple[Question, ...]:
    """One question per column, or per run of `Title [Row]` columns (a grid)."""
    found: list[Question] = []
    index = 0
    while index < len(columns):
        column, title = columns[index]
        grid = _GRID.fullmatch(title)
        run = [(column, title)]
        if grid:
            while index + len(run) < len(columns):
                following = _GRID.fullmatch(columns[index + len(run)][1])
                if not following or following[1] != grid[1]:
                    break
                run.append(columns[index + len(run)])
        qid = str(len(found) + 1)
        if len(run) > 1 and grid:
            found.append(_grid(table, qid, grid[1], run))
        else:
            found.append(_question(table, qid, column, title))
        index += len(run)
    return tuple(found)


def _question(table: Table, qid: str, column: int, title: str) -> Question:
    answers = table.answers(column)
    where = table.sheet.where(table.header_row, column)
    values = [a.text for a in answers]
    if values and all(re.fullmatch(r"\d+", v) and int(v) in _RATING for v in values):
        numbers = [int(v) for v in values]
        scale = _points(numbers)
        option = _rated(title, numbers, scale, where)
        return Question(qid, title, "scale", len(answers), (option,), (), where, scale)
    # Microsoft Forms ends every multi-select answer with the separator, even a single one;
    # without that mark a column is single-select and its answers are never split.
    marked = table.separator != ";" or any(v.endswith(";") for v in values)
    chosen = [split_choices(v, table.separator, values) if marked else [v] for v in values]
    multi = any(len(c) > 1 for c in chosen) or (table.separator == ";" and marked)
    distinct = Counter(c for choices in chosen for c in choices)
    is_choice = multi or (
        len(distinct) <= _MAX_CHOICES
        and len(distinct) < len(values)
        and all(len(c) <= _MAX_CHOICE_LENGTH for c in distinct)
    )
    if not is_choice:
        responses = tuple(table.response(a) for a in answers)
        return Question(qid, title, "open", len(answers), (), responses, where)
    first_row = {c: a.row for a, choices in zip(answers, chosen, strict=True) for c in choices}
    options = tuple(
        Option(label, count, table.sheet.where(first_row[label], column))
        for label, count in distinct.items()
    )
    kind: QuestionType = "multi-choice" if multi else "choice"
    return Question(qid, title, kind, len(answers), options, (), where)


def _grid(table: Table, qid: str, title: str, run: list[tuple[int, str]]) -> Question:
    """A grid question: each row of the grid is a statement, each column answer a point."""
    per_row = {column: table.answers(column) for column, _ in run}
    values = [a.text for answers in per_row.values() for a in answers]
    numeric = bool(values) and all(re.fullmatch(r"\d+", v) for v in values)
    # Numbers make a scale from 1 up; other answers keep the order they first appear in.
    scale = _points([int(v) for v in values]) if numeric else tuple(dict.fromkeys(values))
    options = []
    for column, header in run:
        match = _GRID.fullmatch(header)
        label = match[2] if match else header
        where = table.sheet.where(table.header_row, column)
        answers = [a.text for a in per_row[column]]
        if numeric:
            options.append(_rated(label, [int(v) for v in answers], scale, where))
        else:
            counts = tuple(answers.count(point) for point in scale)
            options.append(Option(label, len(answers), where, distribution=counts))
    respondents = len({a.row for answers in per_row.values() for a in answers})
    where = table.sheet.where(table.header_row, run[0][0])
    return Question(qid, title, "scale", respondents, tuple(options), (), where, scale)


def _points(numbers: list[int]) -> tuple[str, ...]:
    # The file does not say where the scale ends: from 1 (or lower) to the highest given.
    return tuple(str(p) for p in range(min([1, *numbers]), max(numbers) + 1))


def _rated(label: str, numbers: list[int], scale: tuple[str, ...], where: str) -> Option:
    distribution = tuple(numbers.count(int(point)) for point in scale)
    mean = sum(numbers) / len(numbers) if numbers else None
    return Option(label, len(numbers), where, mean=mean, distribution=distribution)


def split_choices(value: str, separator: str, column: Sequence[str]) -> list[str]:
    """A multi-select answer's options; a single answer stays one option.

    Splitting on the separator alone would cut an option such as "Ja, zeker" in two, so
    pieces are grouped where the column's other answers show a group is one option: a
    group another respondent gave as their whole answer scores 2, a single piece another
    answer also holds scores 1. The best-scoring grouping wins; ties keep fewer groups.
    """
    pieces = [p.strip() for p in value.split(separator) if p.strip()]
    if len(pieces) <= 1:
        return pieces or [value]
    # Microsoft Forms ends "A;" with the separator even for one option.
    mark = separator.strip()
    whole_answers = Counter(v.strip().removesuffix(mark).strip() for v in column)
    whole_answers[value.strip().removesuffix(mark).strip()] -= 1  # evidence from others only
    elsewhere = Counter(p.strip() for v in column for p in v.split(separator) if p.strip())
    for p in pieces:
        elsewhere[p] -= 1
    joiner = separator

    def score(group: list[str]) -> int:
        joined = joiner.join(group)
        if whole_answers[joined] > 0:
            return 2
        return 1 if len(group) == 1 and elsewhere[group[0]] > 0 else 0

    # best[i]: (score, -groups, groups) for the first i pieces.
    best: list[tuple[int, int, list[str]]] = [(0, 0, [])]
    for end in range(1, len(pieces) + 1):
        candidates = []
        for start in range(end):
            previous = best[start]
            group = pieces[start:end]
            candidates.append(
                (previous[0] + score(group), previous[1] - 1, [*previous[2], joiner.join(group)])
            )
        best.append(max(candidates, key=lambda c: (c[0], c[1])))
    return best[-1][2]
