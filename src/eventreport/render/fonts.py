"""The report's typeface, written next to the outputs: Atkinson Hyperlegible, or the house's.

Atkinson Hyperlegible was designed by the Braille Institute for readers with low vision:
it tells apart letters other sans-serifs make alike (I l 1, O 0, b d p q). The PyPI
package ships the whole TTF files; fonts split by character range, as npm's fontsource
ships them, made WeasyPrint draw "ĳ" as "ó" (../shared/formats/accessibility.md). It
lacks only ĳ/Ĳ, which the stylesheet takes from DejaVu Sans (PDF) or any system font.

Its only zero is slashed ("2Ø2Ø" in every date), and it has no alternate (fontTools:
no `zero` feature, and `zero.tf` is the same outline). The copies written here get a
plain zero made from the font's own: the slash is a gap between two halves of the
counter, so joining the halves gives the oval counter the zero would have without it.
The font's licence (SIL OFL 1.1, no reserved name) allows the change; the version string
says it was made. A typeface the house chooses (house.yaml) is copied as it is.

The files go to `fonts/` in the output folder, and style.css names them relatively: the
HTML page stays standalone, and WeasyPrint reads the same copies, inside the folder it
is allowed to read.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import fontpkg_atkinson_hyperlegible as atkinson  # type: ignore[import-untyped]

from ..cache import Cache
from ..model import Typeface

FOLDER = "fonts"
"""Folder of the output holding the font files; style.css's @font-face URLs use it."""

FAMILY = "Atkinson Hyperlegible"
FILES = (
    ("regular", "AtkinsonHyperlegible-Regular.ttf"),
    ("bold", "AtkinsonHyperlegible-Bold.ttf"),
    ("italic", "AtkinsonHyperlegible-Italic.ttf"),
    ("bold_italic", "AtkinsonHyperlegible-BoldItalic.ttf"),
)
# CSS weight and style of each style name house.yaml uses.
FACES = {
    "regular": (400, "normal"),
    "bold": (700, "normal"),
    "italic": (400, "italic"),
    "bold_italic": (700, "italic"),
}


@dataclass(frozen=True)
class Face:
    """One font file of the report's typeface, as @font-face names it."""

    family: str
    """The family name the stylesheets use."""
    weight: int
    """CSS font-weight."""
    style: str
    """CSS font-style."""
    href: str
    """The file, relative to the output folder."""


def faces(typeface: Typeface | None) -> list[Face]:
    """The @font-face entries for the report's typeface."""
    if typeface is None:
        return [Face(FAMILY, *FACES[style], f"{FOLDER}/{name}") for style, name in FILES]
    return [
        Face(typeface.name, *FACES[style], f"{FOLDER}/{file.name}")
        for style, file in typeface.files
    ]


def write_fonts(folder: Path, typeface: Typeface | None, kept: Cache | None = None) -> None:
    """Write the typeface's files (and the licence that travels with Atkinson) to `folder`;
    the plain-zero files from the build cache `kept` when it holds them."""
    (folder / FOLDER).mkdir(parents=True, exist_ok=True)
    for name, data in font_files(typeface, kept):
        (folder / FOLDER / name).write_bytes(data)


def font_files(typeface: Typeface | None, kept: Cache | None = None) -> list[tuple[str, bytes]]:
    """The typeface's files by name: the event's own, or Atkinson Hyperlegible with a plain
    zero (from the build cache `kept` when it holds them) and the licence."""
    if typeface is not None:
        return [(file.name, file.read_bytes()) for _, file in typeface.files]
    kept = kept if kept is not None else Cache(None)
    made = [
        (name, kept.font(name, atkinson.ROOT / "files" / name, partial(plain_zero_font, name)))
        for _, name in FILES
    ]
    # The SIL Open Font License asks to travel with the fonts.
    return [*made, ("OFL.txt", (atkinson.ROOT / "LICENSE").read_bytes())]


@cache
def plain_zero_font(name: str) -> bytes:
    """The Atkinson Hyperlegible file `name`, with a plain zero instead of the slashed one."""
    # Imported here: a build that finds the files in its cache never needs fontTools.
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables import ttProgram
    from fontTools.ttLib.tables._g_l_y_f import GlyphCoordinates

    # The head table keeps its own dates: with fontTools' default, saving stamps the
    # clock into it and every build's fonts (and PDF) would differ. The font's bounding
    # boxes stay as they are (the plain zero lies within the slashed one's): recomputing
    # them recompiled every glyph, ten times the time of the rest (issue 17).
    font = TTFont(atkinson.ROOT / "files" / name, recalcTimestamp=False, recalcBBoxes=False)
    glyf = font["glyf"]
    glyph = glyf["zero"]
    coordinates, ends, flags = glyph.getCoordinates(glyf)
    contours = []
    start = 0
    for end in ends:
        contours.append([(tuple(coordinates[i]), flags[i] & 1) for i in range(start, end + 1)])
        start = end + 1
    if len(contours) != 3:
        raise ValueError(f"{name}: zero has {len(contours)} contours; expected a slashed zero")
    outer = max(contours, key=_area)
    halves = [c for c in contours if c is not outer]
    counter = [*_open_at_slash(halves[0]), *_open_at_slash(halves[1])]
    points = [*outer, *counter]
    glyph.coordinates = GlyphCoordinates([p for p, _ in points])
    glyph.flags = bytearray(on for _, on in points)
    glyph.endPtsOfContours = [len(outer) - 1, len(points) - 1]
    glyph.numberOfContours = 2
    # The hinting program numbers the old points; an unhinted zero is drawn fine.
    glyph.program = ttProgram.Program()
    glyph.program.fromBytecode(b"")
    glyph.recalcBounds(glyf)
    for record in font["name"].names:
        if record.nameID == 5:
            record.string = f"{record.toUnicode()}; plain zero (eventreport)"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _open_at_slash(contour: list[tuple[tuple[int, int], int]]) -> list[tuple[tuple[int, int], int]]:
    """One half of the slashed counter, as an open path that starts and ends where the
    slash cuts it: the slash's edge is the half's longest straight line."""
    size = len(contour)
    edges = [
        i for i in range(size) if contour[i][1] and contour[(i + 1) % size][1]
    ]  # on-curve point followed by an on-curve point: a straight line
    if not edges:
        raise ValueError("a half of the zero's counter has no straight edge")
    cut = max(edges, key=lambda i: math.dist(contour[i][0], contour[(i + 1) % size][0]))
    return contour[cut + 1 :] + contour[: cut + 1]


def _area(contour: list[tuple[tuple[int, int], int]]) -> float:
    xs = [p[0] for p, _ in contour]
    ys = [p[1] for p, _ in contour]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))
