"""A PDF page's text as lines with their place and size on the page as a reader sees it.

PDFium (pypdfium2) gives the page's characters in the order they are drawn, with the word
spaces and line ends it infers, and for each character the text-showing operator it
comes from, its baseline origin, font size and matrix. Characters of one operator make a
piece; lines are built from those pieces in PDFium's order, never re-sorted by position.
This is several times faster than pypdf's text visitor (issue 3). Right-to-left pages go
through pypdf's visitor instead (`pypdf_page_lines`): PDFium spells a lam-alef ligature
alef first, pypdf keeps such text in logical order.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PageObject

# Bullets as they come out of slide PDFs: typographic ones, Wingdings and Symbol
# glyphs mapped to the Private Use Area, and the letters those fonts show as bullets.
BULLETS = frozenset("•●○◦▪■□◆◇►▶➢➤✓✔·")
# Dashes and asterisks are bullets only when a space follows ("- item", not "-5 °C").
_DASHES = frozenset("-–—*")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_NUMBER = re.compile(r"^(\d{1,3})[.)]\s*(?=\S)")
_SMALL_NUMBER = re.compile(r"^\d{1,3}[.)]?$")
_INNER_BULLET = re.compile(r"(\S)([•●▪■◆►➢➤])\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # glyphs PDFium cannot name
_SURROGATE = re.compile("[\ud800-\udfff]")
_MARGIN = 2.0  # points of slack around the page box before text counts as off the page


@dataclass
class Line:
    """One line of text on a page; positions in points from the page's top-left corner."""

    text: str
    """The text after any list marker."""
    left: float
    """Where the line (its marker, if any) starts."""
    text_left: float
    """Where the text after the marker starts (= `left` without a marker)."""
    top: float
    """The baseline of its main text, from the top of the page."""
    size: float
    """The drawn size of its main text."""
    marker: str | None = None
    """"bullet" or "number" when the line starts with a list marker."""


@dataclass
class _Piece:
    text: str
    left: float
    top: float
    size: float


def _frame(
    x0: float, y0: float, x1: float, y1: float, rotation: int
) -> tuple[float, float, Callable[[float, float], tuple[float, float]]]:
    """The page's shown width and height after its /Rotate, and where a point in PDF
    space (origin bottom-left) shows on it (origin top-left)."""
    rotation %= 360
    width, height = (y1 - y0, x1 - x0) if rotation in (90, 270) else (x1 - x0, y1 - y0)

    def place(x: float, y: float) -> tuple[float, float]:
        if rotation == 90:
            return y - y0, x - x0
        if rotation == 180:
            return x1 - x, y - y0
        if rotation == 270:
            return y1 - y, x1 - x
        return x - x0, y1 - y

    return width, height, place


def page_lines(page: pdfium.PdfPage) -> tuple[list[Line], float, float]:
    """The page's lines in PDFium's order, and the page's shown width and height."""
    x0, y0, x1, y1 = page.get_cropbox()
    width, height, place = _frame(x0, y0, x1, y1, page.get_rotation())

    textpage = page.get_textpage()
    try:
        text, chars = _chars(textpage)
        lines: list[list[_Piece]] = [[]]
        piece: _Piece | None = None
        current = None  # the text object (one text-showing operator) `piece` comes from
        x, y, matrix = ctypes.c_double(), ctypes.c_double(), pdfium_c.FS_MATRIX()
        for index in range(min(chars, len(text))):
            char = text[index]
            if char == "\n":  # PDFium ends a line with a generated "\r\n"
                lines.append([])
                piece, current = None, None
                continue
            if char == "\r" or _CONTROL.match(char):
                continue
            source = ctypes.cast(pdfium_c.FPDFText_GetTextObject(textpage, index), ctypes.c_void_p)
            if not source.value:
                # A word space PDFium adds between pieces of one line (TeX draws none).
                if piece is not None:
                    piece.text += char
                continue
            if piece is not None and source.value == current:
                piece.text += char
                continue
            pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
            pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
            left, top = place(x.value, y.value)
            size = pdfium_c.FPDFText_GetFontSize(textpage, index) * math.hypot(matrix.c, matrix.d)
            piece, current = _Piece(char, left, top, size), source.value
            # Off the page: beamer parks the not-yet-shown parts of an overlay there.
            if -_MARGIN <= left <= width + _MARGIN and -_MARGIN <= top <= height + _MARGIN:
                lines[-1].append(piece)
    finally:
        textpage.close()
    if _SURROGATE.search(text):
        # PDFium gives a character outside the Basic Multilingual Plane (an emoji) as two
        # character indices, its UTF-16 surrogates: join them again.
        for pieces in lines:
            for part in pieces:
                part.text = part.text.encode("utf-16-le", "surrogatepass").decode(
                    "utf-16-le", "replace"
                )
    built = [line for pieces in lines if (line := _line(pieces)) is not None]
    return built, width, height


