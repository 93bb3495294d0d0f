"""A PDF page's text as lines with their place and size on the page as a reader sees it.

PDFium (pypdfium2) gives the page's characters in the order they are drawn, with the word
spaces and line ends it infers, and for each character the text-showing operator it
comes from, its baseline origin, font size and matrix. Characters of one operator make a
piece; lines are built from those pieces in PDFium's order, never re-sorted by position.
This is several times faster than pypdf's text visitor (issue 3). Right-to-left pages go
through pypdf's visitor instead (`pypdf_page_lines`): PDFium spells a lam-alef ligature
alef first, pypdf keeps such text in logical order.

A small shape or picture just before a line's text is its bullet (LaTeX beamer draws
bullets as graphics). A superscript or subscript that PDFium sets on a line of its own
(a footnote mark before an affiliation, the star of `Σ∗`) joins the line it is raised
or lowered from. A glyph the file gives no Unicode for shows as U+FFFD, so a reader sees
that something was there.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

if TYPE_CHECKING:
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
# PDFium gives a glyph it finds no Unicode for (a font without a ToUnicode map, a glyph
# name no list knows) as its character code: a control character.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
UNMAPPED = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
_MARGIN = 2.0  # points of slack around the page box before text counts as off the page
# A line of smaller text raised or lowered against the text beside it, by at least the
# first and at most the second share of that text's size, touching it, is a superscript
# or subscript of that text.
_SCRIPT_SIZE = 0.92
_SCRIPT_TEXT = 6  # characters: a footnote mark, an exponent, a star
_SHIFTED = 0.15
_RAISED = 0.9
_LOWERED = 0.5
_TOUCHING = 0.6
# A bullet drawn as a graphic: smaller than the text beside it, ending at most this far
# (in text sizes) before it, level with its letters.
_MARK_SIZE = (0.15, 0.9)
_MARK_REACH = 2.5


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
    right: float = 0.0
    """Where its rightmost glyph ends (estimated where the source gives no glyph boxes)."""
    start: float = 0.0
    """Where its leftmost glyph begins: `left` for left-to-right text; a right-to-left
    line begins at the right."""
    marker: str | None = None
    """"bullet" or "number" when the line starts with a list marker."""
    drawn: bool = False
    """True when its bullet is a graphic, not a glyph of its text."""

    def word_width(self) -> float:
        """The width of the line's first word, in proportion to its characters."""
        word = self.text.split(maxsplit=1)[0] if self.text.strip() else ""
        return (self.right - self.text_left) * len(word) / max(len(self.text), 1)


@dataclass
class _Piece:
    text: str
    left: float
    top: float
    size: float
    right: float = 0.0
    first: int = -1  # PDFium's index of its first character
    last: int = -1  # ... and of its last that is not a space
    start: float = 0.0


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
            if char == "\r":
                continue
            if _CONTROL.match(char):
                char = UNMAPPED
            source = ctypes.cast(pdfium_c.FPDFText_GetTextObject(textpage, index), ctypes.c_void_p)
            if not source.value:
                # A word space PDFium adds between pieces of one line (TeX draws none).
                if piece is not None:
                    piece.text += char
                continue
            if piece is not None and source.value == current:
                piece.text += char
                if not char.isspace():
                    piece.last = index
                continue
            pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
            pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
            left, top = place(x.value, y.value)
            size = pdfium_c.FPDFText_GetFontSize(textpage, index) * math.hypot(matrix.c, matrix.d)
            piece = _Piece(char, left, top, size, left, index, index, left)
            current = source.value
            # Off the page: beamer parks the not-yet-shown parts of an overlay there.
            if -_MARGIN <= left <= width + _MARGIN and -_MARGIN <= top <= height + _MARGIN:
                lines[-1].append(piece)
        _extents(textpage, lines, place)
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
    built = [line for pieces in _join_scripts(lines) if (line := _line(pieces)) is not None]
    _drawn_bullets(built, _small_shapes(page, place))
    return built, width, height


Box = tuple[float, float, float, float]
"""left, top, right, bottom on the shown page, in points."""


