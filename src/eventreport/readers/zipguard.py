"""Read an Office zip container without trusting it: bounded inflation, inert XML.

A deck comes from outside. A crafted one can declare small members that inflate to
gigabytes (a zip bomb) or carry XML whose entities expand without bound or name other
files. Every part the deck readers use goes through `SafeZip.read` and `SafeZip.xml`.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from lxml import etree

from eventreport.errors import ReadError
from eventreport.limits import DECK_PART, DECK_TOTAL, MIB, ZIP_MEMBERS
from eventreport.readers.sniff import ZIP_ERRORS, damaged_zip_message

# The reasons for each limit are in limits.py.
MAX_PART = DECK_PART
MAX_TOTAL = DECK_TOTAL
MAX_MEMBERS = ZIP_MEMBERS

_SAVE = "open the file in PowerPoint and save it again"
SAVE_AGAIN = f"{_SAVE}, or get the file again"
_BOMB = (
    "far more than any real {kind} needs; the file may be crafted to exhaust memory "
    "(a zip bomb). {advice}"
)
DECK_ADVICE = f"Ask the speaker for the file again, or {_SAVE}"

# Entities stay unexpanded and nothing is fetched; the DTD check below refuses the rest.
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


class SafeZip:
    """A zip opened for reading with limits on what its members may inflate to."""

    def __init__(
        self,
        path: Path,
        *,
        max_part: int = MAX_PART,
        max_total: int = MAX_TOTAL,
        max_members: int = MAX_MEMBERS,
        archive: zipfile.ZipFile | None = None,
        kind: str = "slide",
        advice: str = DECK_ADVICE,
    ) -> None:
        self.path = path
        self._bomb_text = _BOMB.format(kind=kind, advice=advice)
        self._max_part, self._max_total = max_part, max_total
        try:
            self._zip = archive if archive is not None else zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except ZIP_ERRORS:
            raise ReadError(path, damaged_zip_message()) from None
        if len(infos) > max_members:
            self._zip.close()
            raise ReadError(
                path,
                f"the zip holds {len(infos)} members, more than {max_members}; "
                + self._bomb_text.replace("far more than", "far more members than"),
            )
        # OPC part names are case-insensitive; zip member names are not.
        self._names = {info.filename.lower(): info for info in infos}
        self._inflated = 0

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._zip.close()

    def has(self, name: str) -> bool:
        """True when the zip holds this member (names compared without case)."""
        return name.lower() in self._names

    def members(self) -> list[str]:
        """Member names as written, in the zip's own order."""
        return [info.filename for info in self._names.values()]

    def chunks(self, name: str, limit: int) -> Iterator[bytes]:
        """A member's bytes in pieces, for copying a part nothing parses (a picture, a video)
        without holding it whole; refuses one that inflates past `limit` or past the size
        its header declares."""
        info = self._names.get(name.lower())
        if info is None:
            raise ReadError(self.path, f"the part is missing; {SAVE_AGAIN}", f"part {name}")
        if info.file_size > limit:
            raise self._bomb(name, f"declares {_mib(info.file_size)} when inflated")
        seen = 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(MIB):
                    seen += len(chunk)
                    self._inflated += len(chunk)
                    if seen > min(limit, info.file_size):
                        declared = _mib(info.file_size)
                        raise self._bomb(name, f"inflates past the {declared} it declares")
                    if self._inflated > self._max_total:
                        raise self._bomb(
                            name, f"brings the parts read to more than {_mib(self._max_total)}"
                        )
                    yield chunk
        except (*ZIP_ERRORS, zlib.error) as exc:
            raise ReadError(
                self.path, f"the part cannot be unpacked ({exc}); {SAVE_AGAIN}", f"part {name}"
            ) from None

    def read(self, name: str) -> bytes:
        """A member's bytes, refusing one that declares or inflates past the limits."""
        info = self._names.get(name.lower())
        if info is None:
            raise ReadError(self.path, f"the part is missing; {SAVE_AGAIN}", f"part {name}")
        if info.file_size > self._max_part:
            raise self._bomb(name, f"declares {_mib(info.file_size)} when inflated")
        try:
            with self._zip.open(info) as member:
                # Read one byte past the limit: a member whose header understates its
                # size (the classic bomb) is caught without inflating all of it.
                data = member.read(self._max_part + 1)
        except (*ZIP_ERRORS, zlib.error) as exc:
            raise ReadError(
                self.path, f"the part cannot be unpacked ({exc}); {SAVE_AGAIN}", f"part {name}"
            ) from None
        if len(data) > self._max_part:
            raise self._bomb(name, f"inflates to more than {_mib(self._max_part)}")
        self._inflated += len(data)
        if self._inflated > self._max_total:
            raise self._bomb(name, f"brings the parts read to more than {_mib(self._max_total)}")
        return data

    def check_all(self) -> None:
        """Inflate every member once, keeping nothing: a library that then opens the zip
        itself (openpyxl) meets only members within the limits, whatever the headers say."""
        for name in self._names:
            for _ in self.chunks(name, self._max_part):
                pass

    def xml(self, name: str) -> etree._Element:
        """A member parsed as XML, refusing DTDs (entity tricks) and damaged markup."""
        return parse_xml(self.read(name), self.path, name)

    def _bomb(self, name: str, what: str) -> ReadError:
        return ReadError(self.path, f"the part {what}, {self._bomb_text}", f"part {name}")


def _mib(size: int) -> str:
    return f"{size / MIB:.0f} MiB" if size >= MIB else f"{size} bytes"


def parse_xml(data: bytes, path: Path, name: str) -> etree._Element:
    """Parse one part's bytes; `path` and `name` say where, for the error."""
    try:
        # The part name as the document's URL lets a reader name the part of any element
        # it finds damaged later (see `decks.xmlnum`) without carrying the name alongside.
        root = etree.fromstring(data, PARSER, base_url=name)
    except etree.XMLSyntaxError as exc:
        raise ReadError(
            path, f"this part is damaged ({exc}); {SAVE_AGAIN}", f"part {name}"
        ) from None
    if root.getroottree().docinfo.internalDTD is not None:
        # Office never writes a DTD; one here only serves entity expansion (billion
        # laughs) or external entities that would read other files.
        raise ReadError(
            path,
            "the part declares a DTD with entities, which Office files never contain; "
            "the file may be crafted to expand text without bound or to read other files. "
            f"Ask the speaker for the file again, or {_SAVE}",
            f"part {name}",
        )
    return root
