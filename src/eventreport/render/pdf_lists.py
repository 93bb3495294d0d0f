"""List items as PDF/UA wants them: LI holding its Lbl, then its LBody.

print.css draws list markers as `li::before` boxes in the line, not as ::marker: WeasyPrint
paints outside markers after every other text of the page, so the painted order disagrees
with the tagged one (outloud ORD-001). Without a ::marker, WeasyPrint wraps each item in
an LI whose LBody holds the whole item, the ::before box (as a NonStruct) and any nested
list included. This step makes that box the item's Lbl, the LI's first kid; nested lists
stay inside the LBody of their item, where ISO 14289-1's list rules put them.
"""

from __future__ import annotations

from pikepdf import Array, Name

from .structtree import StructTree, is_element, kids


def markers_as_labels(tree: StructTree, markers: list[int]) -> int:
    """Turn each list item's ::before box into the LI's Lbl; returns how many."""
    in_tree = {e.objgen for e in tree.elements()}
    moved = 0
    for number in markers:
        marker = tree.get(number)
        if marker.objgen not in in_tree:
            continue
        body = marker.P
        # An item holding a nested list has its text in an anonymous block (NonStruct).
        while is_element(body) and Name.NonStruct == body.S:
            body = body.P
        if not is_element(body) or Name.LBody != body.S:
            continue
        item = body.P
        if not is_element(item) or Name.LI != item.S:
            continue
        marker.S = Name.Lbl
        tree.drop(marker)
        marker.P = item
        item.K = Array([marker, *kids(item)])
        moved += 1
    return moved
