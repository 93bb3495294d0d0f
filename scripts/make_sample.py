"""Regenerate the sample event's slide decks and poll export from the seed report.

The sample event `sources/2020-09-03-zorg-slachtoffers-mensenhandel/` rebuilds a real
published report (`../shared/seed/000_cd365549307deba2.txt`, relative to the project
root). The write-up (event.yaml, sessions/*.md) is written by hand; the binary inputs a
real organiser would receive from speakers and from the poll tool are generated here:

- `decks/*.pptx`: one deck per speaker that offered a presentation for download, holding
  the slides the report quotes (list content) or names (titles only: the report does not
  give their content, so none is made up). Each deck starts with a title slide holding the
  talk's title as the report gives it.
- `decks/sonderman-sekse-gerichte-benadering.pdf`: one deck delivered as PDF (landscape
  pages, one per slide), made with WeasyPrint from simple HTML.
- `polls/mentimeter-resultaten.xlsx`: a Mentimeter "Download results" export laid out as
  in `../shared/formats/poll-exports.md`: the three statements as `choices` slides with
  the report's vote counts, each followed by an `open` slide ("Stelling N: toelichting")
  holding the report's quoted reactions. The report gives only totals, so which numbered
  (anonymous) voter cast which vote is synthetic: the first voters vote "Eens", the next
  "Oneens", and the reactions go to voters 1, 2, 3, ... in the report's order.

Every text comes from the seed, found by anchor lines; a missing anchor stops the script
with a message naming it. Output is deterministic: fixed core properties and dates
(2020-09-03), fixed ZIP member timestamps, a fixed PDF identifier and metadata, so two
runs give identical bytes (with the same library versions and fonts installed).

Usage (from the project root):

    .venv/bin/python scripts/make_sample.py [--seed PATH] [--event-dir DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter
from pptx import Presentation
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.slide import Slide
from pptx.text.text import _Paragraph
from weasyprint import HTML

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = ROOT.parent / "shared" / "seed" / "000_cd365549307deba2.txt"
DEFAULT_EVENT_DIR = ROOT / "sources" / "2020-09-03-zorg-slachtoffers-mensenhandel"

EVENT_DATE = dt.datetime(2020, 9, 3, 0, 0, 0)
"""Creation and modification date written into every generated file."""
ZIP_DATE = (2020, 9, 3, 0, 0, 0)
"""Timestamp of every member of the generated .pptx and .xlsx archives."""
GENERATOR = "eventreport scripts/make_sample.py"
"""Author/creator recorded in the files' metadata: where they really come from."""

# Slide layouts of python-pptx's default template.
LAYOUT_TITLE = 0
LAYOUT_TITLE_AND_CONTENT = 1
LAYOUT_TITLE_ONLY = 5

BULLET = "•"


class SeedError(Exception):
    """The seed does not hold a text this script expects."""


# --- Reading the seed ----------------------------------------------------------------


class Seed:
    """The seed report's lines, with trailing whitespace (spaces, no-break spaces) removed."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise SeedError(f"seed file not found: {path}")
        self.path = path
        self.lines = [line.rstrip() for line in path.read_text(encoding="utf-8").splitlines()]

    def index(self, anchor: str, start: int = 0) -> int:
        """Index of the first line equal to `anchor` at or after `start`."""
        for i in range(start, len(self.lines)):
            if self.lines[i] == anchor:
                return i
        raise SeedError(f"{self.path}: anchor line not found: {anchor!r}")

    def heading(self, anchor: str) -> str:
        """Return `anchor` after checking that the seed has it as a line of its own."""
        return self.lines[self.index(anchor)]

    def list_after(self, anchor: str) -> list[Item]:
        """The bullet list right after the line `anchor`.

        A line " • text" is a level-0 item; an indented line without a bullet directly under
        an item ("  text") is a level-1 paragraph belonging to that item.
        """
        i = self.index(anchor) + 1
        items: list[Item] = []
        while i < len(self.lines):
            line = self.lines[i]
            stripped = line.strip()
            if not stripped:
                if items:
                    break
            elif stripped.startswith(BULLET):
                items.append(Item(stripped.removeprefix(BULLET).strip(), level=0))
            elif items and line.startswith("  "):
                items.append(Item(stripped, level=1, bullet=False))
            else:
                break
            i += 1
        if not items:
            raise SeedError(f"{self.path}: no bullet list under {anchor!r}")
        return items


@dataclass(frozen=True)
class Item:
    """One paragraph of a slide's body placeholder."""

    text: str
    level: int = 0
    bullet: bool = True


