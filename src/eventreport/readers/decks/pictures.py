"""Slides shown as pictures (`show: image`), drawn from the deck's publication copy.

A PDF deck's page is drawn by PDFium; a PowerPoint deck (or one LibreOffice converted
to PowerPoint) is first drawn to PDF by LibreOffice, only the slides asked for, then by
PDFium. Either way the drawing starts from the publication copy (`publication/`), so
what the copy leaves out (hidden slides and shapes, comments, annotations, hidden
layers) is never drawn. Each slide is drawn once for print (PRINT_WIDTH pixels wide:
300 dpi across the PDF's text column) and scaled down for the web page's `srcset`; each
size is saved as PNG, or as JPEG where that is less than half the bytes (photos), with
no metadata. The pictures are kept in the build's cache (`cache`) by the deck's hash,
the slide, the sizes and the programs' versions, so a rebuild draws nothing again.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from eventreport.errors import ReadError
from eventreport.hashing import file_digest
from eventreport.limits import LIBREOFFICE_SECONDS_PER_SLIDE
from eventreport.model import Deck, DeckSource, PictureFile, Slide, SlidePicture
from eventreport.publication.pdf import clean_pdf
from eventreport.publication.pptx import clean_pptx
from eventreport.readers.decks.cache import DeckCache
from eventreport.readers.decks.convert import CONVERSIONS, as_pptx
from eventreport.readers.decks.libreoffice import converted, version

PRINT_WIDTH = 1920
"""Pixels across the largest picture: 300 dpi over the PDF's 16 cm text column."""
WEB_WIDTHS = (640, 1280)
"""Smaller sizes for the web page's srcset (the print size is offered there too)."""
FOLDER = "dias"
"""Where the pictures go beside the report."""
# Part of the cache key: a change to how slides are drawn draws them anew.
_DRAWING = "2"
_JPEG_QUALITY = 88


@dataclass(frozen=True)
class _Drawn:
    """One slide drawn in every size, before it is placed in the output."""

    files: tuple[tuple[int, Path], ...]
    """(width, kept file), smallest first."""
    height: int
    """The height of the largest."""


def slide_pictures(
    source: DeckSource, deck: Deck, slides: Sequence[Slide], cache: DeckCache
) -> tuple[SlidePicture, ...]:
    """`slides` of `deck` (read from `source`) as pictures, drawn now or kept from before."""
    digest = file_digest(source.path)
    setting = "hidden" if source.include_hidden else "visible"
    renderer = f"pdfium {pdfium.PDFIUM_INFO.version}"
    if deck.format != "pdf":
        renderer += f"; {version()}"
    key = (digest, setting, renderer, _DRAWING, str(PRINT_WIDTH), *map(str, WEB_WIDTHS))
    drawn = {slide.number: _kept(cache, key, slide.number) for slide in slides}
    missing = [slide for slide in slides if drawn[slide.number] is None]
    if missing:
        for slide, pdf_page in zip(missing, _pages(source, deck, missing, cache), strict=True):
            drawn[slide.number] = _keep(cache, key, slide.number, pdf_page)
    return tuple(_picture(source, slide.number, drawn[slide.number]) for slide in slides)


def _pages(
    source: DeckSource, deck: Deck, slides: Sequence[Slide], cache: DeckCache
) -> list[Image.Image]:
    """The slides drawn at print size, from the publication copy."""
    if deck.format == "pdf":
        copy = clean_pdf(source.path, title=source.title).data
        return _draw(copy, [(slide.page or slide.number) - 1 for slide in slides], source.path)
    # The copy holds the slides `deck` lists (the visible ones, or all of them with
    # include_hidden), in order: a slide's place in the copy is its place in `deck`.
    places = [deck.slides.index(slide) + 1 for slide in slides]
    conversion = CONVERSIONS.get(deck.converted or "")
    if conversion is None:
        return _draw_pptx(source, source.path, places)
    with as_pptx(source.path, conversion, cache) as pptx:
        return _draw_pptx(source, pptx, places)


