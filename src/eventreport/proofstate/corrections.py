"""The corrections speakers asked for: `sources/<event>/proofs/corrections.yaml`.

`invoke proofs --collect` adds the comments of returned proofs; each stays open until the
staff mark it done or rejected (`invoke proofs --done N`, `--reject N`, or by editing its
`status:` in the file). The final version waits while any is open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from ..errors import SourceError
from ..i18n import _
from ..model import Event
from ..yamlfile import Mapping, load_inside

Status = Literal["open", "done", "rejected"]
STATUSES: tuple[Status, ...] = ("open", "done", "rejected")
FILE = "corrections.yaml"
MAX_FILE = 16 * 1024 * 1024  # tens of thousands of corrections; more is not this file
HEADER = """\
# Corrections from the speakers' returned proofs (invoke proofs --collect adds them).
# Work through them: set 'status:' to done (made in the sources) or rejected (with a
# 'note:' saying why), or run: invoke proofs --done N / --reject N --note "...".
# invoke proofs --status lists the open ones; the final version waits until none is open.
"""
_FIELDS = (
    "number", "status", "speaker", "session", "round", "page", "line", "kind", "words",
    "text", "replies", "context", "file", "collected", "note", "key",
)  # fmt: skip


@dataclass(frozen=True)
class Correction:
    """One comment from a returned proof, and what the staff did with it."""

    number: int
    """Its number in the list (1, 2, ...), to mark it by."""
    status: Status
    """open, done or rejected."""
    speaker: str
    """Who asked (speaker id)."""
    session: str | None
    """The session it is about; None when it sits outside the speaker's own part."""
    round: int
    """The proof round it was made on."""
    page: int
    """Page of the proof (1-based)."""
    line: int | None
    """The line number printed in the proof's margin; None when not next to one."""
    kind: str
    """note, text box, highlight, underline, squiggly, strike-out, replace, insert, ..."""
    words: str
    """The words it marks (highlighted, struck out, replaced), if any."""
    text: str
    """What the speaker wrote (for a replacement: the new text)."""
    replies: tuple[str, ...] = ()
    """Replies added to it in the PDF."""
    context: str = ""
    """The text of the line it is on, to find the place in the sources."""
    file: str = ""
    """The returned file's name."""
    collected: dt.date | None = None
    """When it was collected."""
    note: str | None = None
    """The staff's note (why it was rejected, what was done)."""
    key: str = ""
    """Identity of the comment, so collecting the same file again adds nothing."""


def corrections_path(event: Event) -> Path:
    return event.root / "proofs" / FILE


