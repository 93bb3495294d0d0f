"""One slide's shape tree into a title, blocks in reading order, and links."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped]

from eventreport.model import Block, ImageBlock, Link, ListBlock, ListItem, Paragraph, TableBlock
from eventreport.readers._pptx_styles import (
    CHROME_TYPES,
    NS,
    TITLE_TYPES,
    Inheritance,
    emu,
    ph_type,
    placeholder,
)
from eventreport.readers._text import clean, one_line

R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_SHAPES = frozenset({"sp", "pic", "graphicFrame"})
_TRUE = frozenset({"1", "true"})
_MAX_LEVEL = 8

Resolve = Callable[[str], "str | None"]
"""Maps a relationship id to an external URL, or None for anything else."""

# (sx, sy, tx, ty): slide space = (sx * x + tx, sy * y + ty).
Transform = tuple[float, float, float, float]
_IDENTITY: Transform = (1.0, 1.0, 0.0, 0.0)
# A shape's top and left in slide space, and the shape.
_Placed = tuple[float, float, etree._Element]


@dataclass(frozen=True)
class SlideContent:
    """What one slide's shapes hold."""

    title: str | None
    blocks: tuple[Block, ...]
    links: tuple[Link, ...]


def local(element: etree._Element) -> str:
    """The element's tag without namespace."""
    return str(etree.QName(element).localname)


@dataclass
class _Links:
    """Collects hyperlinks, joining consecutive runs that point at one URL."""

    resolve: Resolve
    found: list[Link] = field(default_factory=list)
    _url: str | None = None
    _text: list[str] = field(default_factory=list)

    def run(self, run: etree._Element, text: str) -> None:
        click = run.find("./a:rPr/a:hlinkClick", NS)
        url = self.resolve(click.get(R_ID, "")) if click is not None else None
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
        kind = local(child)
        if kind in ("r", "fld"):
            text = child.findtext("./a:t", "", NS)
            parts.append(text)
            if links is not None:
                links.run(child, text)
        elif kind == "br":
            parts.append("\n")
    if links is not None:
        links.flush()
    return clean("".join(parts))


class SlideReader:
    """Reads one slide's `p:spTree`; `band` is the height (EMU) of one reading row."""

    def __init__(self, inheritance: Inheritance, resolve: Resolve, band: int) -> None:
        self._inherit = inheritance
        self._band = band
        self._links = _Links(resolve)

    def read(self, tree: etree._Element) -> SlideContent:
        title_shape = next(
            (
                s
                for s in tree
                if (ph := placeholder(s)) is not None
                and ph_type(ph) in TITLE_TYPES
                and self._text_of(s)
            ),
            None,
        )
        title = (
            one_line(self._text_of(title_shape, self._links)) if title_shape is not None else None
        )
        placed = [item for item in self._walk(tree, _IDENTITY) if item[2] is not title_shape]
        blocks: list[Block] = []
        for shape in self._reading_order(placed):
            blocks.extend(self._blocks(shape))
        return SlideContent(title, tuple(blocks), tuple(self._links.found))

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
            elif kind == "grpSp":
                yield from self._walk(child, _compose(transform, child))
            elif kind in _SHAPES:
                ph = placeholder(child)
                if ph is not None and ph_type(ph) in CHROME_TYPES:
                    continue
                x, y = self._offset(child)
                sx, sy, tx, ty = transform
                yield (sy * y + ty, sx * x + tx, child)

    def _offset(self, shape: etree._Element) -> tuple[int, int]:
        off = shape.find("./p:spPr/a:xfrm/a:off", NS)
        if off is None:
            off = shape.find("./p:xfrm/a:off", NS)
        if off is not None:
            return emu(off.get("x")), emu(off.get("y"))
        return self._inherit.offset(shape) or (0, 0)

    def _reading_order(self, placed: list[_Placed]) -> list[etree._Element]:
        # Top to bottom in bands, left to right within a band: shapes side by side are
        # rarely aligned to the EMU.
        by_top = sorted(enumerate(placed), key=lambda item: (item[1][0], item[0]))
        ordered: list[etree._Element] = []
        band: list[tuple[float, int, etree._Element]] = []
        band_top = 0.0
        for seq, (y, x, shape) in by_top:
            if band and y - band_top > self._band:
                ordered.extend(s for _, _, s in sorted(band, key=lambda b: (b[0], b[1])))
                band = []
            if not band:
                band_top = y
            band.append((x, seq, shape))
        ordered.extend(s for _, _, s in sorted(band, key=lambda b: (b[0], b[1])))
        return ordered

    def _blocks(self, shape: etree._Element) -> list[Block]:
        self._shape_link(shape)
        kind = local(shape)
        if kind == "pic":
            descr = shape.find("./p:nvPicPr/p:cNvPr", NS)
            alt = clean(descr.get("descr", "")) if descr is not None else ""
            return [ImageBlock(alt=alt or None)]
        if kind == "graphicFrame":
            table = shape.find("./a:graphic/a:graphicData/a:tbl", NS)
            rows = self._table(table) if table is not None else ()
            # A table without any text says nothing a reader could use.
            return [TableBlock(rows)] if any(any(row) for row in rows) else []
        return self._text_blocks(shape)

    def _shape_link(self, shape: etree._Element) -> None:
        props = shape.find("./*/p:cNvPr", NS)
        click = props.find("./a:hlinkClick", NS) if props is not None else None
        url = self._links.resolve(click.get(R_ID, "")) if click is not None else None
        if props is not None and url is not None:
            self._links.add(one_line(props.get("descr", "") or self._text_of(shape)), url)

    def _text_blocks(self, shape: etree._Element) -> list[Block]:
        blocks: list[Block] = []
        items: list[ListItem] = []
        for paragraph in shape.findall("./p:txBody/a:p", NS):
            text = paragraph_text(paragraph, self._links)
            if not text:
                continue
            ppr = paragraph.find("./a:pPr", NS)
            level = min(max(emu(ppr.get("lvl")) if ppr is not None else 0, 0), _MAX_LEVEL)
            bullet = self._inherit.bullet(paragraph, shape, level)
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


def _compose(outer: Transform, group: etree._Element) -> Transform:
    """The transform from a group's child space to slide space."""
    xfrm = group.find("./p:grpSpPr/a:xfrm", NS)
    if xfrm is None:
        return outer

    def pair(tag: str, a: str, b: str) -> tuple[int, int]:
        el = xfrm.find(f"./a:{tag}", NS)
        return (emu(el.get(a)), emu(el.get(b))) if el is not None else (0, 0)

    (ox, oy), (cx, cy) = pair("off", "x", "y"), pair("ext", "cx", "cy")
    (chx, chy), (chcx, chcy) = pair("chOff", "x", "y"), pair("chExt", "cx", "cy")
    kx = cx / chcx if chcx else 1.0
    ky = cy / chcy if chcy else 1.0
    sx, sy, tx, ty = outer
    # child -> group's parent: ox + (x - chx) * kx; then the outer transform.
    return (sx * kx, sy * ky, sx * (ox - chx * kx) + tx, sy * (oy - chy * ky) + ty)
