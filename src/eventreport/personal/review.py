"""The personal-data scan over everything a report publishes, weighed against privacy.yaml.

What is scanned: event.yaml's published values and every session's Markdown (by line),
the poll questions, options and quoted answers shown (by question and answer number),
the slide text pulled in (by slide), and all text left in the decks offered for download.
A build warns about each hit; proofs and a publish stop until every hit is removed from
its source or accepted (`accepted.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReportError, display_path
from ..i18n import _, ngettext
from ..model import (
    ChartBlock,
    DiagramBlock,
    DownloadView,
    ImageBlock,
    ListBlock,
    Paragraph,
    PollView,
    Report,
    Slide,
    SlidesView,
    TableBlock,
)
from ..yamlfile import Mapping, load_file
from .accepted import Acceptance, load_acceptances
from .detect import KINDS, Hit, find, mask

DOC = "docs/privacy.md"
# event.yaml's sections that never reach a published page: proofs go to the speakers only.
_UNPUBLISHED = ("proofs",)


class PersonalDataError(ReportError):
    """Personal data would reach a proof or a publish, unaccepted."""


@dataclass(frozen=True)
class Finding:
    """Personal data in a source that would reach the output."""

    file: Path
    """The source it is in."""
    place: str
    """Where in it: "line 14", "question 2, answer 3", "slide 4"."""
    detail: str
    """More of where, when the source says it ("sheet 'Session 1', row 14"); else ""."""
    hit: Hit
    """What was found."""

    def describe(self) -> str:
        """One line naming file, place and kind, with the text masked."""
        detail = f" ({self.detail})" if self.detail else ""
        kind = _(KINDS[self.hit.kind])
        return f"{display_path(self.file)}: {self.place}{detail}: {kind} {self.hit.masked}"


@dataclass(frozen=True)
class Review:
    """The scan's result for one report."""

    findings: tuple[Finding, ...]
    """Hits nobody accepted."""
    accepted: tuple[Finding, ...]
    """Hits an entry in privacy.yaml accepts."""
    stale: tuple[Acceptance, ...]
    """Entries in privacy.yaml that match nothing any more."""
    file: Path
    """The acceptance file (whether it exists or not)."""

    def warnings(self) -> list[str]:
        """For a draft build: each hit and each stale entry, as a warning."""
        said = _("personal data: {finding}; remove it from the source, or accept it in {file}")
        return [
            said.format(finding=f.describe(), file=accept_hint()) for f in self.findings
        ] + self.stale_notes()

    def stale_notes(self) -> list[str]:
        """Acceptances that no longer match anything: to be removed from the file."""
        return [
            (
                _(
                    "{file}: line {line}: the accepted {kind} {text} in {source} ({place}) no"
                    " longer occurs there; remove the entry"
                )
                if a.place
                else _(
                    "{file}: line {line}: the accepted {kind} {text} in {source} no longer"
                    " occurs there; remove the entry"
                )
            ).format(
                file=display_path(self.file), line=a.line, kind=_(KINDS[a.kind]),
                text=mask(a.text), source=a.file, place=a.place,
            )
            for a in self.stale
        ]  # fmt: skip

    def require_clear(self, what: str) -> None:
        """Stop `what` (proofs, the final version) while any hit is not accepted."""
        if not self.findings:
            return
        lines = "\n".join(f"    {f.describe()}" for f in self.findings)
        count = len(self.findings)
        said = ngettext(
            "{what} would publish personal data in {n} place; remove it from its source, or,"
            " where publishing it is right, accept it in {file}. --force does not override this.",
            "{what} would publish personal data in {n} places; remove each from its source, or,"
            " where publishing it is right, accept it in {file}. --force does not override this.",
            count,
        )
        raise PersonalDataError(
            None, said.format(what=what, n=count, file=accept_hint()) + f"\n{lines}"
        )


def accept_hint() -> str:
    """Where a hit is accepted, in the reader's language."""
    return _("privacy.yaml beside event.yaml (see {doc})").format(doc=DOC)


