"""What a folder of files from a meeting holds: decks, poll exports, write-ups, the rest.

The folder comes from outside (an organiser's download, speakers' mails): nothing in it is
trusted. Links that lead out of it are refused, every deck and poll export is read by the
readers with their limits, write-ups are read as bounded UTF-8 text, and a named pipe or a
device is never opened. A file that cannot be used is set aside with the reason; the
event is drafted from the rest.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReportError, SourceError
from ..i18n import _
from ..limits import FOLDER_DEPTH, FOLDER_FILE_BYTES, FOLDER_FILES, MARKDOWN_BYTES, MIB
from ..model import Deck, PollExport
from ..readers import read_source
from ..safepath import OutsideError, inside
from ..yamlfile import read_text
from .properties import Properties, properties
from .text import one_line, readable

WRITEUP_SUFFIXES = (".md", ".markdown", ".txt")


class FolderError(ReportError):
    """The folder to start an event from cannot be used as a whole."""


@dataclass(frozen=True)
class FoundDeck:
    """A slide deck in the folder, read."""

    path: Path
    """The file (links resolved, inside the folder)."""
    name: str
    """Its name relative to the folder, as messages show it."""
    deck: Deck
    """What the readers read from it (hidden slides and notes left out)."""
    properties: Properties
    """Its document properties."""


@dataclass(frozen=True)
class FoundPoll:
    """A poll export in the folder, read."""

    path: Path
    """The file (links resolved, inside the folder)."""
    name: str
    """Its name relative to the folder."""
    poll: PollExport
    """What the readers read from it."""
    properties: Properties
    """Its document properties (workbooks; none for CSV files)."""


@dataclass(frozen=True)
class FoundWriteup:
    """A Markdown or text file: someone's write-up of the meeting."""

    path: Path
    """The file."""
    name: str
    """Its name relative to the folder."""
    text: str
    """Its text, line breaks as '\\n', control characters dropped."""


@dataclass(frozen=True)
class SetAside:
    """A file of the folder that the new event does not use, and why."""

    name: str
    """Its name relative to the folder."""
    reason: str
    """Why, and what to do, in a sentence."""


@dataclass(frozen=True)
class Gathered:
    """Everything usable in the folder, in the order of the file names."""

    folder: Path
    """The folder as given."""
    decks: tuple[FoundDeck, ...] = ()
    """Slide decks."""
    polls: tuple[FoundPoll, ...] = ()
    """Poll exports."""
    writeups: tuple[FoundWriteup, ...] = ()
    """Write-ups."""
    set_aside: tuple[SetAside, ...] = ()
    """Files not used."""


def gather(folder: Path, progress: Callable[[str], None] = lambda _: None) -> Gathered:
    """Read every file in `folder` and its sub-folders; raises FolderError when the folder
    itself cannot be used (missing, far too many files, a link out of it)."""
    if not folder.is_dir():
        raise FolderError(
            folder, _("is not a folder; give the folder that holds the meeting's files")
        )
    root = folder.resolve()
    decks: list[FoundDeck] = []
    polls: list[FoundPoll] = []
    writeups: list[FoundWriteup] = []
    set_aside: list[SetAside] = []
    seen: set[Path] = set()
    for name in _names(folder, root):
        path = inside(root, name)  # _names checked that it stays inside
        if path in seen:
            continue  # a link to another file of the folder: that file is read once
        seen.add(path)
        progress(_("reading {file}").format(file=name))
        found = _read(path, name)
        if isinstance(found, FoundDeck):
            decks.append(found)
        elif isinstance(found, FoundPoll):
            polls.append(found)
        elif isinstance(found, FoundWriteup):
            writeups.append(found)
        else:
            set_aside.append(found)
    return Gathered(folder, tuple(decks), tuple(polls), tuple(writeups), tuple(set_aside))


def _names(folder: Path, root: Path) -> list[str]:
    """Names of the folder's files relative to it, in natural order; hidden files and
    Office's lock files (~$talk.pptx) left out."""
    names: list[str] = []
    for current, dirs, files in os.walk(root, followlinks=False):
        relative = Path(current).relative_to(root)
        if len(relative.parts) > FOLDER_DEPTH:
            raise FolderError(
                folder,
                _(
                    "has folders more than {most} levels deep (such as {folder}); give the"
                    " folder that holds the meeting's files, not one far above it"
                ).format(most=FOLDER_DEPTH, folder=relative),
            )
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for entry in [*dirs, *files]:
            name = (relative / entry).as_posix()
            if Path(current, entry).is_symlink():
                _check_link(folder, root, name)
        names += [(relative / f).as_posix() for f in files if not f.startswith((".", "~$"))]
        if len(names) > FOLDER_FILES:
            raise FolderError(
                folder,
                _(
                    "holds more than {most} files, far more than one meeting leaves;"
                    " give the folder that holds only this meeting's files"
                ).format(most=FOLDER_FILES),
            )
    return sorted(names, key=_natural)


def _check_link(folder: Path, root: Path, name: str) -> None:
    try:
        inside(root, name)
    except OutsideError:
        raise FolderError(
            folder / name,
            _(
                "is a link to something outside the folder, which is not read; copy the file"
                " itself into the folder (or remove the link), then run again"
            ),
        ) from None


def _natural(name: str) -> list[tuple[int, int | str]]:
    """'2 welkom' before '10 afsluiting', as a file browser sorts them."""
    return [(0, int(p)) if p.isdigit() else (1, p.lower()) for p in re.split(r"(\d+)", name)]


def _read(path: Path, name: str) -> FoundDeck | FoundPoll | FoundWriteup | SetAside:
    try:
        info = path.stat()
    except OSError as exc:
        return SetAside(name, _unreadable(exc))
    if not stat.S_ISREG(info.st_mode):
        return SetAside(name, _("is not a regular file (a pipe or a device); it was not opened."))
    if info.st_size > FOLDER_FILE_BYTES:
        return SetAside(
            name,
            _(
                "is larger than {size} MiB, far more than a deck or poll export needs; check"
                " that it is the right file."
            ).format(size=FOLDER_FILE_BYTES // MIB),
        )
    if path.suffix.lower() in WRITEUP_SUFFIXES:
        try:
            return FoundWriteup(path, name, readable(read_text(path, MARKDOWN_BYTES)))
        except SourceError as exc:
            return SetAside(name, _sentence(exc.message))
    try:
        found = read_source(path)
    except ReportError as exc:
        return SetAside(name, _sentence(exc.message))
    except OSError as exc:
        return SetAside(name, _unreadable(exc))
    if isinstance(found, Deck):
        return FoundDeck(path, name, found, properties(path))
    return FoundPoll(path, name, found, properties(path))


def _sentence(message: str) -> str:
    text = one_line(message, limit=400)
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _unreadable(exc: OSError) -> str:
    return _("cannot be read ({reason}).").format(reason=exc.strerror)
