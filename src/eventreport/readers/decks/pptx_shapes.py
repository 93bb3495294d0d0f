"""One slide's shape tree into a title, blocks in reading order, and links.

Reading order: top to bottom in bands, left to right within a band; on a slide whose
text is mostly in a right-to-left script (Hebrew, Arabic), right to left.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeAlias

from lxml import etree

from eventreport.model import (
    Block,
    ChartBlock,
    DiagramBlock,
    ImageBlock,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    TableBlock,
)
from eventreport.readers.decks.pptx_styles import (
    CHROME_TYPES,
    NS,
    TITLE_TYPES,
    A,
    Inheritance,
    P,
    first_child,
    ph_type,
    placeholder,
)
from eventreport.readers.decks.xmlnum import coordinate, whole
from eventreport.readers.text import clean, one_line, right_to_left, unescape_office

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
R_ID = f"{{{_R}}}id"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_SHAPES = frozenset({"sp", "pic", "graphicFrame"})
_TRUE = frozenset({"1", "true"})
_MAX_LEVEL = 8
# A slide number is chrome wherever it sits, also in a plain text box.
_CHROME_FIELDS = frozenset({"slidenum"})
_GRAPHIC = "./a:graphic/a:graphicData"


class Related(Protocol):
    """What the slide's relationship ids point at."""

    def url(self, rel_id: str) -> str | None:
        """The external URL of a link, or None for anything else."""

    def chart(self, rel_id: str) -> ChartBlock | None:
        """The chart of a graphic frame."""

    def diagram(self, rel_id: str) -> DiagramBlock | None:
        """The SmartArt text of a graphic frame."""


# (sx, sy, tx, ty): slide space = (sx * x + tx, sy * y + ty).
Transform = tuple[float, float, float, float]
_IDENTITY: Transform = (1.0, 1.0, 0.0, 0.0)
_Ph: TypeAlias = "etree._Element | None"
"""A shape's placeholder element (`p:ph`), or None for a shape that is not one."""
# A shape's top and its left (on a right-to-left slide: its right edge, negated) in slide
# space, the shape, and its placeholder element.
_Placed = tuple[float, float, etree._Element, _Ph]
_A_PPR = f"{{{A}}}pPr"
_A_R = f"{{{A}}}r"
_A_FLD = f"{{{A}}}fld"
_A_BR = f"{{{A}}}br"
_A_T = f"{{{A}}}t"
_A_RPR = f"{{{A}}}rPr"
_A_P = f"{{{A}}}p"
_HLINK = f"{{{A}}}hlinkClick"
_TX_BODY = f"{{{P}}}txBody"
_LST_STYLE = f"{{{A}}}lstStyle"
_C_NV_PR = f"{{{P}}}cNvPr"
_SP_PR = f"{{{P}}}spPr"
_P_XFRM = f"{{{P}}}xfrm"
_A_XFRM = f"{{{A}}}xfrm"
_A_OFF = f"{{{A}}}off"
_A_EXT = f"{{{A}}}ext"


@dataclass(frozen=True)
class SlideContent:
    """What one slide's shapes hold."""

    title: str | None
    blocks: tuple[Block, ...]
    links: tuple[Link, ...]


def local(element: etree._Element) -> str:
    """The element's tag without namespace; "" for comments and processing instructions."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


@dataclass
class _Links:
    """Collects hyperlinks, joining consecutive runs that point at one URL."""

    related: Related
    found: list[Link] = field(default_factory=list)
    _url: str | None = None
    _text: list[str] = field(default_factory=list)

    def run(self, run: etree._Element, text: str) -> None:
        props = run[0] if len(run) and run[0].tag == _A_RPR else None
        click = props.find(_HLINK) if props is not None else None
        url = self.related.url(click.get(R_ID, "")) if click is not None else None
        if url != self._url:
            self.flush()
        self._url = url
        if url is not None:
            self._text.append(text)

    def add(self, text: str, url: str) -> None:
        self.flush()
        self.found.append(Link(text or url, url))

    def flush(self) -> None:
        text = one_line("".join(self._text))
        if self._url is not None and text:
            self.found.append(Link(text, self._url))
        self._url, self._text = None, []


def paragraph_text(paragraph: etree._Element, links: _Links | None = None) -> str:
    """A `a:p` element's text with soft line breaks as '\\n'."""
    parts = []
    for child in paragraph:
        tag = child.tag
        if tag == _A_R or (tag == _A_FLD and child.get("type") not in _CHROME_FIELDS):
            t = first_child(child, _A_T)
            text = (t.text or "") if t is not None else ""
            parts.append(text)
            if links is not None:
                links.run(child, text)
        elif tag == _A_BR:
            parts.append("\n")
    if links is not None:
        links.flush()
    return clean(unescape_office("".join(parts)))


