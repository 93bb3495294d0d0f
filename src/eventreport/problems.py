"""Every mistake one reading of an event's sources finds: one list instead of one stop.

Reading goes on past a mistake. Each entry of event.yaml, each session file, each block,
deck and poll export is checked on its own; a bad one is recorded and skipped, and the
next one is still checked. What uses a skipped entry is not checked again (it would only
repeat the same mistake in other words, or call the entry unknown): the mistake gets a
note saying what was left unchecked because of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .errors import ReportError, display_path
from .i18n import _, ngettext

T = TypeVar("T")

ANY = "*"
"""The name of a skipped entry whose own name could not be read."""


@dataclass(frozen=True)
class Problem:
    """One mistake, and what was not checked because of it."""

    error: ReportError
    """The mistake: file, place, what is wrong and what to do."""
    unchecked: tuple[str, ...] = ()
    """Sentences naming what uses the skipped entry and so was not checked."""

    def lines(self) -> list[str]:
        """The mistake on one line, each note indented below it."""
        return [str(self.error), *(f"  {note}" for note in self.unchecked)]


class ProblemsError(ReportError):
    """Several mistakes in the sources (or one that left other things unchecked)."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        lines = [line for problem in problems for line in problem.lines()]
        heading = ngettext(
            "{n} problem in the sources, by file and line:",
            "{n} problems in the sources, by file and line:",
            len(problems),
        ).format(n=len(problems))
        # Indented below the first line, which a task prints indented itself.
        listed = "".join(f"\n    {line}" for line in lines)
        super().__init__(None, f"{heading}{listed}")


class Problems:
    """The mistakes found so far, and the entries skipped because of them."""

    def __init__(self) -> None:
        self._errors: list[ReportError] = []
        self._index: dict[str, int] = {}
        self._skipped: dict[tuple[str, str], int] = {}
        self._unchecked: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._errors)

    def add(self, error: ReportError, skips: tuple[str, str] | None = None) -> None:
        """Record `error`; `skips` (kind, name) marks the entry it stopped as skipped."""
        if isinstance(error, ProblemsError):
            for problem in error.problems:
                index = self._record(problem.error, skips)
                self._note(index, *problem.unchecked)
        else:
            self._record(error, skips)

    def _record(self, error: ReportError, skips: tuple[str, str] | None) -> int:
        # The same mistake met twice (one poll export read for two blocks) is listed once.
        index = self._index.get(str(error))
        if index is None:
            index = self._index[str(error)] = len(self._errors)
            self._errors.append(error)
        if skips is not None:
            self._skipped.setdefault(skips, index)
        return index

    def _note(self, index: int, *unchecked: str) -> None:
        notes = self._unchecked.setdefault(index, [])
        notes.extend(note for note in unchecked if note not in notes)

    @contextmanager
    def each(self, skips: tuple[str, str] | None = None) -> Iterator[None]:
        """Run one independent check: a ReportError in it is recorded and reading goes
        on after the block; `skips` names the entry the block was reading."""
        try:
            yield
        except ReportError as exc:
            self.add(exc, skips)

    def attempt(self, read: Callable[[], T], default: T) -> T:
        """`read()`, or `default` when it raises a ReportError (which is recorded)."""
        try:
            return read()
        except ReportError as exc:
            self.add(exc)
            return default

    def skipped(self, kind: str, name: str, unchecked: str | None = None) -> bool:
        """Whether entry `name` of `kind` was skipped for a mistake; `unchecked` (a sentence
        on what uses it) is then noted under that mistake instead of a second problem."""
        index = self._skipped.get((kind, name), self._skipped.get((kind, ANY)))
        if index is None:
            return False
        if unchecked is not None:
            self._note(index, unchecked)
        return True

    def skipped_names(self, kind: str) -> list[str]:
        """The entries of `kind` skipped for a mistake, by name, in the order met."""
        return [name for k, name in self._skipped if k == kind and name != ANY]

    def any_skipped(self, kind: str) -> bool:
        """Whether some entry of `kind` was skipped (so what it holds is unknown)."""
        return any(k == kind for k, _ in self._skipped)

    def listed(self) -> tuple[Problem, ...]:
        """Every problem, by file and then line (in the order found where those tie)."""
        problems = [
            Problem(error, tuple(self._unchecked.get(index, ())))
            for index, error in enumerate(self._errors)
        ]
        order = {id(p): n for n, p in enumerate(problems)}
        return tuple(sorted(problems, key=lambda p: (*_place(p.error), order[id(p)])))

    def raise_if_any(self) -> None:
        """Stop here when anything was found: one plain mistake as itself (callers that
        handle one error read it as before), else all of them in one ProblemsError."""
        problems = self.listed()
        if len(problems) == 1 and not problems[0].unchecked:
            raise problems[0].error
        if problems:
            raise ProblemsError(problems)


_LINE = re.compile(r"^line (\d+)")


def _place(error: ReportError) -> tuple[str, int]:
    """Sort key: the file as shown (none first), then the line (elsewhere in a file first)."""
    path = display_path(error.path) if error.path is not None else ""
    found = _LINE.match(error.location or "")
    return path, int(found[1]) if found else 0


def block_note(kind: str, path: Path, line: int) -> str:
    """The note for a ```kind``` block that uses an entry skipped for its own mistake."""
    return _("The ```{kind}``` block at {file}, line {line}, uses it and was not checked.").format(
        kind=kind, file=display_path(path), line=line
    )
