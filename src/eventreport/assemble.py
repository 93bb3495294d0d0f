"""The event and its read decks and polls, cross-checked into the `Report` to render."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import SourceError
from .model import (
    Bar,
    Deck,
    DeckSource,
    DownloadInsert,
    DownloadView,
    Event,
    PollExport,
    PollInsert,
    PollSource,
    PollView,
    Question,
    Report,
    ReportPart,
    ReportSession,
    Section,
    Session,
    SlidesInsert,
    SlidesView,
)
from .readers import read_deck, read_poll
from .textutil import human_size

DOWNLOAD_FOLDER = "presentaties"


class Sources:
    """Reads each declared deck and poll export once, with the options event.yaml gives."""

    def __init__(self, event: Event, progress: Callable[[str], None] = lambda _: None) -> None:
        self.event = event
        self.progress = progress
        self._decks: dict[str, Deck] = {}
        self._polls: dict[str, PollExport] = {}

    def deck(self, source: DeckSource) -> Deck:
        if source.id not in self._decks:
            self.progress(f"reading deck {source.path.name}")
            self._decks[source.id] = read_deck(
                source.path, include_hidden=source.include_hidden, notes=source.notes
            )
        return self._decks[source.id]

    def poll(self, source: PollSource) -> PollExport:
        if source.id not in self._polls:
            self.progress(f"reading poll export {source.path.name}")
            self._polls[source.id] = read_poll(source.path, tool=source.tool)
        return self._polls[source.id]


def assemble(event: Event, progress: Callable[[str], None] = lambda _: None) -> Report:
    """Resolve every insert; any reference to a missing slide or question fails here."""
    sources = Sources(event, progress)
    for deck in event.decks.values():
        sources.deck(deck)  # read every declared deck, so a broken one fails the build
    owners = _deck_owners(event)
    report_sessions = [_session(event, s, sources, owners) for s in event.sessions]
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


def _deck_owners(event: Event) -> dict[str, str]:
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
    for deck in event.decks.values():
        if deck.id not in owners:
            raise SourceError(
                event.root / "event.yaml",
                f"deck '{deck.id}' is declared but no session uses it; add a ```download```"
                " or ```slides``` block to a session, or remove the deck",
            )
    return owners


def _session(
    event: Event, session: Session, sources: Sources, owners: dict[str, str]
) -> ReportSession:
    parts: list[ReportPart] = []
    placed: set[str] = set()
    for part in session.parts:
        if isinstance(part, SlidesInsert):
            parts.append(_slides(event, session, part, sources))
        elif isinstance(part, PollInsert):
            parts.append(_poll(event, session, part, sources, len(parts)))
        elif isinstance(part, DownloadInsert):
            parts.append(_download(event.decks[part.deck], event.language))
            placed.add(part.deck)
        else:
            parts.append(part)
    for deck_id, owner in owners.items():
        deck = event.decks[deck_id]
        if owner == session.id and deck.download and deck_id not in placed:
            parts.append(_download(deck, event.language))
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
        chosen.append(slide)
    return SlidesView(deck=source, slides=tuple(chosen), show=insert.show)


def _poll(
    event: Event, session: Session, insert: PollInsert, sources: Sources, position: int
) -> PollView:
    source = event.polls[insert.poll]
    export = sources.poll(source)
    question = _find_question(export, insert, session)
    labels = dict(insert.labels)
    known = {o.label for o in question.options}
    for label in labels:
        if label not in known:
            raise SourceError(
                session.source,
                f"'labels' renames '{label}', but question {question.id} has no such option"
                f" (options: {', '.join(sorted(known)) or 'none'})",
                f"line {insert.line}",
            )
    counts = [o.count for o in question.options]
    bars = tuple(
        Bar(label=labels.get(o.label, o.label), count=o.count, percent=p)
        for o, p in zip(question.options, largest_remainder(counts), strict=True)
    )
    if insert.quote == "all":
        quotes = question.responses
    else:
        for number in insert.quote:
            if number > len(question.responses):
                raise SourceError(
                    session.source,
                    f"'quote' asks for response {number}, but question {question.id} has"
                    f" {len(question.responses)} responses",
                    f"line {insert.line}",
                )
        quotes = tuple(question.responses[n - 1] for n in insert.quote)
    return PollView(
        poll=source,
        question=question,
        bars=bars,
        quotes=quotes,
        anchor=f"{session.id}-poll-{position + 1}",
        heading=insert.heading,
    )


def _find_question(export: PollExport, insert: PollInsert, session: Session) -> Question:
    for question in export.questions:
        if insert.question in (question.id, question.title):
            return question
    listed = "; ".join(f"{q.id}: {q.title}" for q in export.questions)
    raise SourceError(
        session.source,
        f"poll '{insert.poll}' has no question '{insert.question}'. Use a number or exact"
        f" title from the export: {listed}",
        f"line {insert.line}",
    )


def largest_remainder(counts: list[int]) -> list[int]:
    """Whole percentages that add up to exactly 100 (all zeros when nobody voted)."""
    total = sum(counts)
    if total == 0:
        return [0 for _ in counts]
    exact = [c * 100 / total for c in counts]
    floors = [int(e) for e in exact]
    short = 100 - sum(floors)
    # Hand the missing points to the largest remainders; ties go to the earlier option.
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    return floors


def _download(deck: DeckSource, language: str) -> DownloadView:
    size = deck.path.stat().st_size
    return DownloadView(
        deck=deck,
        href=f"{DOWNLOAD_FOLDER}/{deck.id}{deck.path.suffix.lower()}",
        file_type=deck.path.suffix.lstrip(".").upper(),
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
    """(source file, path relative to the output folder) for every file the report links."""
    targets = [(d.deck.path, d.href) for d in report.downloads]
    for rs in (rs for section in report.sections for rs in section.sessions):
        for part in rs.parts:
            for asset in getattr(part, "assets", ()):
                targets.append((report.event.root / asset, asset))
    return targets