def _small_shapes(
    page: pdfium.PdfPage, place: Callable[[float, float], tuple[float, float]]
) -> list[Box]:
    """Shapes, pictures and drawings of the page (not text) no larger than a bullet."""
    found: list[Box] = []
    for item in page.get_objects(max_depth=0):
        if item.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        x0, y0, x1, y1 = item.get_bounds()
        (ax, ay), (bx, by) = place(x0, y0), place(x1, y1)
        box = (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
        if box[2] - box[0] <= _MAX_MARK and box[3] - box[1] <= _MAX_MARK:
            found.append(box)
    return found


_MAX_MARK = 40.0  # points: larger than any bullet of any text size a slide uses


def _drawn_bullets(lines: list[Line], shapes: list[Box]) -> None:
    """Give a line without a marker the bullet drawn as a graphic just before it."""
    for line in lines:
        if line.marker is not None:
            continue
        smallest, largest = (share * line.size for share in _MARK_SIZE)
        for left, top, right, bottom in shapes:
            middle = (top + bottom) / 2
            if (
                smallest <= right - left <= largest
                and smallest <= bottom - top <= largest
                and line.left - _MARK_REACH * line.size <= left
                and right <= line.left
                and line.top - line.size <= middle <= line.top
            ):
                line.marker, line.left, line.drawn = "bullet", left, True
                break


def _extents(
    textpage: pdfium.PdfTextPage,
    lines: list[list[_Piece]],
    place: Callable[[float, float], tuple[float, float]],
) -> None:
    """Where each piece begins and ends on the shown page, from PDFium's boxes of its
    first and last glyph (right-to-left text begins at the right)."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    for pieces in lines:
        for piece in pieces:
            xs = [piece.left]
            for index in {piece.first, piece.last}:
                if pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top):
                    corners = (place(left.value, bottom.value), place(right.value, top.value))
                    xs += [x for x, _ in corners]
            piece.start, piece.right = min(xs), max(xs)


def _join_scripts(lines: list[list[_Piece]]) -> list[list[_Piece]]:
    """Lines that are a superscript or subscript of the line before or after them, joined
    to it in the order they stand on the page; so are the two parts of a line that
    PDFium cut at a script (on one baseline, one after the other)."""
    joined: list[list[_Piece]] = []
    pending = [pieces for pieces in lines if any(p.text.strip() for p in pieces)]
    for index, pieces in enumerate(pending):
        before = pending[index - 1] if index else None
        after = pending[index + 1] if index + 1 < len(pending) else None
        if before is not None and (
            (_scripts(pieces, joined[-1]) and not _stacked(pieces, after))
            or _goes_on(joined[-1], pieces)
        ):
            joined[-1] = sorted(joined[-1] + pieces, key=lambda p: p.left)
        elif after is not None and _scripts(pieces, after) and not _stacked(pieces, before):
            pending[index + 1] = sorted(pieces + after, key=lambda p: p.left)
        else:
            joined.append(pieces)
    return joined


def _goes_on(line: list[_Piece], pieces: list[_Piece]) -> bool:
    """True when `pieces` carry on `line` on its baseline, in its size, right after it."""
    main = max(line, key=lambda p: len(p.text.strip()))
    other = max(pieces, key=lambda p: len(p.text.strip()))
    start = min(p.left for p in pieces)
    end = max(p.right for p in line)
    return (
        abs(other.top - main.top) <= _SHIFTED * main.size
        and abs(other.size - main.size) <= 0.1 * main.size
        and end - _TOUCHING * main.size <= start <= end + 2 * main.size
    )


def _stacked(pieces: list[_Piece], other: list[_Piece] | None) -> bool:
    """True when `other` is small text of the same size right above or below `pieces`,
    starting where it starts: rows of a matrix or a fraction, not a script."""
    if other is None:
        return False
    size = pieces[0].size
    return (
        abs(other[0].size - size) <= 0.1 * size
        and abs(other[0].left - pieces[0].left) <= 0.5 * size
        and len("".join(p.text for p in other).strip()) <= _SCRIPT_TEXT
    )


def _scripts(pieces: list[_Piece], base: list[_Piece]) -> bool:
    """True when `pieces` are small text raised or lowered against `base`, touching it."""
    text = "".join(p.text for p in pieces).strip()
    shown = [p for p in base if p.text.strip()]
    if not text or len(text) > _SCRIPT_TEXT or not shown:
        return False
    main = max(shown, key=lambda p: len(p.text.strip()))
    size = max(p.size for p in pieces)
    if size >= _SCRIPT_SIZE * main.size:
        return False
    shift = pieces[0].top - main.top
    if abs(shift) < _SHIFTED * main.size or not -_RAISED <= shift / main.size <= _LOWERED:
        return False
    start, end = min(p.left for p in pieces), max(p.right for p in pieces)
    reach = _TOUCHING * main.size
    return (
        shown[0].left - reach <= end <= shown[-1].right + reach
        or shown[0].left - reach <= start <= shown[-1].right + reach
    )


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
                # No glyph widths here: characters are about half as wide as they are high.
                right = left + 0.5 * drawn * len(part)
                lines[-1].append(_Piece(part, left, top, drawn, right, start=left))
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
    right = max(p.right for p in shown)
    start = min(p.start for p in shown)
    line = Line(text, first.left, first.left, main.top, main.size, right, start)
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