@dataclass(frozen=True)
class SlideSpec:
    """One slide: a title and, optionally, body paragraphs."""

    title: str
    body: tuple[Item, ...] = ()
    title_slide: bool = False


@dataclass(frozen=True)
class Statement:
    """One Mentimeter statement with its counts and the quoted reactions."""

    title: str
    agree: int
    disagree: int
    reactions: tuple[str, ...]


STATEMENT_RE = re.compile(r"^Stelling (\d+): ")
RESULT_RE = re.compile(r"^Uitslag: (\d+) eens, (\d+) oneens$")


def unquote(text: str) -> str:
    """Remove the outer typographic quote marks ‘ ’ of a quoted reaction, nothing else."""
    text = text.strip()
    if text.startswith("‘"):
        text = text[1:]
    if text.endswith("’"):
        text = text[:-1]
    return text


def read_statements(seed: Seed) -> list[Statement]:
    """The statements between the discussion heading and the line after the last one."""
    start = seed.index(
        "Discussie: Wat is er nodig om kennis beter te delen en samen kennis te ontwikkelen?"
    )
    end = seed.index(
        "Na 3 stellingen was het tijd voor de afronding van de bijeenkomst. Na afloop van "
        "konden deelnemers nog reageren op de overige stellingen in de Mentimeter.",
        start,
    )
    statements: list[Statement] = []
    i = start + 1
    while i < end:
        line = seed.lines[i]
        match = STATEMENT_RE.match(line)
        if not match:
            i += 1
            continue
        if int(match.group(1)) != len(statements) + 1:
            raise SeedError(f"{seed.path}: line {i + 1}: statements out of order: {line!r}")
        j = i + 1
        while j < end and not seed.lines[j]:
            j += 1
        result = RESULT_RE.match(seed.lines[j]) if j < end else None
        if result is None:
            raise SeedError(f"{seed.path}: no 'Uitslag: N eens, M oneens' line under {line!r}")
        reactions: list[str] = []
        k = j + 1
        while k < end and not STATEMENT_RE.match(seed.lines[k]):
            text = seed.lines[k].strip()
            if text:
                if not text.startswith("‘"):
                    raise SeedError(f"{seed.path}: line {k + 1}: expected a quoted reaction")
                reactions.append(unquote(text))
            k += 1
        if not reactions:
            raise SeedError(f"{seed.path}: no reactions under {line!r}")
        statements.append(
            Statement(line, int(result.group(1)), int(result.group(2)), tuple(reactions))
        )
        i = k
    if len(statements) != 3:
        raise SeedError(f"{seed.path}: expected 3 statements, found {len(statements)}")
    return statements


# --- Deterministic ZIP packages ------------------------------------------------------


