"""Mentimeter's "Download results" workbook, exactly as docs/poll-exports.md describes it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventreport.errors import ReadError
from eventreport.model import Option, PollExport, Question, QuestionType, Response

TOOL = "mentimeter"
_VOTERS = "Voters"
_VOTERS_HEADER_ROW = 3
_SESSION_SHEET = re.compile(r"Session (\d+)")
_HEADING = re.compile(r"(?:Question|Slide) (\d+)")
_NO_VOTES = "No votes for this session"
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
_LABELS = frozenset({"Date", "Session", "Type", "Question", "Title", "Respondents"})
# Sub-tables whose rows carry nothing the report uses.
_SKIPPED_TABLES = frozenset({"Position"})  # the quiz leaderboard: names of people
_WIDTH = 4  # blocks use columns A to D

Row = tuple[Any, ...]


def looks_like(workbook: Any) -> bool:
    """True when the workbook is a Mentimeter export: only Mentimeter writes a Voters sheet."""
    return _VOTERS in workbook.sheetnames


def read_workbook(path: Path, workbook: Any, session: int | None = None) -> PollExport:
    """Read one session's results: the last session sheet (the latest reset) by default."""
    _check_voters(path, workbook)
    sessions = {
        int(m.group(1)): name
        for name in workbook.sheetnames
        if (m := _SESSION_SHEET.fullmatch(name))
    }
    if not sessions:
        raise ReadError(
            path,
            "no 'Session N' sheet with results; download the results from Mentimeter again",
        )
    if session is None:
        session = max(sessions)
    if session not in sessions:
        have = ", ".join(f"'{sessions[n]}'" for n in sorted(sessions))
        raise ReadError(path, f"there is no sheet 'Session {session}'; the file has {have}")
    name = sessions[session]
    rows = workbook[name].iter_rows(max_col=_WIDTH, values_only=True)
    questions = _SessionSheet(path, name).read(rows)
    return PollExport(source=path, tool=TOOL, questions=questions)


def _check_voters(path: Path, workbook: Any) -> None:
    if _VOTERS not in workbook.sheetnames:
        raise ReadError(
            path,
            f"no '{_VOTERS}' sheet, so this is not a Mentimeter results export; download it "
            'with Mentimeter\'s "Download results" (.xlsx), or choose the right poll tool',
        )
    row = next(
        workbook[_VOTERS].iter_rows(
            min_row=_VOTERS_HEADER_ROW, max_row=_VOTERS_HEADER_ROW, max_col=3, values_only=True
        ),
        (),
    )
    found = [_text(v) for v in row] + [""] * (3 - len(row))
    if found[0] not in ("Date", "Date (UTC)") or found[1:3] != ["Session", "Voter"]:
        raise ReadError(
            path,
            f"expected the header Date | Session | Voter, found {' | '.join(found)}; "
            "this is not a Mentimeter results file this program knows, download it again",
            f"sheet '{_VOTERS}', row {_VOTERS_HEADER_ROW}",
        )


@dataclass
class _Block:
    """One slide's rows as they are read."""

    heading: str
    row: int
    labels: dict[str, tuple[Any, int]] = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)


class _SessionSheet:
    """Parses the vertical blocks of one `Session N` sheet."""

    def __init__(self, path: Path, sheet: str) -> None:
        self._path = path
        self._sheet = sheet

    def where(self, row: int) -> str:
        return f"sheet '{self._sheet}', row {row}"

    def read(self, rows: Any) -> tuple[Question, ...]:
        blocks: list[_Block] = []
        block: _Block | None = None
        table: str | None = None  # header of the sub-table being read, if any
        padded = [tuple(raw) + (None,) * (_WIDTH - len(raw)) for raw in rows]
        for number, row in enumerate(padded, 1):
            first = _text(row[0])
            heading = _HEADING.fullmatch(first)
            # An answer typed as "Question 3" must not start a block: real headings are
            # followed by their label rows.
            if heading and number < len(padded) and _text(padded[number][0]) in _LABELS:
                block, table = _Block(first, number), None
                blocks.append(block)
            elif not any(_text(v) for v in row):
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
            elif _type_of(block) in ("scales", "ranking"):
                # Statements or items under a header nobody has verified: read as options.
                table = "Choices"
            else:
                raise ReadError(
                    self._path,
                    f"unexpected row '{first}' in the block of '{block.heading}'; this "
                    "Mentimeter layout is not known, download the results again",
                    self.where(number),
                )
        return tuple(self._question(b) for b in blocks)

    def _table_row(self, block: _Block, table: str, row: Row, number: int) -> None:
        if table == "Choices":
            count = self._whole(row[1], "vote count", number)
            block.options.append(Option(label=_text(row[0]), count=count))
        elif table == "Responses" and row[0] is not None and _text(row[0]):
            text = row[0] if isinstance(row[0], str) else _text(row[0])
            block.responses.append(Response(text=text, location=self.where(number)))

    def _question(self, block: _Block) -> Question:
        kind = _type_of(block)
        if "Type" not in block.labels:
            raise ReadError(
                self._path,
                f"the block of '{block.heading}' has no Type row; download the results again",
                self.where(block.row),
            )
        if kind not in _TYPES:
            _, row = block.labels.get("Type", (None, block.row))
            known = ", ".join(_TYPES)
            raise ReadError(
                self._path,
                f"unknown question type '{kind}' (known: {known}); "
                "download the results from Mentimeter again",
                self.where(row),
            )
        title, _ = block.labels.get("Question") or block.labels.get("Title") or (None, 0)
        value, row = block.labels.get("Respondents", (None, block.row))
        return Question(
            id=block.heading.rsplit(" ", 1)[1],
            title=_text(title),
            type=_TYPES[kind],
            respondents=self._whole(value, "number of respondents", row),
            options=tuple(block.options),
            responses=tuple(block.responses),
            location=self.where(block.row),
        )

    def _whole(self, value: Any, what: str, row: int) -> int:
        """A count stored as a number or as text; blank counts as 0."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return 0
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int | float) and float(value).is_integer():
            return int(value)
        text = str(value).strip()
        if re.fullmatch(r"\d+", text):
            return int(text)
        raise ReadError(
            self._path,
            f"{what} '{value}' is not a whole number; correct the cell or download the "
            "results again",
            self.where(row),
        )


def _type_of(block: _Block) -> str:
    value, _ = block.labels.get("Type", (None, 0))
    return _text(value)


def _text(value: Any) -> str:
    """A cell's value as stripped text; integers written as floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
