"""Line numbers in the proof PDF's margin, so a speaker can cite "regel 57".

WeasyPrint cannot number lines, and a browser page reflows, so the numbers are added to
the finished PDF: the line positions come from WeasyPrint's own layout of the same HTML,
and each number is drawn inside an /Artifact sequence as the outlines of the report
typeface's own figures (Atkinson Hyperlegible, made for telling 1 from l and 0 from O).
Outlines need no font in the PDF (PDF/UA requires every font to be embedded, even one used
only by artifacts), and being artifacts they stay out of what a screen reader reads and of
copy and paste.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pikepdf
import weasyprint
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont
from weasyprint.formatting_structure import boxes

from ..render.fonts import FILES, plain_zero_font

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels; PDF user space is in points
SAME_LINE_PX = 6.0  # baselines closer than this (a third of a line) are one line

NUMBER_SIZE_PT = 7.5  # height of the figures' em, a little under the 8.5 pt margin text
GAP_EM = 0.04  # extra space between figures, in em


@dataclass(frozen=True)
class Line:
    """One numbered line, in PDF points from the page's bottom."""

    page: int
    """0-based page index."""
    baseline: float
    """Where the number is drawn."""
    top: float
    """Top of the line's box (a comment between `bottom` and `top` is on this line)."""
    bottom: float
    """Bottom of the line's box."""
    session: str
    """The id of the session the line belongs to."""


def numbered_lines(document: Any, section_ids: set[str]) -> list[Line]:
    """Lines of the given <section> elements, top to bottom per page, one per baseline."""
    found: list[Line] = []
    for index, page in enumerate(document.pages):
        height = page.height
        merged: list[tuple[float, float, float, str]] = []  # baseline, top, bottom (px), id
        placed = sorted(
            (box.position_y + box.baseline, box.position_y, box.position_y + box.height, sid)
            for box, sid in _lines(page._page_box, section_ids)
        )
        for y, top, bottom, sid in placed:
            # A list marker or a bit of differently sized text can sit on its own line box
            # a pixel or two off the text beside it; that is still one line to a reader.
            if merged and y - merged[-1][0] <= SAME_LINE_PX:
                last = merged[-1]
                merged[-1] = (last[0], min(last[1], top), max(last[2], bottom), last[3])
            else:
                merged.append((y, top, bottom, sid))
        found.extend(
            Line(
                index,
                (height - y) * PX_TO_PT,
                (height - top) * PX_TO_PT,
                (height - bottom) * PX_TO_PT,
                sid,
            )
            for y, top, bottom, sid in merged
        )
    return found


def _lines(box: Any, ids: set[str], inside: str | None = None) -> Iterator[tuple[Any, str]]:
    if isinstance(box, boxes.MarginBox):
        return
    element = getattr(box, "element", None)
    if element is not None and element.tag == "section" and element.get("id") in ids:
        inside = element.get("id")
    if inside is not None and isinstance(box, boxes.LineBox) and _has_text(box):
        yield box, inside
        return
    for child in getattr(box, "children", None) or []:
        yield from _lines(child, ids, inside)


def _has_text(box: Any) -> bool:
    if isinstance(box, boxes.TextBox):
        return bool(box.text.strip())
    return any(_has_text(c) for c in getattr(box, "children", None) or [])


def draw_numbers(pdf: Path, lines: list[Line], left: float) -> None:
    """Draw each line's number right-aligned at `left` points from the page's left edge."""
    figures = _Figures.load()
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        per_page: dict[int, list[str]] = {}
        for number, line in enumerate(lines, 1):
            per_page.setdefault(line.page, []).append(
                figures.number(str(number), left, line.baseline)
            )
        for index, drawn in per_page.items():
            page = doc.pages[index]
            # WeasyPrint's page stream leaves its coordinate flip in force; fence it off so
            # ours is drawn in plain PDF user space.
            page.contents_add(pikepdf.Stream(doc, b"q\n"), prepend=True)
            body = "\n".join(drawn)
            stream = f"Q\n/Artifact BMC\nq\n0.35 g\n{body}\nQ\nEMC\n"
            page.contents_add(pikepdf.Stream(doc, stream.encode("ascii")))
        doc.save(pdf, deterministic_id=True)


class _Figures:
    """The report typeface's digits as filled outlines, in the font's own units."""

    def __init__(self, paths: dict[str, str], advances: dict[str, int], units: int) -> None:
        self.paths, self.advances, self.units = paths, advances, units

    @classmethod
    @cache
    def load(cls) -> _Figures:
        font = TTFont(io.BytesIO(plain_zero_font(dict(FILES)["regular"])))
        glyphs = font.getGlyphSet()
        cmap = font.getBestCmap()
        paths: dict[str, str] = {}
        advances: dict[str, int] = {}
        for digit in "0123456789":
            name = cmap[ord(digit)]
            pen = _PathPen(glyphs)
            glyphs[name].draw(pen)
            paths[digit] = "\n".join(pen.ops)
            advances[digit] = glyphs[name].width
        return cls(paths, advances, int(font["head"].unitsPerEm))

    def number(self, text: str, right: float, baseline: float) -> str:
        """Path operators drawing `text` right-aligned at `right`, on `baseline`."""
        scale = NUMBER_SIZE_PT / self.units
        gap = GAP_EM * self.units
        width = sum(self.advances[d] + gap for d in text) - gap
        x = right - width * scale
        ops: list[str] = []
        for digit in text:
            # One filled glyph per figure, placed by its own matrix (font units to points).
            ops.append(f"q {scale:.6f} 0 0 {scale:.6f} {x:.2f} {baseline:.2f} cm")
            ops.append(f"{self.paths[digit]}\nf\nQ")
            x += (self.advances[digit] + gap) * scale
        return "\n".join(ops)


class _PathPen(BasePen):  # type: ignore[misc]
    """Writes a glyph outline as PDF path operators (quadratic curves made cubic)."""

    def __init__(self, glyphs: Any) -> None:
        super().__init__(glyphs)
        self.ops: list[str] = []

    def _moveTo(self, pt: tuple[float, float]) -> None:  # noqa: N802 - fontTools pen API
        self.ops.append(f"{pt[0]:g} {pt[1]:g} m")

    def _lineTo(self, pt: tuple[float, float]) -> None:  # noqa: N802 - fontTools pen API
        self.ops.append(f"{pt[0]:g} {pt[1]:g} l")

    def _curveToOne(  # noqa: N802 - fontTools pen API
        self, p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float]
    ) -> None:
        self.ops.append(f"{p1[0]:g} {p1[1]:g} {p2[0]:g} {p2[1]:g} {p3[0]:g} {p3[1]:g} c")

    def _closePath(self) -> None:  # noqa: N802 - fontTools pen API
        self.ops.append("h")


def layout(html: str, base_url: str, fetcher: Any) -> Any:
    """WeasyPrint's layout of `html`, to read line positions from."""
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
