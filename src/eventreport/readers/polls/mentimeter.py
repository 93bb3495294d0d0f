"""Mentimeter's "Download results" workbook, exactly as docs/poll-exports.md describes it.

Counts come from the `Session N` sheets. Scales and rankings list only their statements
there (the value columns are unverified), so their per-voter numbers come from the
`Voters` sheet, whose columns are `<title>: <statement>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from eventreport.model import Option, PollExport, PollSession, Question, QuestionType, Response
from eventreport.readers.polls.sheet import Book, Row, Sheet, text, whole
from eventreport.textutil import without_controls

from ...i18n import _

NAME = "mentimeter"
LABEL = "Mentimeter results (.xlsx)"
_VOTERS = "Voters"
_VOTERS_HEADER_ROW = 3
_SESSION_SHEET = re.compile(r"Session (\d+)")
_HEADING = re.compile(r"(?:Question|Slide) (\d+)")
_NO_VOTES = "No votes for this session"
_AGAIN = "download the results again"
_TYPES: dict[str, QuestionType] = {
    "choices": "choice",
    "choices_images": "choice",
    "quiz": "quiz",
    "scales": "scale",
    "ranking": "ranking",
    "open": "open",
    "wordcloud": "wordcloud",
    "slide": "content",
}
_PER_VOTER = frozenset({"scales", "ranking"})
_LABELS = frozenset({"Date", "Session", "Type", "Question", "Title", "Respondents"})
# Sub-tables whose rows carry nothing the report uses.
_SKIPPED_TABLES = frozenset({"Position"})  # the quiz leaderboard: names of people
_WIDTH = 4  # blocks use columns A to D


def mismatch(book: Book) -> str | None:
    """Only Mentimeter writes a Voters sheet."""
    return None if book.sheet(_VOTERS) is not None else f"no '{_VOTERS}' sheet"


def read(book: Book, session: int | None = None) -> PollExport:
    """Every session sheet; `questions` are the last session's (the latest reset) by default."""
    voters = _voters(book)
    sheets = {
        int(m.group(1)): sheet
        for sheet in book.sheets
        if sheet.name is not None and (m := _SESSION_SHEET.fullmatch(sheet.name))
    }
    if not sheets:
        raise book.fail(
            _("no 'Session N' sheet with results; download the results from Mentimeter again")
        )
    if session is None:
        session = max(sheets)
    if session not in sheets:
        have = ", ".join(f"'{sheets[n].name}'" for n in sorted(sheets))
        raise book.fail(
            _("there is no sheet 'Session {number}'; the file has {sheets}").format(
                number=session, sheets=have
            )
        )
    parsed = {n: _SessionSheet(book, sheets[n]).read() for n in sorted(sheets)}
    columns = _VoterColumns(book, voters, [b.title for blocks in parsed.values() for b in blocks])
    sessions = tuple(
        PollSession(n, tuple(columns.complete(n, b) for b in blocks))
        for n, blocks in parsed.items()
    )
    chosen = next(s for s in sessions if s.number == session)
    return PollExport(
        source=book.path, tool=NAME, questions=chosen.questions, session=session, sessions=sessions
    )


def _voters(book: Book) -> Sheet:
    voters = book.sheet(_VOTERS)
    if voters is None:
        raise book.fail(
            _(
                "no '{sheet}' sheet, so this is not a Mentimeter results export; download it "
                'with Mentimeter\'s "Download results" (.xlsx), or choose the right poll tool'
            ).format(sheet=_VOTERS)
        )
    found = [voters.text(_VOTERS_HEADER_ROW, c) for c in (1, 2, 3)]
    if found[0] not in ("Date", "Date (UTC)") or found[1:3] != ["Session", "Voter"]:
        raise book.fail(
            _(
                "expected the header Date | Session | Voter, found {found}; "
                "this is not a Mentimeter results file this program knows, download it again"
            ).format(found=" | ".join(found)),
            voters.where(_VOTERS_HEADER_ROW),
        )
    return voters


@dataclass
class _Block:
    """One slide's rows as they are read, and the question they make."""

    heading: str
    row: int
    labels: dict[str, tuple[object, int]] = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    question: Question | None = None

    @property
    def kind(self) -> str:
        return text(self.labels.get("Type", (None, 0))[0])

    @property
    def title(self) -> str:
        return self.question.title if self.question else ""


