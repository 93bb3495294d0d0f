"""What a new event holds, decided from what the folder gave: the draft's model.

Every value taken from a file is a suggestion that says where it came from, so the person
who checks it knows what to check. Nothing personal is decided here: a deck's author is
only ever offered in a comment (writing.py), never put where the report would show it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from markdown_it import MarkdownIt

from ..i18n import N_, _
from ..manifest import DECK_SUFFIXES
from ..model import Deck, ImageBlock, Question, Slide
from ..problems import Problems
from ..writeup import WriteupParser
from .gather import FoundDeck, FoundPoll, FoundWriteup, Gathered, SetAside
from .properties import Properties
from .slugs import Ids, slug
from .text import one_line

POLL_SUFFIXES = (".xlsx", ".csv")
TITLE_LENGTH = 150
_DAY_IN_SLUG = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:-|$)")
_MD = MarkdownIt("commonmark")
_NUMBERED = re.compile(r"^\d{1,3}[\s._)-]+")
# Alternative text that is only a picture's file name (PowerPoint fills one in): it tells a
# screen reader nothing, though the build would take it.
_FILE_NAME = re.compile(
    r"(^[a-z]:\\|^/|\.(jpe?g|png|gif|bmp|tiff?|emf|wmf|svg|webp|heic)$)", re.IGNORECASE
)
FIRST_SLIDE = N_("The title is the one on the deck's first slide.")


@dataclass(frozen=True)
class Suggestion:
    """A value for event.yaml with where it came from."""

    value: str
    """The value."""
    comment: str
    """Where it came from and what to check, in whole sentences, for the comment above it
    ("" when you typed it yourself)."""


@dataclass(frozen=True)
class LeftOut:
    """Slides of a deck the draft does not pull in, and why."""

    numbers: tuple[int, ...]
    """Their numbers."""
    reason: str
    """Why, and what to do, in whole sentences."""
    said: bool = True
    """Said when `invoke new` runs too, not only in the session file's comment."""


@dataclass(frozen=True)
class DraftDeck:
    """A deck of the new event, with the session that shows it."""

    id: str
    """Its id: the deck's and its session's."""
    source: Path
    """The file in the folder."""
    name: str
    """Its name in the folder, for comments."""
    file: str
    """Its name in the event folder, e.g. decks/hageman.pptx."""
    title: Suggestion
    """The session's title."""
    shown: tuple[int, ...]
    """The slides pulled in, in order."""
    left_out: tuple[LeftOut, ...]
    """Slides left out, by reason."""
    author: str | None
    """The name its document properties give as its author: a suggestion for a person
    to check, never shown in the report by the draft."""
    author_id: str | None
    """The id that person would get under speakers:."""


@dataclass(frozen=True)
class DraftPoll:
    """A poll export of the new event."""

    id: str
    """Its id."""
    source: Path
    """The file in the folder."""
    name: str
    """Its name in the folder."""
    file: str
    """Its name in the event folder, e.g. polls/menti.xlsx."""
    questions: tuple[Question, ...]
    """Its questions, in the tool's order."""


@dataclass(frozen=True)
class DraftWriteup:
    """A write-up from the folder: a session of its own, or kept aside with the reason."""

    id: str
    """The session's id."""
    name: str
    """Its name in the folder."""
    title: Suggestion
    """The session's title."""
    text: str
    """The Markdown, its title heading taken off."""
    problem: str | None
    """Why it cannot be a session as it is (the build would stop on it); it is then kept
    in notes/ instead, for a person to fix."""


@dataclass(frozen=True)
class Draft:
    """The new event, decided."""

    slug: str
    """The event folder's name."""
    folder: Path | None
    """The folder it was drafted from; None for a blank event."""
    title: Suggestion | None
    """The report's title, when a file gives one."""
    date: Suggestion
    """The meeting's day (YYYY-MM-DD)."""
    organiser: Suggestion | None
    """Who organised it, when the house style names a publisher."""
    decks: tuple[DraftDeck, ...]
    """Decks, one session each, in file-name order."""
    polls: tuple[DraftPoll, ...]
    """Poll exports, together one discussion session."""
    writeups: tuple[DraftWriteup, ...]
    """Write-ups."""
    set_aside: tuple[SetAside, ...]
    """Files of the folder not used."""
    discussion_id: str
    """The id of the discussion session (when there are polls)."""
    today: dt.date
    """The day it was drafted."""


