"""event.yaml and the sessions' Markdown, validated into an `Event`."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from .errors import SourceError
from .limits import MARKDOWN_BYTES
from .model import (
    DeckSource,
    Event,
    ExternalLink,
    PollSource,
    ProofSettings,
    Session,
    Speaker,
)
from .readers import tool_problem
from .safepath import OutsideError, inside
from .textutil import without_controls
from .writeup import WriteupParser
from .yamlfile import Mapping, load_file, read_text

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("nl", "en")
EVENT_KEYS = {
    "title", "date", "place", "organiser", "language", "lead", "author", "speakers",
    "decks", "polls", "sessions", "closing", "links", "credits", "proofs",
}  # fmt: skip
REQUIRED = ("title", "date", "place", "organiser", "language", "lead", "sessions")
SESSION_KEYS = {"id", "title", "speakers", "file", "byline"}
DECK_KEYS = {"file", "title", "download", "include_hidden", "notes"}
# .ppt, .pps, .odp and .key are converted by LibreOffice (readers/decks/convert.py).
DECK_SUFFIXES = (".pptx", ".ppsx", ".pptm", ".pdf", ".ppt", ".pps", ".odp", ".key")


class _Fields:
    """Typed access to one YAML mapping, failing with the file and the key's line."""

    def __init__(self, path: Path, data: Mapping, what: str) -> None:
        self.path, self.data, self.what = path, data, what

    def fail(self, key: str | None, message: str) -> SourceError:
        line = self.data.line_of(key) if key else self.data.line
        return SourceError(self.path, message, f"line {line}")

    def only(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                near = _closest(key, allowed)
                hint = f"did you mean '{near}'?" if near else f"use {', '.join(sorted(allowed))}"
                raise self.fail(key, f"'{key}' is not a field of {self.what}; {hint}")

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(None, f"{self.what} needs '{key}:'")
            return None
        if isinstance(value, bool | list | dict):
            raise self.fail(key, f"'{key}' must be text; put it in quotes if it looks like data")
        text = str(value).strip()
        if not text:
            raise self.fail(key, f"'{key}' is empty; write it, or leave the line out")
        return text

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"'{key}' must be true or false, not '{value}'")
        return value

    def identifier(self, key: str) -> str:
        value = self.text(key)
        assert value is not None
        if not ID.match(value):
            raise self.fail(
                key,
                f"'{value}' is not a usable id: use lower-case letters, digits and '-',"
                " e.g. 'suze-hageman'",
            )
        return value

    def mapping(self, key: str, required: bool = False) -> Mapping:
        value = self.data.get(key)
        if value is None and not required:
            return _empty()
        if not isinstance(value, Mapping):
            raise self.fail(key, f"'{key}' must be a list of 'id:' entries, each indented below it")
        return value

    def sequence(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, f"'{key}' must be a list, each entry starting with '- '")
        return value


def load_event(root: Path) -> Event:
    """Read and validate `root/event.yaml` and every session file it names."""
    try:
        path = inside(root, "event.yaml")
    except OutsideError as exc:
        raise SourceError(root / "event.yaml", str(exc)) from None
    data = load_file(path)
    if not isinstance(data, Mapping):
        raise SourceError(path, "must hold 'key: value' lines (title:, date:, sessions:, ...)")
    top = _Fields(path, data, "event.yaml")
    top.only(EVENT_KEYS)
    for key in REQUIRED:
        if key not in data:
            raise SourceError(path, f"'{key}:' is missing; see docs/sources.md for an example")
    language = top.text("language")
    if language not in LANGUAGES:
        raise top.fail("language", f"language '{language}' is not supported; use nl or en")
    organiser = top.text("organiser")
    assert organiser is not None
    speakers = _speakers(path, top)
    decks = _decks(path, root, top)
    polls = _polls(path, root, top)
    sessions = _sessions(path, root, top, speakers, decks, polls)
    closing = top.text("closing", required=False)
    parser = WriteupParser(path, root, 2, tuple(decks), tuple(polls))
    return Event(
        slug=_slug(root),
        root=root,
        title=str(top.text("title")),
        date=_date(top),
        place=str(top.text("place")),
        organiser=organiser,
        language=language,
        lead=str(top.text("lead")),
        speakers=speakers,
        sessions=sessions,
        decks=decks,
        polls=polls,
        links=_links(path, top),
        closing=parser.render_inline_block(closing, data.line_of("closing")) if closing else None,
        credits=top.text("credits", required=False),
        author=top.text("author", required=False) or organiser,
        proofs=_proofs(path, top),
    )