class SlideReader:
    """Reads one slide's `p:spTree`; `band` is the height (EMU) of one reading row,
    `path` the deck's, for errors. Shapes the speaker hid are read only with
    `hidden_shapes` (a deck's `include_hidden`), as hidden slides are."""

    def __init__(
        self,
        inheritance: Inheritance,
        related: Related,
        band: int,
        path: Path,
        hidden_shapes: bool = False,
    ) -> None:
        self._hidden_shapes = hidden_shapes
        self._inherit = inheritance
        self._path = path
        self._related = related
        self._band = band
        self._links = _Links(related)
        self._rtl = False

    def read(self, tree: etree._Element) -> SlideContent:
        self._rtl = _right_to_left(tree)
        placed = list(self._walk(tree, _IDENTITY))
        title = None
        for index, (_, _, shape, ph) in enumerate(placed):
            # The first title placeholder with text, in document order, is the title.
            if ph is not None and ph_type(ph) in TITLE_TYPES:
                title = one_line(self._text_of(shape, self._links))
                if title:
                    del placed[index]
                    break
        blocks: list[Block] = []
        for shape, ph in self._reading_order(placed):
            blocks.extend(self._blocks(shape, ph))
        return SlideContent(title or None, tuple(blocks), tuple(self._links.found))

    def _walk(self, container: etree._Element, transform: Transform) -> Iterator[_Placed]:
        for child in container:
            kind = local(child)
            if kind == "AlternateContent":
                # The Choice holds the richer markup; Fallback is for old readers.
                branch = child.find(f"{{{_MC}}}Choice")
                if branch is None:
                    branch = child.find(f"{{{_MC}}}Fallback")
                if branch is not None:
                    yield from self._walk(branch, transform)
            elif kind in ("grpSp", *_SHAPES) and not self._hidden_shapes and _hidden(child):
                continue
            elif kind == "grpSp":
                yield from self._walk(child, _compose(transform, child, self._path))
            elif kind in _SHAPES:
                ph = placeholder(child)
                if ph is not None and ph_type(ph) in CHROME_TYPES:
                    continue
                x, y, width = self._offset(child, ph)
                sx, sy, tx, ty = transform
                left = sx * x + tx
                # Mirrored: the shape whose right edge is furthest right comes first.
                yield (sy * y + ty, -(left + sx * width) if self._rtl else left, child, ph)

    def _offset(self, shape: etree._Element, ph: etree._Element | None) -> tuple[int, int, int]:
        """The shape's x and y, and on a right-to-left slide its width (else 0)."""
        # Direct child looks by qualified name: this runs for every shape of every slide,
        # and a namespaced path search costs several times more.
        sp_pr = first_child(shape, _SP_PR)
        xfrm = first_child(sp_pr, _A_XFRM) if sp_pr is not None else first_child(shape, _P_XFRM)
        off = first_child(xfrm, _A_OFF) if xfrm is not None else None
        if off is None and sp_pr is not None:
            xfrm = first_child(shape, _P_XFRM)
            off = first_child(xfrm, _A_OFF) if xfrm is not None else None
        if off is not None and xfrm is not None:
            ext = first_child(xfrm, _A_EXT) if self._rtl else None
            width = coordinate(ext, "cx", self._path) if ext is not None else 0
            return coordinate(off, "x", self._path), coordinate(off, "y", self._path), width
        if ph is None:
            return 0, 0, 0
        x, y = self._inherit.offset(ph)
        return x, y, self._inherit.width(ph) if self._rtl else 0

    def _reading_order(self, placed: list[_Placed]) -> list[tuple[etree._Element, _Ph]]:
        # Top to bottom in bands, left to right within a band: shapes side by side are
        # rarely aligned to the EMU.
        by_top = sorted(enumerate(placed), key=lambda item: (item[1][0], item[0]))
        ordered: list[tuple[etree._Element, _Ph]] = []
        band: list[tuple[float, int, etree._Element, _Ph]] = []
        band_top = 0.0
        for seq, (y, x, shape, ph) in by_top:
            if band and y - band_top > self._band:
                band.sort(key=lambda b: (b[0], b[1]))
                ordered.extend((s, p) for _, _, s, p in band)
                band = []
            if not band:
                band_top = y
            band.append((x, seq, shape, ph))
        band.sort(key=lambda b: (b[0], b[1]))
        ordered.extend((s, p) for _, _, s, p in band)
        return ordered

    def _blocks(self, shape: etree._Element, ph: _Ph) -> list[Block]:
        self._shape_link(shape)
        kind = local(shape)
        if kind == "pic":
            return [ImageBlock(alt=_alt(shape))]
        if kind == "graphicFrame":
            return self._frame(shape)
        return self._text_blocks(shape, ph)

    def _frame(self, frame: etree._Element) -> list[Block]:
        """A graphic frame: a table, a chart, SmartArt, or an embedded object."""
        data = frame.find(_GRAPHIC, NS)
        if data is None:
            return []
        kind = data.get("uri", "").rsplit("/", 1)[-1]
        if kind == "table":
            table = data.find("./a:tbl", NS)
            rows = self._table(table) if table is not None else ()
            # A table without any text says nothing a reader could use.
            return [TableBlock(rows)] if any(any(row) for row in rows) else []
        ref = next((c for c in data if isinstance(c.tag, str)), None)
        if kind == "chart" and ref is not None:
            chart = self._related.chart(ref.get(R_ID, ""))
            return [chart] if chart is not None else []
        if kind == "diagram" and ref is not None:
            diagram = self._related.diagram(ref.get(f"{{{_R}}}dm", ""))
            return [diagram] if diagram is not None and diagram.items else []
        if kind == "ole":
            # An embedded worksheet or document shows as its preview picture.
            return [ImageBlock(alt=_alt(frame))]
        return []

    def _shape_link(self, shape: etree._Element) -> None:
        props = _c_nv_pr(shape)
        click = props.find(_HLINK) if props is not None else None
        url = self._related.url(click.get(R_ID, "")) if click is not None else None
        if props is not None and url is not None:
            self._links.add(one_line(props.get("descr", "") or self._text_of(shape)), url)

    def _text_blocks(self, shape: etree._Element, ph: _Ph) -> list[Block]:
        blocks: list[Block] = []
        items: list[ListItem] = []
        body = first_child(shape, _TX_BODY)
        if body is None:
            return blocks
        lst_style = first_child(body, _LST_STYLE)
        for paragraph in body.iterfind(_A_P):
            text = paragraph_text(paragraph, self._links)
            if not text:
                continue
            ppr = paragraph[0] if len(paragraph) and paragraph[0].tag == _A_PPR else None
            level = min(whole(ppr, "lvl", self._path, 0) if ppr is not None else 0, _MAX_LEVEL)
            bullet = self._inherit.bullet(ppr, lst_style, ph, level)
            if level > 0 or bullet != "none":
                items.append(ListItem(text, level, bullet == "number"))
                continue
            if items:
                blocks.append(ListBlock(tuple(items)))
                items = []
            blocks.append(Paragraph(text))
        if items:
            blocks.append(ListBlock(tuple(items)))
        return blocks

    def _table(self, table: etree._Element) -> tuple[tuple[str, ...], ...]:
        rows = []
        for tr in table.findall("./a:tr", NS):
            cells = []
            for tc in tr.findall("./a:tc", NS):
                if tc.get("hMerge") in _TRUE or tc.get("vMerge") in _TRUE:
                    cells.append("")
                    continue
                texts = (paragraph_text(p, self._links) for p in tc.findall("./a:txBody/a:p", NS))
                cells.append("\n".join(t for t in texts if t))
            rows.append(tuple(cells))
        return tuple(rows)

    @staticmethod
    def _text_of(shape: etree._Element, links: _Links | None = None) -> str:
        texts = (paragraph_text(p, links) for p in shape.findall("./p:txBody/a:p", NS))
        return "\n".join(t for t in texts if t)