def draft(slug_: str, gathered: Gathered | None, publisher: str, today: dt.date) -> Draft:
    """Decide the new event from the folder's files (`gathered`; None: a blank event)."""
    found = gathered or Gathered(Path())
    ids = Ids()
    writeups = tuple(_writeup(w, ids) for w in found.writeups)
    decks = tuple(_deck(d, ids) for d in found.decks)
    discussion = ids.new("discussie", "discussie")
    polls = tuple(_poll(p, ids) for p in found.polls)
    return Draft(
        slug=slug_,
        folder=gathered.folder if gathered else None,
        title=_title(found, writeups),
        date=_date(slug_, found, today),
        organiser=Suggestion(
            publisher, _("TODO Check: this is the publisher named in templates/house.yaml.")
        )
        if publisher
        else None,
        decks=decks,
        polls=polls,
        writeups=writeups,
        set_aside=found.set_aside,
        discussion_id=discussion,
        today=today,
    )


# --- Decks --------------------------------------------------------------------------------


def _stem(name: str) -> str:
    """A file's name without its folder, type and leading number ('01 Welkom.pptx')."""
    stem = PurePosixPath(name).stem
    return _NUMBERED.sub("", stem) or stem


def _deck(found: FoundDeck, ids: Ids) -> DraftDeck:
    stem = _stem(found.name)
    deck_id = ids.new(stem, "presentatie")
    suffix = found.path.suffix.lower()
    if suffix not in DECK_SUFFIXES:
        suffix = ".pdf" if found.deck.format == "pdf" else ".pptx"
    title = _deck_title(found.deck, found.properties, stem)
    shown, left_out = _slides(found.deck, title_slide=title.comment == _(FIRST_SLIDE))
    author = found.properties.author
    return DraftDeck(
        id=deck_id,
        source=found.path,
        name=found.name,
        file=f"decks/{deck_id}{suffix}",
        title=title,
        shown=shown,
        left_out=left_out,
        author=author,
        author_id=slug(author, "spreker") if author else None,
    )


def _deck_title(deck: Deck, props: Properties, stem: str) -> Suggestion:
    first = one_line(deck.slides[0].title or "", TITLE_LENGTH) if deck.slides else ""
    if first:
        return Suggestion(first, _(FIRST_SLIDE))
    if props.title:
        return Suggestion(
            one_line(props.title, TITLE_LENGTH),
            _("TODO Check the title: it is the one in the deck's document properties."),
        )
    return Suggestion(
        one_line(stem, TITLE_LENGTH) or "TODO",
        _("TODO Write the title: the deck gives none, so this is its file name."),
    )


def _slides(deck: Deck, title_slide: bool) -> tuple[tuple[int, ...], tuple[LeftOut, ...]]:
    """The slides a 'list' shows as the build would (assemble.py), and those left out; with
    `title_slide`, the first slide too (its title is the session's heading)."""
    shown: list[int] = []
    no_alt: list[int] = []
    file_alt: list[int] = []
    empty: list[int] = []
    for slide in deck.slides:
        pictures = [b for b in slide.blocks if isinstance(b, ImageBlock)]
        if any(not p.alt for p in pictures):
            no_alt.append(slide.number)
        elif any(_FILE_NAME.search(p.alt or "") for p in pictures):
            file_alt.append(slide.number)
        elif not _has_text(slide):
            empty.append(slide.number)
        else:
            shown.append(slide.number)
    left_out: list[LeftOut] = []
    if title_slide and shown[:1] == [deck.slides[0].number]:
        shown.pop(0)
        left_out.append(
            LeftOut(
                (deck.slides[0].number,),
                _(
                    "Its title is the session's title (a title slide, often with names on it);"
                    " add its number to slides: if it shows more."
                ),
                said=False,
            )
        )
    left_out += _reason(
        no_alt,
        _(
            "A picture on it has no alternative text, so a screen reader would skip it and"
            " the build would stop. Add the text in the deck (PowerPoint: right-click the"
            " picture, View Alt Text), then add the slide's number to slides:."
        ),
        _(
            "A picture on each has no alternative text, so a screen reader would skip it and"
            " the build would stop. Add the text in the deck (PowerPoint: right-click the"
            " picture, View Alt Text), then add their numbers to slides:."
        ),
    )
    left_out += _reason(
        file_alt,
        _(
            "A picture on it has only a file name for alternative text, which tells a screen"
            " reader nothing. Describe the picture in the deck (PowerPoint: right-click the"
            " picture, View Alt Text), then add the slide's number to slides:."
        ),
        _(
            "A picture on each has only a file name for alternative text, which tells a screen"
            " reader nothing. Describe the pictures in the deck (PowerPoint: right-click the"
            " picture, View Alt Text), then add their numbers to slides:."
        ),
    )
    left_out += _reason(empty, _("It holds no text to show."), _("They hold no text to show."))
    return tuple(shown), tuple(left_out)


