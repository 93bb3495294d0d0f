"""Read slide decks and poll exports into the model, choosing the reader by file content.

`read_source` takes any supported file; `read_deck` and `read_poll` take one kind and say
so when handed the other. Later formats register in `DECK_READERS` or `POLL_READERS`;
deck formats LibreOffice converts to PowerPoint first in `decks.convert.CONVERSIONS`.
A reader's libraries load when a file of its kind is read, not before: a PowerPoint deck
never loads PDFium, pypdf or openpyxl (issue 17: most of `invoke extract`'s time went on
importing them).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from eventreport.errors import ReadError
from eventreport.model import Deck, PollExport
from eventreport.readers.decks.cache import DeckCache
from eventreport.readers.decks.convert import CONVERSIONS, read_converted
from eventreport.readers.decks.pptx import read_pptx
from eventreport.readers.polls.csvbytes import looks_like_csv
from eventreport.readers.polls.tools import (
    CSV_TOOLS,
    TOOLS,
    WORKBOOK_TOOLS,
    read_csv_poll,
    read_xlsx_poll,
    tool_problem,
)
from eventreport.readers.sniff import Sniffed, ole2_message, sniff

from ..i18n import _

__all__ = [
    "DECK_READERS",
    "POLL_READERS",
    "TOOLS",
    "DeckFormat",
    "PollFormat",
    "read_deck",
    "read_poll",
    "read_source",
    "tool_problem",
]


class DeckReader(Protocol):
    """Reads one deck file."""

    def __call__(
        self,
        path: Path,
        *,
        include_hidden: bool = ...,
        notes: bool = ...,
        archive: zipfile.ZipFile | None = ...,
    ) -> Deck: ...


class PollReader(Protocol):
    """Reads one poll export file."""

    def __call__(self, path: Path, tool: str = ..., *, session: int | None = ...) -> PollExport: ...


@dataclass(frozen=True)
class DeckFormat:
    """A deck file format: how to recognise it and read it."""

    label: str
    """How error messages name it."""
    matches: Callable[[Sniffed], bool]
    """True when the file's first bytes (and zip members) are this format's."""
    read: DeckReader
    """The reader."""


@dataclass(frozen=True)
class PollFormat:
    """A poll export file format: how to recognise it and read it."""

    label: str
    """How error messages name it."""
    matches: Callable[[Sniffed], bool]
    """True when the file's first bytes (and zip members) are this format's."""
    read: PollReader
    """The reader."""


_F = TypeVar("_F", bound="DeckFormat | PollFormat")


def _read_pdf(
    path: Path,
    *,
    include_hidden: bool = False,
    notes: bool = False,
    archive: zipfile.ZipFile | None = None,
) -> Deck:
    from eventreport.readers.decks.pdf import read_pdf  # PDFium and pypdf: for PDF decks only

    return read_pdf(path, include_hidden=include_hidden, notes=notes, archive=archive)


DECK_READERS: dict[str, DeckFormat] = {
    "pptx": DeckFormat(
        "PowerPoint (.pptx, .ppsx, .pptm)", lambda s: s.has("ppt/presentation.xml"), read_pptx
    ),
    "pdf": DeckFormat("PDF", lambda s: s.is_pdf, _read_pdf),
}
POLL_READERS: dict[str, PollFormat] = {
    "xlsx": PollFormat(
        f"poll results workbook (.xlsx) from {', '.join(WORKBOOK_TOOLS)}",
        lambda s: s.has("xl/workbook.xml"),
        read_xlsx_poll,
    ),
    # Any text whose first line holds a delimiter: a CSV file with an unknown header then
    # gets the poll layouts' own message (which rows they expected) instead of a shrug.
    "csv": PollFormat(
        f"poll results CSV file (.csv) from {', '.join(CSV_TOOLS)}",
        lambda s: s.members is None and not s.is_pdf and looks_like_csv(s.head),
        read_csv_poll,
    ),
}


def read_source(
    path: Path,
    *,
    include_hidden: bool = False,
    notes: bool = False,
    tool: str = "auto",
    session: int | None = None,
    cache: DeckCache | None = None,
) -> Deck | PollExport:
    """Read a deck or a poll export; deck options and poll options apply to their kind."""
    sniffed = sniff(path)
    try:
        if _find(POLL_READERS, sniffed) is not None:
            return _read_poll(path, sniffed, tool, session)
        return _read_deck(path, sniffed, include_hidden, notes, cache)
    finally:
        sniffed.close()


def read_deck(
    path: Path,
    *,
    include_hidden: bool = False,
    notes: bool = False,
    cache: DeckCache | None = None,
) -> Deck:
    """Read a slide deck; hidden slides and speaker notes stay out unless asked for. A
    deck LibreOffice must convert first is kept converted in `cache`, when given."""
    sniffed = sniff(path)
    try:
        return _read_deck(path, sniffed, include_hidden, notes, cache)
    finally:
        sniffed.close()


def read_poll(path: Path, tool: str = "auto", *, session: int | None = None) -> PollExport:
    """Read a poll export; `tool="auto"` recognises the tool, `session` picks a reset."""
    sniffed = sniff(path)
    try:
        return _read_poll(path, sniffed, tool, session)
    finally:
        sniffed.close()


def _read_deck(
    path: Path, sniffed: Sniffed, include_hidden: bool, notes: bool, cache: DeckCache | None
) -> Deck:
    deck = _find(DECK_READERS, sniffed)
    if deck is not None:
        return deck.read(path, include_hidden=include_hidden, notes=notes, archive=sniffed.archive)
    conversion = next((c for c in CONVERSIONS.values() if c.matches(sniffed)), None)
    if conversion is not None:
        sniffed.close()  # LibreOffice gets its own copy
        return read_converted(
            path, conversion, include_hidden=include_hidden, notes=notes, cache=cache
        )
    poll = _find(POLL_READERS, sniffed)
    if poll is not None:
        raise ReadError(
            path,
            _("this is a {kind}, not a slide deck; list it under polls, not decks").format(
                kind=poll.label
            ),
        )
    raise _unsupported(path, sniffed, ".pptx")


def _read_poll(path: Path, sniffed: Sniffed, tool: str, session: int | None) -> PollExport:
    poll = _find(POLL_READERS, sniffed)
    if poll is not None:
        return poll.read(path, tool, session=session)
    deck = _find(DECK_READERS, sniffed)
    if deck is not None:
        raise ReadError(
            path,
            _("this is a {kind} deck, not a poll export; list it under decks, not polls").format(
                kind=deck.label
            ),
        )
    raise _unsupported(path, sniffed, ".xlsx")


def _find(readers: dict[str, _F], sniffed: Sniffed) -> _F | None:
    return next((fmt for fmt in readers.values() if fmt.matches(sniffed)), None)


def _unsupported(path: Path, sniffed: Sniffed, save_as: str) -> ReadError:
    """The error for a file no reader takes, saying what would work."""
    if sniffed.is_ole2:
        return ReadError(path, ole2_message(path, save_as))
    labels = [
        *(f.label for f in DECK_READERS.values()),
        *(c.label for c in CONVERSIONS.values()),
        *(f.label for f in POLL_READERS.values()),
    ]
    supported = "; ".join(labels)
    if not sniffed.head:
        return ReadError(path, _("the file is empty; get the file again"))
    if b"application/vnd.oasis.opendocument" in sniffed.head:
        said = _(
            "an OpenDocument file that is not a presentation (LibreOffice .ods, .odt);"
            " supported: {formats}. Save or export it as one of these"
        )
    elif sniffed.members is not None:
        said = _(
            "a zip file without a PowerPoint presentation or Excel workbook in it;"
            " supported: {formats}. Save or export it as one of these"
        )
    else:
        said = _(
            "not a file format this program reads; supported: {formats}. Save or export it as"
            " one of these"
        )
    return ReadError(path, said.format(formats=supported))
