"""What a slide shape inherits from its layout and master: position and bullets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from lxml import etree

from eventreport.readers.decks.xmlnum import coordinate

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS = {"a": A, "p": P}

Bullet = Literal["none", "bullet", "number"]

TITLE_TYPES = frozenset({"title", "ctrTitle"})
CHROME_TYPES = frozenset({"sldNum", "dt", "ftr", "hdr"})
_BULLET_TAGS: dict[str, Bullet] = {
    f"{{{A}}}buNone": "none",
    f"{{{A}}}buChar": "bullet",
    f"{{{A}}}buBlip": "bullet",
    f"{{{A}}}buAutoNum": "number",
}


_NV_PR = f"{{{P}}}nvPr"
_PH = f"{{{P}}}ph"


def placeholder(shape: etree._Element) -> etree._Element | None:
    """The shape's `p:ph` element, or None when it is not a placeholder."""
    # The non-visual properties come first in every shape (schema order); a direct
    # look is several times cheaper than a path search on decks with thousands of shapes.
    if not len(shape):
        return None
    nv_pr = first_child(shape[0], _NV_PR)
    return first_child(nv_pr, _PH) if nv_pr is not None else None


def first_child(element: etree._Element, tag: str) -> etree._Element | None:
    """The first child with this qualified tag. A loop over the few children of an
    OOXML element is cheaper than lxml's `find`, which goes through ElementPath."""
    for candidate in element:
        if candidate.tag == tag:
            return candidate
    return None


def ph_type(ph: etree._Element) -> str:
    """A placeholder's type; the schema's default is "obj"."""
    return str(ph.get("type", "obj"))


def _master_type(kind: str) -> str:
    # Masters hold only title, body and chrome placeholders; the rest inherit from body.
    if kind in TITLE_TYPES:
        return "title"
    return kind if kind in CHROME_TYPES else "body"


class Inheritance:
    """Finds a slide placeholder's counterparts on its layout and master; `path` is the
    deck's, for errors."""

    def __init__(self, layout: etree._Element, master: etree._Element, path: Path) -> None:
        self._path = path
        self._layout = layout.findall("./p:cSld/p:spTree/*", NS)
        self._master = master.findall("./p:cSld/p:spTree/*", NS)
        styles = master.find("./p:txStyles", NS)
        self._body_style = styles.find("./p:bodyStyle", NS) if styles is not None else None
        self._bases: dict[tuple[str, str], list[etree._Element]] = {}
        self._inherited: dict[tuple[str, str, int], Bullet] = {}

    def bases(self, ph: etree._Element) -> list[etree._Element]:
        """The layout's and the master's placeholder shapes this one inherits from."""
        key = (ph_type(ph), ph.get("idx", "0"))
        if key not in self._bases:
            self._bases[key] = self._find_bases(ph)
        return self._bases[key]

    def _find_bases(self, ph: etree._Element) -> list[etree._Element]:
        bases = []
        on_layout = self._on_layout(ph)
        if on_layout is not None:
            bases.append(on_layout)
            ph = placeholder(on_layout)
        kind = _master_type(ph_type(ph))
        on_master = next(
            (s for s, p in self._placeholders(self._master) if _master_type(ph_type(p)) == kind),
            None,
        )
        if on_master is not None:
            bases.append(on_master)
        return bases

    def _on_layout(self, ph: etree._Element) -> etree._Element | None:
        # PowerPoint matches a slide placeholder to its layout's by idx; one without an
        # idx (a title, usually) by type.
        for shape, other in self._placeholders(self._layout):
            if ph.get("idx") is not None and other.get("idx") == ph.get("idx"):
                return shape
        wanted = _master_type(ph_type(ph)) if ph_type(ph) in TITLE_TYPES else ph_type(ph)
        for shape, other in self._placeholders(self._layout):
            if wanted in (ph_type(other), _master_type(ph_type(other))):
                return shape
        return None

    @staticmethod
    def _placeholders(
        shapes: list[etree._Element],
    ) -> Iterator[tuple[etree._Element, etree._Element]]:
        for shape in shapes:
            ph = placeholder(shape)
            if ph is not None:
                yield shape, ph

    def bullet(
        self,
        ppr: etree._Element | None,
        lst_style: etree._Element | None,
        ph: etree._Element | None,
        level: int,
    ) -> Bullet:
        """Whether a paragraph shows a bullet or number, after inheritance.

        `ppr` is the paragraph's own `a:pPr`, `lst_style` its shape's `a:lstStyle`, `ph`
        the shape's placeholder element.
        """
        lvl = f"{{{A}}}lvl{level + 1}pPr"
        found = _bullet_in(ppr)
        if found is None and lst_style is not None:
            found = _bullet_in(lst_style.find(lvl))
        if found is not None:
            return found
        if ph is None or ph_type(ph) in TITLE_TYPES:
            return "none"
        # What layout and master give depends only on the placeholder and the level.
        key = (ph_type(ph), ph.get("idx", "0"), level)
        if key not in self._inherited:
            chain = [base.find(f"./p:txBody/a:lstStyle/{lvl}", NS) for base in self.bases(ph)]
            if self._body_style is not None:
                chain.append(self._body_style.find(lvl))
            self._inherited[key] = next(
                (b for b in map(_bullet_in, chain) if b is not None), "none"
            )
        return self._inherited[key]

    def offset(self, ph: etree._Element) -> tuple[int, int]:
        """The (x, y) a placeholder without its own position takes from layout or master."""
        for base in self.bases(ph):
            off = base.find("./p:spPr/a:xfrm/a:off", NS)
            if off is not None:
                return coordinate(off, "x", self._path), coordinate(off, "y", self._path)
        return (0, 0)

    def width(self, ph: etree._Element) -> int:
        """The width a placeholder without its own size takes from layout or master."""
        for base in self.bases(ph):
            ext = base.find("./p:spPr/a:xfrm/a:ext", NS)
            if ext is not None:
                return coordinate(ext, "cx", self._path)
        return 0


def _bullet_in(ppr: etree._Element | None) -> Bullet | None:
    """The bullet a paragraph-properties element sets, or None when it sets none."""
    if ppr is None:
        return None
    for child in ppr:
        found = _BULLET_TAGS.get(child.tag)
        if found is not None:
            return found
    return None
