"""event.yaml and the sessions' Markdown, validated into an `Event`."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SourceError, display_path
from .i18n import _
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
from .problems import ANY, Problems
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
    """Typed access to one YAML mapping, failing with the file and the key's line; with
    `problems`, `only` records each unknown key there and goes on."""

    def __init__(
        self, path: Path, data: Mapping, what: str, problems: Problems | None = None
    ) -> None:
        self.path, self.data, self.what = path, data, what
        self.problems = problems

    def fail(self, key: str | None, message: str) -> SourceError:
        line = self.data.line_of(key) if key else self.data.line
        return SourceError(self.path, message, f"line {line}")

    def only(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                near = _closest(key, allowed)
                if near:
                    said = _("'{key}' is not a field of {what}; did you mean '{near}'?")
                else:
                    said = _("'{key}' is not a field of {what}; use {allowed}")
                message = said.format(
                    key=key, what=self.what, near=near, allowed=", ".join(sorted(allowed))
                )
                error = self.fail(key, message)
                if self.problems is None:
                    raise error
                self.problems.add(error)

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(None, _("{what} needs '{key}:'").format(what=self.what, key=key))
            return None
        if isinstance(value, bool | list | dict):
            raise self.fail(
                key,
                _("'{key}' must be text; put it in quotes if it looks like data").format(key=key),
            )
        text = str(value).strip()
        if not text:
            raise self.fail(
                key, _("'{key}' is empty; write it, or leave the line out").format(key=key)
            )
        return text

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(
                key, _("'{key}' must be true or false, not '{value}'").format(key=key, value=value)
            )
        return value

    def identifier(self, key: str) -> str:
        value = self.text(key)
        assert value is not None
        if not ID.match(value):
            raise self.fail(
                key,
                _(
                    "'{value}' is not a usable id: use lower-case letters, digits and '-',"
                    " e.g. 'suze-hageman'"
                ).format(value=value),
            )
        return value

    def mapping(self, key: str, required: bool = False) -> Mapping:
        value = self.data.get(key)
        if value is None and not required:
            return _empty()
        if not isinstance(value, Mapping):
            raise self.fail(
                key,
                _("'{key}' must be a list of 'id:' entries, each indented below it").format(
                    key=key
                ),
            )
        return value

    def sequence(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(
                key, _("'{key}' must be a list, each entry starting with '- '").format(key=key)
            )
        return value


def load_event(root: Path, problems: Problems | None = None) -> Event:
    """Read and validate `root/event.yaml` and every session file it names.

    Each entry, session file and block is checked on its own: with `problems`, every
    mistake is recorded there and the Event holds what could be read (only an event.yaml
    that cannot be read at all raises); without, all of them are raised together.
    """
    found = Problems() if problems is None else problems
    event = _read_event(root, found)
    if problems is None:
        found.raise_if_any()
    return event


# Stand-ins for values whose mistake is recorded: they only fill the model that a check
# renders to find template mistakes; a build stops before anything is written.
_NO_DATE = dt.date(1970, 1, 1)


def _read_event(root: Path, problems: Problems) -> Event:
    try:
        path = inside(root, "event.yaml")
    except OutsideError as exc:
        raise SourceError(root / "event.yaml", str(exc)) from None
    data = load_file(path)
    if not isinstance(data, Mapping):
        raise SourceError(path, _("must hold 'key: value' lines (title:, date:, sessions:, ...)"))
    top = _Fields(path, data, "event.yaml", problems)
    top.only(EVENT_KEYS)
    # A misspelt key ('plaace:') is one mistake, not also a missing 'place:'.
    misspelt = {_closest(key, EVENT_KEYS) for key in data if key not in EVENT_KEYS}
    for key in REQUIRED:
        if key not in data and key not in misspelt:
            problems.add(
                SourceError(
                    path,
                    _("'{key}:' is missing; see docs/sources.md for an example").format(key=key),
                )
            )

    def text(key: str, default: str = "") -> str:
        # A required key that is missing was reported just above, once.
        return problems.attempt(lambda: str(top.text(key)), default) if key in data else default

    language = text("language", LANGUAGES[0])
    if language not in LANGUAGES:
        said = _("language '{language}' is not supported; use nl or en")
        problems.add(top.fail("language", said.format(language=language)))
        language = LANGUAGES[0]
    organiser = text("organiser")
    speakers = _speakers(path, top, problems)
    decks = _decks(path, root, top, problems)
    polls = _polls(path, root, top, problems)
    sessions = _sessions(path, root, top, speakers, decks, polls, problems)
    closing = problems.attempt(lambda: top.text("closing", required=False), None)
    parser = WriteupParser(path, root, 2, tuple(decks), tuple(polls), problems)
    return Event(
        slug=problems.attempt(lambda: _slug(root), root.name),
        root=root,
        title=text("title"),
        date=problems.attempt(lambda: _date(top), _NO_DATE) if "date" in data else _NO_DATE,
        place=text("place"),
        organiser=organiser,
        language=language,
        lead=text("lead"),
        speakers=speakers,
        sessions=sessions,
        decks=decks,
        polls=polls,
        links=_links(path, top, problems),
        closing=parser.render_inline_block(closing, data.line_of("closing")) if closing else None,
        credits=problems.attempt(lambda: top.text("credits", required=False), None),
        author=problems.attempt(lambda: top.text("author", required=False), None) or organiser,
        proofs=problems.attempt(lambda: _proofs(path, top), None),
    )


def _slug(root: Path) -> str:
    if not ID.match(root.name):
        raise SourceError(
            root,
            _(
                "an event folder's name is its slug: lower-case letters, digits and '-',"
                " e.g. 2020-09-03-zorg-slachtoffers; rename the folder"
            ),
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
        key,
        _("{key} '{value}' is not a valid date; write it as YYYY-MM-DD, e.g. 2020-09-03").format(
            key=key, value=shown
        ),
    )


# One address, no display name: what a mail server accepts in RCPT TO without quoting.
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
MAX_ADDRESS = 254  # RFC 5321's limit for a forward path


def _proofs(path: Path, top: _Fields) -> ProofSettings | None:
    if "proofs" not in top.data:
        return None
    value = top.data["proofs"]
    if not isinstance(value, Mapping):
        raise top.fail(
            "proofs", _("'proofs' needs 'reply_to:' (and 'deadline:') indented below it")
        )
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
            (
                _("'{value}' is not one e-mail address; give one address per entry")
                if several
                else _(
                    "'{value}' is not one e-mail address; write it as name@example.org (letters"
                    " of other scripts in their xn-- form)"
                )
            ).format(value=value[:80]),
        )
    return value


def _speakers(path: Path, top: _Fields, problems: Problems) -> dict[str, Speaker]:
    result: dict[str, Speaker] = {}
    table = _table(top, "speakers", "speaker", problems)
    for key, value in table.items():
        with problems.each(skips=("speaker", key)):
            fields = _entry(path, table, key, value, _("a speaker"))
            fields.only({"name", "role", "organisation", "email"})
            result[key] = Speaker(
                id=key,
                name=str(fields.text("name")),
                role=fields.text("role", required=False),
                organisation=fields.text("organisation", required=False),
                email=_address(fields, "email"),
            )
    return result


def _decks(path: Path, root: Path, top: _Fields, problems: Problems) -> dict[str, DeckSource]:
    result: dict[str, DeckSource] = {}
    table = _table(top, "decks", "deck", problems)
    for key, value in table.items():
        with problems.each(skips=("deck", key)):
            fields = _entry(path, table, key, value, _("a deck"))
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


def _polls(path: Path, root: Path, top: _Fields, problems: Problems) -> dict[str, PollSource]:
    result: dict[str, PollSource] = {}
    table = _table(top, "polls", "poll", problems)
    for key, value in table.items():
        with problems.each(skips=("poll", key)):
            fields = _entry(path, table, key, value, _("a poll export"))
            fields.only({"file", "tool"})
            tool = fields.text("tool", required=False) or "auto"
            if problem := tool_problem(tool):
                raise fields.fail(
                    "tool", _("poll '{key}': {problem}").format(key=key, problem=problem)
                )
            result[key] = PollSource(
                id=key,
                path=_file(fields, root, (".xlsx", ".csv")),
                tool=tool,
            )
    return result


def _table(top: _Fields, key: str, kind: str, problems: Problems) -> Mapping:
    """The entries under `key`; when it is no list of entries, none, and every `kind` it
    would have declared counts as skipped (so no reference to one is called unknown)."""
    try:
        return top.mapping(key)
    except SourceError as exc:
        problems.add(exc, skips=(kind, ANY))
        return _empty()


def _entry(path: Path, table: Mapping, key: str, value: Any, what: str) -> _Fields:
    if not ID.match(key):
        raise SourceError(
            path,
            _(
                "'{key}' is not a usable id for {what}: use lower-case letters, digits and '-'"
            ).format(key=key, what=what),
            f"line {table.line_of(key)}",
        )
    if not isinstance(value, Mapping):
        raise SourceError(
            path,
            _("{what} '{key}' needs its fields indented below it (name:, file:, ...)").format(
                what=what, key=key
            ),
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
        raise fields.fail(
            "file", _("'{name}' does not exist; check the name and folder").format(name=name)
        )
    if file.suffix.lower() not in suffixes:
        raise fields.fail(
            "file",
            _("'{name}' is not one of {kinds}").format(name=name, kinds=", ".join(suffixes)),
        )
    return file


def _sessions(
    path: Path,
    root: Path,
    top: _Fields,
    speakers: dict[str, Speaker],
    decks: dict[str, DeckSource],
    polls: dict[str, PollSource],
    problems: Problems,
) -> tuple[Session, ...]:
    if "sessions" not in top.data:
        return ()  # reported as missing
    try:
        items = top.sequence("sessions")
        if not items:
            raise top.fail(
                "sessions", _("'sessions' is empty; list the programme's sessions in order")
            )
    except SourceError as exc:
        problems.add(exc, skips=("session", ANY))
        return ()
    known = _Known(speakers, decks, polls)
    sessions: list[Session] = []
    lines: list[int] = []

    def add(item: Any, group: _Group | None) -> None:
        with problems.each(skips=("session", _raw_id(item))):
            sessions.append(_session(path, root, item, known, group, problems))
            lines.append(_id_line(item))

    for item in items:
        if isinstance(item, Mapping) and "group" in item:
            group, members = _group(path, item, problems)
            for member in members:
                add(member, group)
        else:
            add(item, None)
    seen: set[str] = set()
    for session, line in zip(sessions, lines, strict=True):
        if session.id in seen:
            problems.add(
                SourceError(
                    path,
                    _(
                        "two sessions have the id '{id}'; ids must be unique (they name"
                        " the session's anchor and proof), so change one"
                    ).format(id=session.id),
                    f"line {line}",
                )
            )
        seen.add(session.id)
    return tuple(sessions)


@dataclass(frozen=True)
class _Known:
    """The speakers, decks and polls event.yaml declares (without skipped entries)."""

    speakers: dict[str, Speaker]
    """Speakers by id."""
    decks: dict[str, DeckSource]
    """Decks by id."""
    polls: dict[str, PollSource]
    """Poll exports by id."""


@dataclass(frozen=True)
class _Group:
    """A group of sessions under one heading."""

    fields: _Fields
    """Its entry in event.yaml."""
    name: str
    """Its heading."""


def _group(path: Path, item: Mapping, problems: Problems) -> tuple[_Group, list[Any]]:
    """A group entry and the session entries in it."""
    fields = _Fields(path, item, _("a group"), problems)
    fields.only({"group", "sessions"})
    group = _Group(fields, problems.attempt(lambda: str(fields.text("group")), ""))
    members = problems.attempt(lambda: fields.sequence("sessions"), list[Any]())
    if not members:
        problems.add(
            fields.fail("sessions", _("a group needs 'sessions:' with at least one session")),
            skips=("session", ANY),
        )
    return group, members


def _raw_id(item: Any) -> str:
    """The id an entry gives, as written, to mark it skipped; else ANY."""
    value = item.get("id") if isinstance(item, Mapping) else None
    return value if isinstance(value, str) else ANY


def _session(
    path: Path,
    root: Path,
    item: Any,
    known: _Known,
    group: _Group | None,
    problems: Problems,
) -> Session:
    """One session; a mistake in its title, byline or speakers is recorded and the rest
    (its Markdown file above all) still read. Without an id or a file it is skipped."""
    if not isinstance(item, Mapping):
        where = group.fields.data.line if group else 0
        raise SourceError(
            path,
            _("each session is an entry with 'id:' and 'title:' (or 'group:')"),
            f"line {where}" if where else None,
        )
    fields = _Fields(path, item, _("a session"), problems)
    fields.only(SESSION_KEYS)
    session_id = fields.identifier("id")
    names = problems.attempt(lambda: fields.sequence("speakers"), list[Any]())
    named = tuple(str(n) for n in names if _speaker(fields, n, known.speakers, problems))
    title = problems.attempt(lambda: str(fields.text("title")), session_id)
    byline = problems.attempt(lambda: fields.text("byline", required=False), None)
    relative = fields.text("file", required=False) or f"sessions/{session_id}.md"
    key = "file" if "file" in item else "id"
    try:
        file = inside(root, relative)
    except OutsideError as exc:
        raise fields.fail(
            key, _("session '{id}': {problem}").format(id=session_id, problem=exc)
        ) from None
    if not file.is_file():
        raise fields.fail(
            key,
            _(
                "session '{id}' has no write-up: {file} is missing; create it (it may"
                " be short) or set 'file:'"
            ).format(id=session_id, file=relative),
        )
    # Control characters (ESC, bidi overrides) have no place in prose; see textutil.
    text = without_controls(read_text(file, MARKDOWN_BYTES))
    # A session's heading is h2, or h3 inside a group; its '##' goes one level below.
    heading_base = 3 if group else 2
    parser = WriteupParser(
        file, root, heading_base, tuple(known.decks), tuple(known.polls), problems
    )
    return Session(
        id=session_id,
        title=title,
        speakers=named,
        byline=byline,
        source=file,
        parts=parser.parse(text),
        group=group.name if group else None,
    )


def _speaker(fields: _Fields, name: Any, speakers: dict[str, Speaker], problems: Problems) -> bool:
    """Whether `name` is a declared speaker; else its mistake is recorded (or, when the
    speaker's own entry was skipped for one, noted there)."""
    if isinstance(name, str) and name in speakers:
        return True
    line = fields.data.line_of("speakers")
    note = _(
        "The session at {file}, line {line}, names this speaker; it was checked without them."
    ).format(file=display_path(fields.path), line=line)
    if not problems.skipped("speaker", str(name), note):
        near = _closest(str(name), set(speakers))
        if near:
            hint = _("did you mean '{near}'?").format(near=near)
        else:
            hint = _("known: {names}").format(names=", ".join(speakers) or _("none"))
        problems.add(
            fields.fail(
                "speakers",
                _(
                    "speaker '{name}' is not listed under 'speakers' ({hint});"
                    " add them there or fix the id"
                ).format(name=name, hint=hint),
            )
        )
    return False


def _id_line(item: Mapping) -> int:
    return item.line_of("id")


def _links(path: Path, top: _Fields, problems: Problems) -> tuple[ExternalLink, ...]:
    links: list[ExternalLink] = []
    for item in problems.attempt(lambda: top.sequence("links"), list[Any]()):
        with problems.each():
            links.append(_link(path, top, item))
    return tuple(links)


def _link(path: Path, top: _Fields, item: Any) -> ExternalLink:
    if not isinstance(item, Mapping):
        raise top.fail("links", _("each link is an entry with 'text:' and 'url:'"))
    fields = _Fields(path, item, _("a link"))
    fields.only({"text", "url"})
    url = str(fields.text("url"))
    if not url.startswith(("https://", "http://", "mailto:")):
        raise fields.fail(
            "url", _("'{url}' must start with https://, http:// or mailto:").format(url=url)
        )
    return ExternalLink(text=str(fields.text("text")), url=url)


def _closest(word: str, choices: set[str]) -> str | None:
    found = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.7)
    return found[0] if found else None


def _empty() -> Mapping:
    empty = Mapping()
    empty.key_lines = {}
    return empty
