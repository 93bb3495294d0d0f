"""The one door into an event's folder: every file the sources name resolves inside it.

Decks, poll exports, session files, pictures, templates and stylesheets all come through
`inside`, after symbolic links are resolved, so a name such as `../../etc/passwd` or a link
planted in the folder cannot make the build read (and publish) a file from elsewhere.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from .i18n import _


class OutsideError(Exception):
    """A name that does not lead to a place inside the folder; `str()` says why."""


def inside(root: Path, name: str) -> Path:
    """`root / name` with every link resolved; raises `OutsideError` when that leaves `root`.

    `name` is relative and uses '/' (as written in event.yaml or Markdown). The result may
    not exist: callers say what is missing in their own words.
    """
    if not name or "\x00" in name:
        raise OutsideError(_("'{name}' is not a file name").format(name=name))
    relative = PurePosixPath(name.replace("\\", "/"))
    if relative.is_absolute():
        raise OutsideError(
            _(
                "'{name}' is a path on this computer, not in the event folder; write it"
                " relative to the folder, e.g. decks/talk.pptx"
            ).format(name=name)
        )
    base = root.resolve()
    plain = Path(base, *relative.parts)
    if not _normalised(plain).is_relative_to(base):
        raise OutsideError(
            _("'{name}' lies outside the event folder; move the file inside it").format(name=name)
        )
    if not plain.resolve().is_relative_to(base):
        raise OutsideError(
            _(
                "'{name}' is a link to a file outside the event folder; copy the file itself"
                " into the folder"
            ).format(name=name)
        )
    return plain.resolve()


def _normalised(path: Path) -> Path:
    """`path` with '.' and '..' folded away without following links."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if len(parts) > 1:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return Path(*parts)
