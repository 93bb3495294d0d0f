"""PowerPoint decks (.pptx, .ppsx, .pptm, .potx), recognised by content, read from the XML.

The slide list, layouts, masters, charts and SmartArt are followed through the package's
relationships; only the parts a slide uses are parsed (see `opc`), through the limits of
`readers.zipguard`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from eventreport.errors import ReadError
from eventreport.limits import DECK_SLIDES, SLIDE_PARAGRAPHS, SLIDE_SHAPES, SLIDE_TABLE_CELLS
from eventreport.model import ChartBlock, Deck, DiagramBlock, Slide
from eventreport.readers.decks.opc import Package
from eventreport.readers.decks.pptx_chart import PointBudget, read_chart
from eventreport.readers.decks.pptx_diagram import read_diagram
from eventreport.readers.decks.pptx_shapes import R_ID, SlideReader, paragraph_text
from eventreport.readers.decks.pptx_styles import NS, A, Inheritance, P, ph_type, placeholder
from eventreport.readers.decks.xmlnum import whole
from eventreport.readers.text import web_address
from eventreport.readers.zipguard import SafeZip

_DEFAULT_HEIGHT = 6858000  # 7.5 in, PowerPoint's default slide height
_BAND = 0.02  # of the slide height: tops closer than this count as one reading row
_SAVE_AGAIN = "open the file in PowerPoint and save it again"
_PRESENTATION = f"{{{P}}}presentation"
_SLIDE = f"{{{P}}}sld"


def read_pptx(
    path: Path,
    *,
    include_hidden: bool = False,
    notes: bool = False,
    archive: zipfile.ZipFile | None = None,
) -> Deck:
    """Read a PowerPoint deck; hidden slides and speaker notes only when asked for.
    `archive` is the file already opened as a zip (by the format check), if it was."""
    with SafeZip(path, archive=archive) as safe:
        package = Package(safe)
        main = package.main_part()
        presentation = package.xml(main)
        if presentation.tag != _PRESENTATION:
            raise ReadError(
                path,
                f"not a PowerPoint presentation (its main part is "
                f"'{package.content_type(main)}'); save it as .pptx",
            )
        size = presentation.find("./p:sldSz", NS)
        height = whole(size, "cy", path, _DEFAULT_HEIGHT) if size is not None else _DEFAULT_HEIGHT
        reader = _DeckReader(package, int(height * _BAND))
        rels = package.rels(main)
        slides = []
        listed = presentation.findall("./p:sldIdLst/p:sldId", NS)
        if len(listed) > DECK_SLIDES:
            raise ReadError(
                path,
                f"the deck lists {len(listed)} slides, more than the {DECK_SLIDES} a deck may"
                f" have; {_CRAFTED}",
            )
        for number, slide_id in enumerate(listed, 1):
            rel = rels.get(slide_id.get(R_ID, ""))
            if rel is None or rel.external or not package.has(rel.target):
                raise ReadError(
                    path, f"the slide is missing from the file; {_SAVE_AGAIN}", f"slide {number}"
                )
            slide = reader.slide(rel.target, number, include_hidden, notes)
            if slide is not None:
                slides.append(slide)
    return Deck(source=path, format="pptx", slides=tuple(slides))


class _DeckReader:
    """Reads slides of one package, sharing layouts and masters between them."""

    def __init__(self, package: Package, band: int) -> None:
        self._package = package
        self._band = band
        self._inheritance: dict[str, Inheritance] = {}
        self._budget = PointBudget()

    def slide(self, part: str, number: int, include_hidden: bool, notes: bool) -> Slide | None:
        """Slide `number`, or None when it is hidden and hidden slides are not wanted."""
        root = self._package.xml(part)
        hidden = root.get("show") in ("0", "false")
        if hidden and not include_hidden:
            return None
        _check_size(root, number, self._package.path)
        related = _Related(self._package, part, self._budget)
        content = SlideReader(
            self._layout(part, number), related, self._band, self._package.path, include_hidden
        )
        tree = root.find("./p:cSld/p:spTree", NS)
        if root.tag != _SLIDE or tree is None:
            raise ReadError(
                self._package.path,
                f"the slide's part is damaged (it holds no slide content); {_SAVE_AGAIN}",
                f"slide {number}",
            )
        read = content.read(tree)
        return Slide(
            number=number,
            title=read.title,
            hidden=hidden,
            blocks=read.blocks,
            links=read.links,
            notes=self._notes(part) if notes else None,
        )

    def _layout(self, part: str, number: int) -> Inheritance:
        layout = self._package.related(part, "slideLayout")
        master = self._package.related(layout, "slideMaster") if layout else None
        if layout is None or master is None:
            missing = "layout" if layout is None else "master"
            raise ReadError(
                self._package.path,
                f"a part the slide needs is missing (its slide {missing}); {_SAVE_AGAIN}",
                f"slide {number}",
            )
        if layout not in self._inheritance:
            self._inheritance[layout] = Inheritance(
                self._package.shared(layout), self._package.shared(master), self._package.path
            )
        return self._inheritance[layout]

    def _notes(self, part: str) -> str:
        """The speaker notes' text; "" when the slide has none."""
        notes_part = self._package.related(part, "notesSlide")
        if notes_part is None or not self._package.has(notes_part):
            return ""
        texts = []
        for shape in self._package.xml(notes_part).iter(f"{{{P}}}sp"):
            ph = placeholder(shape)
            if ph is not None and ph_type(ph) == "body":
                texts += [paragraph_text(p) for p in shape.iterfind("./p:txBody/a:p", NS)]
        return "\n".join(t for t in texts if t)