def normalise_zip(data: bytes) -> bytes:
    """Rewrite an OOXML package with fixed member timestamps and attributes.

    python-pptx and openpyxl stamp every member with the current time; the members, their
    order and their contents are kept as they are.
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 0
            member.external_attr = 0
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


# --- Decks ---------------------------------------------------------------------------


def set_dutch(paragraph: _Paragraph) -> None:
    """Mark every run of a paragraph as Dutch text."""
    for run in paragraph.runs:
        run.font.language_id = MSO_LANGUAGE_ID.DUTCH


def remove_empty_placeholders(slide: Slide) -> None:
    """Drop placeholders left without text (e.g. a title slide's subtitle)."""
    for shape in list(slide.placeholders):
        if shape.placeholder_format.idx != 0 and not shape.text_frame.text:
            element = shape.element
            element.getparent().remove(element)


def add_slide(prs: Any, spec: SlideSpec) -> None:
    """Add one slide: title in the title placeholder, body paragraphs with their levels."""
    if spec.title_slide:
        layout = LAYOUT_TITLE
    elif spec.body:
        layout = LAYOUT_TITLE_AND_CONTENT
    else:
        layout = LAYOUT_TITLE_ONLY
    slide = prs.slides.add_slide(prs.slide_layouts[layout])
    title = slide.shapes.title
    assert title is not None, "layout without a title placeholder"
    title.text_frame.text = spec.title
    set_dutch(title.text_frame.paragraphs[0])
    if spec.body:
        frame = slide.placeholders[1].text_frame
        for n, item in enumerate(spec.body):
            paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
            paragraph.text = item.text
            paragraph.level = item.level
            if not item.bullet:
                # A continuation paragraph: indented under its bullet, without a bullet.
                p_pr = paragraph._p.get_or_add_pPr()
                p_pr.set("indent", "0")
                p_pr.append(OxmlElement("a:buNone"))
                assert p_pr.find(qn("a:buNone")) is not None
            set_dutch(paragraph)
    remove_empty_placeholders(slide)


def write_pptx(path: Path, title: str, slides: list[SlideSpec]) -> None:
    """Write a .pptx deck with fixed core properties and ZIP timestamps."""
    prs = Presentation()
    for spec in slides:
        add_slide(prs, spec)
    props = prs.core_properties
    props.title = title
    props.author = GENERATOR
    props.last_modified_by = GENERATOR
    props.comments = ""
    props.language = "nl-NL"
    props.revision = 1
    props.created = EVENT_DATE
    props.modified = EVENT_DATE
    buffer = io.BytesIO()
    prs.save(buffer)
    path.write_bytes(normalise_zip(buffer.getvalue()))


PDF_CSS = """
@page { size: 960pt 540pt; margin: 0; }  /* PowerPoint's 16:9 widescreen, 13.33 x 7.5 in */
html { font-family: "DejaVu Sans", sans-serif; color: #1a1a1a; }
body { margin: 0; }
section { height: 540pt; box-sizing: border-box; padding: 50pt 60pt; }
section + section { break-before: page; }
h1 { font-size: 28pt; margin: 0; }
section.title { padding-top: 220pt; text-align: center; }
"""


def write_pdf(path: Path, title: str, slides: list[SlideSpec]) -> None:
    """Write a PDF deck: one landscape 16:9 page per slide, the title as its heading."""
    sections = []
    for spec in slides:
        if spec.body:
            raise ValueError("PDF slides hold a title only")
        css_class = ' class="title"' if spec.title_slide else ""
        sections.append(f"<section{css_class}><h1>{html.escape(spec.title)}</h1></section>")
    stamp = EVENT_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    document = (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f'<meta name="author" content="{GENERATOR}">'
        f'<meta name="generator" content="{GENERATOR}">'
        f'<meta name="dcterms.created" content="{stamp}">'
        f'<meta name="dcterms.modified" content="{stamp}">'
        f"<style>{PDF_CSS}</style></head><body>{''.join(sections)}</body></html>"
    )
    pdf = HTML(string=document).write_pdf(
        pdf_identifier=b"eventreport-sample-sonderman", pdf_tags=True
    )
    assert isinstance(pdf, bytes)
    path.write_bytes(pdf)


def deck_specs(seed: Seed) -> dict[str, tuple[str, list[SlideSpec]]]:
    """File name -> (deck title, slides) for every deck, all texts taken from the seed."""

    def title_slide(anchor: str) -> SlideSpec:
        return SlideSpec(seed.heading(anchor), title_slide=True)

    def title_only(anchor: str) -> SlideSpec:
        return SlideSpec(seed.heading(anchor))

    def with_list(anchor: str) -> SlideSpec:
        return SlideSpec(seed.heading(anchor), tuple(seed.list_after(anchor)))

    hageman = "Zorgelijke terugloop aantal meldingen van mogelijke slachtoffers"
    bekken = "Waarmee kunnen we slachtoffers van loverboys nog beter helpen?"
    koraal = "ZIE JIJ HET OOK: signaleren van een LVB-slachtoffer van mensenhandel/loverboy"
    pluryn = "Pluryn in samenwerking met Ketenaanpak Jeugdprostitutie Noord-Oost Gelderland"
    sonderman = "Sekse-gerichte benadering bij aanpak loverboys"
    aussems = "Onderzoek naar effecten van behandelprogramma’s: samenwerking met meisjes"
    return {
        "hageman-meldingen-slachtoffers.pptx": (
            hageman,
            [
                title_slide(hageman),
                with_list(
                    "Er zijn al veel initiatieven om slachtoffers beter in beeld te krijgen:"
                ),
                with_list("Wat ontbreekt nog?"),
            ],
        ),
        "bekken-trajectbenadering.pptx": (
            bekken,
            [
                title_slide(bekken),
                title_only("Wat zijn de succesfactoren en knelpunten in trajectbenadering?"),
                title_only("Zo zien de 4 pilots eruit"),
            ],
        ),
        "koraal-zie-jij-het-ook.pptx": (koraal, [title_slide(koraal)]),
        "pluryn-ketenaanpak.pptx": (pluryn, [title_slide(pluryn)]),
        "sonderman-sekse-gerichte-benadering.pdf": (
            sonderman,
            [title_slide(sonderman), title_only("Leefklimaat, effectmeting en conclusie")],
        ),
        "aussems-addink-behandelprogrammas.pptx": (
            aussems,
            [title_slide(aussems), title_only("10 belangrijkste behoeften van de meisjes")],
        ),
    }


# --- Mentimeter export ---------------------------------------------------------------

VOTERS_NOTE_1 = "Note: there are more sheets in this document"
VOTERS_NOTE_2 = (
    "Each session is found on its own sheet below. "
    "There is a session for each time you have renewed these questions."
)
DATE_TEXT = EVENT_DATE.strftime("%Y-%m-%d")


def write_mentimeter(path: Path, statements: list[Statement]) -> None:
    """Write the Mentimeter "Download results" workbook: `Voters`, then `Session 1`."""
    voters_total = max(s.agree + s.disagree for s in statements)
    wb = Workbook()
    voters = wb.active
    assert voters is not None
    voters.title = "Voters"
    session = wb.create_sheet("Session 1")

    voters["A1"] = VOTERS_NOTE_1
    voters["A2"] = VOTERS_NOTE_2
    header: list[str] = ["Date", "Session", "Voter"]
    columns: list[list[str | None]] = []  # per slide column: the value for each voter
    for statement in statements:
        header.append(f"{statement.title}:")
        votes: list[str | None] = [None] * voters_total
        for v in range(statement.agree + statement.disagree):
            votes[v] = "Eens" if v < statement.agree else "Oneens"
        columns.append(votes)
        header.append(f"{open_title(statement)}: 1")
        answers: list[str | None] = [None] * voters_total
        for v, reaction in enumerate(statement.reactions):
            answers[v] = reaction
        columns.append(answers)
    voters.append(header)
    for v in range(voters_total):
        voters.append([DATE_TEXT, 1, v + 1, *(column[v] for column in columns)])

    number = 0
    for statement in statements:
        number += 1
        rows: list[list[Any]] = [
            [f"Question {number}"],
            ["Date", DATE_TEXT],
            ["Session", 1],
            ["Type", "choices"],
            ["Question", statement.title],
            ["Respondents", statement.agree + statement.disagree],
            [],
            ["Choices", "Votes"],
            ["Eens", statement.agree],
            ["Oneens", statement.disagree],
            [],
        ]
        number += 1
        rows += [
            [f"Question {number}"],
            ["Date", DATE_TEXT],
            ["Session", 1],
            ["Type", "open"],
            ["Question", open_title(statement)],
            ["Respondents", len(statement.reactions)],
            [],
            ["Responses"],
            *([reaction] for reaction in statement.reactions),
            [],
        ]
        for row in rows:
            session.append(row)

    props = wb.properties
    props.creator = GENERATOR
    props.lastModifiedBy = GENERATOR
    props.created = EVENT_DATE
    props.modified = EVENT_DATE
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save() would stamp `modified` with the current time.
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    path.write_bytes(normalise_zip(buffer.getvalue()))


def open_title(statement: Statement) -> str:
    """Title of the open question that collects reactions: "Stelling N: toelichting"."""
    return statement.title.split(": ", 1)[0] + ": toelichting"


# --- Main ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Generate every deck and the poll export; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED, help="the seed report")
    parser.add_argument(
        "--event-dir", type=Path, default=DEFAULT_EVENT_DIR, help="the event's sources folder"
    )
    args = parser.parse_args(argv)
    try:
        seed = Seed(args.seed)
        decks = deck_specs(seed)
        statements = read_statements(seed)
    except SeedError as error:
        print(f"make_sample: {error}", file=sys.stderr)
        return 1

    event_dir: Path = args.event_dir
    (event_dir / "decks").mkdir(parents=True, exist_ok=True)
    (event_dir / "polls").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, (title, slides) in decks.items():
        path = event_dir / "decks" / name
        if path.suffix == ".pdf":
            write_pdf(path, title, slides)
        else:
            write_pptx(path, title, slides)
        written.append(path)
    poll_path = event_dir / "polls" / "mentimeter-resultaten.xlsx"
    write_mentimeter(poll_path, statements)
    written.append(poll_path)
    for path in written:
        print(path.relative_to(event_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
