"""PDF decks: one page is one slide, with its title, lists and paragraphs.

Across the deck, lines repeated on most pages (navigation bars, headers, footers) and
slide numbers are dropped, and overlay frames (LaTeX beamer shows a frame several times,
each page adding text) are folded into one slide.
"""

from __future__ import annotations

import dataclasses
import math
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

from eventreport.errors import ReadError
from eventreport.model import Deck, ListBlock, Paragraph, Slide
from eventreport.readers._pdf_layout import page_structure
from eventreport.readers._pdf_lines import Line, page_lines

# pypdf raises its own errors for most damage, but plain ones for some malformed objects.
_PDF_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, EOFError, OSError, RecursionError)
_REMOVE_PASSWORD = (
    "open it with the password and save or print it to a new PDF without one, "
    "or ask the speaker for an unprotected copy"
)
# A line on at least half of the pages, from early to late in the deck, is chrome;
# overlays repeat a frame's lines too, but only on a run of neighbouring pages.
_REPEATED_SHARE = 0.5
_REPEATED_SPREAD = 0.6
_MIN_PAGES = 3
_EDGE = 0.12  # of the page height: where headers, footers and slide numbers sit
_PAGE_NUMBER = re.compile(r"^\d{1,4}(\s*(/|of|van|de|von)\s*\d{1,4})?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_OVERLAY_SHARE = 0.9

Page = tuple[list[Line], float, float]


def read_pdf(
    path: Path,
    *,
    include_hidden: bool = False,
    notes: bool = False,
    archive: zipfile.ZipFile | None = None,  # a PDF is never a zip; here for the protocol
) -> Deck:
    """Read a PDF deck, one slide per page; `include_hidden` and `notes` have no effect."""
    try:
        reader = PdfReader(path)
    except _PDF_ERRORS as exc:
        raise ReadError(
            path, f"the PDF is damaged or incomplete ({exc}); get the file again"
        ) from None
    if reader.is_encrypted:
        _decrypt(path, reader)
    pages = [_page(path, page, number) for number, page in enumerate(_pages(path, reader), 1)]
    chrome = _repeated(pages)
    slides = []
    for number, (lines, width, height) in enumerate(pages, 1):
        kept = [line for line in lines if not _is_chrome(line, height, chrome)]
        title, blocks = page_structure(kept, width, height)
        slides.append(Slide(number=number, title=title, hidden=False, blocks=blocks))
    return Deck(source=path, format="pdf", slides=_fold_overlays(slides))


def _pages(path: Path, reader: PdfReader) -> list[Any]:
    try:
        return list(reader.pages)
    except _PDF_ERRORS as exc:
        raise ReadError(
            path, f"the PDF's page list is damaged ({exc}); get the file again"
        ) from None


def _page(path: Path, page: Any, number: int) -> Page:
    try:
        return page_lines(page)
    except _PDF_ERRORS as exc:
        raise ReadError(
            path, f"cannot read the page's text ({exc}); get the file again", f"page {number}"
        ) from None


def _key(line: Line) -> str:
    # Digits vary on a repeated line ("3 / 31", a date): compare the rest.
    return _DIGITS.sub("#", " ".join(line.text.split()).casefold())


def _repeated(pages: list[Page]) -> frozenset[str]:
    """Keys of lines that recur across the deck."""
    if len(pages) < _MIN_PAGES:
        return frozenset()
    seen: dict[str, list[int]] = {}
    for number, (lines, _, _) in enumerate(pages):
        for key in {_key(line) for line in lines}:
            seen.setdefault(key, []).append(number)
    wanted = max(_MIN_PAGES, math.ceil(_REPEATED_SHARE * len(pages)))
    return frozenset(
        key
        for key, numbers in seen.items()
        if len(numbers) >= wanted and numbers[-1] - numbers[0] >= _REPEATED_SPREAD * len(pages)
    )


def _is_chrome(line: Line, height: float, repeated: frozenset[str]) -> bool:
    at_edge = line.top < _EDGE * height or line.top > (1 - _EDGE) * height
    return _key(line) in repeated or (at_edge and _PAGE_NUMBER.match(line.text) is not None)


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
