"""Publication copies: the decks a report offers for download, made for its readers.

A reader downloads a copy made from the speaker's file, never the file itself: a
PowerPoint deck loses what only its author should see (`pptx`), a PDF deck what rides
along with its pages (`pdf`). docs/privacy.md says what goes and why.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from eventreport.model import DeckSource, OfferedCopy
from eventreport.publication.cleaned import Cleaned
from eventreport.readers.decks.cache import DeckCache, temporary_cache
from eventreport.readers.sniff import sniff


def offered_copy(deck: DeckSource, cache: DeckCache | None = None) -> OfferedCopy:
    """The publication copy of `deck`, as event.yaml's options for it say, written into
    `cache` (default: a temporary one) part by part, so a video in the deck is never held
    whole. A deck that LibreOffice converts (.ppt, .odp, .key) is offered as the copy of
    its conversion to PowerPoint."""
    # Here, not at the top: a build whose copies come from its cache never loads pikepdf,
    # PDFium or the PDF/UA checker (issue 17).
    from eventreport.hashing import file_digest
    from eventreport.publication.pdf import clean_pdf, passes_pdf_ua
    from eventreport.readers.decks.convert import CONVERSIONS, as_pptx

    cache = cache or temporary_cache()
    options = (deck.title, str(deck.include_hidden), str(deck.notes))
    key = ("offered copy", file_digest(deck.path), *options)
    sniffed = sniff(deck.path)
    try:
        conversion = next((c for c in CONVERSIONS.values() if c.matches(sniffed)), None)
        if sniffed.is_pdf:
            suffix = ".pdf"
            with cache.making(key, suffix) as target:
                cleaned = clean_pdf(deck.path, title=deck.title)
                target.write_bytes(cleaned.data)
            accessible = passes_pdf_ua(cleaned.data)
        else:
            # PPSX, PPTM and POTX go out as a plain presentation: it opens for reading
            # rather than as a show, and never with macros.
            suffix, accessible = ".pptx", None
            with cache.making(key, suffix) as target:
                if conversion is not None:
                    sniffed.close()
                    with as_pptx(deck.path, conversion, cache) as pptx:
                        cleaned = _clean_pptx(deck, pptx, None, target)
                else:
                    cleaned = _clean_pptx(deck, deck.path, sniffed.archive, target)
    finally:
        sniffed.close()
    return OfferedCopy(
        path=cache.path(key, suffix),
        suffix=suffix,
        removed=tuple(cleaned.removed),
        texts=tuple(cleaned.texts),
        accessible=accessible,
    )


def _clean_pptx(
    deck: DeckSource, pptx: Path, archive: zipfile.ZipFile | None, target: Path
) -> Cleaned:
    from eventreport.publication.pptx import clean_pptx

    return clean_pptx(
        pptx,
        title=deck.title,
        include_hidden=deck.include_hidden,
        notes=deck.notes,
        archive=archive,
        into=target,
    )
