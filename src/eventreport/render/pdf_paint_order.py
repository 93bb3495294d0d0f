"""Pictures painted where they are read.

WeasyPrint 70 paints a page's pictures after all the text of the page, whatever their
place in the structure tree. A checker that compares the painting order with the tag
order (outloud ORD-001) then finds a page with a picture between paragraphs (a slide
shown as a picture, with its caption and the text around it) out of order, and a
screen reader that follows the painting order would read the picture last.

This step moves the drawing of each Figure (the `q ... Q` block WeasyPrint wraps it in,
with the picture's clip and border) back to just before the first content that the
tree reads after it, on the same page. It moves a block only when that cannot change a
pixel: the block holds no text and no other tagged content, sets the colours it paints
with, draws no form (whose content could depend on what was set before), and nothing
between the new place and the old one changes the transformation, the clip or the
graphics state the block starts from. Otherwise the page is left as it is.
"""

from __future__ import annotations

import pikepdf
from pikepdf import ContentStreamInstruction, Name

from .structtree import StructTree, is_element, is_ref, kids

_PAINT = {"f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh"}
_COLOUR = {"g", "G", "rg", "RG", "k", "K", "cs", "CS", "sc", "SC", "scn", "SCN"}
# Operators that, outside a q ... Q pair, change what a later block starts from.
_STATE = {"cm", "W", "W*", "gs", "w", "J", "j", "M", "d", "ri", "i"}

Ops = list[ContentStreamInstruction]


def pictures_in_reading_order(tree: StructTree) -> int:
    """Move each page's Figures to their place in the tag order; returns how many."""
    order = _tag_order(tree)
    moved = 0
    for index, page in enumerate(tree.pdf.pages):
        if not _paints_figures(page):
            continue  # nothing to move, and parsing a page costs more than this step
        ranks = {mcid: rank for rank, mcid in enumerate(order.get(index, []))}
        ops: Ops = [
            op
            for op in pikepdf.parse_content_stream(page)
            if isinstance(op, ContentStreamInstruction)
        ]
        changed = 0
        while (moved_ops := _move_one(ops, ranks, page)) is not None:
            ops = moved_ops
            changed += 1
        if changed:
            page.obj.Contents = tree.pdf.make_stream(pikepdf.unparse_content_stream(ops))
            moved += changed
    return moved


def _paints_figures(page: pikepdf.Page) -> bool:
    """True when the page's content marks a Figure (WeasyPrint writes its tag as the
    name /Figure, with no escapes in it)."""
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    return any(b"/Figure" in s.read_bytes() for s in streams if isinstance(s, pikepdf.Stream))


def _tag_order(tree: StructTree) -> dict[int, list[int]]:
    """Per page, the marked-content ids in the order the structure tree reads them."""
    order: dict[int, list[int]] = {}

    def walk(element: pikepdf.Object) -> None:
        page = tree.page_of(element)
        for kid in kids(element):
            if isinstance(kid, int) and page is not None:
                order.setdefault(page, []).append(int(kid))
            elif is_ref(kid, Name.MCR):
                kid_page = tree.page_of(kid)
                if kid_page is not None:
                    order.setdefault(kid_page, []).append(int(kid.MCID))
            elif is_element(kid):
                walk(kid)

    for top in kids(tree.root):
        if is_element(top):
            walk(top)
    return order


def _depths(ops: Ops) -> list[int]:
    """The q nesting before each instruction."""
    depths, depth = [], 0
    for op in ops:
        depths.append(depth)
        name = str(op.operator)
        depth += 1 if name == "q" else -1 if name == "Q" else 0
    return depths


def _mcid(op: ContentStreamInstruction) -> int | None:
    if str(op.operator) != "BDC" or len(op.operands) < 2:
        return None
    props = op.operands[1]
    return int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None


