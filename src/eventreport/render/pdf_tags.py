"""The post-pass that closes WeasyPrint 70's gaps in the PDF's structure tree.

Each step is a function of the open PDF (and, where the file alone cannot tell, of the
notes `tagmap.noting` took while WeasyPrint tagged), so each can be tested on WeasyPrint's
raw output: tests/test_pdf_tags.py. docs/accessibility.md says what each fixes and what
is left.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .pdf_artifacts import (
    DECORATIVE_ALT,
    decorative_figures_as_artifacts,
    leaders_as_artifacts,
    margins_as_artifacts,
)
from .pdf_figures import figure_boxes
from .pdf_lists import markers_as_labels
from .pdf_paint_order import pictures_in_reading_order
from .structtree import StructTree, is_element, is_ref, kids
from .tagmap import TagNotes

__all__ = ["DECORATIVE_ALT", "finish_structure"]

# PDF /F bit 3: print the annotation. Without it print and screen differ (Matterhorn 28).
_PRINT = 4


def finish_structure(pdf: pikepdf.Pdf, notes: TagNotes) -> None:
    """Every step. Content leaves the tree first, so the rejoining sees the final tree."""
    tree = StructTree(pdf)
    margins_as_artifacts(tree, notes.margins())
    decorative_figures_as_artifacts(tree)
    leaders_as_artifacts(tree, notes.leaders())
    unwrap_nested_links(tree)
    annotations_into_links(tree)
    markers_as_labels(tree, notes.markers())
    drop_empty(tree)
    add_lang(tree, notes.lang())
    add_scope(tree, notes.scope())
    rejoin_splits(tree, notes.splits())
    figure_boxes(tree)
    tree.write_artifacts()
    print_links(pdf)
    pictures_in_reading_order(tree)


def add_lang(tree: StructTree, langs: dict[int, str]) -> None:
    """Give elements whose HTML had its own `lang` (an English quote in a Dutch report)
    that /Lang, so a screen reader switches voice; WeasyPrint only sets the document's."""
    for number, lang in langs.items():
        tree.get(number).Lang = String(lang)


def add_scope(tree: StructTree, scopes: dict[int, str]) -> None:
    """Give every TH the /Scope (Row or Column) its HTML `scope` says; WeasyPrint writes
    the cells' /Headers but never a header's /Scope."""
    for number, scope in scopes.items():
        cell = tree.get(number)
        attributes = cell.get("/A")
        listed = list(attributes) if isinstance(attributes, Array) else [attributes]
        table = next((a for a in listed if a is not None and a.get("/O") == Name.Table), None)
        if table is None:
            table = Dictionary(O=Name.Table)
            cell.A = Array([*(a for a in listed if a is not None), table])
        table.Scope = Name("/" + scope)


def unwrap_nested_links(tree: StructTree) -> int:
    """Put the content of a Link inside a Link into the outer one; returns how many.

    HTML cannot nest links: a Link in a Link is WeasyPrint tagging the link's own
    pseudo-elements (the table of contents' page number, `a::after`) as further links,
    which a screen reader announces as links of their own.
    """
    nested = [
        e for e in tree.elements() if Name.Link == e.S and is_element(e.P) and Name.Link == e.P.S
    ]
    for link in reversed(nested):  # innermost first, so each lands in the outermost
        tree.replace(link, tree.adopt(link.P, link))
    return len(nested)


def annotations_into_links(tree: StructTree) -> int:
    """Give a link annotation that WeasyPrint tied to an element inside a Link (a <span>
    in the link's text) to that Link; returns how many.

    Each inline box of a link gets an annotation of its own; one tied to a Span is a link
    outside any Link element to a screen reader (PDF/UA: every link annotation in a Link).
    """
    moved = 0
    for element in list(tree.elements()):
        if Name.Link == element.S:
            continue
        refs = [k for k in kids(element) if is_ref(k, Name.OBJR)]
        if not refs:
            continue  # first, as most elements have none: the walk up costs more
        link = element.P
        while is_element(link) and Name.Link != link.S:
            link = link.P
        if not is_element(link):
            continue
        element.K = Array([k for k in kids(element) if not is_ref(k, Name.OBJR)])
        link.K = Array([*kids(link), *refs])
        for ref in refs:
            tree.set_annotation_owner(ref.Obj, link)
        moved += len(refs)
    return moved


def drop_empty(tree: StructTree) -> int:
    """Take out elements with nothing in them (the empty <span> boxes that draw a poll's
    bars), which a screen reader would stop at for nothing; returns how many."""
    empty = [e for e in tree.elements() if not kids(e) and e.S in _HOLDERS]
    for element in empty:
        parent = tree.drop(element)
        while is_element(parent) and not kids(parent) and parent.S in _HOLDERS:
            parent = tree.drop(parent)
    return len(empty)


# Elements that only hold others; an empty table cell or Figure still means something.
_HOLDERS = (Name.Span, Name.NonStruct, Name.Div)


def rejoin_splits(tree: StructTree, splits: list[list[int]]) -> int:
    """Merge the pieces of one element that WeasyPrint cut at a page break or a line
    wrap back into one element, so a section that runs over a page, or a link over two
    lines, is read as one; returns how many pieces were merged away.

    A piece is merged into the one before it only when it is the very next sibling: the
    pieces of a section cut by a page break are, once the element around them has been
    rejoined (groups go outermost first); anonymous boxes of one element with other
    content between them are not, and keep their order.
    """
    depth = tree.depths()
    merged = 0
    for group in sorted(splits, key=lambda g: depth.get((g[0], 0), 0)):
        pieces = [tree.get(n) for n in group]
        kept = pieces[0]
        for piece in pieces[1:]:
            if piece.objgen in depth and kept.objgen in depth and _next(kept) == piece.objgen:
                kept.K = Array([*kids(kept), *tree.adopt(kept, piece)])
                tree.drop(piece)
                merged += 1
            else:
                kept = piece
    return merged


def _next(element: pikepdf.Object) -> tuple[int, int] | None:
    siblings = [k.objgen if is_element(k) else None for k in kids(element.P)]
    index = siblings.index(element.objgen)
    return siblings[index + 1] if index + 1 < len(siblings) else None


def print_links(pdf: pikepdf.Pdf) -> None:
    """Set the Print flag on link annotations, which WeasyPrint leaves unset."""
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") == Name.Link:
                annotation.F = int(annotation.get("/F", 0)) | _PRINT