def pypdf_page_lines(page: PageObject) -> tuple[list[Line], float, float]:
    """The page's lines in pypdf's order, and the page's shown width and height."""
    box = page.cropbox
    x0, y0, x1, y1 = (float(v) for v in (box.left, box.bottom, box.right, box.top))
    width, height, place = _frame(x0, y0, x1, y1, int(page.rotation or 0))

    lines: list[list[_Piece]] = [[]]

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text:
            return
        _, _, c, d, e, f = _multiply(tm, cm)
        left, top = place(e, f)
        # Off the page: beamer parks the not-yet-shown parts of an overlay there.
        shown = -_MARGIN <= left <= width + _MARGIN and -_MARGIN <= top <= height + _MARGIN
        drawn = size * math.hypot(c, d)
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if part and shown:
                lines[-1].append(_Piece(part, left, top, drawn))
            if index < len(parts) - 1:
                lines.append([])

    page.extract_text(visitor_text=visit)
    built = [line for pieces in lines if (line := _line(pieces)) is not None]
    return built, width, height


def _chars(textpage: pdfium.PdfTextPage) -> tuple[str, int]:
    """The page's text, one character per PDFium character index, and their count."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count <= 0:
        return "", 0
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    written = pdfium_c.FPDFText_GetText(
        textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
    )
    text = buffer.raw[: max(written - 1, 0) * 2].decode("utf-16-le", "replace")
    if len(text) != count:
        # The text does not match the character indices one to one (surrogates joined
        # into one character): ask for each character on its own.
        text = "".join(
            chr(pdfium_c.FPDFText_GetUnicode(textpage, index) or 0xFFFD) for index in range(count)
        )
    return text, count


def _line(pieces: list[_Piece]) -> Line | None:
    shown = [p for p in pieces if p.text.strip()]
    if not shown:
        return None
    main = max(shown, key=lambda p: len(p.text.strip()))
    text = "".join(p.text for p in pieces).strip()
    first = shown[0]
    line = Line(text, first.left, first.left, main.top, main.size)
    head = first.text.strip()
    if (
        head[0] in BULLETS
        or _PRIVATE_USE.match(head[0])
        or (head[0] in _DASHES and text[1:2] == " ")
    ):
        line.marker = "bullet"
        line.text = text[1:].strip()
        # The glyph is usually a piece of its own, in a symbol font; the text follows.
        if len(head) == 1 and len(shown) > 1:
            line.text_left = shown[1].left
        else:
            line.text_left = first.left + 0.6 * main.size
    elif (
        _SMALL_NUMBER.match(head)
        and len(shown) > 1
        and first.size < 0.8 * main.size
        and text[len(head) : len(head) + 1].isspace()
    ):
        # LaTeX beamer draws an enumeration's number in a small font, then a space; a
        # superscript (an affiliation's "1Universität") has no space after it.
        line.marker = "number"
        line.text = text[len(head) :].strip()
        line.text_left = shown[1].left
    elif (number := _NUMBER.match(text)) is not None:
        line.marker = "number"
        line.text = text[number.end() :].strip()
    if not line.text:
        return None
    # Bullets inside a line (table cells exported as bulleted text) keep words apart.
    line.text = _INNER_BULLET.sub(r"\1 \2 ", line.text)
    return line


def _multiply(m: list[float], n: list[float]) -> tuple[float, float, float, float, float, float]:
    """The product of two PDF matrices [a b c d e f]: `m` applied first, then `n`."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )
