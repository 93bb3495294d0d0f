"""Which HTML element each PDF structure element came from, noted while WeasyPrint tags.

WeasyPrint 70 builds the structure tree from its boxes but drops what the post-pass needs
(an inner `lang`, a header cell's `scope`, which pieces belong to one element split over
pages). Nothing of the HTML survives into the file to match on, so the one place to learn
it is WeasyPrint's own box-to-element step, `weasyprint.pdf.tags._build_box_tree`: it is
wrapped for the duration of one `write_pdf` and every element it makes is noted with its
box. The file itself is left to WeasyPrint; `pdf_tags.py` edits it afterwards from these
notes. The wrapped function is private, so `weasyprint` is pinned below 71 and
`tests/test_pdf_tags.py` fails when the notes come back empty.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags as weasy_tags

# Table parts: a table split over pages repeats its header row on every page, so its
# pieces are not simply the continuation of one another (see docs/accessibility.md).
TABLE_PARTS = frozenset({"Table", "THead", "TBody", "TFoot", "TR", "TH", "TD", "Caption"})

# HTML `scope` to PDF /Scope. WeasyPrint's /Headers treat every header cell that is not
# scope="row" as a column header, and a cell without `scope` is read the same way here.
SCOPES = {"row": "Row", "rowgroup": "Row", "col": "Column", "colgroup": "Column"}

# Where each margin box sits, as PDF artifact subtypes.
MARGIN_SUBTYPES = {"top": "Header", "bottom": "Footer"}

_LOCK = threading.Lock()  # the wrapper replaces a module global: one recording at a time


@dataclass(frozen=True)
class Noted:
    """One structure element WeasyPrint made, with what it was made from."""

    number: int
    """Its PDF object number."""
    kind: str
    """Its structure type, e.g. "P" (no slash)."""
    page: int
    """0-based page it was made for."""
    element: Any
    """The HTML element (ElementTree) of its box; None for anonymous page content."""
    element_tag: str
    """The box's tag, e.g. "li" or "li::marker" for a pseudo-element."""
    margin: str | None
    """The margin box (e.g. "@top-center") it sits in, or None in the page body."""
    leader: bool = False
    """True for the dots of a CSS `leader()` (the table of contents' dotted lines)."""


@dataclass
class TagNotes:
    """Everything noted during one `write_pdf`; read by `pdf_tags.finish_structure`."""

    noted: list[Noted] = field(default_factory=list)
    """Structure elements in the order WeasyPrint made them."""

    def lang(self) -> dict[int, str]:
        """Object number -> `lang` for elements whose HTML element has its own `lang`."""
        return {
            n.number: lang
            for n in self.noted
            if n.element is not None
            and "::" not in n.element_tag
            and n.margin is None
            and (lang := n.element.get("lang"))
        }

    def scope(self) -> dict[int, str]:
        """Object number -> /Scope value for every header cell."""
        return {
            n.number: SCOPES.get((n.element.get("scope") or "").lower(), "Column")
            for n in self.noted
            if n.kind == "TH" and n.element_tag == "th"
        }

    def margins(self) -> dict[int, str | None]:
        """Object number -> artifact subtype ("Header", "Footer" or None) of margin content."""
        return {
            n.number: MARGIN_SUBTYPES.get(n.margin.lstrip("@").split("-")[0])
            for n in self.noted
            if n.margin is not None
        }

    def leaders(self) -> list[int]:
        """Object numbers of the elements holding leader dots."""
        return [n.number for n in self.noted if n.leader]

    def markers(self) -> list[int]:
        """Object numbers of the list items' ::before boxes (print.css draws the list
        markers with them)."""
        return [n.number for n in self.noted if n.element_tag == "li::before" and n.margin is None]

    def splits(self) -> list[list[int]]:
        """Object numbers of the structure elements WeasyPrint made from one element's
        boxes, in document order: candidates for `pdf_tags.rejoin_splits`.

        A box cut at a page break, or an inline element wrapped over lines, gives one
        element per piece. Table parts and margin content are left out.
        """
        pieces: dict[tuple[int, str, str], list[int]] = defaultdict(list)
        for n in self.noted:
            if n.element is not None and n.margin is None and n.kind not in TABLE_PARTS:
                pieces[(id(n.element), n.element_tag, n.kind)].append(n.number)
        return [numbers for numbers in pieces.values() if len(numbers) > 1]


@contextmanager
def noting() -> Iterator[TagNotes]:
    """Note every structure element WeasyPrint makes while the block runs."""
    notes = TagNotes()
    original = weasy_tags._build_box_tree
    margins: list[str] = []
    seen: set[int] = set()

    def build(
        box: Any, parent: Any, pdf: Any, page: int, *rest: Any
    ) -> Iterator[Any]:  # same signature as WeasyPrint's; its recursion comes back here
        real = getattr(box, "_box", box)  # AbsolutePlaceholder stands in for its box
        in_margin = isinstance(real, boxes.MarginBox)
        if in_margin:
            margins.append(real.at_keyword)
        try:
            for element in original(box, parent, pdf, page, *rest):
                # The innermost call yields an element first; outer calls for <html>,
                # <body> and the page only pass it on, so the first sighting is its box.
                if id(element) not in seen:
                    seen.add(id(element))
                    notes.noted.append(
                        Noted(
                            number=element.number,
                            kind=str(element["S"]).lstrip("/"),
                            page=page,
                            element=real.element,
                            element_tag=real.element_tag or "",
                            margin=margins[-1] if margins else None,
                            leader=bool(getattr(real, "is_leader", False)),
                        )
                    )
                yield element
        finally:
            if in_margin:
                margins.pop()

    with _LOCK:
        weasy_tags._build_box_tree = build
        try:
            yield notes
        finally:
            weasy_tags._build_box_tree = original
