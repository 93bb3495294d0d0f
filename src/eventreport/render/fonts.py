"""The report's typeface, Atkinson Hyperlegible, copied next to the outputs.

Designed by the Braille Institute for readers with low vision, it tells apart letters
other sans-serifs make alike (I l 1, O 0, b d p q). The PyPI package ships the whole TTF
files; fonts split by character range, as npm's fontsource ships them, made WeasyPrint
draw "ĳ" as "ó" (../shared/formats/accessibility.md). It lacks only ĳ/Ĳ, which the
stylesheet takes from DejaVu Sans (PDF) or any system font (browser).

The files go to `fonts/` in the output folder, and style.css names them relatively:
the HTML page stays standalone (the folder is published as a whole, as for the decks),
and WeasyPrint reads the same copies, which lie inside the folder it is allowed to read.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg_atkinson_hyperlegible as atkinson  # type: ignore[import-untyped]

FOLDER = "fonts"
"""Folder of the output holding the font files; style.css's @font-face URLs use it."""

FILES = (
    "AtkinsonHyperlegible-Regular.ttf",
    "AtkinsonHyperlegible-Bold.ttf",
    "AtkinsonHyperlegible-Italic.ttf",
    "AtkinsonHyperlegible-BoldItalic.ttf",
)


def font_files() -> list[tuple[Path, str]]:
    """(source file, path relative to the output folder) for each font file and its
    licence, which the SIL Open Font License asks to travel with the fonts."""
    files = [(atkinson.ROOT / "files" / name, f"{FOLDER}/{name}") for name in FILES]
    return [*files, (atkinson.ROOT / "LICENSE", f"{FOLDER}/OFL.txt")]
