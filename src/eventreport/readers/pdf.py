"""PDF decks: one page is one slide."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

from eventreport.errors import ReadError
from eventreport.model import Deck, Paragraph, Slide
from eventreport.readers._text import clean

# pypdf raises its own errors for most damage, but plain ones for some malformed objects.
_PDF_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, EOFError, OSError)
_REMOVE_PASSWORD = (
    "open it with the password and save or print it to a new PDF without one, "
    "or ask the speaker for an unprotected copy"
)


def read_pdf(path: Path, *, include_hidden: bool = False, notes: bool = False) -> Deck:
    """Read a PDF deck, one slide per page; `include_hidden` and `notes` have no effect."""
    try:
        reader = PdfReader(path)
    except _PDF_ERRORS as exc:
        raise ReadError(
            path, f"the PDF is damaged or incomplete ({exc}); get the file again"
        ) from None
    if reader.is_encrypted:
        _decrypt(path, reader)
    slides = []
    try:
        pages = list(reader.pages)
    except _PDF_ERRORS as exc:
        raise ReadError(
            path, f"the PDF's page list is damaged ({exc}); get the file again"
        ) from None
    for number, page in enumerate(pages, 1):
        try:
            text = page.extract_text()
        except _PDF_ERRORS as exc:
            raise ReadError(
                path, f"cannot read the page's text ({exc}); get the file again", f"page {number}"
            ) from None
        lines = [line for line in (clean(raw) for raw in text.splitlines()) if line]
        slides.append(
            Slide(
                number=number,
                title=lines[0] if lines else None,
                hidden=False,
                blocks=tuple(Paragraph(line) for line in lines[1:]),
            )
        )
    return Deck(source=path, format="pdf", slides=tuple(slides))


def _decrypt(path: Path, reader: PdfReader) -> None:
    """Open a PDF protected only by an owner password; refuse one that needs a password."""
    try:
        opened = reader.decrypt("")
    except DependencyError:
        raise ReadError(
            path,
            "the PDF is encrypted with AES, which this installation cannot decrypt; "
            + _REMOVE_PASSWORD,
        ) from None
    except _PDF_ERRORS as exc:
        raise ReadError(
            path, f"the PDF's encryption is damaged ({exc}); get the file again"
        ) from None
    if not opened:
        raise ReadError(path, f"the PDF is password-protected; {_REMOVE_PASSWORD}")
