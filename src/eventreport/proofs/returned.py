"""A proof PDF a speaker sent back: which proof it is, and the comments they put in it.

The file comes from outside, so it is read as hostile: its size, pages, annotations,
points and texts are bounded (limits below), password protection and damage give a
clear error, and nothing in it is run or followed. pypdf reads the structure (the proof's
identifier, the annotations); PDFium (pypdfium2, already the deck reader's engine) gives
each character's box on the page, which pypdf has no way to give, to find the words a
highlight or strike-out covers. The line a comment sits on comes from the proof's own
line map (identity.py), so it is the number printed in the margin.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from ..errors import ProofFileError
from ..readers.decks.pdf_lines import _chars
from .identity import KEY, MarkLine, ProofMark, decode

# Limits, each with its reason. A proof is well under 1 MB and has a few pages; a speaker
# adds tens of comments, rarely a hundred.
MAX_FILE = 50 * 1024 * 1024  # an annotated proof is a few MB at most; more is not one
MAX_ANNOTATIONS = 5_000  # annotations in the file, popups and replies included
MAX_QUADS = 500  # text-markup pieces of one annotation: a highlight over several pages
MAX_TEXT = 10_000  # characters kept of one comment (a rewritten paragraph fits easily)
MAX_CONTENT = 16 * 1024 * 1024  # decoded content of one page handed to PDFium
MAX_CHARS = 200_000  # characters of text on one page
NEAR_LINE_PT = 12.0  # a comment this close above or below a numbered line belongs to it
_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, EOFError, OSError, RecursionError)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]")
_SPACE = re.compile(r"[ \t\u00a0]+")

KINDS = {
    "/Text": "note",
    "/FreeText": "text box",
    "/Highlight": "highlight",
    "/Underline": "underline",
    "/Squiggly": "squiggly",
    "/StrikeOut": "strike-out",
    "/Caret": "insert",
    "/Stamp": "stamp",
    "/Ink": "drawing",
    "/Square": "drawing",
    "/Circle": "drawing",
    "/Line": "drawing",
    "/Polygon": "drawing",
    "/PolyLine": "drawing",
    "/FileAttachment": "attachment",
    "/Sound": "attachment",
    "/Redact": "strike-out",
}
MARKUP = {"/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Redact"}
# Not comments: the proof's own links, form fields, popups (their text is their parent's).
SKIP = {"/Link", "/Widget", "/Popup", "/PrinterMark", "/TrapNet", "/Watermark", "/3D"}


@dataclass(frozen=True)
class Comment:
    """One comment from a returned proof, placed on the proof's numbered lines."""

    kind: str
    """note, text box, highlight, underline, squiggly, strike-out, replace, insert, ..."""
    page: int
    """1-based page."""
    line: int | None
    """The number printed in the margin next to it; None when it is not near one."""
    last_line: int | None
    """The last line a markup over several lines covers (else = `line`)."""
    session: str | None
    """The session of that line."""
    text: str
    """What the speaker wrote (for a replacement: the new text)."""
    words: str
    """The words it marks, for highlights, strike-outs and replacements."""
    context: str
    """The text of its line."""
    replies: tuple[str, ...]
    """Replies to it in the PDF."""
    identity: str
    """What identifies it in the file (its /NM name or place), for de-duplication."""
    y: float = field(default=0.0, compare=False)
    """Its height on the page, to sort comments beside the same line."""


@dataclass(frozen=True)
class Returned:
    """A returned proof: which one it is, and its comments sorted by line."""

    path: Path
    """The file."""
    mark: ProofMark
    """Event, round, speaker and line map."""
    comments: tuple[Comment, ...]
    """Its comments, by line (those not on a numbered line last, by page)."""


def read_returned(path: Path) -> Returned:
    """Read `path` as a returned proof; ProofFileError when it cannot be, saying why."""
    mark, raw = _structure(path)
    comments = _place(path, mark, raw)
    return Returned(path, mark, tuple(comments))


# --- Structure (pypdf) -----------------------------------------------------------------


@dataclass
class _Raw:
    ref: int | None
    subtype: str
    page: int
    rect: tuple[float, float, float, float]
    quads: list[tuple[float, float, float, float]]
    text: str
    name: str
    irt: int | None
    group: bool
    state: bool
    replies: list[str] = field(default_factory=list)


def _fail(path: Path, message: str) -> ProofFileError:
    return ProofFileError(path, message)


