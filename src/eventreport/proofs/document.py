"""Each speaker's proof: their sessions in full with changes marked, the rest as headings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment
from lxml import html as lxml_html
from lxml.etree import SubElement, _Element

from ..assemble import assemble
from ..build import TEMPLATES, copy_files
from ..cache import Cache
from ..errors import SourceError
from ..house import load_house
from ..i18n import _
from ..manifest import load_event
from ..model import Event, ProofSettings, Report, Speaker
from ..personal.review import review
from ..proofstate.blocks import block_elements, session_blocks
from ..proofstate.rounds import Round, load_rounds
from ..readers.decks.cache import build_cache
from ..render.html import page_context
from ..render.pdf import LocalFetcher, write_pdf
from ..templating import environment, render
from ..textutil import long_date
from ..workspace import event_lock, output_error, staging, swap_in
from .diff import mark_changes
from .identity import stamp
from .linenumbers import draw_numbers, layout, numbered_lines
from .messages import attachment_names, build_message, subject

WORDS = {
    "nl": {
        "draft": "CONCEPT – niet verspreiden",
        "proof_for": "Proef voor",
        "round": "Ronde",
        "deadline": "Reageren vóór",
        "reply_to": "aan",
        "first": "Eerste ronde: alles is nieuw.",
        "changes": "{n} wijzigingen sinds ronde {r}",
        "change": "1 wijziging sinds ronde {r}",
        "no_changes": "Geen wijzigingen sinds ronde {r}",
        "condensed": "Niet uw onderdeel; ingekort tot de kop.",
        "added": "toegevoegd",
        "removed": "verwijderd",
        "yours": "Uw onderdeel",
        "block": "blok",
        "how": "Wijzigingen sinds de vorige ronde zijn gemarkeerd: toegevoegd, verwijderd.",
    },
    "en": {
        "draft": "DRAFT – do not distribute",
        "proof_for": "Proof for",
        "round": "Round",
        "deadline": "Reply before",
        "reply_to": "to",
        "first": "First round: everything is new.",
        "changes": "{n} changes since round {r}",
        "change": "1 change since round {r}",
        "no_changes": "No changes since round {r}",
        "condensed": "Not your part; shortened to its heading.",
        "added": "added",
        "removed": "removed",
        "yours": "Your part",
        "block": "block",
        "how": "Changes since the previous round are marked: added, removed.",
    },
}
LEFT_NUMBERS_PT = 50.0  # right edge of the line numbers, inside the 25 mm left margin


@dataclass(frozen=True)
class Proof:
    """One speaker's proof files and what they show."""

    speaker: Speaker
    """Whose proof it is."""
    sessions: tuple[str, ...]
    """Their session ids."""
    round: int
    """The round this proof belongs to."""
    since: int | None
    """The round the speaker saw last, None on their first round."""
    changes: int
    """Changes marked since `since`."""
    html: Path
    """The HTML proof."""
    pdf: Path
    """The PDF proof."""
    message: Path
    """The plain-text cover message."""
    lines: int
    """Line numbers in the PDF."""
    eml: Path | None = None
    """The complete e-mail, when the speaker has an address."""
    message_id: str | None = None
    """That e-mail's Message-ID."""


@dataclass(frozen=True)
class Batch:
    """The proofs made in one run, and what sending and recording them needs."""

    event: Event
    """The event, as read."""
    round: int
    """Their round: the latest recorded one while its text is unchanged, else the next."""
    current: dict[str, list[str]]
    """Every session's text blocks now (what a round records)."""
    proofs: list[Proof]
    """One per speaker, in event.yaml's order."""


def make_proofs(
    event_dir: Path,
    out_root: Path,
    *,
    speaker: str | None = None,
    today: dt.date | None = None,
    templates: Path = TEMPLATES,
    progress: Callable[[str], None] = lambda _: None,
) -> list[Proof]:
    """Write proofs (PDF, HTML, cover text, e-mail) into `out_root/<slug>/proofs/`."""
    return make_batch(
        event_dir, out_root, speaker=speaker, today=today, templates=templates, progress=progress
    ).proofs


