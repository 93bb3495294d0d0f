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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from eventreport.errors import ReadError
from eventreport.hashing import file_digest
from eventreport.limits import LIBREOFFICE_SECONDS_PER_SLIDE
from eventreport.model import Deck, DeckSource, PictureFile, Slide, SlidePicture
from eventreport.pdfium_lock import PDFIUM
from eventreport.publication.pptx import clean_pptx
from eventreport.readers.decks.cache import DeckCache
from eventreport.readers.decks.convert import CONVERSIONS, as_pptx
from eventreport.readers.decks.libreoffice import converted, owned_by, stop, version

PRINT_WIDTH = 1920
"""Pixels across the largest picture: 300 dpi over the PDF's 16 cm text column."""
WEB_WIDTHS = (640, 1280)
"""Smaller sizes for the web page's srcset (the print size is offered there too)."""
FOLDER = "dias"
"""Where the pictures go beside the report."""
# Part of the cache key: a change to how slides are drawn draws them anew.
_DRAWING = "3"
_JPEG_QUALITY = 88


@dataclass(frozen=True)
class _Drawn:
    """One slide drawn in every size, before it is placed in the output."""

    files: tuple[tuple[int, Path], ...]
    """(width, kept file), smallest first."""
    height: int
    """The height of the largest."""


class SlideDrawer:
    """Draws the slides of one build, as fast as the machine allows.

    Each deck's slides are drawn in a worker thread, started by `ahead` as soon as the
    deck is read: LibreOffice (a PowerPoint deck drawn to PDF, the slow part, most of it
    LibreOffice starting) runs while the other decks and the polls are read, two decks
    at once. PDFium then draws the pages, under the one lock every use of PDFium in a
    build takes (pdfium_lock.py), and the sizes of each picture are compressed in
    parallel (Pillow lets go of Python's lock while it compresses). Use it as a context
    manager: leaving it stops what is still drawing.
    """

    def __init__(self, cache: DeckCache, workers: int = 2) -> None:
        self.cache = cache
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="eventreport-draw")
        # Compressing has threads of its own, not to wait behind LibreOffice's runs.
        self._compress = ThreadPoolExecutor(workers, thread_name_prefix="eventreport-compress")
        self._ahead: dict[str, Future[dict[int, _Drawn]]] = {}
        self._drawn: dict[str, dict[int, _Drawn]] = {}

    def __enter__(self) -> SlideDrawer:
        return self

    def __exit__(self, *exc: object) -> None:
        # Drawings nobody asked for in the end (a session left out for a mistake, or a
        # build stopped) are not waited for.
        for future in self._ahead.values():
            future.cancel()
        stop(self)
        self._pool.shutdown(wait=True)
        self._compress.shutdown(wait=True)

    def ahead(self, source: DeckSource, deck: Deck, slides: Sequence[Slide]) -> None:
        """Start drawing `slides` of `deck` (every slide some session will show as a
        picture) now; `pictures` takes them when it is asked for them."""
        if slides and source.id not in self._ahead:
            self._ahead[source.id] = self._pool.submit(self._draw_all, source, deck, slides)

    def pictures(
        self, source: DeckSource, deck: Deck, slides: Sequence[Slide]
    ) -> tuple[SlidePicture, ...]:
        """`slides` of `deck` (read from `source`) as pictures, drawn now or kept from
        before."""
        drawn = self._drawn.setdefault(source.id, {})
        if any(s.number not in drawn for s in slides) and source.id in self._ahead:
            drawn.update(self._ahead[source.id].result())  # its error is raised here
        missing = [s for s in slides if s.number not in drawn]
        if missing:
            drawn.update(self._draw_all(source, deck, missing))
        return tuple(_picture(source, s.number, drawn[s.number]) for s in slides)

    def _draw_all(
        self, source: DeckSource, deck: Deck, slides: Sequence[Slide]
    ) -> dict[int, _Drawn]:
        """Every slide of `slides`, kept from before or drawn now, by number."""
        with owned_by(self):  # what leaving the drawer stops
            key = _key(source, deck)
            drawn = {slide.number: _kept(self.cache, key, slide.number) for slide in slides}
            missing = [slide for slide in slides if drawn[slide.number] is None]
            pages = _pages(source, deck, missing, self.cache) if missing else []
        for slide, page in zip(missing, pages, strict=True):
            drawn[slide.number] = self._keep(key, slide.number, page)
        return {number: found for number, found in drawn.items() if found is not None}

    def _keep(self, key: tuple[str, ...], number: int, page: Image.Image) -> _Drawn:
        """Save the slide in every size into the cache, the sizes side by side."""

        def save(width: int) -> Path:
            height = round(page.height * width / page.width)
            sized = (
                page
                if width == page.width
                else page.resize((width, height), Image.Resampling.LANCZOS)
            )
            suffix, data = _smaller_file(sized)
            return self.cache.put((*key, str(number), str(width)), suffix, data)

        widths = (*WEB_WIDTHS, PRINT_WIDTH)
        files = tuple(zip(widths, self._compress.map(save, widths), strict=True))
        return _Drawn(files, page.height)


