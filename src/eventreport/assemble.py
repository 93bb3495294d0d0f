"""The event and its read decks and polls, cross-checked into the `Report` to render."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from .cache import Cache
from .errors import ReportError, SourceError
from .i18n import _
from .model import (
    Deck,
    DeckSource,
    DownloadInsert,
    DownloadView,
    Event,
    OfferedCopy,
    PollExport,
    PollInsert,
    PollSource,
    Report,
    ReportPart,
    ReportSession,
    Section,
    Session,
    Slide,
    SlidesInsert,
    SlidesView,
)
from .pollview import poll_view
from .problems import Problems, block_note
from .publication import offered_copy
from .readers import read_deck, read_poll
from .readers.decks.cache import DeckCache, temporary_cache
from .readers.decks.pictures import SlideDrawer
from .textutil import human_size

DOWNLOAD_FOLDER = "presentaties"


class Sources:
    """Reads each declared deck and poll export once, with the options event.yaml gives;
    with a `cache`, once until the file changes (cache/results.py); what LibreOffice and
    PDFium make of decks (conversions, slide pictures, publication copies) is kept as files
    in `files`."""

    def __init__(
        self,
        event: Event,
        progress: Callable[[str], None],
        cache: Cache | None,
        files: DeckCache,
        drawer: SlideDrawer,
    ) -> None:
        self.event = event
        self.progress = progress
        self.cache = cache if cache is not None else Cache(None)
        self.files = files
        self.drawer = drawer
        self._decks: dict[str, Deck] = {}
        self._polls: dict[str, PollExport] = {}
        self._copies: dict[str, OfferedCopy | ReportError] = {}

    def deck(self, source: DeckSource) -> Deck:
        def read() -> Deck:
            self.progress(_("reading deck {file}").format(file=source.path.name))
            return read_deck(
                source.path,
                include_hidden=source.include_hidden,
                notes=source.notes,
                cache=self.files,
            )

        if source.id not in self._decks:
            self._decks[source.id] = self.cache.deck(source, read)
        return self._decks[source.id]

    def copy(self, source: DeckSource) -> OfferedCopy:
        if source.id not in self._copies:
            try:
                made = self.cache.copy(source, lambda: offered_copy(source, self.files), self.files)
            except ReportError as exc:
                # Made once: the error is raised again wherever the copy is asked for.
                self._copies[source.id] = exc
                raise
            left_out = "; ".join(made.removed) or _("nothing to leave out")
            self.progress(
                _("publication copy of {file}: left out {what}").format(
                    file=source.path.name, what=left_out
                )
            )
            self._copies[source.id] = made
        copy = self._copies[source.id]
        if isinstance(copy, ReportError):
            raise copy
        return copy

    def poll(self, source: PollSource) -> PollExport:
        def read() -> PollExport:
            self.progress(_("reading poll export {file}").format(file=source.path.name))
            return read_poll(source.path, tool=source.tool)

        if source.id not in self._polls:
            self._polls[source.id] = self.cache.poll(source, read)
        return self._polls[source.id]


def assemble(
    event: Event,
    progress: Callable[[str], None] = lambda _: None,
    cache: Cache | None = None,
    files: DeckCache | None = None,
    problems: Problems | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Report:
    """Resolve every insert; a reference to a missing slide or question is a problem here.

    Decks and polls as read come from `cache` while unchanged; slides shown as pictures are
    drawn into `files` (or found there): the build's, or a temporary one. Each deck, poll
    export and insert is resolved on its own: with `problems`, every mistake is recorded
    there and what it stops is left out of the Report; without, all of them are raised
    together. `meanwhile` is called once everything is read, before the sessions wait
    for the slides LibreOffice draws: work that does not need them goes on beside it.
    """
    found = Problems() if problems is None else problems
    folder = files if files is not None else temporary_cache()
    with SlideDrawer(folder) as drawer:
        sources = Sources(event, progress, cache, folder, drawer)
        shown = _shown_as_pictures(event)
        # The decks with slides to draw first: LibreOffice draws them while the rest is read.
        for deck in sorted(event.decks.values(), key=lambda d: d.id not in shown):
            if deck.id not in shown:
                drawer.start()
            # Every declared deck is read, so a broken one fails the build even when unused.
            with found.each(skips=("deck", deck.id)):
                read = sources.deck(deck)
                drawer.ahead(
                    deck, read, [s for n in shown.get(deck.id, ()) if (s := read.slide(n))]
                )
        drawer.start()
        for poll in _polls_used(event):
            with found.each(skips=("poll", poll.id)):
                sources.poll(poll)
        # While LibreOffice draws: the publication copies, which the sessions take later
        # (a copy that fails is reported there, at the block that offers it).
        for deck in _offered(event):
            if not found.skipped("deck", deck.id):
                with suppress(ReportError):
                    sources.copy(deck)
        if meanwhile is not None:
            meanwhile()
        owners = _deck_owners(event, found)
        report_sessions = [_session(event, s, sources, owners, found) for s in event.sessions]
    if problems is None:
        found.raise_if_any()
    downloads = {
        part.deck.id: part
        for rs in report_sessions
        for part in rs.parts
        if isinstance(part, DownloadView)
    }
    return Report(
        event=event,
        sections=_sections(report_sessions),
        downloads=tuple(downloads.values()),
    )


def _shown_as_pictures(event: Event) -> dict[str, list[int]]:
    """The slides each deck shows as pictures (```slides``` blocks with `show: image`),
    in the order first asked for."""
    shown: dict[str, list[int]] = {}
    for session in event.sessions:
        for part in session.parts:
            if isinstance(part, SlidesInsert) and part.show == "image":
                numbers = shown.setdefault(part.deck, [])
                numbers += [n for n in part.slides if n not in numbers]
    return shown


def _offered(event: Event) -> list[DeckSource]:
    """The decks offered for download: named in a ```download``` block, or marked
    `download` in event.yaml."""
    placed = {p.deck for s in event.sessions for p in s.parts if isinstance(p, DownloadInsert)}
    return [d for d in event.decks.values() if d.download or d.id in placed]


def _polls_used(event: Event) -> list[PollSource]:
    """The poll exports some ```poll``` block shows, in the order declared."""
    used = {p.poll for s in event.sessions for p in s.parts if isinstance(p, PollInsert)}
    return [poll for poll in event.polls.values() if poll.id in used]


def _deck_owners(event: Event, problems: Problems) -> dict[str, str]:
    """Which session offers each downloadable deck: where it is placed, or first used."""
    owners: dict[str, str] = {}
    for session in event.sessions:
        for part in session.parts:
            if isinstance(part, DownloadInsert):
                owners[part.deck] = session.id
    for session in event.sessions:
        for part in session.parts:
            if isinstance(part, SlidesInsert):
                owners.setdefault(part.deck, session.id)
    # A session or block left out for a mistake may be the one that uses a deck.
    unknown = problems.any_skipped("session") or problems.any_skipped("block")
    for deck in event.decks.values():
        if deck.id not in owners and not unknown:
            problems.add(
                SourceError(
                    event.root / "event.yaml",
                    f"deck '{deck.id}' is declared but no session uses it; add a"
                    " ```download``` or ```slides``` block to a session, or remove the deck",
                )
            )
    return owners


def _session(
    event: Event,
    session: Session,
    sources: Sources,
    owners: dict[str, str],
    problems: Problems,
) -> ReportSession:
    parts: list[ReportPart] = []
    placed: set[str] = set()

    def unread(kind: str, name: str, block: str, line: int) -> bool:
        # A deck or poll export that could not be read is one problem, not one per block.
        return problems.skipped(kind, name, block_note(block, session.source, line))

    for part in session.parts:
        with problems.each():
            if isinstance(part, SlidesInsert):
                if not unread("deck", part.deck, "slides", part.line):
                    parts.append(_slides(event, session, part, sources))
            elif isinstance(part, PollInsert):
                if not unread("poll", part.poll, "poll", part.line):
                    export = sources.poll(event.polls[part.poll])
                    parts.append(poll_view(event, session, part, export, len(parts)))
            elif isinstance(part, DownloadInsert):
                placed.add(part.deck)
                if not unread("deck", part.deck, "download", part.line):
                    deck = event.decks[part.deck]
                    parts.append(_download(deck, sources.copy(deck), event.language))
            else:
                parts.append(part)
    for deck_id, owner in owners.items():
        deck = event.decks[deck_id]
        offered = owner == session.id and deck.download and deck_id not in placed
        if offered and not problems.skipped("deck", deck_id):
            with problems.each():
                parts.append(_download(deck, sources.copy(deck), event.language))
    return ReportSession(
        session=session,
        speakers=tuple(event.speakers[s] for s in session.speakers),
        parts=tuple(parts),
    )


def _slides(event: Event, session: Session, insert: SlidesInsert, sources: Sources) -> SlidesView:
    source = event.decks[insert.deck]
    deck = sources.deck(source)
    chosen = []
    for number in insert.slides:
        slide = deck.slide(number)
        if slide is None:
            shown = ", ".join(str(s.number) for s in deck.slides) or "none"
            hint = (
                ""
                if source.include_hidden
                else "; hidden slides stay out unless the deck has 'include_hidden: true'"
            )
            raise SourceError(
                session.source,
                f"deck '{insert.deck}' ({source.path.name}) has no slide {number} to show"
                f" (slides read: {shown}){hint}",
                f"line {insert.line}",
            )
        # "list" and "box" show a slide's pictures by their alternative text; one without
        # it would vanish for everyone. "table" shows only the slide's tables; "image"
        # shows the slide itself, with its text as the picture's description.
        if insert.show in ("list", "box") and any(
            b.type == "image" and not b.alt for b in slide.blocks
        ):
            raise SourceError(
                session.source,
                f"deck '{insert.deck}' ({source.path.name}), slide {number}: a picture on it"
                " has no alternative text; add it in the deck (PowerPoint: right-click the"
                " picture, View Alt Text) or leave this slide out",
                f"line {insert.line}",
            )
        if insert.show == "image" and not slide.title and not _describable(slide):
            raise SourceError(
                session.source,
                f"deck '{insert.deck}' ({source.path.name}), slide {number} has no title and"
                " no text to describe its picture to readers who cannot see it; give the"
                " slide a title in the deck, or show another slide",
                f"line {insert.line}",
            )
        chosen.append(slide)
    if insert.show != "image":
        return SlidesView(deck=source, slides=tuple(chosen), show=insert.show)
    sources.progress(
        _("drawing slides {numbers} of {file}").format(
            numbers=", ".join(map(str, insert.slides)), file=source.path.name
        )
    )
    pictures = sources.drawer.pictures(source, deck, chosen)
    return SlidesView(deck=source, slides=tuple(chosen), show="image", pictures=pictures)


def _describable(slide: Slide) -> bool:
    """True when the slide holds text a description could be made of."""
    return any(
        (b.type == "image" and b.alt)
        or b.type in ("paragraph", "list", "table", "chart")
        or (b.type == "diagram" and b.items)
        for b in slide.blocks
    )


def _download(deck: DeckSource, copy: OfferedCopy, language: str) -> DownloadView:
    size = copy.size
    return DownloadView(
        deck=deck,
        copy=copy,
        href=f"{DOWNLOAD_FOLDER}/{deck.id}{copy.suffix}",
        file_type=copy.suffix.lstrip(".").upper(),
        size_bytes=size,
        size_text=human_size(size, language),
    )


def _sections(sessions: list[ReportSession]) -> tuple[Section, ...]:
    sections: list[Section] = []
    index = 0
    while index < len(sessions):
        first = sessions[index].session
        if first.group is None:
            sections.append(Section(first.title, first.id, (sessions[index],), grouped=False))
            index += 1
            continue
        members = [sessions[index]]
        index += 1
        while index < len(sessions) and sessions[index].session.group == first.group:
            members.append(sessions[index])
            index += 1
        # The anchor comes from an id, not the group's heading, so links survive a retitle.
        sections.append(Section(first.group, f"groep-{first.id}", tuple(members), grouped=True))
    return tuple(sections)


def copy_targets(report: Report) -> list[tuple[Path, str]]:
    """(source file, path relative to the output folder) for every picture the report shows;
    the decks it offers are publication copies (`Report.downloads`), never these files."""
    targets = []
    for rs in (rs for section in report.sections for rs in section.sessions):
        for part in rs.parts:
            for asset in getattr(part, "assets", ()):
                targets.append((report.event.root / asset, asset))
            if isinstance(part, SlidesView):
                # Slides drawn as pictures, from the build's cache.
                targets += [(f.source, f.href) for p in part.pictures for f in p.files]
    return targets
