"""Errors a person can act on: every one names a file and, where known, a place in it."""

from __future__ import annotations

import re
from pathlib import Path

from .i18n import _


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


_LINE = re.compile(r"^line (\d+)")


def _place_in_language(location: str) -> str:
    # Every module says "line 12" (and problems.py sorts by it); it is put in the reader's
    # language only when shown.
    found = _LINE.match(location)
    if found is None:
        return location
    return _("line {number}").format(number=found[1]) + location[found.end() :]
