"""An Office package taken apart to write a smaller one: parts, relationships, content types.

The source is read through `SafeZip` (bounded inflation, inert XML). Relationships are
edited in place; what is written is only what the package's root still reaches, so a
part whose last relationship was dropped is never left behind as an orphan.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree

from eventreport.limits import COPIED_PART
from eventreport.readers.decks.opc import Package as ReadPackage
from eventreport.readers.decks.opc import _resolve
from eventreport.readers.zipguard import SafeZip

RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = f"{{{RELS_NS}}}Relationship"
_TYPES = "[Content_Types].xml"
# A picture or a video can be far larger than any XML part; it is copied in pieces.
MAX_COPIED_PART = COPIED_PART
# Already compressed: deflating them again only costs time.
_STORED = {"jpg", "jpeg", "png", "gif", "mp4", "m4v", "mov", "mp3", "m4a", "wmv", "wma", "avi",
           "webm", "zip", "wdp", "jxr"}  # fmt: skip
# Every member gets the same time stamp, so a rebuild gives the same bytes (the zip
# format's earliest date; Office writes it too).
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Link:
    """One relationship of a part, as the package holds it."""

    id: str
    """Its id, which the part's XML uses (r:id, r:embed, ...)."""
    kind: str
    """The type's last segment: "slide", "notesSlide", "hyperlink", ..."""
    target: str
    """A part name without leading '/', or the URL of an external target."""
    external: bool
    """True for a target outside the package."""