def _structure(path: Path) -> tuple[ProofMark, list[_Raw]]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror}); check the name") from None
    if not path.is_file():
        raise _fail(path, "is not a file")
    if size > MAX_FILE:
        raise _fail(
            path,
            f"is {size // 2**20} MB, more than the {MAX_FILE // 2**20} MB a returned proof"
            " can be; ask the speaker for the proof PDF with their comments",
        )
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise _fail(path, "is not a PDF; the speaker's comments must come back in the proof PDF")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _fail(
                path,
                "is protected with a password; ask the speaker to save it without one"
                " (or to send their comments in the e-mail)",
            )
        info = reader.trailer.get("/Info")
        info = info.get_object() if info is not None else None
        value = info.get(KEY) if isinstance(info, DictionaryObject) else None
        if value is None:
            raise _fail(
                path,
                "is not one of the proofs made by invoke proofs (it carries no proof"
                " identifier). If it is one, the program that saved it dropped the"
                " identifier (printing to PDF does); ask the speaker to add their comments"
                " to the PDF they were sent and save that",
            )
        try:
            mark = decode(str(value.get_object()))
        except ValueError as exc:
            raise _fail(path, f"is not a proof eventreport can read: {exc}") from None
        pages = len(reader.pages)
        if pages != mark.pages:
            raise _fail(
                path,
                f"has {pages} pages where the proof had {mark.pages}: pages were added or"
                " removed, so the line numbers cannot be trusted; ask for the proof as sent,"
                " with comments only",
            )
        raw = list(_annotations(path, reader))
    except ProofFileError:
        raise
    except _ERRORS as exc:
        raise _fail(
            path,
            f"is damaged and cannot be read ({type(exc).__name__}: {str(exc)[:200]}); ask the"
            " speaker to save it again",
        ) from None
    return mark, raw


def _annotations(path: Path, reader: PdfReader) -> Iterator[_Raw]:
    seen = 0
    for index, page in enumerate(reader.pages):
        annots = page.get("/Annots")
        annots = annots.get_object() if annots is not None else None
        if not isinstance(annots, ArrayObject):
            continue
        seen += len(annots)
        if seen > MAX_ANNOTATIONS:
            raise _fail(
                path,
                f"holds more than {MAX_ANNOTATIONS} annotations, more than any speaker's"
                " comments; it is not a proof returned with comments",
            )
        # The page's text is read with PDFium to find the words a comment covers; its
        # content must be what a proof page holds, not a decompression bomb.
        contents = page.get_contents()
        if contents is not None and len(contents.get_data()) > MAX_CONTENT:
            raise _fail(path, f"page {index + 1} holds far more drawing than a proof page")
        for item in annots:
            ref = item.idnum if isinstance(item, IndirectObject) else None
            annot = item.get_object()
            if not isinstance(annot, DictionaryObject):
                continue
            subtype = str(annot.get("/Subtype", ""))
            if subtype in SKIP:
                continue
            irt = annot.get("/IRT")
            yield _Raw(
                ref=ref,
                subtype=subtype,
                page=index,
                rect=_rect(annot.get("/Rect")),
                quads=_quads(path, annot.get("/QuadPoints")) if subtype in MARKUP else [],
                text=_clean(annot.get("/Contents")),
                name=_clean(annot.get("/NM"))[:200],
                irt=irt.idnum if isinstance(irt, IndirectObject) else None,
                group=annot.get("/RT") == NameObject("/Group"),
                state=annot.get("/State") is not None,
            )


def _number(value: Any) -> float:
    number = float(value)
    if not -1e6 < number < 1e6:  # also refuses NaN and infinities
        raise ValueError(f"coordinate {number} is off any page")
    return number


def _rect(value: Any) -> tuple[float, float, float, float]:
    value = value.get_object() if value is not None else None
    if not isinstance(value, ArrayObject) or len(value) != 4:
        return (0.0, 0.0, 0.0, 0.0)
    x0, y0, x1, y1 = (_number(v) for v in value)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _quads(path: Path, value: Any) -> list[tuple[float, float, float, float]]:
    value = value.get_object() if value is not None else None
    if not isinstance(value, ArrayObject):
        return []
    if len(value) > MAX_QUADS * 8:
        raise _fail(path, f"has a marking of more than {MAX_QUADS} pieces; no comment needs that")
    points = [_number(v) for v in value]
    quads = []
    for start in range(0, len(points) - 7, 8):
        xs, ys = points[start : start + 8 : 2], points[start + 1 : start + 8 : 2]
        quads.append((min(xs), min(ys), max(xs), max(ys)))
    return quads


def _clean(value: Any) -> str:
    if value is None:
        return ""
    value = value.get_object()
    text = value if isinstance(value, str) else ""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_TEXT:
        cut = len(text) - MAX_TEXT
        text = f"{text[:MAX_TEXT]} [… {cut} more characters left out]"
    return text.strip()


# --- Placing the comments ----------------------------------------------------------------


def _place(path: Path, mark: ProofMark, raw: list[_Raw]) -> list[Comment]:
    by_ref = {r.ref: r for r in raw if r.ref is not None}
    grouped: dict[int, list[_Raw]] = {}
    top: list[_Raw] = []
    for item in raw:
        parent = by_ref.get(item.irt) if item.irt is not None else None
        if item.state:
            continue  # a review status ("Accepted") set on a comment, not a comment
        if parent is not None and item.group:
            grouped.setdefault(id(parent), []).append(item)
        elif parent is not None:
            if item.text:
                parent.replies.append(item.text)
        else:
            top.append(item)
    if not top:
        return []
    text = _PageText(path)
    try:
        comments = [_comment(mark, item, grouped.get(id(item), []), text) for item in top]
    finally:
        text.close()
    return sorted(
        comments,
        key=lambda c: (c.line is None, c.line or 0, c.page, -c.y, c.kind),
    )


