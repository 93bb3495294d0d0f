"""PDF decks: one page is one slide, with its title, lists and paragraphs.

Across the deck, what repeats around the slides' own text (navigation bars and
sidebars, running headers, footers, slide numbers: `pdf_chrome`) is dropped, and overlay
frames (LaTeX beamer shows a frame several times, each page adding text) are folded
into one slide.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from eventreport.errors import ReadError
from eventreport.limits import DECK_SLIDES
from eventreport.model import Deck, ListBlock, Paragraph, Slide
from eventreport.pdfium_lock import PDFIUM
from eventreport.readers.decks.pdf_chrome import Chrome, Page
from eventreport.readers.decks.pdf_layout import Measures, is_rtl, page_structure
from eventreport.readers.decks.pdf_lines import Line, page_lines, pypdf_page_lines

from ...i18n import _

_OVERLAY_SHARE = 0.9


def read_pdf(
    path: Path,
    *,
    include_hidden: bool = False,
    notes: bool = False,
    archive: zipfile.ZipFile | None = None,  # a PDF is never a zip; here for the protocol
) -> Deck:
    """Read a PDF deck, one slide per page; `include_hidden` and `notes` have no effect."""
    with PDFIUM:
        document = _open(path)
        try:
            if len(document) > DECK_SLIDES:
                raise ReadError(
                    path,
                    _(
                        "the PDF has {pages} pages, more than the {most} a deck may"
                        " have; is it the slides? Ask the speaker for the deck itself"
                    ).format(pages=len(document), most=DECK_SLIDES),
                )
            pages = [_page(path, document, index) for index in range(len(document))]
        finally:
            document.close()
    if any(is_rtl(lines) for lines, _, _ in pages):
        pages = _right_to_left(path, pages)
    chrome = Chrome(pages)
    kept = [
        [line for line in lines if not chrome.holds(line, width, height)]
        for lines, width, height in pages
    ]
    measures = Measures(line for lines in kept for line in lines)
    slides = []
    for number, (lines, (_lines, width, height)) in enumerate(zip(kept, pages, strict=True), 1):
        title, blocks = page_structure(lines, width, height, measures)
        slides.append(Slide(number=number, title=title, hidden=False, blocks=blocks, page=number))
    return Deck(source=path, format="pdf", slides=_fold_overlays(slides))


def _open(path: Path) -> pdfium.PdfDocument:
    """The PDF opened with PDFium; a PDF protected only by an owner password opens too."""
    try:
        return pdfium.PdfDocument(path, password="")
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            said = _(
                "the PDF is password-protected; open it with the password and save or print it"
                " to a new PDF without one, or ask the speaker for an unprotected copy"
            )
            raise ReadError(path, said) from None
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise ReadError(
                path,
                _(
                    "the PDF uses an encryption this program cannot open; open it with the"
                    " password and save or print it to a new PDF without one, or ask the"
                    " speaker for an unprotected copy"
                ),
            ) from None
        raise ReadError(
            path,
            _("the PDF is damaged or incomplete ({problem}); get the file again").format(
                problem=exc
            ),
        ) from None


def _page(path: Path, document: pdfium.PdfDocument, index: int) -> Page:
    try:
        page = document[index]
        try:
            return page_lines(page)
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise ReadError(
            path,
            _("cannot read the page's text ({problem}); get the file again").format(problem=exc),
            f"page {index + 1}",
        ) from None


def _right_to_left(path: Path, pages: list[Page]) -> list[Page]:
    """Right-to-left pages read again with pypdf, which keeps them in logical order;
    where each line stands comes from PDFium, which measures the glyphs."""
    # Imported here: pypdf (and the cryptography it loads) is a tenth of a second that a
    # deck written left to right never needs.
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            reader.decrypt("")
        read = []
        for index, (lines, width, height) in enumerate(pages):
            if is_rtl(lines):
                logical, _, _ = pypdf_page_lines(reader.pages[index])
                read.append((_measured(logical, lines), width, height))
            else:
                read.append((lines, width, height))
        return read
    # pypdf raises its own errors for most damage, but plain ones for some malformed objects.
    except (PyPdfError, DependencyError, ValueError, KeyError, TypeError, EOFError, OSError,
            RecursionError):  # fmt: skip
        return pages  # PDFium read it: keep its text rather than fail


def _measured(logical: list[Line], measured: list[Line]) -> list[Line]:
    """`logical` lines with the extent of the line of `measured` on the same baseline
    that covers where each starts."""
    for line in logical:
        for other in measured:
            reach = 0.5 * line.size
            if (
                abs(other.top - line.top) <= reach
                and other.start - reach <= line.left <= other.right + reach
            ):
                line.start, line.right = other.start, other.right
                line.left = line.text_left = other.start
                break
    return logical


def _fold_overlays(slides: list[Slide]) -> tuple[Slide, ...]:
    """Pages that repeat the page before and add to it become one slide (first number)."""
    folded: list[Slide] = []
    for slide in slides:
        before = folded[-1] if folded else None
        if (
            before is not None
            and before.title is not None
            and before.title == slide.title
            and _repeats(_words(before), _words(slide))
        ):
            folded[-1] = dataclasses.replace(slide, number=before.number)
            continue
        folded.append(slide)
    return tuple(folded)


def _words(slide: Slide) -> list[str]:
    texts: list[str] = []
    for block in slide.blocks:
        if isinstance(block, Paragraph):
            texts.append(block.text)
        elif isinstance(block, ListBlock):
            texts += [item.text for item in block.items]
    return " ".join(texts).split()


def _repeats(before: list[str], after: list[str]) -> bool:
    """True when `after` holds (nearly) all words of `before`."""
    # Overlays may swap a word in a figure's label ("no perfect phylogeny" becomes
    # "perfect phylogeny"); the text around it is what makes a page an overlay.
    shared = sum((Counter(before) & Counter(after)).values())
    return shared >= _OVERLAY_SHARE * len(before)
