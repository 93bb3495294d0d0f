"""Line numbers in the proof PDF's margin, so a speaker can cite "regel 57".

WeasyPrint cannot number lines, and a browser page reflows, so the numbers are added to
the finished PDF: the line positions come from WeasyPrint's own layout of the same HTML,
and each number is drawn as vector strokes inside an /Artifact sequence. Strokes need no
font (PDF/UA requires every font to be embedded, even in artifacts), and being artifacts
they stay out of the text a screen reader reads and of copy and paste.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import weasyprint
from weasyprint.formatting_structure import boxes

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels; PDF user space is in points
SAME_LINE_PX = 6.0  # baselines closer than this (a third of a line) are one line

# Seven-segment digits: a readable shape made of straight strokes on a 4 x 6 grid.
_SEGMENTS = {
    "a": ((0, 6), (4, 6)), "b": ((4, 6), (4, 3)), "c": ((4, 3), (4, 0)), "d": ((0, 0), (4, 0)),
    "e": ((0, 0), (0, 3)), "f": ((0, 3), (0, 6)), "g": ((0, 3), (4, 3)),
}  # fmt: skip
_DIGITS = {
    "0": "abcdef", "1": "bc", "2": "abged", "3": "abgcd", "4": "fgbc",
    "5": "afgcd", "6": "afgedc", "7": "abc", "8": "abcdefg", "9": "abcdfg",
}  # fmt: skip


@dataclass(frozen=True)
class Line:
    """One numbered line: its page and baseline, in PDF points from the page's bottom."""

    page: int
    baseline: float


def numbered_lines(document: Any, section_ids: set[str]) -> list[Line]:
    """Lines of the given <section> elements, top to bottom per page, one per baseline."""
    found: list[Line] = []
    for index, page in enumerate(document.pages):
        height = page.height
        baselines: list[float] = []
        for y in sorted(
            box.position_y + box.baseline for box in _lines(page._page_box, section_ids)
        ):
            # A list marker or a bit of differently sized text can sit on its own line box
            # a pixel or two off the text beside it; that is still one line to a reader.
            if not baselines or y - baselines[-1] > SAME_LINE_PX:
                baselines.append(y)
        found.extend(Line(index, (height - y) * PX_TO_PT) for y in baselines)
    return found


def _lines(box: Any, ids: set[str], inside: bool = False) -> Iterator[Any]:
    if isinstance(box, boxes.MarginBox):
        return
    element = getattr(box, "element", None)
    if element is not None and element.tag == "section" and element.get("id") in ids:
        inside = True
    if inside and isinstance(box, boxes.LineBox) and _has_text(box):
        yield box
        return
    for child in getattr(box, "children", None) or []:
        yield from _lines(child, ids, inside)


def _has_text(box: Any) -> bool:
    if isinstance(box, boxes.TextBox):
        return bool(box.text.strip())
    return any(_has_text(c) for c in getattr(box, "children", None) or [])


def draw_numbers(pdf: Path, lines: list[Line], left: float) -> None:
    """Draw each line's number right-aligned at `left` points from the page's left edge."""
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        per_page: dict[int, list[str]] = {}
        for number, line in enumerate(lines, 1):
            per_page.setdefault(line.page, []).append(_number(str(number), left, line.baseline))
        for index, strokes in per_page.items():
            page = doc.pages[index]
            # WeasyPrint's page stream leaves its coordinate flip in force; fence it off so
            # ours is drawn in plain PDF user space.
            page.contents_add(pikepdf.Stream(doc, b"q\n"), prepend=True)
            body = "\n".join(strokes)
            stream = f"Q\n/Artifact BMC\nq\n0.35 G 0.6 w 1 J 1 j\n{body}\nQ\nEMC\n"
            page.contents_add(pikepdf.Stream(doc, stream.encode("ascii")))
        doc.save(pdf, deterministic_id=True)


def _number(text: str, right: float, baseline: float, size: float = 1.1) -> str:
    """Path operators for `text` (digits), right-aligned at `right`, on `baseline`."""
    width, gap = 4 * size, 2 * size
    x = right - len(text) * (width + gap)
    ops: list[str] = []
    for digit in text:
        for segment in _DIGITS[digit]:
            (x1, y1), (x2, y2) = _SEGMENTS[segment]
            ops.append(
                f"{x + x1 * size:.2f} {baseline + y1 * size:.2f} m "
                f"{x + x2 * size:.2f} {baseline + y2 * size:.2f} l S"
            )
        x += width + gap
    return "\n".join(ops)


def layout(html: str, base_url: str, fetcher: Any) -> Any:
    """WeasyPrint's layout of `html`, to read line positions from."""
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
