"""The event and its read decks and polls, cross-checked into the `Report` to render."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .errors import SourceError
from .model import (
    Bar,
    ChartKind,
    Deck,
    DeckSource,
    DownloadInsert,
    DownloadView,
    Event,
    Option,
    PollExport,
    PollInsert,
    PollSource,
    PollView,
    Question,
    QuestionView,
    Report,
    ReportPart,
    ReportSession,
    Response,
    Section,
    Session,
    SlidesInsert,
    SlidesView,
)
from .readers import read_deck, read_poll, tool_problem
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
        # "list" and "box" show a slide's pictures by their alternative text; one without
        # it would vanish for everyone. "table" shows only the slide's tables.
        if insert.show != "table" and any(b.type == "image" and not b.alt for b in slide.blocks):
            raise SourceError(
                session.source,
                f"deck '{insert.deck}' ({source.path.name}), slide {number}: a picture on it"
                " has no alternative text; add it in the deck (PowerPoint: right-click the"
                " picture, View Alt Text) or leave this slide out",
                f"line {insert.line}",
            )
        chosen.append(slide)
    return SlidesView(deck=source, slides=tuple(chosen), show=insert.show)


def _poll(
    event: Event, session: Session, insert: PollInsert, sources: Sources, position: int
) -> PollView:
    source = event.polls[insert.poll]
    problem = tool_problem(source.tool)
    if problem is not None:
        # The reader would say the same, but naming the export; the fix is in event.yaml.
        raise SourceError(
            event.root / "event.yaml", f"poll '{source.id}': {problem}", f"polls: {source.id}"
        )
    export = sources.poll(source)
    fail = _PollFailure(session, insert)
    chosen = _find_questions(_session_questions(export, insert, fail), insert, fail)
    anchor = f"{session.id}-poll-{position + 1}"
    views = [
        _question_view(q, insert, event.language, anchor if n == 0 else f"{anchor}-{n + 1}", fail)
        for n, q in enumerate(chosen)
    ]
    _check_labels(views, insert, fail)
    labels = dict(insert.labels)
    if isinstance(insert.order, tuple):
        views = _ordered_as_listed(views, insert.order, labels, fail)
    return PollView(poll=source, questions=tuple(_relabelled(v, labels) for v in views))


class _PollFailure:
    """Errors about one ```poll``` block, pointing at its line in the session's file."""

    def __init__(self, session: Session, insert: PollInsert) -> None:
        self.session = session
        self.insert = insert

    def __call__(self, message: str) -> SourceError:
        return SourceError(self.session.source, message, f"line {self.insert.line}")


def _session_questions(
    export: PollExport, insert: PollInsert, fail: _PollFailure
) -> tuple[Question, ...]:
    if insert.session is None:
        return export.questions
    if not export.sessions:
        raise fail(f"poll '{insert.poll}' ({export.tool}) has no sessions; leave out 'session:'")
    for found in export.sessions:
        if found.number == insert.session:
            return found.questions
    have = ", ".join(str(s.number) for s in export.sessions)
    raise fail(f"poll '{insert.poll}' has no session {insert.session} (sessions: {have})")


def _find_questions(
    questions: tuple[Question, ...], insert: PollInsert, fail: _PollFailure
) -> list[Question]:
    if insert.questions == "all":
        # Content slides carry no results; "all" means every question with results.
        return [q for q in questions if q.type != "content"]
    return [_find_question(questions, wanted, insert, fail) for wanted in insert.questions]


def _find_question(
    questions: tuple[Question, ...], wanted: str, insert: PollInsert, fail: _PollFailure
) -> Question:
    flat = " ".join(wanted.split())
    for question in questions:
        if wanted == question.id or flat == " ".join(question.title.split()):
            return question
    listed = "; ".join(f"{q.id}: {' '.join(q.title.split())}" for q in questions)
    raise fail(
        f"poll '{insert.poll}' has no question '{wanted}'. Use a number or exact"
        f" title from the export: {listed}"
    )


def _question_view(
    question: Question, insert: PollInsert, language: str, anchor: str, fail: _PollFailure
) -> QuestionView:
    """The question's result with the export's labels, in the natural or asked-for order."""
    if insert.quote == "all":
        quotes = question.responses
    else:
        for number in insert.quote:
            if number > len(question.responses):
                raise fail(
                    f"'quote' asks for response {number}, but question {question.id} has"
                    f" {len(question.responses)} responses"
                )
        quotes = tuple(question.responses[n - 1] for n in insert.quote)
    view = _result(question, language, anchor, quotes, insert.heading)
    order = insert.order or ("votes" if view.chart == "ranking" else "export")
    if order == "votes" and view.chart != "words":
        view = replace(view, bars=tuple(sorted(view.bars, key=_by_result(view.chart))))
    return view


