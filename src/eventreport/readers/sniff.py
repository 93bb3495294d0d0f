"""Tell file types apart by their bytes, never by their names."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from eventreport.errors import ReadError

from ..i18n import _

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# Readers tolerate junk before the header; the PDF spec allows it within the first 1 KiB.
_PDF_WINDOW = 1024

# What can go wrong when a damaged zip is opened or a member read.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError)


@dataclass(frozen=True)
class Sniffed:
    """The first bytes of a file and, for a zip, the names of its members."""

    head: bytes
    """Up to the first 1 KiB."""
    members: frozenset[str] | None
    """Zip member names, or None when the file is not a zip."""
    archive: zipfile.ZipFile | None = None
    """The zip, left open for the reader: its directory is then read once, not twice."""
    path: Path | None = None
    """The file, for a format check that must look further than the first bytes."""

    def close(self) -> None:
        """Close the zip, if the reader did not."""
        if self.archive is not None:
            self.archive.close()

    @property
    def is_pdf(self) -> bool:
        """True for a PDF file."""
        return b"%PDF-" in self.head[:_PDF_WINDOW]

    @property
    def is_ole2(self) -> bool:
        """True for an OLE compound file: encrypted OOXML or a pre-2007 Office file."""
        return self.head.startswith(OLE2_MAGIC)

    def has(self, member: str) -> bool:
        """True when the file is a zip holding this member."""
        return self.members is not None and member in self.members


def sniff(path: Path) -> Sniffed:
    """Read just enough of `path` to recognise its format."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_PDF_WINDOW)
    except FileNotFoundError:
        raise ReadError(path, _("file not found; check the file name and folder")) from None
    except IsADirectoryError:
        raise ReadError(path, _("is a folder, not a file; name the file itself")) from None
    except OSError as exc:
        raise ReadError(
            path,
            _("cannot open the file ({reason}); check that you may read it").format(
                reason=exc.strerror
            ),
        ) from None
    if not head.startswith(_ZIP_MAGICS):
        return Sniffed(head, None, path=path)
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS:
        raise ReadError(path, damaged_zip_message()) from None
    return Sniffed(head, frozenset(archive.namelist()), archive, path)


def damaged_zip_message() -> str:
    """What to say about a zip container (.pptx, .xlsx) that cannot be read."""
    return _(
        "the file is damaged or incomplete (an Office zip container that cannot be read, "
        "for example a download or copy that did not finish); get the file again, or open "
        "it in PowerPoint or Excel and save it again"
    )


def ole2_message(path: Path, save_as: str) -> str:
    """What to say about an OLE compound file, tailored to what is inside it."""
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    if "EncryptionInfo".encode("utf-16-le") in data:
        said = _(
            "encrypted or legacy Office file: it is password-protected; open it in PowerPoint"
            " or Excel and save it as {kind} without a password"
        )
    else:
        # A pre-2007 PowerPoint file is read (decks/convert.py) before it gets here.
        said = _(
            "encrypted or legacy Office file: it is password-protected or in the pre-2007 .xls"
            " or .doc format; open it in PowerPoint or Excel and save it as {kind} without a"
            " password"
        )
    return said.format(kind=save_as)
