"""Slides shown as pictures (`show: image`), drawn from the deck's publication copy.

A PDF deck's page is drawn by PDFium; a PowerPoint deck (or one LibreOffice converted
to PowerPoint) is first drawn to PDF by LibreOffice, only the slides asked for, then by
PDFium. Either way the drawing starts from the publication copy (`publication/`), so
what the copy leaves out (hidden slides and shapes, comments, annotations, hidden
layers) is never drawn. PDFium draws each slide in every size: for print (PRINT_WIDTH
pixels wide: 300 dpi across the PDF's text column) and for the web page's `srcset`
(drawing a smaller size takes a tenth of the time of scaling the large one down, and
its letters are drawn for its pixels); each size is saved as PNG, or as JPEG where that
is less than half the bytes (photos), with no metadata. The pictures are kept in the
build's cache (`cache`) by the deck's hash, the slide, the sizes and the programs'
versions, so a rebuild draws nothing again.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from eventreport.errors import ReadError
from eventreport.hashing import file_digest
from eventreport.i18n import _
from eventreport.limits import LIBREOFFICE_SECONDS_PER_SLIDE
from eventreport.model import Deck, DeckSource, PictureFile, Slide, SlidePicture
from eventreport.pdfium_lock import PDFIUM
from eventreport.publication.pptx import clean_pptx
from eventreport.readers.decks.cache import DeckCache
from eventreport.readers.decks.convert import CONVERSIONS, as_pptx
from eventreport.readers.decks.libreoffice import converted_each, owned_by, stop, version

PRINT_WIDTH = 1920
"""Pixels across the largest picture: 300 dpi over the PDF's 16 cm text column."""
WEB_WIDTHS = (640, 1280)
"""Smaller sizes for the web page's srcset (the print size is offered there too)."""
FOLDER = "dias"
"""Where the pictures go beside the report."""
WIDTHS = (*WEB_WIDTHS, PRINT_WIDTH)
"""Every size drawn, smallest first."""
# Part of the cache key: a change to how slides are drawn draws them anew.
_DRAWING = "4"
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

    The decks some session shows slides of are named with `ahead` as they are read, and
    `start` draws them all in a worker thread while the rest of the sources is read. All
    PowerPoint decks go to LibreOffice in one run (it takes a third of a second to start
    and a tenth to draw a few slides): each as a drawing copy, its publication copy with
    every slide hidden but those asked for. PDFium then draws the pages, under the one
    lock every use of PDFium in a build takes (pdfium_lock.py), and the sizes of all
    pictures are compressed in parallel (Pillow lets go of Python's lock while it
    compresses). Use it as a context manager: leaving it stops what is still drawing.
    """

    def __init__(self, cache: DeckCache) -> None:
        self.cache = cache
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="eventreport-draw")
        # One compressing thread a core (four at most: a deck has few slides to draw).
        workers = min(4, max(2, os.cpu_count() or 2))
        self._compress = ThreadPoolExecutor(workers, thread_name_prefix="eventreport-compress")
        self._waiting: list[_Request] = []
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
        """Name `slides` of `deck` (every slide some session will show as a picture) to
        be drawn by the next `start`; `pictures` takes them when it is asked for them."""
        if slides and source.id not in self._ahead:
            request = _Request(source, deck, tuple(slides), Future())
            self._ahead[source.id] = request.future
            self._waiting.append(request)

    def start(self) -> None:
        """Start drawing what `ahead` named since the last start."""
        if self._waiting:
            self._pool.submit(self._draw, self._waiting)
            self._waiting = []

    def pictures(
        self, source: DeckSource, deck: Deck, slides: Sequence[Slide]
    ) -> tuple[SlidePicture, ...]:
        """`slides` of `deck` (read from `source`) as pictures, drawn now or kept from
        before."""
        drawn = self._drawn.setdefault(source.id, {})
        if any(s.number not in drawn for s in slides) and source.id in self._ahead:
            self.start()
            drawn.update(self._ahead[source.id].result())  # its error is raised here
        missing = [s for s in slides if s.number not in drawn]
        if missing:
            request = _Request(source, deck, tuple(missing), Future())
            self._draw([request])
            drawn.update(request.future.result())
        return tuple(_picture(source, s.number, drawn[s.number]) for s in slides)

    def _draw(self, requests: list[_Request]) -> None:
        """Draw what `requests` ask for (or take it from the cache); each request's future
        gets its pictures by slide number, or the error of its deck."""
        live = [r for r in requests if r.future.set_running_or_notify_cancel()]
        try:
            with owned_by(self):  # what leaving the drawer stops
                keys = [_key(r.source, r.deck) for r in live]
                kept = [
                    {s.number: _kept(self.cache, key, s.number) for s in r.slides}
                    for r, key in zip(live, keys, strict=True)
                ]
                missing = [
                    [s for s in r.slides if found[s.number] is None]
                    for r, found in zip(live, kept, strict=True)
                ]
                pages = _pages(live, missing, self.cache)
            # Every size of every slide drawn, compressed side by side.
            made = [
                (key, slide.number, sizes)
                for key, slides, drawn in zip(keys, missing, pages, strict=True)
                if not isinstance(drawn, ReadError)
                for slide, sizes in zip(slides, drawn, strict=True)
            ]
            kept_now = iter(self._keep(made))
            for request, found, slides, drawn in zip(live, kept, missing, pages, strict=True):
                if isinstance(drawn, ReadError):
                    request.future.set_exception(drawn)
                    continue
                result = {number: d for number, d in found.items() if d is not None}
                result.update({slide.number: next(kept_now) for slide in slides})
                request.future.set_result(result)
        except BaseException as exc:  # a full disk, a stopped build: every deck says so
            for request in live:
                if not request.future.done():
                    request.future.set_exception(exc)

    def _keep(self, made: list[tuple[tuple[str, ...], int, list[Image.Image]]]) -> list[_Drawn]:
        """Save each slide drawn (its cache key, number and pictures in every size of
        WIDTHS) into the cache, all sizes of all slides side by side."""

        def save(job: tuple[tuple[str, ...], int, Image.Image]) -> Path:
            key, number, picture = job
            suffix, data = _smaller_file(picture)
            return self.cache.put((*key, str(number), str(picture.width)), suffix, data)

        jobs = [(key, number, picture) for key, number, sizes in made for picture in sizes]
        # The largest first: the small ones then fill the gaps, and the last to finish is
        # a small one.
        order = sorted(range(len(jobs)), key=lambda k: -jobs[k][2].width)
        futures = {k: self._compress.submit(save, jobs[k]) for k in order}
        saved = iter(futures[k].result() for k in range(len(jobs)))
        return [
            _Drawn(tuple((width, next(saved)) for width in WIDTHS), sizes[-1].height)
            for _, _, sizes in made
        ]


@dataclass(frozen=True)
class _Request:
    """Slides of one deck to draw, and where their pictures go."""

    source: DeckSource
    deck: Deck
    slides: tuple[Slide, ...]
    future: Future[dict[int, _Drawn]]


def _key(source: DeckSource, deck: Deck) -> tuple[str, ...]:
    """The cache key of the deck's pictures (without slide and size): the deck's bytes,
    what of it is shown, the sizes and the programs that draw."""
    digest = file_digest(source.path)
    setting = "hidden" if source.include_hidden else "visible"
    renderer = f"pdfium {pdfium.PDFIUM_INFO.version}"
    if deck.format != "pdf":
        renderer += f"; {version()}"
    return (digest, setting, renderer, _DRAWING, str(PRINT_WIDTH), *map(str, WEB_WIDTHS))


# LibreOffice draws the slides a drawing copy leaves visible, and no others.
_TARGET = "pdf:impress_pdf_Export:" + json.dumps(
    {
        "ExportHiddenSlides": {"type": "boolean", "value": "false"},
        "ExportNotesPages": {"type": "boolean", "value": "false"},
    },
    separators=(",", ":"),
)


Sizes = list[Image.Image]
"""One slide drawn in every size of WIDTHS, in that order."""


def _pages(
    requests: Sequence[_Request], missing: Sequence[Sequence[Slide]], cache: DeckCache
) -> list[list[Sizes] | ReadError]:
    """For each request, its `missing` slides drawn from the publication copy, in that
    order, or the error of its deck. The PowerPoint decks' slides are drawn by
    LibreOffice in one run."""
    results: list[list[Sizes] | ReadError] = [[] for _ in requests]
    drawing: list[tuple[int, Path, list[int]]] = []  # request, drawing copy, its places
    with tempfile.TemporaryDirectory(prefix="eventreport-copy-") as folder, ExitStack() as kept:
        for index, (request, slides) in enumerate(zip(requests, missing, strict=True)):
            source = request.source
            try:
                if not slides:
                    continue
                if request.deck.format == "pdf":
                    results[index] = _pdf_pages(source, slides)
                    continue
                places = sorted({_place(request.deck, slide) for slide in slides})
                pptx = source.path
                conversion = CONVERSIONS.get(request.deck.converted or "")
                if conversion is not None:
                    pptx = kept.enter_context(as_pptx(source.path, conversion, cache))
                copy = Path(folder) / f"{index}.pptx"
                clean_pptx(
                    pptx, title=source.title, include_hidden=source.include_hidden,
                    into=copy, drawn=places,
                )  # fmt: skip
                drawing.append((index, copy, places))
            except ReadError as exc:
                results[index] = exc
        if drawing:
            _draw_copies(requests, missing, drawing, results)
    return results


def _draw_copies(
    requests: Sequence[_Request],
    missing: Sequence[Sequence[Slide]],
    drawing: list[tuple[int, Path, list[int]]],
    results: list[list[Sizes] | ReadError],
) -> None:
    """The drawing copies of `drawing` (request, copy, the places it shows) drawn by
    LibreOffice in one run, then by PDFium, into `results`."""
    decks = [
        (copy, requests[index].source.path, LIBREOFFICE_SECONDS_PER_SLIDE * len(places))
        for index, copy, places in drawing
    ]
    what = _("drawing the slides as pictures")
    with converted_each(decks, ".pptx", _TARGET, what=what) as made:
        for (index, _copy, places), pdf in zip(drawing, made, strict=True):
            request = requests[index]
            try:
                if isinstance(pdf, ReadError):
                    raise pdf
                pages = [places.index(_place(request.deck, s)) for s in missing[index]]
                results[index] = _draw_pages(pdf.read_bytes(), pages, request.source.path)
            except ReadError as exc:
                results[index] = exc


def _pdf_pages(source: DeckSource, slides: Sequence[Slide]) -> list[Sizes]:
    """A PDF deck's pages, drawn from its publication copy."""
    from eventreport.publication.pdf import clean_pdf  # pikepdf: for PDF decks only

    copy = clean_pdf(source.path, title=source.title).data
    return _draw_pages(copy, [(slide.page or slide.number) - 1 for slide in slides], source.path)