def _comment(mark: ProofMark, item: _Raw, members: list[_Raw], text: _PageText) -> Comment:
    parts = [item, *members]
    subtypes = {p.subtype for p in parts}
    kind = KINDS.get(item.subtype, f"other ({item.subtype.lstrip('/') or 'unknown'})")
    if "/Caret" in subtypes and "/StrikeOut" in subtypes:
        kind = "replace"  # Acrobat's "replace text": a caret and a strike-out, grouped
    written = next((p.text for p in parts if p.text), "")
    replies = tuple(r for p in parts for r in p.replies)
    quads = [q for p in parts for q in p.quads]
    if quads:
        points = [(item.page, (q[1] + q[3]) / 2) for q in quads]
        words = text.covered(item.page, quads)
    else:
        _, y0, _, y1 = item.rect
        if item.subtype in ("/Text", "/FreeText"):
            # A note is put where the person clicked, at its icon's (or box's) top.
            y = y1 - min((y1 - y0) / 2, 8.0)
        else:
            y = (y0 + y1) / 2
        points = [(item.page, y)]
        words = ""
    lines = [line for page, y in points if (line := _line_at(mark, page, y)) is not None]
    first = min(lines, key=lambda ln: ln.number) if lines else None
    last = max(lines, key=lambda ln: ln.number) if lines else None
    context = text.line_text(first) if first is not None else ""
    where = f"{item.page}:{item.rect}"
    return Comment(
        kind=kind,
        page=item.page + 1,
        line=first.number if first else None,
        last_line=last.number if last else None,
        session=first.session if first else None,
        text=written,
        words=words,
        context=context,
        replies=replies,
        identity=item.name or where,
        y=points[0][1],
    )


def _line_at(mark: ProofMark, page: int, y: float) -> MarkLine | None:
    best: MarkLine | None = None
    distance = NEAR_LINE_PT
    for line in mark.lines:
        if line.page != page:
            continue
        if line.bottom <= y <= line.top:
            return line
        gap = line.bottom - y if y < line.bottom else y - line.top
        if gap < distance:
            best, distance = line, gap
    return best


class _PageText:
    """The characters of the proof's pages with their boxes (PDFium), read when needed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._doc: pdfium.PdfDocument | None = None
        self._pages: dict[int, list[tuple[str, float, float, float, float]]] = {}

    def _chars(self, page: int) -> list[tuple[str, float, float, float, float]]:
        if page in self._pages:
            return self._pages[page]
        try:
            if self._doc is None:
                self._doc = pdfium.PdfDocument(self.path, password="")
            pdf_page = self._doc[page]
            textpage = pdf_page.get_textpage()
            text, count = _chars(textpage)
            if count > MAX_CHARS:
                raise _fail(self.path, f"page {page + 1} holds more text than any proof page")
            boxes = []
            left, right = ctypes.c_double(), ctypes.c_double()
            bottom, top = ctypes.c_double(), ctypes.c_double()
            for index in range(min(count, len(text))):
                pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
                boxes.append((text[index], left.value, bottom.value, right.value, top.value))
            textpage.close()
            pdf_page.close()
        except pdfium.PdfiumError as exc:
            raise _fail(self.path, f"page {page + 1} cannot be read ({exc})") from None
        self._pages[page] = boxes
        return boxes

    def covered(self, page: int, quads: list[tuple[float, float, float, float]]) -> str:
        """The words whose characters' centres lie inside the quads."""

        def inside(box: tuple[str, float, float, float, float]) -> bool:
            x, y = (box[1] + box[3]) / 2, (box[2] + box[4]) / 2
            return any(q[0] - 1 <= x <= q[2] + 1 and q[1] <= y <= q[3] for q in quads)

        return self._join(page, inside)

    def line_text(self, line: MarkLine) -> str:
        """The text on a numbered line."""

        def on(box: tuple[str, float, float, float, float]) -> bool:
            return line.bottom <= (box[2] + box[4]) / 2 <= line.top

        return self._join(line.page, on)[:MAX_TEXT]

    def _join(self, page: int, wanted: Any) -> str:
        chars = self._chars(page)
        hits = [i for i, box in enumerate(chars) if box[0].strip() and wanted(box)]
        if not hits:
            return ""
        hit = set(hits)
        out: list[str] = []
        for index in range(hits[0], hits[-1] + 1):
            char = chars[index][0]
            if index in hit:
                out.append(char)
            elif not char.strip() or (out and out[-1] != " "):
                out.append(" ")  # a space, a line end, or text outside the marking
        return _SPACE.sub(" ", "".join(out).replace("\n", " ").replace("\r", " ")).strip()

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None