def comment_key(speaker: str, round_: int, *parts: object) -> str:
    """A short stable identity for a comment."""
    text = "\x1f".join([speaker, str(round_), *(str(p) for p in parts)])
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def load_corrections(event: Event) -> list[Correction]:
    """Every correction on record, in number order."""
    path = corrections_path(event)
    if not path.is_file():
        return []
    if path.stat().st_size > MAX_FILE:
        said = _("is larger than {size} MiB; is it the right file?").format(size=MAX_FILE // 2**20)
        raise SourceError(path, said)
    data = load_inside(event.root, path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise SourceError(path, _("must be a list of corrections, each starting with '- number:'"))
    found: list[Correction] = []
    seen: set[int] = set()
    for entry in data:
        if not isinstance(entry, Mapping):
            raise SourceError(path, _("each correction is an entry with 'number:' and 'status:'"))
        correction = _correction(path, entry)
        if correction.number in seen:
            raise SourceError(
                path,
                _("two corrections have number {number}; numbers must be unique").format(
                    number=correction.number
                ),
                f"line {entry.line_of('number')}",
            )
        seen.add(correction.number)
        found.append(correction)
    return sorted(found, key=lambda c: c.number)


def _correction(path: Path, entry: Mapping) -> Correction:
    def fail(key: str, message: str) -> SourceError:
        return SourceError(path, message, f"line {entry.line_of(key)}")

    for key in entry:
        if key not in _FIELDS:
            raise fail(
                key,
                _("'{key}' is not a field of a correction; use {keys}").format(
                    key=key, keys=", ".join(_FIELDS)
                ),
            )
    for key in ("number", "status", "speaker", "round", "page", "kind"):
        if key not in entry:
            raise fail(key, _("a correction needs '{key}:'").format(key=key))
    status = entry["status"]
    if status not in STATUSES:
        raise fail(
            "status",
            _("status '{status}' is not one of open, done, rejected").format(status=status),
        )
    ints: dict[str, int | None] = {}
    for key in ("number", "round", "page", "line"):
        value = entry.get(key)
        if value is None and key == "line":
            ints[key] = None
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise fail(key, f"'{key}' must be a number (1 or more), not '{value}'")
        ints[key] = value
    collected = entry.get("collected")
    try:
        day = dt.date.fromisoformat(str(collected)) if collected is not None else None
    except ValueError:
        raise fail("collected", f"'{collected}' is not a date (YYYY-MM-DD)") from None
    replies = entry.get("replies") or []
    if not isinstance(replies, list):
        raise fail("replies", "'replies' must be a list")
    return Correction(
        number=ints["number"] or 0,
        status=status,
        speaker=str(entry["speaker"]),
        session=str(entry["session"]) if entry.get("session") else None,
        round=ints["round"] or 0,
        page=ints["page"] or 0,
        line=ints["line"],
        kind=str(entry["kind"]),
        words=_text(entry.get("words")),
        text=_text(entry.get("text")),
        replies=tuple(_text(r) for r in replies),
        context=_text(entry.get("context")),
        file=_text(entry.get("file")),
        collected=day,
        note=_text(entry.get("note")) or None,
        key=_text(entry.get("key")),
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def add_corrections(event: Event, new: list[Correction]) -> list[tuple[Correction, bool]]:
    """Add the corrections not on record yet (by key), numbered on from the last one;
    returns each as recorded, in the order given, with True when it is new."""
    current = load_corrections(event)
    keys = {c.key: c for c in current if c.key}
    result: list[tuple[Correction, bool]] = []
    added: list[Correction] = []
    number = max((c.number for c in current), default=0)
    for correction in new:
        if correction.key in keys:
            result.append((keys[correction.key], False))
            continue
        number += 1
        fresh = replace(correction, number=number)
        keys[fresh.key] = fresh
        added.append(fresh)
        result.append((fresh, True))
    if added:
        _write(event, [*current, *added])
    return result


def mark_corrections(
    event: Event, numbers: list[int], status: Status, note: str | None
) -> list[Correction]:
    """Set the status (and note) of the corrections with these numbers; returns them."""
    current = load_corrections(event)
    by_number = {c.number: c for c in current}
    missing = [n for n in numbers if n not in by_number]
    if missing:
        said = (
            _("no correction number {missing}; there are numbers 1 to {last}")
            if by_number
            else _(
                "no correction number {missing}; there are none yet (collect returned proofs first)"
            )
        )
        raise SourceError(
            corrections_path(event),
            said.format(missing=", ".join(map(str, missing)), last=max(by_number, default=0)),
        )
    changed = {
        n: replace(by_number[n], status=status, note=note or by_number[n].note) for n in numbers
    }
    _write(event, [changed.get(c.number, c) for c in current])
    return [changed[n] for n in numbers]


def open_corrections(event: Event) -> list[Correction]:
    return [c for c in load_corrections(event) if c.status == "open"]


def _write(event: Event, corrections: list[Correction]) -> None:
    entries = []
    for c in corrections:
        entry: dict[str, Any] = {
            "number": c.number,
            "status": c.status,
            "speaker": c.speaker,
            "session": c.session,
            "round": c.round,
            "page": c.page,
            "line": c.line,
            "kind": c.kind,
        }
        for key, value in (
            ("words", c.words),
            ("text", c.text),
            ("replies", list(c.replies)),
            ("context", c.context),
            ("file", c.file),
            ("collected", c.collected.isoformat() if c.collected else None),
            ("note", c.note),
            ("key", c.key),
        ):
            if value:
                entry[key] = value
        entries.append(entry)
    path = corrections_path(event)
    path.parent.mkdir(exist_ok=True)
    text = HEADER + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=88)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
