"""Personal data a person decided may be published: `privacy.yaml` beside event.yaml.

Each entry names one hit of the scan (the file, the kind, the text as written, and if
wanted the place) and says who decided and why, so a reviewer sees every exception in
one file under version control with the rest of the sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..i18n import _
from ..safepath import OutsideError, inside
from ..yamlfile import Mapping, load_file
from .detect import KINDS, Kind, key_of

ACCEPTED_FILE = "privacy.yaml"
_KEYS = {"file", "kind", "text", "place", "by", "reason"}
_REQUIRED = ("file", "kind", "text", "by", "reason")


@dataclass(frozen=True)
class Acceptance:
    """One piece of personal data that may be published, and who decided so."""

    file: str
    """The source it is in, relative to the event folder ("polls/menti.xlsx")."""
    kind: Kind
    """What it is."""
    text: str
    """The text as the entry writes it."""
    key: str
    """The same data however it is written, as the scan files it."""
    place: str | None
    """Only at this place ("question 2, answer 3", "line 14"); None: anywhere in the file."""
    by: str
    """Who decided."""
    reason: str
    """Why it may be published."""
    line: int
    """The entry's line in privacy.yaml."""


def load_acceptances(root: Path) -> tuple[Path, list[Acceptance]]:
    """The event's acceptance file and its entries; no entries when there is no file."""
    path = root / ACCEPTED_FILE
    if not path.exists() and not path.is_symlink():
        return path, []
    try:
        inside(root, ACCEPTED_FILE)
    except OutsideError as exc:
        raise SourceError(path, str(exc)) from None
    data = load_file(path)
    if data is None:
        return path, []
    if not isinstance(data, Mapping) or set(data) - {"accepted"}:
        raise SourceError(path, _("must hold one list, 'accepted:'; see docs/privacy.md"))
    items = data.get("accepted") or []
    if not isinstance(items, list):
        raise SourceError(path, _("'accepted' must be a list of entries starting with '- '"),
                          f"line {data.line_of('accepted')}")  # fmt: skip
    return path, [_entry(path, root, item, data.line_of("accepted")) for item in items]


def _entry(path: Path, root: Path, item: object, line: int) -> Acceptance:
    if not isinstance(item, Mapping):
        raise SourceError(
            path, _("each entry needs {keys}").format(keys=", ".join(_REQUIRED)), f"line {line}"
        )
    where = f"line {item.line}"
    for key in item:
        if key not in _KEYS:
            raise SourceError(
                path, _("'{key}' is not a field of an entry; use {keys}").format(
                    key=key, keys=", ".join(sorted(_KEYS))),
                f"line {item.line_of(key)}",
            )  # fmt: skip
    values: dict[str, str] = {}
    for key in _KEYS:
        value = item.get(key)
        if value is None or isinstance(value, bool | list | dict) or not str(value).strip():
            if key in _REQUIRED:
                raise SourceError(path, _("the entry needs '{key}:'").format(key=key), where)
            continue
        values[key] = str(value).strip()
    if values["kind"] not in KINDS:
        raise SourceError(
            path, _("kind '{kind}' is not one the scan reports; use {kinds}").format(
                kind=values["kind"], kinds=", ".join(KINDS)),
            f"line {item.line_of('kind')}",
        )  # fmt: skip
    kind = next(k for k in KINDS if k == values["kind"])
    try:
        file = inside(root, values["file"])
    except OutsideError:
        file = root / values["file"]  # refused just below, as not a file of the folder
    if not file.is_relative_to(root.resolve()) or not file.is_file():
        raise SourceError(
            path, _("'{file}' is not a file in the event folder; name the source as the scan"
                    " printed it (e.g. polls/menti.xlsx)").format(file=values["file"]),
            f"line {item.line_of('file')}",
        )  # fmt: skip
    filed = key_of(kind, values["text"])
    if filed is None:
        raise SourceError(
            path, _("'text' holds no valid {kind}; copy it from the source as written").format(
                kind=_(KINDS[kind])),
            f"line {item.line_of('text')}",
        )  # fmt: skip
    return Acceptance(
        file=file.relative_to(root.resolve()).as_posix(),
        kind=kind,
        text=values["text"],
        key=filed,
        place=values.get("place"),
        by=values["by"],
        reason=values["reason"],
        line=item.line,
    )
