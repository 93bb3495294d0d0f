"""An Office package's parts and relationships (OPC), read straight from the zip.

python-pptx parses every part of a package when it opens it and costs about a
millisecond per shape; the deck reader needs a few parts per slide, so it follows the
relationships itself and parses only those.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from eventreport.errors import ReadError
from eventreport.readers.zipguard import SafeZip

_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@dataclass(frozen=True)
class Rel:
    """One relationship of a part."""

    kind: str
    """The type's last segment ("slide", "slideLayout", "hyperlink"), the same in the
    transitional and strict namespaces."""
    target: str
    """A part name without leading '/', or the URL of an external target."""
    external: bool
    """True for a target outside the package (a web link)."""


class Package:
    """Parts of an OPC package, parsed on demand; shared parts parsed once."""

    def __init__(self, archive: SafeZip) -> None:
        self.archive = archive
        self.path: Path = archive.path
        self._rels: dict[str, dict[str, Rel]] = {}
        self._shared: dict[str, etree._Element] = {}

    def xml(self, part: str) -> etree._Element:
        """A part parsed; each call parses again (slides are read once)."""
        return self.archive.xml(part)

    def shared(self, part: str) -> etree._Element:
        """A part many others use (layouts, masters), parsed once."""
        if part not in self._shared:
            self._shared[part] = self.archive.xml(part)
        return self._shared[part]

    def has(self, part: str) -> bool:
        """True when the package holds this part."""
        return self.archive.has(part)

    def rels(self, part: str) -> dict[str, Rel]:
        """The part's relationships by id; {} when it has none."""
        if part not in self._rels:
            folder, name = posixpath.split(part)
            rels_part = posixpath.join(folder, "_rels", f"{name}.rels")
            found: dict[str, Rel] = {}
            if self.archive.has(rels_part):
                for rel in self.archive.xml(rels_part).iter(_RELS):
                    external = rel.get("TargetMode") == "External"
                    target = rel.get("Target", "")
                    found[rel.get("Id", "")] = Rel(
                        kind=rel.get("Type", "").rsplit("/", 1)[-1],
                        target=target.strip() if external else _resolve(folder, target),
                        external=external,
                    )
            self._rels[part] = found
        return self._rels[part]

    def related(self, part: str, kind: str) -> str | None:
        """The first internal part of this relationship type, or None."""
        return next(
            (r.target for r in self.rels(part).values() if r.kind == kind and not r.external),
            None,
        )

    def content_type(self, part: str) -> str | None:
        """The part's content type from `[Content_Types].xml`."""
        types = self.shared("[Content_Types].xml")
        for override in types.iter(f"{_CONTENT_TYPES}Override"):
            if override.get("PartName", "").lstrip("/").lower() == part.lower():
                return str(override.get("ContentType"))
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        for default in types.iter(f"{_CONTENT_TYPES}Default"):
            if default.get("Extension", "").lower() == ext:
                return str(default.get("ContentType"))
        return None

    def main_part(self) -> str:
        """The package's main part (for a deck, the presentation)."""
        main = self.related("", "officeDocument")
        if main is None or not self.has(main):
            raise ReadError(
                self.path,
                "the package names no main document (its _rels/.rels is missing or damaged); "
                "open the file in PowerPoint and save it again",
            )
        return main


def _resolve(folder: str, target: str) -> str:
    """A relationship target as a part name: relative to the source part's folder."""
    target = unquote(target.split("#", 1)[0])
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(joined).lstrip("/")