def _reason(numbers: list[int], one: str, several: str) -> list[LeftOut]:
    if not numbers:
        return []
    return [LeftOut(tuple(numbers), one if len(numbers) == 1 else several)]


def _has_text(slide: Slide) -> bool:
    return bool(slide.title) or any(b.type != "image" or b.alt for b in slide.blocks)


# --- Polls --------------------------------------------------------------------------------


def _poll(found: FoundPoll, ids: Ids) -> DraftPoll:
    stem = _stem(found.name)
    poll_id = ids.new(stem, "poll")
    suffix = found.path.suffix.lower()
    if suffix not in POLL_SUFFIXES:
        with found.path.open("rb") as handle:
            suffix = ".xlsx" if handle.read(2) == b"PK" else ".csv"
    return DraftPoll(
        id=poll_id,
        source=found.path,
        name=found.name,
        file=f"polls/{poll_id}{suffix}",
        questions=found.poll.questions,
    )


# --- Write-ups ------------------------------------------------------------------------------


def _writeup(found: FoundWriteup, ids: Ids) -> DraftWriteup:
    stem = _stem(found.name)
    session_id = ids.new(stem, "verslag")
    title, text = _split_title(found.text)
    suggestion = (
        Suggestion(title, _("The title is the first heading of {file}.").format(file=found.name))
        if title
        else Suggestion(
            one_line(stem, TITLE_LENGTH) or "TODO",
            _("TODO Write the title: {file} has no heading, so this is its file name.").format(
                file=found.name
            ),
        )
    )
    # Parsed as the build will parse it (the event's decks and polls are not known yet, so
    # a block naming one is a problem too); a problem keeps it out of the sessions.
    problems = Problems()
    WriteupParser(found.path, found.path.parent, 2, (), (), problems).parse(text)
    said = [
        f"{p.error.location}: {p.error.message}" if p.error.location else p.error.message
        for p in problems.listed()
    ]
    problem = one_line("; ".join(said)) if said else None
    return DraftWriteup(session_id, found.name, suggestion, text, problem)


def _split_title(text: str) -> tuple[str | None, str]:
    """A leading '# Title' (or a Setext title) as the title, and the text without it."""
    tokens = _MD.parse(text)
    first = next((t for t in tokens if t.type != "front_matter"), None)
    if first is None or first.type != "heading_open" or first.tag != "h1" or not first.map:
        return None, text
    title = one_line(tokens[tokens.index(first) + 1].content, TITLE_LENGTH)
    lines = text.split("\n")
    rest = "\n".join(lines[first.map[1] :]).lstrip("\n")
    return (title or None), rest


# --- The event ----------------------------------------------------------------------------


def _title(found: Gathered, writeups: tuple[DraftWriteup, ...]) -> Suggestion | None:
    for writeup, found_writeup in zip(writeups, found.writeups, strict=True):
        if _split_title(found_writeup.text)[0]:
            return Suggestion(
                writeup.title.value,
                _("TODO Check the title: it is the first heading of {file}.").format(
                    file=writeup.name
                ),
            )
    for poll in found.polls:
        if poll.poll.title:
            return Suggestion(
                one_line(poll.poll.title, TITLE_LENGTH),
                _("TODO Check the title: it is the title in the poll export {file}.").format(
                    file=poll.name
                ),
            )
    return None


def _date(slug_: str, found: Gathered, today: dt.date) -> Suggestion:
    """The folder's name first (2020-09-03-...), then the day a poll export was made (polls
    run at the meeting), then the day the last deck was saved; else today."""
    match = _DAY_IN_SLUG.match(slug_)
    if match:
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
            return Suggestion(day.isoformat(), _("The day in the event folder's name."))
        except ValueError:
            pass
    for poll in found.polls:
        made = poll.properties.created or poll.properties.modified
        if made:
            return Suggestion(
                made.isoformat(),
                _("TODO Check the day: it is the day the poll export {file} was made.").format(
                    file=poll.name
                ),
            )
    saved = [(d.properties.modified, d.name) for d in found.decks if d.properties.modified]
    if saved:
        day, name = max(saved)
        return Suggestion(
            day.isoformat(),
            _("TODO Check the day: it is the day the deck {file} was last saved.").format(
                file=name
            ),
        )
    return Suggestion(
        today.isoformat(),
        _("TODO Write the meeting's day: no file said it, so this is the day the draft was made."),
    )