def make_batch(
    event_dir: Path,
    out_root: Path,
    *,
    speaker: str | None = None,
    today: dt.date | None = None,
    templates: Path = TEMPLATES,
    progress: Callable[[str], None] = lambda _: None,
) -> Batch:
    """`make_proofs`, returning the round and the sessions' text as well."""
    event_dir, out_root = event_dir.resolve(), out_root.resolve()
    event = load_event(event_dir)
    settings = _settings(event)
    house = load_house(templates, event_dir / "templates")
    report = replace(
        assemble(event, progress, Cache(out_root / ".cache"), build_cache(out_root)), house=house
    )
    # Proofs leave the house: personal data in them stops them as it stops a publish.
    review(report).require_clear(_("the proofs"))
    env = environment(templates, event_dir / "templates")
    current = session_blocks(render(env, "report.html", **page_context(env, report, "screen")))
    rounds = load_rounds(event)
    number = round_number(rounds, current)
    rounds = [r for r in rounds if r.number < number]
    people = _speakers(event, speaker)
    day = today or dt.date.today()

    final = out_root / event.slug / "proofs"
    # The build's lock: a build swaps the whole build/<event>/ folder these go into.
    with event_lock(out_root, event.slug, "build"):
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_error(exc, final.parent) from None
        with staging(final.parent, "proofs") as stage:
            copy_files(report, stage)
            made = [
                _proof(env, report, settings, person, number, rounds, day, stage, final, progress)
                for person in people
            ]
            swap_in(stage, final, keep=())
    return Batch(event, number, current, made)


def round_number(rounds: list[Round], current: dict[str, list[str]]) -> int:
    """The round proofs made now belong to. While every session of the latest round still
    reads as it was sent, that round is not over (a refused e-mail is sent again, a new
    speaker gets theirs): same number. Once a text changed, the next round."""
    if not rounds:
        return 1
    latest = rounds[-1]
    if all(current.get(sid) == blocks for sid, blocks in latest.blocks.items()):
        return latest.number
    return latest.number + 1


def _settings(event: Event) -> ProofSettings:
    if event.proofs is None:
        raise SourceError(
            event.root / "event.yaml",
            "proofs need a 'proofs:' section with 'reply_to:' (where corrections go) and"
            " 'deadline:' (YYYY-MM-DD); see docs/sources.md",
        )
    return event.proofs


def _speakers(event: Event, wanted: str | None) -> list[Speaker]:
    with_sessions = [
        p for p in event.speakers.values() if any(p.id in s.speakers for s in event.sessions)
    ]
    if wanted is None:
        return with_sessions
    for person in with_sessions:
        if person.id == wanted:
            return [person]
    known = ", ".join(p.id for p in with_sessions) or "none"
    raise SourceError(
        event.root / "event.yaml",
        f"no speaker '{wanted}' with a session (speakers with sessions: {known})",
    )


