"""What a reader meets: a poll heard once, labels that stay legible on a phone, a title that
breaks between words, landmarks that help, and a PDF whose structure matches its pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from a11y import open_page
from conftest import SampleBuild
from test_accessibility import pdf_of, rich  # noqa: F401 - the fixture, shared

from eventreport.render.structtree import StructTree, is_element, kids

# --- Chromium's accessibility tree ------------------------------------------------------


def ax_subtree(html: Path, selector: str, width: int = 1280) -> list[dict[str, Any]]:
    """The accessibility tree Chromium builds for the element at `selector` and below it,
    as screen readers get it: nodes Chromium ignores are left out."""
    tab = open_page(html, width)
    try:
        cdp = tab.context.new_cdp_session(tab)
        cdp.send("Accessibility.enable")
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        element = cdp.send(
            "Runtime.evaluate", {"expression": f"document.querySelector({selector!r})"}
        )["result"]["objectId"]
        backend = cdp.send("DOM.describeNode", {"objectId": element})["node"]["backendNodeId"]
    finally:
        tab.close()
    by_id = {n["nodeId"]: n for n in nodes}
    (top,) = [n for n in nodes if n.get("backendDOMNodeId") == backend]
    subtree, stack = [], [top]
    while stack:
        node = stack.pop()
        if not node.get("ignored"):
            subtree.append(node)
        stack.extend(by_id[c] for c in reversed(node.get("childIds", [])) if c in by_id)
    return subtree


def role(node: dict[str, Any]) -> str:
    return str(node.get("role", {}).get("value", ""))


def name(node: dict[str, Any]) -> str:
    return str(node.get("name", {}).get("value", ""))


def spoken(nodes: list[dict[str, Any]]) -> list[str]:
    """The texts a screen reader reads out in this subtree, in order."""
    return [name(n) for n in nodes if role(n) == "StaticText"]


def test_a_poll_is_heard_once(sample_build: SampleBuild) -> None:
    nodes = ax_subtree(sample_build.html, "#discussie-poll-2")
    texts = spoken(nodes)
    sentence = "Uitslag: 14 eens, 12 oneens (26 stemmen)"
    # The result in words once, each option's figures once; no picture, no description
    # (the old chart added its title, its description twice and its own text nodes).
    assert texts.count(sentence) == 1, texts
    joined = " | ".join(texts)
    assert joined.count("54%") == 1 and joined.count("46%") == 1, texts
    assert not [n for n in nodes if role(n) in ("image", "img", "graphics-document")]
    assert not [n for n in nodes if n.get("description", {}).get("value")]
    # The table the chart is made of is named by that same sentence, its caption.
    (table,) = [n for n in nodes if role(n) == "table"]
    assert name(table) == sentence
    assert texts[0].startswith("Stelling 1:")  # the question, then the result


def test_landmarks_are_the_page_parts_and_the_sessions(sample_build: SampleBuild) -> None:
    nodes = ax_subtree(sample_build.html, "body")
    landmarks = [(role(n), name(n)) for n in nodes if role(n) in LANDMARKS]
    kinds = [r for r, _ in landmarks]
    assert kinds.count("banner") == 1 and kinds.count("main") == 1
    assert kinds.count("navigation") == 1 and kinds.count("contentinfo") == 1
    regions = [n for r, n in landmarks if r == "region"]
    # One per session, each named by its heading; no group, poll or reaction block.
    assert len(regions) == 10
    headings = [name(n) for n in nodes if role(n) == "heading"]
    assert all(region in headings for region in regions)
    assert "Inspirerende voorbeelden" not in regions
    assert not [r for r in regions if r.startswith("Stelling")]


LANDMARKS = {"banner", "main", "navigation", "contentinfo", "region", "complementary"}


# --- On a phone ------------------------------------------------------------------------

# Every piece of text in the poll charts: its font size and the height it is drawn at.
CHART_TEXT_JS = """() => {
  const found = [];
  for (const figure of document.querySelectorAll('.poll-figure')) {
    const walker = document.createTreeWalker(figure, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.data.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const heights = [...range.getClientRects()].map(r => r.height);
      const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
      found.push({text: node.data.trim(), size: size, height: Math.min(...heights)});
    }
  }
  return found;
}"""


@pytest.mark.parametrize("width", [390, 320])
def test_chart_labels_stay_legible_on_a_phone(sample_build: SampleBuild, width: int) -> None:
    tab = open_page(sample_build.html, width)
    try:
        texts = tab.evaluate(CHART_TEXT_JS)
    finally:
        tab.close()
    assert len(texts) > 20  # captions, headers, labels and figures of three polls
    small = [t for t in texts if t["size"] < 12 or t["height"] < 12]
    assert small == []


# The pieces of the title between the places a line may end (a space, after a slash, a
# soft hyphen), each with the number of lines it is drawn on.
PIECES_JS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('h1'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const top = i => {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      return rects.length ? Math.round(rects[rects.length - 1].top) : null;
    };
    let start = 0;
    for (let i = 0; i <= node.data.length; i++) {
      const ch = node.data[i];
      if (i === node.data.length || ch === ' ' || ch === '\u00ad' || node.data[i - 1] === '/') {
        // Chromium gives the letter after a soft hyphen the hyphen's box too: skip it.
        const from = node.data[start - 1] === '\u00ad' ? start + 1 : start;
        const tops = new Set();
        for (let j = from; j < i; j++) { const t = top(j); if (t !== null) tops.add(t); }
        if (i > start) found.push({piece: node.data.slice(start, i), lines: tops.size});
        start = (ch === ' ' || ch === '\u00ad') ? i + 1 : i;
      }
    }
  }
  return found;
}"""


