"""Errors a person can act on: every one names a file and, where known, a place in it."""

from __future__ import annotations

import re
from pathlib import Path

from .i18n import N_, _


class ReportError(Exception):
    """A problem in the user's sources; `str()` is the whole message, ready to print."""

    def __init__(self, path: Path | str | None, message: str, location: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.location = location
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = [display_path(self.path)] if self.path is not None else []
        if self.location:
            where.append(_place_in_language(self.location))
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class SourceError(ReportError):
    """event.yaml or a session's Markdown is missing something or holds a wrong value."""


class ReadError(ReportError):
    """A deck or poll export cannot be read (damaged, encrypted, unknown layout)."""


class RenderError(ReportError):
    """A template or the PDF engine failed on otherwise valid sources."""


class ApprovalError(ReportError):
    """A final build was asked for while sessions are not approved."""


class ConfigError(ReportError):
    """A setting in invoke.yaml (or its environment variable) is missing or wrong."""


class MailError(ReportError):
    """The mail server could not be reached, refused the login, or went away."""


class ProofFileError(ReportError):
    """A returned proof PDF cannot be read or is not a proof of this event and round."""


def display_path(path: Path) -> str:
    """The path relative to the working folder when it lies inside it, as people typed it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# The places errors name ("line 12", "slide 4", "sheet 'Session 1', row 14"): every module
# writes them in English (problems.py sorts by "line N"), and they are put in the reader's
# language only when shown. A piece in any other form is shown as it is.
_PLACES = {
    "line": N_("line {place}"),
    "slide": N_("slide {place}"),
    "page": N_("page {place}"),
    "row": N_("row {place}"),
    "column": N_("column {place}"),
    "sheet": N_("sheet {place}"),
    "part": N_("part {place}"),
}
_PIECE = re.compile(r"^([a-z]+) (\d+|'[^']*'|\S+)$")


def _place_in_language(location: str) -> str:
    pieces = []
    for piece in location.split(", "):
        found = _PIECE.match(piece)
        if found is not None and found[1] in _PLACES:
            piece = _(_PLACES[found[1]]).format(place=found[2])
        pieces.append(piece)
    return ", ".join(pieces)
