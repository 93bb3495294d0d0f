"""`invoke new`: a new event folder under sources/, drafted from a folder of files.

Read the folder, decide the draft, write it into a private folder beside the others,
check it reads as the build will read it, then move it into place. It never replaces
anything: an event that exists stays as it is.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..build import TEMPLATES
from ..errors import ReportError
from ..house import load_house
from ..i18n import _
from ..manifest import ID, load_event
from ..workspace import output_error
from .draft import Draft, draft
from .gather import SetAside, gather
from .writing import event_yaml, session_files

Progress = Callable[[str], None]


class NewEventError(ReportError):
    """The new event cannot be made (a name in use, a name that is no slug, a bad folder)."""


@dataclass(frozen=True)
class NewEvent:
    """What `new_event` made, for the summary."""

    folder: Path
    """The new event folder."""
    draft: Draft
    """What it holds."""
    files: tuple[str, ...]
    """Its files, relative to it."""

    @property
    def set_aside(self) -> tuple[SetAside, ...]:
        """Files of the folder it was drafted from that it does not use."""
        return self.draft.set_aside


def new_event(
    sources: Path,
    slug: str,
    folder: Path | None,
    templates: Path = TEMPLATES,
    progress: Progress = lambda _: None,
    today: dt.date | None = None,
) -> NewEvent:
    """Make `sources/<slug>/` from the files in `folder` (None: a blank, documented event)."""
    target = sources / slug
    _check_name(slug, target)
    gathered = gather(folder, progress) if folder is not None else None
    publisher = load_house(templates).name
    made = draft(slug, gathered, publisher, today or dt.date.today())
    progress(_("writing event.yaml and the session files"))
    try:
        sources.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".new-{slug}.", dir=sources))
    except OSError as exc:
        raise output_error(exc, sources) from None
    try:
        files = _write(made, work / slug)
        # The draft is read as the build will read it: a mistake here is ours, and it is
        # better found now than in her first build.
        try:
            load_event(work / slug)
        except ReportError as exc:
            raise NewEventError(
                None,
                _(
                    "the draft does not read back ({problem}); this is a fault in"
                    " eventreport, not in your files: please report it, with the folder's file"
                    " names"
                ).format(problem=exc.message),
            ) from None
        _check_name(slug, target)  # made meanwhile by someone else?
        (work / slug).rename(target)
    except OSError as exc:
        raise output_error(exc, sources) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return NewEvent(target, made, files)


def _check_name(slug: str, target: Path) -> None:
    if not ID.match(slug):
        raise NewEventError(
            None,
            _(
                "'{name}' cannot name an event: use lower-case letters, digits and '-', starting"
                " with the date, e.g. 2024-05-16-netwerkdag"
            ).format(name=slug),
        )
    if target.exists() or target.is_symlink():
        raise NewEventError(
            target,
            _(
                "already exists, and invoke new never changes an existing event; choose another"
                " name, or remove the folder first if you mean to start it again"
            ),
        )


def _write(made: Draft, root: Path) -> tuple[str, ...]:
    root.mkdir()
    written: dict[str, str] = {"event.yaml": event_yaml(made), **session_files(made)}
    for name, text in written.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    copies = [(d.source, d.file) for d in made.decks] + [(p.source, p.file) for p in made.polls]
    for source, name in copies:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, root / name)
    return tuple(sorted(written) + [name for _, name in copies])