def _result(
    question: Question, language: str, anchor: str, quotes: tuple[Response, ...], heading: bool
) -> QuestionView:
    """Bars and totals for the question's kind of result."""
    view = QuestionView(question, "none", (), quotes, anchor, 0, heading=heading)
    options = question.options
    numeric = bool(question.scale) and all(p.lstrip("-").isdigit() for p in question.scale)
    if question.type in ("choice", "multi-choice", "quiz"):
        return _counted(view, question)
    if question.type == "wordcloud":
        return _words(view, question.responses)
    if question.type == "scale" and len(options) == 1 and numeric:
        # One rating: the bars are its points, the mean is said in words.
        option = options[0]
        points = replace(
            question,
            options=tuple(
                Option(p, n) for p, n in zip(question.scale, option.distribution, strict=False)
            ),
        )
        mean = _number(option.mean, language) if option.mean is not None else ""
        return replace(_counted(view, points), mean=mean)
    if question.type in ("scale", "ranking"):
        top = max((int(p) for p in question.scale), default=1) if numeric else 1
        bars = tuple(
            Bar(
                o.label,
                o.count,
                0,
                _scaled(o.mean, top, len(options), question.type),
                _number(o.mean, language) if o.mean is not None else "",
                o.distribution,
            )
            for o in options
        )
        chart: ChartKind = (
            "ranking" if question.type == "ranking" else "means" if numeric else "grid"
        )
        return replace(view, chart=chart, bars=bars, total=sum(o.count for o in options))
    return view


def _counted(view: QuestionView, question: Question) -> QuestionView:
    counts = [o.count for o in question.options]
    several = question.type == "multi-choice" and question.respondents > 0
    if several:
        # Several answers each: a share of the people who answered, as the tools show it;
        # such shares cannot add up to 100.
        base = question.respondents
        percents = [int(c * 100 / base + 0.5) for c in counts]
    else:
        base = sum(counts)
        percents = largest_remainder(counts)
    bars = tuple(
        Bar(o.label, o.count, p, o.count / base if base else 0.0, correct=o.correct)
        for o, p in zip(question.options, percents, strict=True)
    )
    return replace(view, chart="counts", bars=bars, total=base, of_respondents=several)


def _words(view: QuestionView, responses: tuple[Response, ...], shown: int = 10) -> QuestionView:
    """A word cloud as the words given most often (case and spacing ignored)."""
    spelling: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for response in responses:
        key = " ".join(response.text.split()).casefold()
        if key:
            spelling.setdefault(key, " ".join(response.text.split()))
            counts[key] += 1
    top = counts.most_common(shown)  # ties keep the order the words were first given
    most = top[0][1] if top else 0
    percents = largest_remainder(list(counts.values()))
    share = dict(zip(counts, percents, strict=True))
    bars = tuple(Bar(spelling[k], n, share[k], n / most) for k, n in top)
    return replace(view, chart="words", bars=bars, total=sum(counts.values()))


def _scaled(mean: float | None, top: int, items: int, kind: str) -> float:
    """Bar length: an average score against the scale's top; a rank so that 1st is longest."""
    if mean is None:
        return 0.0
    if kind == "ranking":
        return max(0.0, (items + 1 - mean) / items) if items else 0.0
    return max(0.0, min(1.0, mean / top)) if top > 0 else 0.0


def _by_result(chart: ChartKind) -> Callable[[Bar], tuple[float, ...]]:
    """Sort key for "votes": most votes, highest average, or best position first."""
    if chart == "ranking":
        return lambda b: (0 if b.mean else 1, -b.length)
    if chart == "means":
        return lambda b: (-b.length,)
    return lambda b: (-b.count,)


def _check_labels(views: list[QuestionView], insert: PollInsert, fail: _PollFailure) -> None:
    known = {b.label for v in views for b in v.bars} | {
        o.label for v in views for o in v.question.options
    }
    for label in dict(insert.labels):
        if label not in known:
            which = ", ".join(v.question.id for v in views)
            raise fail(
                f"'labels' renames '{label}', but question {which} has no such option"
                f" (options: {', '.join(sorted(known)) or 'none'})"
            )


def _ordered_as_listed(
    views: list[QuestionView], listed: tuple[str, ...], labels: dict[str, str], fail: _PollFailure
) -> list[QuestionView]:
    """The bars named in `order:` (as exported or as shown) first, then the others; with
    several questions, each takes the names it has."""
    shown = {labels.get(b.label, b.label): b.label for v in views for b in v.bars}
    exported = {b.label for v in views for b in v.bars}
    rank: dict[str, int] = {}
    for name in listed:
        label = name if name in exported else shown.get(name)
        if label is None:
            which = ", ".join(v.question.id for v in views)
            raise fail(
                f"'order' names '{name}', but question {which} has no such option"
                f" (options: {', '.join(sorted(exported)) or 'none'})"
            )
        rank.setdefault(label, len(rank))
    return [
        replace(v, bars=tuple(sorted(v.bars, key=lambda b: rank.get(b.label, len(rank)))))
        for v in views
    ]


def _relabelled(view: QuestionView, labels: dict[str, str]) -> QuestionView:
    if not labels:
        return view
    bars = tuple(replace(b, label=labels.get(b.label, b.label)) for b in view.bars)
    return replace(view, bars=bars)


def _number(value: float | None, language: str) -> str:
    """One decimal, with the report language's decimal sign ("3,4" in Dutch)."""
    if value is None:
        return ""
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "nl" else text


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