def _move_one(ops: Ops, ranks: dict[int, int], page: pikepdf.Page) -> Ops | None:
    """The page's instructions with one Figure moved into reading order, or None."""
    depths = _depths(ops)
    painted = [(i, mcid) for i, op in enumerate(ops) if (mcid := _mcid(op)) is not None]
    for position, (start, mcid) in enumerate(painted):
        if Name.Figure != ops[start].operands[0] or mcid not in ranks:
            continue
        later = [i for i, other in painted[:position] if ranks.get(other, -1) > ranks[mcid]]
        if not later:
            continue
        group = _group(ops, depths, start)
        if group is None or not _self_contained(ops[group[0] : group[1] + 1], page):
            continue
        place = _place(ops, depths, later[0], group[0], page)
        if place is None:
            continue
        first, last = group
        return [*ops[:place], *ops[first : last + 1], *ops[place:first], *ops[last + 1 :]]
    return None


def _group(ops: Ops, depths: list[int], start: int) -> tuple[int, int] | None:
    """The outermost q ... Q block around the Figure at `start` holding no other tagged
    content; (first, last) instruction."""
    end = _matching(ops, depths, start, "BDC", "EMC")
    if end is None:
        return None
    best: tuple[int, int] | None = None
    first = start
    while True:
        # The nearest q before `first` that opens a block reaching past `end`.
        opener = next(
            (
                i
                for i in range(first - 1, -1, -1)
                if str(ops[i].operator) == "q" and depths[i] < depths[first]
            ),
            None,
        )
        if opener is None:
            return best
        closer = _matching(ops, depths, opener, "q", "Q")
        if closer is None or closer < end:
            return best
        if any(_mcid(op) is not None for op in ops[opener : closer + 1] if op is not ops[start]):
            return best
        best, first = (opener, closer), opener


def _matching(ops: Ops, depths: list[int], start: int, opening: str, closing: str) -> int | None:
    """The instruction closing the pair opened at `start`."""
    level = 0
    for i in range(start, len(ops)):
        name = str(ops[i].operator)
        if name == opening or (opening == "BDC" and name == "BMC"):
            level += 1
        elif name == closing:
            level -= 1
            if level == 0:
                return i
    return None


def _self_contained(block: Ops, page: pikepdf.Page) -> bool:
    """True when the block paints the same wherever it stands in the page."""
    coloured = False
    for op in block:
        name = str(op.operator)
        if name in ("BT", "BI"):
            return False
        if name in _COLOUR:
            coloured = True
        elif name in _PAINT and not coloured:
            return False
        elif name == "Do":
            xobject = page.obj.Resources.XObject.get(str(op.operands[0]))
            if xobject is None or xobject.get("/Subtype") != Name.Image:
                return False
            if xobject.get("/ImageMask") and not coloured:
                return False
    return True


def _place(ops: Ops, depths: list[int], before: int, start: int, page: pikepdf.Page) -> int | None:
    """Where the block starting at `start` can go, at its own depth, before the
    instruction `before`; None when something in between changes its starting state."""
    depth = depths[start]
    place = before
    while place > 0 and depths[place] > depth:
        place -= 1
    if depths[place] != depth:
        return None
    for i in range(place, start):
        if depths[i] < depth:
            return None
        name = str(ops[i].operator)
        if depths[i] == depth and name in _STATE and not _opaque(ops[i], page):
            return None
    return place


def _opaque(op: ContentStreamInstruction, page: pikepdf.Page) -> bool:
    """True for a `gs` that only sets full opacity, the state every page starts with
    (WeasyPrint sets it before each run of text)."""
    if str(op.operator) != "gs":
        return False
    states = page.obj.Resources.get("/ExtGState")
    state = states.get(str(op.operands[0])) if isinstance(states, pikepdf.Dictionary) else None
    if not isinstance(state, pikepdf.Dictionary):
        return False
    return all(
        key == "/Type" or (key in ("/ca", "/CA") and float(value) == 1.0)
        for key, value in state.items()
    )