# What one slide may hold, by element: (limit, what it is called in the message).
_SIZES = {
    f"{{{P}}}sp": (SLIDE_SHAPES, "shapes"),
    f"{{{P}}}pic": (SLIDE_SHAPES, "shapes"),
    f"{{{P}}}graphicFrame": (SLIDE_SHAPES, "shapes"),
    f"{{{P}}}cxnSp": (SLIDE_SHAPES, "shapes"),
    f"{{{P}}}grpSp": (SLIDE_SHAPES, "shapes"),
    f"{{{A}}}p": (SLIDE_PARAGRAPHS, "paragraphs"),
    f"{{{A}}}tc": (SLIDE_TABLE_CELLS, "table cells"),
}
_CRAFTED = (
    "no real deck is that large, so the file may be crafted to exhaust the machine. Ask the"
    " speaker for the file again, or leave the deck out"
)


def _check_size(root: etree._Element, number: int, path: Path) -> None:
    """Refuse a slide with more shapes, paragraphs or table cells than limits.py allows:
    a slide of 100,000 shapes reads in a second but would take the PDF step hours."""
    counts: dict[str, int] = {}
    for element in root.iter(*_SIZES):
        limit, what = _SIZES[element.tag]
        counts[what] = counts.get(what, 0) + 1
        if counts[what] > limit:
            raise ReadError(
                path, f"the slide holds more than {limit} {what}; {_CRAFTED}", f"slide {number}"
            )


class _Related:
    """What a slide's relationships point at: link URLs, charts, SmartArt data."""

    def __init__(self, package: Package, part: str, budget: PointBudget) -> None:
        self._package = package
        self._rels = package.rels(part)
        self._budget = budget

    def url(self, rel_id: str) -> str | None:
        """The external URL of a hyperlink; None for jumps inside the deck."""
        rel = self._rels.get(rel_id)
        return web_address(rel.target) if rel is not None and rel.external and rel.target else None

    def chart(self, rel_id: str) -> ChartBlock | None:
        """The chart a graphic frame shows, or None when its part is missing."""
        part = self._part(rel_id)
        if part is None:
            return None
        return read_chart(self._package.xml(part), self._package.path, self._budget)

    def diagram(self, rel_id: str) -> DiagramBlock | None:
        """The SmartArt text a graphic frame shows, or None when its data is missing."""
        part = self._part(rel_id)
        return read_diagram(self._package.xml(part), self._package.path) if part else None

    def _part(self, rel_id: str) -> str | None:
        rel = self._rels.get(rel_id)
        if rel is None or rel.external or not self._package.has(rel.target):
            return None
        return rel.target
