"""What a deck or a workbook says about itself: title, author and dates, as suggestions.

Read only after the readers accepted the file (so its zip passed their guard); still, the
part is read with a bound and parsed with entities and DTDs off, and any trouble leaves
the suggestion out: a draft does not need it.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from lxml import etree

from ..limits import PROPERTIES_BYTES
from .text import one_line

CORE = "docProps/core.xml"
_DC = "{http://purl.org/dc/elements/1.1/}"
_TERMS = "{http://purl.org/dc/terms/}"
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)
# What Office and PDF tools write when nobody typed a title or an author.
_NO_TITLE = re.compile(
    r"^(powerpoint[- ]presentati(on|e)|presentati(on|e)\d*|slide \d+|dia \d+|diapositive \d+"
    r"|folie \d+|untitled.*|naamloos.*|\S+\.(pptx?|ppsx|odp|key|pdf|docx?|xlsx?))$",
    re.IGNORECASE,
)
_NO_AUTHOR = re.compile(
    r"^(administrator|admin|user|gebruiker|owner|unknown|onbekend|.*microsoft office.*"
    r"|windows user|author|auteur)$",
    re.IGNORECASE,
)
_EARLIEST = dt.date(1995, 1, 1)  # older dates in a file are a clock that was never set


@dataclass(frozen=True)
class Properties:
    """A file's own title, author and dates, where it holds usable ones."""

    title: str | None = None
    """Its title, unless it is a tool's placeholder ("PowerPoint Presentation")."""
    author: str | None = None
    """Who it names as its author: personal data, and often the template's maker."""
    created: dt.date | None = None
    """The day it was created."""
    modified: dt.date | None = None
    """The day it was last saved."""


def properties(path: Path) -> Properties:
    """The document properties of an Office file (.pptx, .xlsx, ...) or a PDF."""
    with path.open("rb") as handle:
        head = handle.read(5)
    if head.startswith(b"%PDF"):
        return _pdf(path)
    if head.startswith(b"PK"):
        return _office(path)
    return Properties()


def _office(path: Path) -> Properties:
    try:
        with zipfile.ZipFile(path) as archive, archive.open(CORE) as part:
            data = part.read(PROPERTIES_BYTES + 1)
        if len(data) > PROPERTIES_BYTES:
            return Properties()
        root = etree.fromstring(data, parser=_PARSER)
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError,
            EOFError, ValueError, etree.XMLSyntaxError):  # fmt: skip
        return Properties()
    return Properties(
        title=_title(root.findtext(f"{_DC}title")),
        author=_author(root.findtext(f"{_DC}creator")),
        created=_day(root.findtext(f"{_TERMS}created")),
        modified=_day(root.findtext(f"{_TERMS}modified")),
    )


def _pdf(path: Path) -> Properties:
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        return Properties()
    try:
        info = document.get_metadata_dict(skip_empty=True)
    finally:
        document.close()
    return Properties(
        title=_title(info.get("Title")),
        author=_author(info.get("Author")),
        # PDF dates are D:YYYYMMDD...; the ISO form is made from the first eight digits.
        created=_day(_pdf_date(info.get("CreationDate"))),
        modified=_day(_pdf_date(info.get("ModDate"))),
    )


def _title(value: str | None) -> str | None:
    text = one_line(value or "")
    return text if text and not _NO_TITLE.match(text) else None


def _author(value: str | None) -> str | None:
    text = one_line(value or "", limit=100)
    if not text or _NO_AUTHOR.match(text):
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"  # "Allison, Timothy B.", as company directories write it
    # Several authors (a LaTeX paper's list) are not one speaker's name.
    return text if len(parts) == 1 else None


def _pdf_date(value: str | None) -> str | None:
    match = re.match(r"^D:(\d{4})(\d{2})(\d{2})", value or "")
    return f"{match[1]}-{match[2]}-{match[3]}" if match else None


def _day(value: str | None) -> dt.date | None:
    match = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match:
        return None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return day if _EARLIEST <= day <= dt.date.today() + dt.timedelta(days=1) else None
