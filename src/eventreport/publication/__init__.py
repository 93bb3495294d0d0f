"""Publication copies: the decks a report offers for download, made for its readers.

A reader downloads a copy made from the speaker's file, never the file itself: a
PowerPoint deck loses what only its author should see (`pptx`), a PDF deck what rides
along with its pages (`pdf`). docs/privacy.md says what goes and why.
"""

from __future__ import annotations

from eventreport.model import DeckSource, OfferedCopy
from eventreport.publication.pdf import clean_pdf, passes_pdf_ua
from eventreport.publication.pptx import clean_pptx
from eventreport.readers.decks.cache import DeckCache
from eventreport.readers.decks.convert import CONVERSIONS, as_pptx
from eventreport.readers.sniff import sniff


def offered_copy(deck: DeckSource, cache: DeckCache | None = None) -> OfferedCopy:
    """The publication copy of `deck`, as event.yaml's options for it say. A deck that
    LibreOffice converts (.ppt, .odp, .key) is offered as the copy of its conversion to
    PowerPoint, kept converted in `cache` when given."""
    sniffed = sniff(deck.path)
    try:
        conversion = next((c for c in CONVERSIONS.values() if c.matches(sniffed)), None)
        if sniffed.is_pdf:
            cleaned = clean_pdf(deck.path, title=deck.title)
            suffix, accessible = ".pdf", passes_pdf_ua(cleaned.data)
        elif conversion is not None:
            sniffed.close()
            with as_pptx(deck.path, conversion, cache) as pptx:
                cleaned = clean_pptx(
                    pptx, title=deck.title, include_hidden=deck.include_hidden, notes=deck.notes
                )
            suffix, accessible = ".pptx", None
        else:
            # PPSX, PPTM and POTX go out as a plain presentation: it opens for reading
            # rather than as a show, and never with macros.
            cleaned = clean_pptx(
                deck.path,
                title=deck.title,
                include_hidden=deck.include_hidden,
                notes=deck.notes,
                archive=sniffed.archive,
            )
            suffix, accessible = ".pptx", None
    finally:
        sniffed.close()
    return OfferedCopy(
        data=cleaned.data,
        suffix=suffix,
        removed=tuple(cleaned.removed),
        texts=tuple(cleaned.texts),
        accessible=accessible,
    )