def _slug(root: Path) -> str:
    if not ID.match(root.name):
        raise SourceError(
            root,
            "an event folder's name is its slug: lower-case letters, digits and '-',"
            " e.g. 2020-09-03-zorg-slachtoffers; rename the folder",
        )
    return root.name


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(fields: _Fields, key: str = "date") -> dt.date:
    # The YAML loader keeps dates as text (yamlfile.py). Only YYYY-MM-DD is a day here:
    # Python would also read 1599091200 or 20200903 as one, which nobody means.
    value = fields.data.get(key)
    try:
        if isinstance(value, str) and _DAY.match(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    shown = value if isinstance(value, str | int | float) else type(value).__name__
    raise fields.fail(
        key, f"{key} '{shown}' is not a valid date; write it as YYYY-MM-DD, e.g. 2020-09-03"
    )


# One address, no display name: what a mail server accepts in RCPT TO without quoting.
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
MAX_ADDRESS = 254  # RFC 5321's limit for a forward path


def _proofs(path: Path, top: _Fields) -> ProofSettings | None:
    if "proofs" not in top.data:
        return None
    value = top.data["proofs"]
    if not isinstance(value, Mapping):
        raise top.fail("proofs", "'proofs' needs 'reply_to:' (and 'deadline:') indented below it")
    fields = _Fields(path, value, "proofs")
    fields.only({"reply_to", "deadline", "sender", "sender_email"})
    return ProofSettings(
        reply_to=str(_address(fields, "reply_to", required=True)),
        deadline=_date(fields, "deadline") if "deadline" in value else None,
        sender=fields.text("sender", required=False),
        sender_email=_address(fields, "sender_email"),
    )


def _address(fields: _Fields, key: str, required: bool = False) -> str | None:
    """One plain e-mail address (name@example.org), or None when the optional key is absent."""
    value = fields.text(key, required=required)
    if value is None:
        return None
    if len(value) > MAX_ADDRESS or not value.isascii() or not EMAIL.match(value):
        several = any(sep in value for sep in ",; ")
        raise fields.fail(
            key,
            f"'{value[:80]}' is not one e-mail address"
            + (
                "; give one address per entry"
                if several
                else "; write it as name@example.org (letters of other scripts in their xn-- form)"
            ),
        )
    return value


def _speakers(path: Path, top: _Fields) -> dict[str, Speaker]:
    result: dict[str, Speaker] = {}
    table = top.mapping("speakers")
    for key, value in table.items():
        fields = _entry(path, table, key, value, "a speaker")
        fields.only({"name", "role", "organisation", "email"})
        result[key] = Speaker(
            id=key,
            name=str(fields.text("name")),
            role=fields.text("role", required=False),
            organisation=fields.text("organisation", required=False),
            email=_address(fields, "email"),
        )
    return result


def _decks(path: Path, root: Path, top: _Fields) -> dict[str, DeckSource]:
    result: dict[str, DeckSource] = {}
    table = top.mapping("decks")
    for key, value in table.items():
        fields = _entry(path, table, key, value, "a deck")
        fields.only(DECK_KEYS)
        file = _file(fields, root, DECK_SUFFIXES)
        result[key] = DeckSource(
            id=key,
            path=file,
            title=fields.text("title", required=False) or file.stem,
            include_hidden=fields.flag("include_hidden", False),
            notes=fields.flag("notes", False),
            download=fields.flag("download", True),
        )
    return result


def _polls(path: Path, root: Path, top: _Fields) -> dict[str, PollSource]:
    result: dict[str, PollSource] = {}
    table = top.mapping("polls")
    for key, value in table.items():
        fields = _entry(path, table, key, value, "a poll export")
        fields.only({"file", "tool"})
        tool = fields.text("tool", required=False) or "auto"
        if problem := tool_problem(tool):
            raise fields.fail("tool", f"poll '{key}': {problem}")
        result[key] = PollSource(
            id=key,
            path=_file(fields, root, (".xlsx", ".csv")),
            tool=tool,
        )
    return result


def _entry(path: Path, table: Mapping, key: str, value: Any, what: str) -> _Fields:
    if not ID.match(key):
        raise SourceError(
            path,
            f"'{key}' is not a usable id for {what}: use lower-case letters, digits and '-'",
            f"line {table.line_of(key)}",
        )
    if not isinstance(value, Mapping):
        raise SourceError(
            path,
            f"{what} '{key}' needs its fields indented below it (name:, file:, ...)",
            f"line {table.line_of(key)}",
        )
    return _Fields(path, value, f"{what} ('{key}')")


def _file(fields: _Fields, root: Path, suffixes: tuple[str, ...]) -> Path:
    name = fields.text("file")
    assert name is not None
    try:
        file = inside(root, name)
    except OutsideError as exc:
        raise fields.fail("file", str(exc)) from None
    if not file.is_file():
        raise fields.fail("file", f"'{name}' does not exist; check the name and folder")
    if file.suffix.lower() not in suffixes:
        raise fields.fail("file", f"'{name}' is not one of {', '.join(suffixes)}")
    return file


def _sessions(
    path: Path,
    root: Path,
    top: _Fields,
    speakers: dict[str, Speaker],
    decks: dict[str, DeckSource],
    polls: dict[str, PollSource],
) -> tuple[Session, ...]:
    items = top.sequence("sessions")
    if not items:
        raise top.fail("sessions", "'sessions' is empty; list the programme's sessions in order")
    sessions: list[Session] = []
    lines: list[int] = []
    for item in items:
        if isinstance(item, Mapping) and "group" in item:
            group = _Fields(path, item, "a group")
            group.only({"group", "sessions"})
            members = group.sequence("sessions")
            if not members:
                raise group.fail("sessions", "a group needs 'sessions:' with at least one session")
            for member in members:
                sessions.append(_session(path, root, member, speakers, decks, polls, group))
                lines.append(_id_line(member))
        else:
            sessions.append(_session(path, root, item, speakers, decks, polls, None))
            lines.append(_id_line(item))
    seen: set[str] = set()
    for session, line in zip(sessions, lines, strict=True):
        if session.id in seen:
            raise SourceError(
                path,
                f"two sessions have the id '{session.id}'; ids must be unique (they name"
                " the session's anchor and proof), so change one",
                f"line {line}",
            )
        seen.add(session.id)
    return tuple(sessions)


def _session(
    path: Path,
    root: Path,
    item: Any,
    speakers: dict[str, Speaker],
    decks: dict[str, DeckSource],
    polls: dict[str, PollSource],
    group: _Fields | None,
) -> Session:
    if not isinstance(item, Mapping):
        where = group.data.line if group else 0
        raise SourceError(
            path,
            "each session is an entry with 'id:' and 'title:' (or 'group:')",
            f"line {where}" if where else None,
        )
    fields = _Fields(path, item, "a session")
    fields.only(SESSION_KEYS)
    session_id = fields.identifier("id")
    names = fields.sequence("speakers")
    for name in names:
        if name not in speakers:
            near = _closest(str(name), set(speakers))
            known = f"did you mean '{near}'?" if near else f"known: {', '.join(speakers) or 'none'}"
            raise fields.fail(
                "speakers",
                f"speaker '{name}' is not listed under 'speakers' ({known});"
                " add them there or fix the id",
            )
    relative = fields.text("file", required=False) or f"sessions/{session_id}.md"
    key = "file" if "file" in item else "id"
    try:
        file = inside(root, relative)
    except OutsideError as exc:
        raise fields.fail(key, f"session '{session_id}': {exc}") from None
    if not file.is_file():
        raise fields.fail(
            key,
            f"session '{session_id}' has no write-up: {relative} is missing; create it (it may"
            " be short) or set 'file:'",
        )
    # Control characters (ESC, bidi overrides) have no place in prose; see textutil.
    text = without_controls(read_text(file, MARKDOWN_BYTES))
    # A session's heading is h2, or h3 inside a group; its '##' goes one level below.
    heading_base = 3 if group else 2
    parser = WriteupParser(file, root, heading_base, tuple(decks), tuple(polls))
    return Session(
        id=session_id,
        title=str(fields.text("title")),
        speakers=tuple(str(n) for n in names),
        byline=fields.text("byline", required=False),
        source=file,
        parts=parser.parse(text),
        group=group.text("group") if group else None,
    )


def _id_line(item: Mapping) -> int:
    return item.line_of("id")


def _links(path: Path, top: _Fields) -> tuple[ExternalLink, ...]:
    links: list[ExternalLink] = []
    for item in top.sequence("links"):
        if not isinstance(item, Mapping):
            raise top.fail("links", "each link is an entry with 'text:' and 'url:'")
        fields = _Fields(path, item, "a link")
        fields.only({"text", "url"})
        url = str(fields.text("url"))
        if not url.startswith(("https://", "http://", "mailto:")):
            raise fields.fail("url", f"'{url}' must start with https://, http:// or mailto:")
        links.append(ExternalLink(text=str(fields.text("text")), url=url))
    return tuple(links)


def _closest(word: str, choices: set[str]) -> str | None:
    found = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.7)
    return found[0] if found else None


def _empty() -> Mapping:
    empty = Mapping()
    empty.key_lines = {}
    return empty
