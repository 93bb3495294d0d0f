"""Decks in the other formats speakers bring, converted to PowerPoint and read as one.

PowerPoint 97-2003 (.ppt, .pps, .pot), LibreOffice's OpenDocument (.odp) and Apple
Keynote (.key) are recognised by their content, converted by LibreOffice (run as
`libreoffice` says) to .pptx, and that file is read by the PowerPoint reader, with its
limits, as any deck. Before LibreOffice sees a zip (.odp, .key), every member is
inflated once through the zip guard, so a zip bomb is refused as it is for .pptx.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import olefile

from eventreport.errors import ReadError
from eventreport.hashing import file_digest
from eventreport.i18n import _
from eventreport.limits import CONVERTED_BYTES, MIB
from eventreport.model import Deck
from eventreport.readers.decks.cache import DeckCache
from eventreport.readers.decks.libreoffice import converted, version
from eventreport.readers.decks.pptx import read_pptx
from eventreport.readers.sniff import Sniffed
from eventreport.readers.zipguard import SafeZip

# Part of the cache key: a change to how decks are converted makes them anew.
_CONVERSION = "1"
_PRESENTATION_TYPES = (
    b"application/vnd.oasis.opendocument.presentation",
    b"application/vnd.oasis.opendocument.presentation-template",
)
# Keynote '09 and earlier keep the slides in index.apxl (gzipped or not); Keynote 6 and
# later in Index/*.iwa, or Index.zip inside the package.
_KEYNOTE_MEMBERS = ("index.apxl", "index.apxl.gz", "Index/Document.iwa", "Index.zip")


@dataclass(frozen=True)
class Conversion:
    """A deck format that LibreOffice converts to PowerPoint for the reader."""

    name: str
    """Its short name ("ppt", "odp", "key"), as Deck.converted says."""
    label: str
    """How messages name it."""
    suffix: str
    """The file type LibreOffice is told the deck has."""
    matches: Callable[[Sniffed], bool]
    """True when the file's first bytes (and zip members) are this format's."""


def _legacy_powerpoint(sniffed: Sniffed) -> bool:
    """An OLE compound file with a PowerPoint 97-2003 document in it (not an encrypted
    .pptx, which is an OLE file too)."""
    if not sniffed.is_ole2 or sniffed.path is None:
        return False
    try:
        with olefile.OleFileIO(str(sniffed.path)) as ole:
            return bool(ole.exists("PowerPoint Document"))
    except (OSError, ValueError, IndexError, KeyError, TypeError, zlib.error):
        return False  # damaged: the caller says what it cannot read


def _opendocument(sniffed: Sniffed) -> bool:
    if not sniffed.has("mimetype") or sniffed.archive is None:
        return False
    try:
        with sniffed.archive.open("mimetype") as member:
            kind = member.read(100).strip()
    except (OSError, ValueError, KeyError, zlib.error):
        return False
    return kind in _PRESENTATION_TYPES


def _keynote(sniffed: Sniffed) -> bool:
    return any(sniffed.has(member) for member in _KEYNOTE_MEMBERS)


CONVERSIONS: dict[str, Conversion] = {
    "ppt": Conversion("ppt", "PowerPoint 97-2003 (.ppt, .pps)", ".ppt", _legacy_powerpoint),
    "odp": Conversion("odp", "OpenDocument presentation (.odp)", ".odp", _opendocument),
    "key": Conversion("key", "Keynote (.key)", ".key", _keynote),
}


def read_converted(
    path: Path,
    conversion: Conversion,
    *,
    include_hidden: bool = False,
    notes: bool = False,
    cache: DeckCache | None = None,
) -> Deck:
    """Read a deck of another format through its conversion to PowerPoint."""
    with as_pptx(path, conversion, cache) as pptx:
        try:
            deck = read_pptx(pptx, include_hidden=include_hidden, notes=notes)
        except ReadError as exc:
            raise ReadError(
                path, f"in the PowerPoint file LibreOffice made of it, {exc.message}", exc.location
            ) from None
    return dataclasses.replace(deck, source=path, converted=conversion.name)


@contextmanager
def as_pptx(path: Path, conversion: Conversion, cache: DeckCache | None) -> Iterator[Path]:
    """The deck at `path` as a .pptx file, for as long as the block lasts: from `cache`
    when it was converted before, else converted now (and kept there)."""
    _check(path, conversion)
    key = ("pptx", file_digest(path), version(), _CONVERSION) if cache is not None else ()
    kept = cache.get(key, ".pptx") if cache is not None else None
    if kept is not None:
        yield kept
        return
    what = _("converting this {kind} to PowerPoint").format(kind=conversion.label)
    with converted(path, conversion.suffix, "pptx", shown_as=path, what=what) as pptx:
        yield cache.put_file(key, ".pptx", pptx) if cache is not None else pptx


def _check(path: Path, conversion: Conversion) -> None:
    """Refuse what LibreOffice should not be given: a file far larger than a deck, a zip
    whose members inflate past the deck limits."""
    size = path.stat().st_size
    if size > CONVERTED_BYTES:
        raise ReadError(
            path,
            f"the file is {size // MIB} MiB, more than the {CONVERTED_BYTES // MIB} MiB a"
            f" {conversion.label} may be here; save it as .pptx (pictures compressed), or"
            " ask the speaker for a smaller file",
        )
    if conversion.name != "ppt":
        with SafeZip(path) as archive:
            archive.check_all()