def _draw_pptx(source: DeckSource, pptx: Path, places: list[int]) -> list[Image.Image]:
    options = {
        "PageRange": {"type": "string", "value": ",".join(map(str, places))},
        # The copy holds hidden slides only where the deck asks for them.
        "ExportHiddenSlides": {"type": "boolean", "value": "true"},
        "ExportNotesPages": {"type": "boolean", "value": "false"},
    }
    target = "pdf:impress_pdf_Export:" + json.dumps(options, separators=(",", ":"))
    with tempfile.TemporaryDirectory(prefix="eventreport-copy-") as folder:
        deck = Path(folder) / "copy.pptx"
        clean_pptx(pptx, title=source.title, include_hidden=source.include_hidden, into=deck)
        what = "drawing the slides as pictures"
        seconds = LIBREOFFICE_SECONDS_PER_SLIDE * len(places)
        with converted(
            deck, ".pptx", target, shown_as=source.path, what=what, seconds=seconds
        ) as pdf:
            # The range comes out in slide order; the slides may have been asked for in
            # another.
            ordered = sorted(set(places))
            pages = _draw(pdf.read_bytes(), list(range(len(ordered))), source.path)
    by_place = dict(zip(ordered, pages, strict=True))
    return [by_place[place] for place in places]


def _draw(pdf: bytes, indices: list[int], path: Path) -> list[Image.Image]:
    """Pages of a PDF (0-based `indices`) drawn PRINT_WIDTH pixels wide."""
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise ReadError(
            path, f"the slides could not be drawn ({exc}); get the file again"
        ) from None
    try:
        pages = []
        for index in indices:
            if not 0 <= index < len(document):
                raise ReadError(
                    path,
                    f"the slide could not be drawn (page {index + 1} of {len(document)} is"
                    " missing from the drawing); save the deck again",
                )
            page = document[index]
            try:
                scale = PRINT_WIDTH / page.get_width()
                bitmap = page.render(scale=scale, draw_annots=False, may_draw_forms=False)
                pages.append(bitmap.to_pil().convert("RGB"))
            finally:
                page.close()
        return pages
    finally:
        document.close()


def _kept(cache: DeckCache, key: tuple[str, ...], number: int) -> _Drawn | None:
    """The slide's pictures from the cache, when every size is there."""
    files = []
    for width in (*WEB_WIDTHS, PRINT_WIDTH):
        found = next(
            (p for p in (cache.get((*key, str(number), str(width)), s) for s in _SUFFIXES) if p),
            None,
        )
        if found is None:
            return None
        files.append((width, found))
    with Image.open(files[-1][1]) as largest:
        height = largest.height
    return _Drawn(tuple(files), height)


_SUFFIXES = (".png", ".jpg")


def _keep(cache: DeckCache, key: tuple[str, ...], number: int, page: Image.Image) -> _Drawn:
    """Save the slide in every size into the cache."""
    files = []
    for width in (*WEB_WIDTHS, PRINT_WIDTH):
        height = round(page.height * width / page.width)
        sized = (
            page if width == page.width else page.resize((width, height), Image.Resampling.LANCZOS)
        )
        suffix, data = _smaller_file(sized)
        files.append((width, cache.put((*key, str(number), str(width)), suffix, data)))
    return _Drawn(tuple(files), page.height)


def _smaller_file(picture: Image.Image) -> tuple[str, bytes]:
    """The picture as PNG, or as JPEG where that is far smaller (a photo), without
    metadata. JPEG blurs the edges of letters, so text stays PNG unless it costs twice
    the bytes."""
    png, jpeg = io.BytesIO(), io.BytesIO()
    picture.save(png, "PNG", compress_level=9)
    picture.save(jpeg, "JPEG", quality=_JPEG_QUALITY, optimize=True)
    if jpeg.tell() * 2 < png.tell():
        return ".jpg", jpeg.getvalue()
    return ".png", png.getvalue()


def _picture(source: DeckSource, number: int, drawn: _Drawn | None) -> SlidePicture:
    assert drawn is not None  # every slide was either kept or drawn above
    files = tuple(
        PictureFile(
            href=f"{FOLDER}/{source.id}-{number}-{width}{path.suffix}", width=width, source=path
        )
        for width, path in drawn.files
    )
    return SlidePicture(number=number, width=PRINT_WIDTH, height=drawn.height, files=files)