def _right_to_left(tree: etree._Element) -> bool:
    """True when most letters of the slide's text are in a right-to-left script."""
    return right_to_left("".join(t.text or "" for t in tree.iter(_A_T)))


def _c_nv_pr(shape: etree._Element) -> etree._Element | None:
    """The shape's `p:cNvPr`: the first child of its first child, in schema order."""
    nv = shape[0] if len(shape) else None
    if nv is None or not len(nv):
        return None
    return first_child(nv, _C_NV_PR)


def _hidden(shape: etree._Element) -> bool:
    """True for a shape the speaker hid: in the file, never on screen."""
    props = _c_nv_pr(shape)
    return props is not None and props.get("hidden") in ("1", "true")


def _alt(shape: etree._Element) -> str | None:
    """A picture's alternative text (`descr`; the `name` is not alt text), or None."""
    props = _c_nv_pr(shape)
    alt = clean(unescape_office(props.get("descr", ""))) if props is not None else ""
    return alt or None


def _compose(outer: Transform, group: etree._Element, path: Path) -> Transform:
    """The transform from a group's child space to slide space; `path` for errors."""
    xfrm = group.find("./p:grpSpPr/a:xfrm", NS)
    if xfrm is None:
        return outer

    def pair(tag: str, a: str, b: str) -> tuple[int, int]:
        el = xfrm.find(f"./a:{tag}", NS)
        return (coordinate(el, a, path), coordinate(el, b, path)) if el is not None else (0, 0)

    (ox, oy), (cx, cy) = pair("off", "x", "y"), pair("ext", "cx", "cy")
    (chx, chy), (chcx, chcy) = pair("chOff", "x", "y"), pair("chExt", "cx", "cy")
    kx = cx / chcx if chcx else 1.0
    ky = cy / chcy if chcy else 1.0
    sx, sy, tx, ty = outer
    # child -> group's parent: ox + (x - chx) * kx; then the outer transform.
    return (sx * kx, sy * ky, sx * (ox - chx * kx) + tx, sy * (oy - chy * ky) + ty)