class Package:
    """A package being trimmed: its relationships can be dropped, its XML parts replaced."""

    def __init__(self, archive: SafeZip) -> None:
        self.archive = archive
        self.path = archive.path
        self._members = {name.lower(): name for name in archive.members()}
        self._reader = ReadPackage(archive)
        self._rels: dict[str, etree._Element] = {}
        self._xml: dict[str, etree._Element] = {}
        self._new: dict[str, tuple[bytes, str]] = {}
        self.dropped: dict[str, set[str]] = {}
        """Per part: ids of the relationships dropped from it, to clear from its XML."""

    # --- reading ---------------------------------------------------------------------

    def has(self, part: str) -> bool:
        """True when the package holds this part (names compared without case)."""
        return part.lower() in self._members or part in self._new

    def xml(self, part: str) -> etree._Element:
        """The part parsed, once; edits to the tree are what gets written."""
        if part not in self._xml:
            self._xml[part] = self.archive.xml(self._members.get(part.lower(), part))
        return self._xml[part]

    def read(self, part: str) -> bytes:
        """A part's bytes as the package holds them (a picture, up to `MAX_COPIED_PART`)."""
        if part in self._new:
            return self._new[part][0]
        return b"".join(self.archive.chunks(self._members[part.lower()], MAX_COPIED_PART))

    def links(self, part: str) -> list[Link]:
        """The part's relationships, in the order the package lists them."""
        folder = posixpath.dirname(part)
        found = []
        for rel in self._rel_elements(part):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            found.append(
                Link(
                    id=rel.get("Id", ""),
                    kind=rel.get("Type", "").rsplit("/", 1)[-1],
                    target=target.strip() if external else _resolve(folder, target),
                    external=external,
                )
            )
        return found

    def content_type(self, part: str) -> str | None:
        """The part's content type from `[Content_Types].xml`."""
        if part in self._new:
            return self._new[part][1]
        return self._reader.content_type(part)

    # --- editing ---------------------------------------------------------------------

    def drop(self, part: str, rel_id: str) -> None:
        """Drop one relationship of `part`; its id is then cleared from the part's XML."""
        rels = self._rel_elements(part)
        for rel in rels.findall(_REL):
            if rel.get("Id") == rel_id:
                rels.remove(rel)
        self.dropped.setdefault(part, set()).add(rel_id)

    def add(self, part: str, kind_uri: str, target: str) -> str:
        """A new internal relationship of `part`; returns its id."""
        rels = self._rel_elements(part)
        used = {rel.get("Id") for rel in rels}
        number = len(used) + 1
        while f"rId{number}" in used:
            number += 1
        rel_id = f"rId{number}"
        relative = posixpath.relpath(target, posixpath.dirname(part) or ".")
        etree.SubElement(rels, _REL, Id=rel_id, Type=kind_uri, Target=relative)
        return rel_id

    def replace_rels(self, part: str, links: list[tuple[str, str]]) -> None:
        """Give `part` exactly these relationships: (type URI, target part)."""
        rels = etree.Element(f"{{{RELS_NS}}}Relationships", nsmap={None: RELS_NS})
        self._rels[part] = rels
        for kind_uri, target in links:
            self.add(part, kind_uri, target)

    def put(self, part: str, data: bytes, content_type: str) -> None:
        """A new part (or new bytes for one), written with its own content type."""
        self._new[part] = (data, content_type)
        self._xml.pop(part, None)

    # --- writing ---------------------------------------------------------------------

    def reachable(self) -> list[str]:
        """Parts the root still reaches through internal relationships, in reading order."""
        seen: dict[str, None] = {}
        queue = [""]
        while queue:
            part = queue.pop(0)
            for link in self.links(part):
                if not link.external and link.target not in seen and self.has(link.target):
                    seen[link.target] = None
                    queue.append(link.target)
        return list(seen)

    def write(self, main_type: tuple[str, str], out: BinaryIO | None = None) -> bytes:
        """The package as zip bytes: only reachable parts; `main_type` is (part, type).
        Given a file `out`, the package is written there instead (b"" is returned): a
        deck's video is then copied through, never held whole."""
        parts = self.reachable()
        types = self._content_types(parts, main_type)
        target = out if out is not None else io.BytesIO()
        with zipfile.ZipFile(target, "w") as archive:
            _put(archive, _TYPES, _serialise(types))
            for part in ["", *parts]:
                rels = self._rels_with_targets(part, set(parts))
                if rels is not None:
                    _put(archive, _rels_name(part), _serialise(rels))
                if not part:
                    continue
                if part in self._new:
                    _put(archive, part, self._new[part][0])
                elif part in self._xml:
                    _put(archive, part, _serialise(self._xml[part]))
                else:
                    self._copy(archive, part)
        return target.getvalue() if isinstance(target, io.BytesIO) else b""

    def _copy(self, archive: zipfile.ZipFile, part: str) -> None:
        with archive.open(_info(part), "w") as member:
            for chunk in self.archive.chunks(self._members[part.lower()], MAX_COPIED_PART):
                member.write(chunk)

    def _rel_elements(self, part: str) -> etree._Element:
        if part not in self._rels:
            name = _rels_name(part)
            if name.lower() in self._members:
                self._rels[part] = self.archive.xml(self._members[name.lower()])
            else:
                self._rels[part] = etree.Element(
                    f"{{{RELS_NS}}}Relationships", nsmap={None: RELS_NS}
                )
        return self._rels[part]

    def _rels_with_targets(self, part: str, kept: set[str]) -> etree._Element | None:
        """The part's relationships file, or None when it has no relationship left."""
        rels = self._rel_elements(part)
        for rel, link in zip(list(rels.iter(_REL)), self.links(part), strict=True):
            if not link.external and link.target not in kept:
                rels.remove(rel)  # its target is gone (a broken link in the source)
        return rels if len(rels) else None

    def _content_types(self, parts: list[str], main_type: tuple[str, str]) -> etree._Element:
        """Only the types the written parts need: an override per XML part, defaults for
        the rest."""
        types = etree.Element(f"{{{TYPES_NS}}}Types", nsmap={None: TYPES_NS})
        defaults: dict[str, str] = {
            "rels": "application/vnd.openxmlformats-package.relationships+xml",
            "xml": "application/xml",
        }
        overrides: list[tuple[str, str]] = []
        for part in parts:
            kind = main_type[1] if part == main_type[0] else self.content_type(part)
            ext = posixpath.splitext(part)[1].lstrip(".").lower()
            if kind is None:
                continue
            if ext and ext not in defaults and not kind.endswith("+xml"):
                defaults[ext] = kind
            elif defaults.get(ext) != kind:
                overrides.append((part, kind))
        for ext, kind in sorted(defaults.items()):
            etree.SubElement(types, f"{{{TYPES_NS}}}Default", Extension=ext, ContentType=kind)
        for part, kind in overrides:
            etree.SubElement(
                types, f"{{{TYPES_NS}}}Override", PartName=f"/{part}", ContentType=kind
            )
        return types


def iter_r_ids(root: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """(element, attribute, relationship id) for every r:* attribute in a part's XML."""
    prefix = f"{{{R_NS}}}"
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.startswith(prefix) and value:
                yield element, name, value


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    ext = posixpath.splitext(name)[1].lstrip(".").lower()
    info.compress_type = zipfile.ZIP_STORED if ext in _STORED else zipfile.ZIP_DEFLATED
    info.create_system = 0
    info.external_attr = 0
    return info


def _put(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    archive.writestr(_info(name), data)
