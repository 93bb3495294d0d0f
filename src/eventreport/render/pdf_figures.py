"""A Figure's /BBox in the page's own coordinates.

WeasyPrint 70 writes each Figure's `/A << /O /Layout /BBox [...] >>` from the layout box
in CSS pixels, measured from the top of the page (`weasyprint/pdf/tags.py`), without the
page's transform to PDF points measured from the bottom. Magnifiers, reflow and
read-aloud highlighting then point at the wrong place (a box above the picture, too
wide). The transform is the one WeasyPrint opens every page's content with, so the box
is mapped through that.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Name

from .structtree import StructTree


def figure_boxes(tree: StructTree) -> int:
    """Map every Figure's /BBox from CSS pixels into the page's user space; returns how many."""
    matrices: dict[int, pikepdf.Matrix] = {}
    fixed = 0
    for element in tree.elements():
        if Name.Figure != element.get("/S"):
            continue
        attributes = element.get("/A")
        listed = list(attributes) if isinstance(attributes, Array) else [attributes]
        layout = next((a for a in listed if a is not None and a.get("/O") == Name.Layout), None)
        page = tree.page_of(element)
        if layout is None or "/BBox" not in layout or page is None:
            continue
        if page not in matrices:
            matrices[page] = page_matrix(tree.pdf.pages[page])
        x1, y1, x2, y2 = (float(v) for v in layout.BBox)
        corners = [matrices[page].transform(point) for point in ((x1, y1), (x2, y2))]
        xs = [x for x, _ in corners]
        ys = [y for _, y in corners]
        layout.BBox = Array([round(v, 3) for v in (min(xs), min(ys), max(xs), max(ys))])
        fixed += 1
    return fixed


def page_matrix(page: pikepdf.Page) -> pikepdf.Matrix:
    """The transform WeasyPrint puts at the start of a page's content, before it draws
    anything: from its CSS pixels (y down) to PDF points (y up)."""
    matrix = pikepdf.Matrix()
    for instruction in pikepdf.parse_content_stream(page):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            break
        operator = str(instruction.operator)
        if operator == "cm":
            matrix = pikepdf.Matrix(*(float(v) for v in instruction.operands)) @ matrix
        elif operator != "q":
            break
    return matrix