def _place(deck: Deck, slide: Slide) -> int:
    """The slide's place in the publication copy, which holds the slides `deck` lists
    (the visible ones, or all of them with include_hidden), in order."""
    return deck.slides.index(slide) + 1


def _draw_pages(pdf: bytes, indices: list[int], path: Path) -> list[Sizes]:
    """Pages of a PDF (0-based `indices`), each drawn in every size of WIDTHS."""
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


def _drawn_page(document: pdfium.PdfDocument, index: int, path: Path) -> Sizes:
    if not 0 <= index < len(document):
        raise ReadError(
            path,
            f"the slide could not be drawn (page {index + 1} of {len(document)} is"
            " missing from the drawing); save the deck again",
        )
    page = document[index]
    try:
        return [_drawn_size(page, width) for width in WIDTHS]
    finally:
        page.close()


def _drawn_size(page: pdfium.PdfPage, width: int) -> Image.Image:
    """The page drawn `width` pixels wide."""
    page_width = page.get_width()
    # PDFium makes ceil(page width x scale) pixels: a scale a hair too large for the
    # floating point makes one more.
    scale = width / page_width
    while math.ceil(page_width * scale) > width:
        scale = math.nextafter(scale, 0)
    bitmap = page.render(scale=scale, draw_annots=False, may_draw_forms=False)
    try:
        drawn: Image.Image = bitmap.to_pil().convert("RGB")  # a copy: none of PDFium's memory
        return drawn
    finally:
        bitmap.close()


def _kept(cache: DeckCache, key: tuple[str, ...], number: int) -> _Drawn | None:
    """The slide's pictures from the cache, when every size is there."""
    files = []
    for width in WIDTHS:
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
