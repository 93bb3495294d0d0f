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
from eventreport.publication.pdf import clean_pdf
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

    LibreOffice's part (a PowerPoint deck drawn to PDF) is the slow one, most of it
    LibreOffice starting. It runs in worker threads, started by `ahead` as soon as a
    deck is read, so it goes on while the other decks and the polls are read, and two
    decks are drawn at once. PDFium's part runs in the thread that asks for the pictures,
    as PDFium must never be used by two threads at once; the sizes of each picture are
    then compressed in parallel (Pillow lets go of Python's lock while it compresses).
    Use it as a context manager: leaving it stops what is still drawing.
    """

    def __init__(self, cache: DeckCache, workers: int = 2) -> None:
        self.cache = cache
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="eventreport-draw")
        # Compressing has threads of its own, not to wait behind LibreOffice's runs.
        self._compress = ThreadPoolExecutor(workers, thread_name_prefix="eventreport-compress")
        self._ahead: dict[str, Future[_Prepared]] = {}
        self._drawn: dict[tuple[str, int], _Drawn] = {}

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
        picture) now; `pictures` takes them when it is asked for them. A PDF deck is
        drawn when asked: PDFium is quick, and may not run beside the reading."""
        if deck.format != "pdf" and slides and source.id not in self._ahead:
            self._ahead[source.id] = self._pool.submit(self._prepare_ahead, source, deck, slides)

    def _prepare_ahead(self, source: DeckSource, deck: Deck, slides: Sequence[Slide]) -> _Prepared:
        with owned_by(self):  # what leaving the drawer stops
            return _prepare(source, deck, slides, self.cache)

    def pictures(
        self, source: DeckSource, deck: Deck, slides: Sequence[Slide]
    ) -> tuple[SlidePicture, ...]:
        """`slides` of `deck` (read from `source`) as pictures, drawn now or kept from
        before."""
        wanted = [s for s in slides if (source.id, s.number) not in self._drawn]
        if wanted:
            ahead = self._ahead.get(source.id)
            prepared = ahead.result() if ahead is not None else None
            if prepared is None or not prepared.covers(wanted):
                prepared = _prepare(source, deck, wanted, self.cache)
            self._finish(source, deck, wanted, prepared)
        return tuple(_picture(source, s.number, self._drawn[source.id, s.number]) for s in slides)

    def _finish(
        self, source: DeckSource, deck: Deck, slides: Sequence[Slide], prepared: _Prepared
    ) -> None:
        """Draw with PDFium what was not kept, compress and keep it."""
        missing = []
        for slide in slides:
            kept = prepared.kept.get(slide.number)
            if kept is not None:
                self._drawn[source.id, slide.number] = kept
            else:
                missing.append(slide)
        if not missing:
            return
        if prepared.pdf is None:  # a PDF deck: its publication copy is drawn
            copy = clean_pdf(source.path, title=source.title).data
            pages = _draw(copy, [(s.page or s.number) - 1 for s in missing], source.path)
        else:
            indices = [prepared.places.index(_place(deck, s)) for s in missing]
            pages = _draw(prepared.pdf, indices, source.path)
        for slide, page in zip(missing, pages, strict=True):
            self._drawn[source.id, slide.number] = self._keep(prepared.key, slide.number, page)

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


@dataclass(frozen=True)
class _Prepared:
    """What a worker thread made of a deck's slides before PDFium draws them."""

    key: tuple[str, ...]
    """The cache key of the deck's pictures (without slide and size)."""
    kept: dict[int, _Drawn | None]
    """Each slide asked for: its pictures from the cache, or None."""
    places: list[int]
    """The places in the publication copy (1-based) of the slides not kept, in order:
    `pdf` holds one page for each."""
    pdf: bytes | None
    """LibreOffice's drawing of those slides; None for a PDF deck or when all were kept."""

    def covers(self, slides: Sequence[Slide]) -> bool:
        return all(s.number in self.kept for s in slides)


def _prepare(
    source: DeckSource, deck: Deck, slides: Sequence[Slide], cache: DeckCache
) -> _Prepared:
    """The cache key and what the cache keeps of `slides`; the rest drawn to PDF by
    LibreOffice (a PowerPoint deck). Safe to run in a worker thread: no PDFium here."""
    digest = file_digest(source.path)
    setting = "hidden" if source.include_hidden else "visible"
    renderer = f"pdfium {pdfium.PDFIUM_INFO.version}"
    if deck.format != "pdf":
        renderer += f"; {version()}"
    key = (digest, setting, renderer, _DRAWING, str(PRINT_WIDTH), *map(str, WEB_WIDTHS))
    kept = {slide.number: _kept(cache, key, slide.number) for slide in slides}
    missing = [slide for slide in slides if kept[slide.number] is None]
    if deck.format == "pdf" or not missing:
        return _Prepared(key, kept, [], None)
    # The range comes out in slide order, whatever order the slides were asked in.
    places = sorted({_place(deck, slide) for slide in missing})
    conversion = CONVERSIONS.get(deck.converted or "")
    if conversion is None:
        return _Prepared(key, kept, places, _draw_pptx(source, source.path, places))
    with as_pptx(source.path, conversion, cache) as pptx:
        return _Prepared(key, kept, places, _draw_pptx(source, pptx, places))


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