def _proof(
    env: Environment,
    report: Report,
    settings: ProofSettings,
    person: Speaker,
    number: int,
    rounds: list[Round],
    day: dt.date,
    stage: Path,
    final: Path,
    progress: Callable[[str], None],
) -> Proof:
    event = report.event
    own = tuple(s.id for s in event.sessions if person.id in s.speakers)
    previous: dict[str, Round] = {}
    for sid in own:
        last = next((r for r in reversed(rounds) if sid in r.blocks), None)
        if last is not None:
            previous[sid] = last
    since = max((r.number for r in previous.values()), default=None)
    words = WORDS[event.language]
    context = {
        "proof": {
            "speaker": person,
            "round": number,
            "date": long_date(day, event.language),
            "deadline": long_date(settings.deadline, event.language) if settings.deadline else None,
            "reply_to": settings.reply_to,
            "own": own,
            "since": since,
        },
        "W": words,
    }
    progress(_("proof for {name}").format(name=person.name))
    pages: dict[str, str] = {}
    changes = 0
    for medium in ("screen", "print"):
        page = render(
            env,
            "proof.html",
            **page_context(env, report, medium, ("proof.css",), proof_words=words, **context),
        )
        tree = lxml_html.document_fromstring(page)
        changes = _shape(tree, own, previous, words, medium)
        _summary(tree, words, since, changes)
        written = lxml_html.tostring(tree, doctype="<!DOCTYPE html>", encoding="unicode")
        # libxml2 knows no <wbr> (HTML 4) and closes it; HTML has no end tag for it.
        pages[medium] = written.replace("</wbr>", "")
    html_path = stage / f"{person.id}.html"
    pdf_path = stage / f"{person.id}.pdf"
    html_path.write_text(pages["screen"], encoding="utf-8")
    allowed = [event.root, env_templates(env)]
    write_pdf(pages["print"], stage, allowed, pdf_path)
    fetcher = LocalFetcher([stage, *allowed])
    lines = numbered_lines(layout(pages["print"], stage.as_uri() + "/", fetcher), set(own))
    draw_numbers(pdf_path, lines, LEFT_NUMBERS_PT)
    stamp(pdf_path, event.slug, number, person.id, lines)
    message = stage / f"{person.id}.txt"
    cover = {
        "event": event,
        "settings": settings,
        "sessions": [s for s in event.sessions if s.id in own],
        "changes_text": _changes_text(words, since, changes),
        **context,
    }
    text = render(env, "proof-message.txt", **cover)
    message.write_text(text, encoding="utf-8")
    eml, message_id = None, None
    if person.email is not None:
        html = render(
            env,
            "proof-message.html",
            subject=subject(event, number),
            attachments=attachment_names(event, number, person),
            **cover,
        )
        mail = build_message(event, settings, person, number, day, text, html, pdf_path, html_path)
        eml = final / f"{person.id}.eml"
        (stage / eml.name).write_bytes(bytes(mail))
        message_id = str(mail["Message-ID"])
    return Proof(
        speaker=person,
        sessions=own,
        round=number,
        since=since,
        changes=changes,
        html=final / html_path.name,
        pdf=final / pdf_path.name,
        message=final / message.name,
        lines=len(lines),
        eml=eml,
        message_id=message_id,
    )


def env_templates(env: Environment) -> Path:
    return Path(env.globals["templates_dir"])  # type: ignore[arg-type]


def _shape(
    tree: _Element,
    own: tuple[str, ...],
    previous: dict[str, Round],
    words: dict[str, str],
    medium: str,
) -> int:
    """Condense other sessions to their heading; mark changes in the speaker's own."""
    changes = 0
    spoken = (words["added"], words["removed"]) if medium == "screen" else None
    for section in tree.xpath("//section[contains(concat(' ', @class, ' '), ' session ')]"):
        sid = section.get("id")
        if sid not in own:
            _condense(section, words["condensed"])
            continue
        section.set("class", section.get("class", "") + " own")
        if sid in previous:
            changes += mark_changes(section, previous[sid].blocks[sid], spoken)
        if medium == "screen":
            _number_blocks(section, words["block"])
    return changes


def _condense(section: _Element, note: str) -> None:
    heading = next(iter(section.iter("h2", "h3", "h4")), None)
    for child in list(section):
        if child is not heading and "byline" not in (child.get("class") or ""):
            section.remove(child)
    marker = section.makeelement("p", {"class": "condensed"})
    marker.text = note
    section.append(marker)


def _number_blocks(section: _Element, word: str) -> None:
    # A browser reflows lines, so the HTML proof numbers blocks; the PDF numbers lines.
    # The number is read out too ("blok 12"): the cover message asks speakers to cite it.
    for index, element in enumerate(block_elements(section), 1):
        if element.tag in ("tr", "caption"):
            continue
        mark = element.makeelement("span", {"class": "block-number"})
        spoken = SubElement(mark, "span", {"class": "visually-hidden"})
        spoken.text = f"{word} "
        spoken.tail = f"{index}"
        after = SubElement(mark, "span", {"class": "visually-hidden"})
        after.text = ": "
        mark.tail = element.text
        element.text = None
        element.insert(0, mark)


def _changes_text(words: dict[str, str], since: int | None, changes: int) -> str:
    if since is None:
        return words["first"]
    if changes == 0:
        return words["no_changes"].format(r=since)
    if changes == 1:
        return words["change"].format(r=since)
    return words["changes"].format(n=changes, r=since)


def _summary(tree: _Element, words: dict[str, str], since: int | None, changes: int) -> None:
    for node in tree.xpath("//*[@id='proof-summary']"):
        node.text = _changes_text(words, since, changes)
