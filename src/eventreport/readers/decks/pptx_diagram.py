"""SmartArt text from a diagram data part (`dgm:dataModel`), in order, with levels.

The slide holds only a reference; the text sits in `ppt/diagrams/data*.xml` as points
(`dgm:pt`) joined by parent-of connections (`dgm:cxn`) whose `srcOrd` gives the order
among siblings. Walking that tree depth first from the document point gives the text in
the order of SmartArt's own text pane.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from lxml import etree

from eventreport.model import DiagramBlock, DiagramItem
from eventreport.readers.decks.pptx_shapes import paragraph_text
from eventreport.readers.decks.xmlnum import whole

DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {"dgm": DGM, "a": _A}
# Points that carry content; the others are transitions and presentation helpers.
_CONTENT = frozenset({"node", "asst", "doc"})
_MAX_DEPTH = 32


def read_diagram(model: etree._Element, path: Path) -> DiagramBlock:
    """The diagram's text nodes, depth first, levels counting only nodes with text.
    `path` is the deck's, for errors."""
    points = {
        pt.get("modelId", ""): pt
        for pt in model.iterfind("./dgm:ptLst/dgm:pt", NS)
        if pt.get("type", "node") in _CONTENT
    }
    children: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for cxn in model.iterfind("./dgm:cxnLst/dgm:cxn", NS):
        if cxn.get("type", "parOf") != "parOf":
            continue
        source, dest = cxn.get("srcId", ""), cxn.get("destId", "")
        if source in points and dest in points:
            children[source].append((whole(cxn, "srcOrd", path, 0), dest))
    roots = [m for m, pt in points.items() if pt.get("type") == "doc"]
    items: list[DiagramItem] = []
    seen: set[str] = set()
    # Depth first with an explicit stack: a damaged file may hold cycles or deep chains.
    stack = [(root, -1) for root in reversed(roots)]
    while stack:
        model_id, level = stack.pop()
        if model_id in seen:
            continue
        seen.add(model_id)
        pt = points[model_id]
        text = _text(pt) if pt.get("type") != "doc" else ""
        if text:
            level += 1
            items.append(DiagramItem(text, min(level, _MAX_DEPTH)))
        for _, child in sorted(children[model_id], reverse=True):
            stack.append((child, level))
    return DiagramBlock(tuple(items))


def _text(point: etree._Element) -> str:
    texts = (paragraph_text(p) for p in point.iterfind("./dgm:t/a:p", NS))
    return "\n".join(t for t in texts if t)