def review(report: Report) -> Review:
    """Scan what `report` publishes; hits accepted in privacy.yaml are set apart."""
    root = report.event.root.resolve()
    file, acceptances = load_acceptances(root)
    seen: set[tuple[Path, str, str, str]] = set()
    open_: list[Finding] = []
    accepted: list[Finding] = []
    used: set[int] = set()
    for source, place, detail, text in _texts(report):
        for hit in find(text):
            mark = (source, place, hit.kind, hit.key)
            if mark in seen:
                continue
            seen.add(mark)
            finding = Finding(source, place, detail, hit)
            match = _accepting(finding, acceptances, root)
            if match is None:
                open_.append(finding)
            else:
                used.add(match)
                accepted.append(finding)
    stale = tuple(a for i, a in enumerate(acceptances) if i not in used)
    return Review(tuple(open_), tuple(accepted), stale, file)


def _accepting(finding: Finding, acceptances: list[Acceptance], root: Path) -> int | None:
    try:
        relative = finding.file.resolve().relative_to(root).as_posix()
    except ValueError:
        return None
    for index, entry in enumerate(acceptances):
        if (
            entry.file == relative
            and entry.kind == finding.hit.kind
            and entry.key == finding.hit.key
            and (entry.place is None or entry.place == finding.place)
        ):
            return index
    return None


# --- What a report publishes, with where it comes from --------------------------------

Placed = tuple[Path, str, str, str]


def _texts(report: Report) -> Iterator[Placed]:
    event = report.event
    yield from _event_yaml(event.root / "event.yaml")
    files = dict.fromkeys(s.source for s in event.sessions)
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield path, f"line {number}", "", line
    for section in report.sections:
        for rs in section.sessions:
            for part in rs.parts:
                if isinstance(part, PollView):
                    yield from _poll(part)
                elif isinstance(part, SlidesView):
                    for slide in part.slides:
                        yield from ((part.deck.path, p, "", t) for p, t in _slide(slide))
                elif isinstance(part, DownloadView):
                    yield from ((part.deck.path, t.place, "", t.text) for t in part.copy.texts)


def _event_yaml(path: Path) -> Iterator[Placed]:
    """event.yaml by line, without comments and the sections no reader sees."""
    data = load_file(path)
    skip: set[int] = set()
    if isinstance(data, Mapping):
        starts = sorted(data.key_lines.values())
        for key in _UNPUBLISHED:
            if key in data.key_lines:
                first = data.key_lines[key]
                later = [line for line in starts if line > first]
                skip |= set(range(first, later[0] if later else 10**9))
        # Speakers' e-mail addresses go into their proof e-mails only, never a page.
        speakers = data.get("speakers")
        if isinstance(speakers, Mapping):
            skip |= {
                entry.line_of("email")
                for entry in speakers.values()
                if isinstance(entry, Mapping) and "email" in entry
            }
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number not in skip and not line.lstrip().startswith("#"):
            yield path, f"line {number}", "", line


def _poll(view: PollView) -> Iterator[Placed]:
    path = view.poll.path
    for qv in view.questions:
        question = qv.question
        where = f"question {question.id}"
        yield path, where, question.location, question.title
        for number, bar in enumerate(qv.bars, 1):
            yield path, f"{where}, option {number}", "", bar.label
        numbers = {id(r): n for n, r in enumerate(question.responses, 1)}
        for response in qv.quotes:
            found = numbers.get(id(response))
            place = f"{where}, answer {found}" if found else f"{where}, answer"
            yield path, place, response.location, response.text


def _slide(slide: Slide) -> Iterator[tuple[str, str]]:
    place = f"slide {slide.number}"
    if slide.title:
        yield place, slide.title
    for block in slide.blocks:
        for text in _block_texts(block):
            yield place, text
    for link in slide.links:
        yield place, link.text
        yield place, link.url
    if slide.notes:
        yield f"{place}, notes", slide.notes


def _block_texts(block: object) -> Iterator[str]:
    if isinstance(block, Paragraph):
        yield block.text
    elif isinstance(block, ListBlock):
        yield from (item.text for item in block.items)
    elif isinstance(block, TableBlock):
        yield from (cell for row in block.rows for cell in row)
    elif isinstance(block, ImageBlock) and block.alt:
        yield block.alt
    elif isinstance(block, ChartBlock):
        yield from (text for text in (block.title, *block.categories) if text)
        yield from (series.name for series in block.series if series.name)
    elif isinstance(block, DiagramBlock):
        yield from (item.text for item in block.items)