def _key(source: DeckSource, deck: Deck) -> tuple[str, ...]:
    """The cache key of the deck's pictures (without slide and size): the deck's bytes,
    what of it is shown, the sizes and the programs that draw."""
    digest = file_digest(source.path)
    setting = "hidden" if source.include_hidden else "visible"
    renderer = f"pdfium {pdfium.PDFIUM_INFO.version}"
    if deck.format != "pdf":
        renderer += f"; {version()}"
    return (digest, setting, renderer, _DRAWING, str(PRINT_WIDTH), *map(str, WEB_WIDTHS))


def _pages(
    source: DeckSource, deck: Deck, slides: Sequence[Slide], cache: DeckCache
) -> list[Image.Image]:
    """The slides drawn at print size, from the publication copy, in the order given."""
    if deck.format == "pdf":
        from eventreport.publication.pdf import clean_pdf  # pikepdf: for PDF decks only

        copy = clean_pdf(source.path, title=source.title).data
        return _draw(copy, [(slide.page or slide.number) - 1 for slide in slides], source.path)
    # LibreOffice draws the range in slide order, whatever order it was asked in.
    places = sorted({_place(deck, slide) for slide in slides})
    conversion = CONVERSIONS.get(deck.converted or "")
    if conversion is None:
        pdf = _draw_pptx(source, source.path, places)
    else:
        with as_pptx(source.path, conversion, cache) as pptx:
            pdf = _draw_pptx(source, pptx, places)
    return _draw(pdf, [places.index(_place(deck, slide)) for slide in slides], source.path)


def _place(deck: Deck, slide: Slide) -> int:
    """The slide's place in the publication copy, which holds the slides `deck` lists
    (the visible ones, or all of them with include_hidden), in order."""
    return deck.slides.index(slide) + 1


def _draw_pptx(source: DeckSource, pptx: Path, places: list[int]) -> bytes:
    """The slides at `places` (in order) of the publication copy of `pptx`, drawn to PDF
    by LibreOffice: a page each."""
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
            return pdf.read_bytes()


def _draw(pdf: bytes, indices: list[int], path: Path) -> list[Image.Image]:
    """Pages of a PDF (0-based `indices`) drawn PRINT_WIDTH pixels wide."""
    with PDFIUM:  # and everything PDFium made is closed before the lock is let go
        try:
            document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            raise ReadError(
                path, f"the slides could not be drawn ({exc}); get the file again"
            ) from None
        try:
            return [_drawn_page(document, index, path) for index in indices]
        finally:
            document.close()


def _drawn_page(document: pdfium.PdfDocument, index: int, path: Path) -> Image.Image:
    if not 0 <= index < len(document):
        raise ReadError(
            path,
            f"the slide could not be drawn (page {index + 1} of {len(document)} is"
            " missing from the drawing); save the deck again",
        )
    page = document[index]
    try:
        bitmap = page.render(
            scale=PRINT_WIDTH / page.get_width(), draw_annots=False, may_draw_forms=False
        )
        try:
            drawn: Image.Image = bitmap.to_pil().convert("RGB")  # a copy: none of PDFium's memory
            return drawn
        finally:
            bitmap.close()
    finally:
        page.close()


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


def _smaller_file(picture: Image.Image) -> tuple[str, bytes]:
    """The picture as PNG, or as JPEG where that is far smaller (a photo), without
    metadata. JPEG blurs the edges of letters, so text stays PNG unless it costs twice
    the bytes."""
    png, jpeg = io.BytesIO(), io.BytesIO()
    # Level 6 (zlib's default): half the time of level 9 for 3 % more bytes (measured on
    # the sample's slides at 1,920 pixels: 72 ms for 50.5 kB against 143 ms for 48.9 kB).
    picture.save(png, "PNG", compress_level=6)
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