class _SessionSheet:
    """Parses the vertical blocks of one `Session N` sheet."""

    def __init__(self, book: Book, sheet: Sheet) -> None:
        self._book = book
        self._sheet = sheet

    def read(self) -> list[_Block]:
        blocks: list[_Block] = []
        block: _Block | None = None
        table: str | None = None  # header of the sub-table being read, if any
        rows = self._sheet.rows
        for number, raw in enumerate(rows, 1):
            row = tuple(raw[:_WIDTH]) + (None,) * (_WIDTH - len(raw[:_WIDTH]))
            first = text(row[0])
            # An answer typed as "Question 3" must not start a block: real headings are
            # followed by their label rows.
            if _HEADING.fullmatch(first) and self._sheet.text(number + 1, 1) in _LABELS:
                block, table = _Block(first, number), None
                blocks.append(block)
            elif not any(text(v) for v in row):
                table = None
            elif block is None:
                continue  # anything above the first block is not part of a slide
            elif table is not None:
                self._table_row(block, table, row, number)
            elif first in _LABELS and not block.options and not block.responses:
                block.labels[first] = (row[1], number)
            elif first == _NO_VOTES:
                pass
            elif first in ("Choices", "Responses") or first in _SKIPPED_TABLES:
                table = first
            elif block.kind in _PER_VOTER:
                # Statements or items under a header nobody has verified: only column A
                # is read; the numbers come from the Voters sheet.
                table = "Items"
            else:
                raise self._book.fail(
                    f"unexpected row '{first}' in the block of '{block.heading}'; this "
                    f"Mentimeter layout is not known, {_AGAIN}",
                    self._sheet.where(number),
                )
        for b in blocks:
            b.question = self._question(b)
        return blocks

    def _table_row(self, block: _Block, table: str, row: Row, number: int) -> None:
        where = self._sheet.where(number)
        if table == "Choices":
            count = whole(self._book, row[1], "vote count", where, _AGAIN)
            correct = _flag(row[2]) if block.kind == "quiz" else None
            block.options.append(Option(text(row[0]), count, where, correct=correct))
        elif table == "Items" and text(row[0]):
            block.options.append(Option(text(row[0]), 0, where))
        elif table == "Responses" and row[0] is not None and text(row[0]):
            # Kept as typed (spaces and all), but without control characters (textutil).
            answer = without_controls(row[0]) if isinstance(row[0], str) else text(row[0])
            block.responses.append(Response(text=answer, location=where))

    def _question(self, block: _Block) -> Question:
        kind = block.kind
        if "Type" not in block.labels:
            raise self._book.fail(
                f"the block of '{block.heading}' has no Type row; {_AGAIN}",
                self._sheet.where(block.row),
            )
        if kind not in _TYPES:
            _value, row = block.labels["Type"]
            raise self._book.fail(
                _(
                    "unknown question type '{kind}' (known: {kinds}); "
                    "download the results from Mentimeter again"
                ).format(kind=kind, kinds=", ".join(_TYPES)),
                self._sheet.where(row),
            )
        title, _line = block.labels.get("Question") or block.labels.get("Title") or (None, 0)
        value, row = block.labels.get("Respondents", (None, block.row))
        respondents = whole(
            self._book, value, "number of respondents", self._sheet.where(row), _AGAIN
        )
        counts = sum(o.count for o in block.options)
        kind_of = _TYPES[kind]
        if kind_of == "choice" and counts > respondents:
            kind_of = "multi-choice"  # more votes than voters: several answers were allowed
        return Question(
            id=block.heading.rsplit(" ", 1)[1],
            title=text(title),
            type=kind_of,
            respondents=respondents,
            options=tuple(block.options),
            responses=tuple(block.responses),
            location=self._sheet.where(block.row),
        )


class _VoterColumns:
    """The Voters sheet's per-voter columns, matched to slide titles, for scales and rankings."""

    def __init__(self, book: Book, voters: Sheet, titles: Iterable[str]) -> None:
        self._book = book
        self._voters = voters
        # A title may itself hold ": " ("Stelling 1: ..."), so headers are never split;
        # each is matched against the known titles, the longest first.
        longest = sorted({t for t in titles if t}, key=len, reverse=True)
        self._columns: dict[tuple[str, str], int] = {}
        for column, header in enumerate(voters.texts(_VOTERS_HEADER_ROW)[3:], 4):
            for title in longest:
                if header == f"{title}:":
                    self._columns.setdefault((title, ""), column)
                    break
                if header.startswith(f"{title}: "):
                    self._columns.setdefault((title, header[len(title) + 2 :]), column)
                    break

    def complete(self, session: int, block: _Block) -> Question:
        """The block's question, with scales and rankings filled in from the voters' rows."""
        question = block.question
        assert question is not None  # set by _SessionSheet.read
        if block.kind not in _PER_VOTER or not question.options:
            return question
        found = {o.label: self._values(session, question.title, o.label) for o in question.options}
        if question.respondents and not any(found.values()):
            raise self._book.fail(
                f"the '{_VOTERS}' sheet has no answers in columns '{question.title}: <statement>'"
                f" for the {block.kind} slide '{question.title}', which is where its results are"
                f" read from; {_AGAIN}",
                question.location,
            )
        numbers = [v for values in found.values() for v in values]
        # Rankings: positions 1 to the number of items. Scales: the export does not say
        # the scale's ends, so it runs from 1 (or a lower value given) to the highest given.
        low = 1 if block.kind == "ranking" else min([1, *numbers])
        high = max([len(question.options) if block.kind == "ranking" else 1, *numbers])
        scale = tuple(str(p) for p in range(low, high + 1)) if numbers else ()
        options = tuple(
            replace(
                o,
                count=len(found[o.label]),
                mean=sum(found[o.label]) / len(found[o.label]) if found[o.label] else None,
                distribution=tuple(found[o.label].count(int(p)) for p in scale),
            )
            for o in question.options
        )
        return replace(question, options=options, scale=scale)

    def _values(self, session: int, title: str, statement: str) -> list[int]:
        column = self._columns.get((title, statement))
        if column is None:
            return []
        values: list[int] = []
        for number, row in self._voters.numbered(_VOTERS_HEADER_ROW + 1):
            where = self._voters.where(number, 2)
            if not any(text(v) for v in row):
                continue
            if whole(self._book, self._voters.cell(number, 2), "session", where, _AGAIN) != session:
                continue
            value = self._voters.cell(number, column)
            if text(value):
                values.append(
                    whole(self._book, value, "score", self._voters.where(number, column), _AGAIN)
                )
        return values


def _flag(value: object) -> bool | None:
    """A quiz's 'Correct answer' cell ('True'/'False' text, or a real boolean)."""
    if isinstance(value, bool):
        return value
    found = text(value).casefold()
    return True if found == "true" else False if found == "false" else None
