"""The report as a PDF/UA-1 file, made by WeasyPrint from the print rendering."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pikepdf
import weasyprint
from weasyprint.urls import URLFetcher

from ..errors import RenderError
from .pdf_tags import finish_structure
from .rendered import Rendered as Rendered  # still importable from here
from .tagmap import TagNotes, noting

# The page is rendered as if it lay here, whatever folder it is made in: WeasyPrint names
# pictures by their address and writes link addresses into the file, so a real path would
# make every PDF depend on the (unique, temporary) folder it was made in, and would put
# the build machine's folder names into a published file.
VIRTUAL_BASE = "file:///eventreport/"


class LocalFetcher(URLFetcher):  # type: ignore[misc]
    """Fetches only files inside the allowed folders: no network, nothing else on disk.
    Addresses under VIRTUAL_BASE are files in `base`. Notes each file it fetched."""

    def __init__(self, allowed: list[Path], base: Path | None = None) -> None:
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.allowed = [a.resolve() for a in allowed]
        self.base = base.resolve() if base is not None else None
        self.fetched: list[Path] = []

    def fetch(self, url: str, headers: object = None) -> object:
        if self.base is not None and url.startswith(VIRTUAL_BASE):
            url = self.base.as_uri() + "/" + url[len(VIRTUAL_BASE) :]
        parsed = urlparse(url)
        if parsed.scheme != "file":
            raise ValueError(f"refusing to fetch {url}: only files of the event are used")
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(a) for a in self.allowed):
            raise ValueError(f"refusing to fetch {path}: outside the event and templates")
        self.fetched.append(path)
        return super().fetch(url, headers)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _errors_fail(source: Path) -> Iterator[None]:
    # WeasyPrint logs some failures (missing alt, missing lang, bad CSS) and writes the
    # PDF anyway; for a PDF/UA file any of those is a defect, so they fail the build.
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.messages:
        raise RenderError(source, "the PDF engine reported: " + "; ".join(handler.messages))


def write_pdf(html: str, base: Path, allowed: list[Path], target: Path) -> Rendered:
    """Render `html` (links relative to `base`) into `target` as PDF/UA-1."""
    fetcher = LocalFetcher([base, *allowed], base=base)
    pages = finish(target, _render(html, fetcher, target))
    return Rendered(pages, fetcher.fetched)


def finish(target: Path, notes: TagNotes) -> int:
    """The post-pass on WeasyPrint's output in `target`: close the gaps in its structure
    tree (pdf_tags.py) and make its links to files beside the page relative. Returns the
    page count (read here, where the file is open anyway)."""
    with pikepdf.open(target, allow_overwriting_input=True) as doc:
        finish_structure(doc, notes)
        relative_links(doc)
        # A fixed /ID derived from the content keeps rebuilds byte-identical.
        doc.save(target, deterministic_id=True)
        return len(doc.pages)


def render_tagged(html: str, base: Path, allowed: list[Path], target: Path) -> TagNotes:
    """WeasyPrint's own PDF/UA-1 output in `target`, and what it tagged from which HTML
    element (for the post-pass); any ERROR it logs fails the build."""
    return _render(html, LocalFetcher([base, *allowed], base=base), target)


def render_part(
    html: str,
    base: Path,
    allowed: list[Path],
    target: Path,
    named: Path,
    finisher: Callable[[Any, Any], None],
) -> tuple[TagNotes, list[Path]]:
    """As `render_tagged`, for a part of a report (render/inparts.py): `finisher` sees
    WeasyPrint's laid-out document before it is written, errors name the report's PDF
    `named`. Returns the notes and the files the engine read."""
    fetcher = LocalFetcher([base, *allowed], base=base)
    return _render(html, fetcher, target, named, finisher), fetcher.fetched


def _render(
    html: str,
    fetcher: LocalFetcher,
    target: Path,
    named: Path | None = None,
    finisher: Callable[[Any, Any], None] | None = None,
) -> TagNotes:
    source = named or target
    extra = {"finisher": finisher} if finisher is not None else {}
    try:
        with _errors_fail(source), noting() as notes:
            document = weasyprint.HTML(string=html, base_url=VIRTUAL_BASE, url_fetcher=fetcher)
            document.write_pdf(target, pdf_variant="pdf/ua-1", pdf_tags=True, **extra)
    except weasyprint.urls.FatalURLFetchingError as exc:
        raise RenderError(source, f"a resource could not be used: {exc.__cause__ or exc}") from None
    if not notes.noted:
        # The notes come from a private WeasyPrint function; an upgrade that renames it
        # must fail loudly rather than quietly skip the post-pass.
        raise RenderError(source, "no structure was noted while tagging; is WeasyPrint 70?")
    return notes


def relative_links(doc: pikepdf.Pdf) -> None:
    """Rewrite links to files beside the page (absolute file: URIs under VIRTUAL_BASE, as
    WeasyPrint writes them) as relative URIs, so the PDF's download links work wherever
    the folder is published."""
    prefix = VIRTUAL_BASE
    for page in doc.pages:
        for annot in page.get("/Annots", []):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if action is not None and uri.startswith(prefix):
                relative = pikepdf.String(uri[len(prefix) :])
                action.URI = relative
                # WeasyPrint repeats the target as the annotation's description.
                if str(annot.get("/Contents", "")) == uri:
                    annot.Contents = relative
