"""Post-pass steps that take drawn content out of what a screen reader reads.

Each turns marked-content sequences into artifacts (still drawn, no longer tagged) and
removes the structure elements that held them.
"""

from __future__ import annotations

from collections import defaultdict

import pikepdf
from pikepdf import Dictionary, Name

from .structtree import StructTree, is_element, is_ref, kids

# The alt text a write-up gives a purely decorative picture (docs/sources.md). The HTML
# page shows it as alt=""; in the PDF the Figure WeasyPrint made becomes an artifact.
DECORATIVE_ALT = "{decorative}"


def margins_as_artifacts(tree: StructTree, subtypes: dict[int, str | None]) -> int:
    """Mark content no element of the tree owns (running header, page numbers) as
    pagination artifacts; returns how many marked-content sequences changed.

    WeasyPrint tags page-margin boxes with elements it never links into the tree. Those
    are the only such orphans it makes; `subtypes` (from the notes, by object number of
    an orphan or one of its ancestors) says whether one is a header or a footer.
    """
    reachable = {e.objgen for e in tree.elements()}
    by_page: dict[int, dict[int, Dictionary]] = defaultdict(dict)
    for page, mcid, owner in tree.owned_mcids():
        if owner.objgen in reachable:
            continue
        properties = Dictionary(Type=Name.Pagination)
        if subtype := _margin_subtype(owner, subtypes):
            properties.Subtype = Name("/" + subtype)
        by_page[page][mcid] = properties
    for page, mcids in by_page.items():
        tree.make_artifacts(page, mcids)
    return sum(len(m) for m in by_page.values())


def _margin_subtype(owner: pikepdf.Object, subtypes: dict[int, str | None]) -> str | None:
    element: object = owner
    while is_element(element):
        assert isinstance(element, pikepdf.Object)
        if element.objgen[0] in subtypes:
            return subtypes[element.objgen[0]]
        element = element.get("/P")
    return None


def decorative_figures_as_artifacts(tree: StructTree) -> int:
    """Drop Figures whose alt text is the decorative marker from the tree and mark their
    picture as a layout artifact, so readers skip it; returns how many."""
    figures = [
        e for e in tree.elements() if Name.Figure == e.S and str(e.get("/Alt")) == DECORATIVE_ALT
    ]
    for figure in figures:
        _as_layout(tree, figure)
        # A <p> that held only the picture would be left as an empty paragraph.
        parent = tree.drop(figure)
        while is_element(parent) and not kids(parent):
            parent = tree.drop(parent)
    return len(figures)


def leaders_as_artifacts(tree: StructTree, leaders: list[int]) -> int:
    """Mark the dots of CSS leaders (the table of contents' dotted lines) as layout
    artifacts: WeasyPrint tags each dot, and a screen reader reads them all out.

    A leader inside a link holds part of the link's clickable area; that annotation
    stays tagged, with the element around the leader. Returns how many were removed.
    """
    removed = 0
    in_tree = {e.objgen for e in tree.elements()}
    for number in leaders:
        leader = tree.get(number)
        if leader.objgen not in in_tree:
            continue
        _as_layout(tree, leader)
        annotations = [k for k in kids(leader) if is_ref(k, Name.OBJR)]
        for annotation in annotations:
            tree.set_annotation_owner(annotation.Obj, leader.P)
        tree.replace(leader, annotations)
        removed += 1
    return removed


def _as_layout(tree: StructTree, element: pikepdf.Object) -> None:
    by_page: dict[int, dict[int, Dictionary]] = defaultdict(dict)
    for page, mcid in tree.mcids_under(element):
        by_page[page][mcid] = Dictionary(Type=Name.Layout)
    for page, mcids in by_page.items():
        tree.make_artifacts(page, mcids)