@pytest.mark.parametrize("width", [390, 320])
def test_the_title_breaks_between_words_or_with_a_hyphen(
    sample_build: SampleBuild, width: int
) -> None:
    tab = open_page(sample_build.html, width)
    try:
        pieces = tab.evaluate(PIECES_JS)
        lines = tab.evaluate("document.querySelector('h1').getClientRects()[0].height")
    finally:
        tab.close()
    assert lines > 80  # the title does wrap at this width
    assert "mensen" in [p["piece"] for p in pieces]  # soft hyphens are in place
    # No piece is cut: a line ends only at a space, a slash or a (drawn) soft hyphen.
    assert [p for p in pieces if p["lines"] != 1] == []


# --- The PDF's structure ------------------------------------------------------------------


def drawn_bounds(pdf_path: Path) -> dict[tuple[int, int], tuple[float, float, float, float]]:
    """(page, MCID) -> the box of everything painted in that marked-content sequence, in
    PDF points, as PDFium draws it."""
    bounds: dict[tuple[int, int], tuple[float, float, float, float]] = {}
    document = pdfium.PdfDocument(pdf_path)
    try:
        for number in range(len(document)):
            for item in document[number].get_objects(max_depth=1):
                mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(item.raw)
                if mcid < 0:
                    continue
                left, bottom, right, top = item.get_bounds()
                if (number, mcid) in bounds:
                    a, b, c, d = bounds[(number, mcid)]
                    left, bottom, right, top = (
                        min(a, left),
                        min(b, bottom),
                        max(c, right),
                        max(d, top),
                    )
                bounds[(number, mcid)] = (left, bottom, right, top)
    finally:
        document.close()
    return bounds


def figure_boxes(pdf_path: Path) -> list[tuple[str, list[float], list[tuple[int, int]]]]:
    """(alt, /BBox, its marked content) of every Figure in the structure tree."""
    found = []
    with pikepdf.open(pdf_path) as pdf:
        tree = StructTree(pdf)
        for element in tree.elements():
            if pikepdf.Name.Figure == element.S:
                box = next(a for a in _attributes(element) if a.get("/O") == pikepdf.Name.Layout)
                found.append(
                    (
                        str(element.Alt),
                        [float(v) for v in box.BBox],
                        list(tree.mcids_under(element)),
                    )
                )
    return found


def _attributes(element: pikepdf.Object) -> list[pikepdf.Object]:
    value = element.get("/A")
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def test_every_figure_box_holds_its_drawing(sample_build: SampleBuild, rich: Path) -> None:  # noqa: F811
    for pdf_path in (sample_build.pdf, pdf_of(rich)):
        drawn = drawn_bounds(pdf_path)
        figures = figure_boxes(pdf_path)
        assert figures, pdf_path.name
        for alt, box, marked in figures:
            assert marked, alt
            left = min(drawn[m][0] for m in marked)
            bottom = min(drawn[m][1] for m in marked)
            right = max(drawn[m][2] for m in marked)
            top = max(drawn[m][3] for m in marked)
            assert box == pytest.approx([left, bottom, right, top], abs=1.0), alt
    alts = [alt for alt, _, _ in figure_boxes(pdf_of(rich))]
    assert "De zaal, blauw verlicht" in alts  # a picture in the text, not only the logo


def test_list_items_hold_label_and_body_and_nested_lists_sit_in_the_body(
    sample_build: SampleBuild,
) -> None:
    with pikepdf.open(sample_build.pdf) as pdf:
        tree = StructTree(pdf)
        items = [e for e in tree.elements() if pikepdf.Name.LI == e.S]
        lists = [e for e in tree.elements() if pikepdf.Name.L == e.S]
        assert len(items) > 25
        for item in items:
            assert [str(k.S) for k in kids(item) if is_element(k)] == ["/Lbl", "/LBody"]
        nested = [e for e in lists if pikepdf.Name.L != e.P.S and _inside(e, pikepdf.Name.LI)]
        assert nested, "the sample has nested lists (Hageman's slides)"
        for inner in nested:
            assert pikepdf.Name.LBody == inner.P.S
        assert not [e for e in lists if pikepdf.Name.L == e.P.S]


def _inside(element: pikepdf.Object, kind: pikepdf.Name) -> bool:
    parent = element.P
    while is_element(parent):
        if kind == parent.S:
            return True
        parent = parent.P
    return False


def test_the_cover_is_real_text(sample_build: SampleBuild) -> None:
    with pikepdf.open(sample_build.pdf) as pdf:
        tree = StructTree(pdf)
        on_cover = {str(e.S) for e in tree.elements() if tree.page_of(e) == 0 and is_element(e)}
    assert {"/H1", "/P", "/Figure"} <= on_cover
