"""The parts of a large report's PDF joined into one (`render/inparts.py` makes them).

Each part is a finished PDF/UA-1 file of its own (WeasyPrint, then the post-pass). The
joined file is the first part with the others' pages appended, and then made one
document again:

- one structure tree: each part's elements go under the first part's Document element,
  and an element a cut went through (`<main>`, a group's `<section>`) is joined with its
  continuation in the next part, as the post-pass rejoins what a page break cut;
- one parent tree, renumbered: the pages' marked content first, then every link
  annotation, with each page's /StructParents and annotation's /StructParent to match;
- one set of named destinations (the first part that has a name wins, as in WeasyPrint),
  and every link a part wrote to another part's element (`split.ANCHOR_SCHEME`) made a
  link to that destination;
- one outline, nested over all parts by the headings' levels, with WeasyPrint's own
  nesting rule;
- the running header and page numbers drawn over every page from the furniture: each
  page of that document (margins only, every mark in it an artifact) as a form XObject.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..errors import RenderError
from .split import ANCHOR_SCHEME
from .structtree import StructTree, is_element, kids

Bookmark = tuple[int, str, float, float, str]
"""A heading's bookmark: (level, label, x, y, "open" or "closed") on its page."""


def join(
    parts: Sequence[Path],
    furniture: Path,
    target: Path,
    continued: Sequence[int],
    bookmarks: Sequence[Sequence[Bookmark]],
    label: Path,
) -> int:
    """Join `parts` into `target` and return its page count. `continued[k]` is how many
    levels of elements (1: `<main>`, 2: and a group) go on from part k into part k+1;
    `bookmarks` lists each page's bookmarks; `label` names the PDF in errors."""
    with pikepdf.open(parts[0]) as base:
        others = [pikepdf.open(path) for path in parts[1:]]
        try:
            counts = [len(pdf.pages) for pdf in [base, *others]]
            pages = sum(counts)
            # The names first: they are found by the pages of each part as it was.
            names = _names(base, others, counts)
            document = base.Root.StructTreeRoot.K[0]
            spans = _append(base, document, others, pages)
            _write_names(base, names)
            tree = StructTree(base)
            # From the last cut back, so the places of those before stay as they are.
            for number, levels in reversed(list(enumerate(continued))):
                left = document.K[spans[number][1] - 1]
                right = document.K[spans[number + 1][0]]
                _merge(tree, left, right, levels, label)
            _links(base, label)
            _outline(base, bookmarks)
            with pikepdf.open(furniture) as drawn:
                _furnish(base, drawn, label)
                # The parts' objects were in object streams (WeasyPrint writes them so);
                # copied, they are new objects, which only "generate" puts in one again
                # (otherwise the file is five times as large).
                mode = pikepdf.ObjectStreamMode.generate
                base.save(target, deterministic_id=True, object_stream_mode=mode)
        finally:
            for other in others:
                other.close()
        return pages


def _append(
    base: pikepdf.Pdf, document: pikepdf.Object, others: list[pikepdf.Pdf], pages: int
) -> list[tuple[int, int]]:
    """Append the other parts' pages and structure to `base`, with one renumbered parent
    tree; returns where each part's elements lie among the Document's kids."""
    nums: list[Any] = []
    annotations = pages  # the keys after the pages' are the annotations'
    spans = []
    offset = 0
    for pdf in [base, *others]:
        count = len(pdf.pages)
        if pdf is base:
            root = base.Root.StructTreeRoot
            elements = list(document.K)
        else:
            base.pages.extend(pdf.pages)
            # Copied after the pages, so their /Pg point at the copies.
            root = base.copy_foreign(pdf.Root.StructTreeRoot)
            elements = list(root.K[0].K)
            for element in elements:
                element.P = document
        start = len(document.K) if pdf is not base else 0
        if pdf is not base:
            document.K = Array([*document.K, *elements])
        spans.append((start, start + len(elements)))
        old = root.ParentTree.Nums
        renumbered = {}
        for index in range(0, len(old), 2):
            key = int(old[index])
            if key < count:
                renumbered[key] = offset + key
            else:
                renumbered[key] = annotations
                annotations += 1
            nums.append((renumbered[key], old[index + 1]))
        for number in range(count):
            page = base.pages[offset + number].obj
            if "/StructParents" in page:
                page.StructParents = renumbered[int(page.StructParents)]
            for annotation in page.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = renumbered[int(annotation.StructParent)]
        offset += count
    flat: list[Any] = []
    for key, value in sorted(nums, key=lambda pair: pair[0]):
        flat += [key, value]
    parent_tree = base.Root.StructTreeRoot.ParentTree
    parent_tree.Nums = Array(flat)
    base.Root.StructTreeRoot.ParentTreeNextKey = annotations
    return spans


def _merge(
    tree: StructTree, left: pikepdf.Object, right: pikepdf.Object, levels: int, label: Path
) -> None:
    """Join element `right` (the first of a part) into `left` (the last of the part
    before), and so on `levels` deep: the same element of the page, cut in two."""
    if not (is_element(left) and is_element(right)) or left.S != right.S:
        raise RenderError(label, "the parts of the PDF do not join up (an element the cut"
                          " went through is missing); please report this")  # fmt: skip
    inner_left = next((k for k in reversed(kids(left)) if is_element(k)), None)
    inner_right = next((k for k in kids(right) if is_element(k)), None)
    left.K = Array([*kids(left), *tree.adopt(left, right)])
    tree.drop(right)
    if levels > 1 and inner_left is not None and inner_right is not None:
        _merge(tree, inner_left, inner_right, levels - 1, label)


def _page_indexes(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: number for number, page in enumerate(pdf.pages)}


def _names(
    base: pikepdf.Pdf, others: list[pikepdf.Pdf], counts: list[int]
) -> dict[str, tuple[int, list[Any]]]:
    """One name tree of every part's named destinations, for the joined pages: the first
    part's pages (of `counts` pages each) followed by the others'."""
    found: dict[str, tuple[int, list[Any]]] = {}
    offset = 0
    for pdf, count in zip([base, *others], counts, strict=True):
        index = _page_indexes(pdf)
        names = pdf.Root.get("/Names")
        dests = names.get("/Dests") if names is not None else None
        pairs = list(dests.Names) if dests is not None and "/Names" in dests else []
        for position in range(0, len(pairs), 2):
            name, destination = str(pairs[position]), pairs[position + 1]
            if name in found:
                continue
            found[name] = (offset + index[destination[0].objgen], list(destination)[1:])
        offset += count
    return found


def _write_names(base: pikepdf.Pdf, found: dict[str, tuple[int, list[Any]]]) -> None:
    """The joined file's name tree: each name's page and place on it (`_names`)."""
    flat: list[Any] = []
    for name in sorted(found):
        page, place = found[name]
        flat += [String(name), Array([base.pages[page].obj, *place])]
    if "/Names" not in base.Root:
        base.Root.Names = Dictionary()
    base.Root.Names.Dests = Dictionary(Names=Array(flat))


def _links(base: pikepdf.Pdf, label: Path) -> None:
    """Links a part wrote to another part's element, made links to its destination."""
    names = {
        str(base.Root.Names.Dests.Names[i]) for i in range(0, len(base.Root.Names.Dests.Names), 2)
    }
    for page in base.pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith(ANCHOR_SCHEME):
                continue
            name = unquote(uri[len(ANCHOR_SCHEME) :])
            if name not in names:
                raise RenderError(label, f"the PDF engine reported: No anchor #{name} for"
                                  " internal URI reference")  # fmt: skip
            del annotation["/A"]
            annotation.Dest = String(name)
            annotation.Contents = String(name)


def _outline(base: pikepdf.Pdf, bookmarks: Sequence[Sequence[Bookmark]]) -> None:
    """The outline of the whole report, nested as WeasyPrint nests one document's."""
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    roots: list[Any] = []
    skipped: list[int] = []
    last_by_depth: list[list[Any]] = [roots]
    previous = 0
    for number, marks in enumerate(bookmarks):
        page = SimpleNamespace(
            bookmarks=[(level, text, (x, y), state) for level, text, x, y, state in marks]
        )
        previous = make_page_bookmark_tree(page, skipped, last_by_depth, previous, number,
                                           Matrix())  # fmt: skip
    if "/Outlines" in base.Root:
        del base.Root["/Outlines"]
    if not roots:
        return
    outlines = base.make_indirect(Dictionary())
    items, count = _outline_items(base, roots, outlines)
    outlines.Count = count
    outlines.First = items[0]
    outlines.Last = items[-1]
    base.Root.Outlines = outlines


def _outline_items(
    base: pikepdf.Pdf, marks: list[Any], parent: pikepdf.Object
) -> tuple[list[pikepdf.Object], int]:
    """Outline items for `marks` under `parent`, as WeasyPrint writes them (its
    `add_outlines`): returns them and how many are visible below `parent`."""
    count = len(marks)
    items: list[pikepdf.Object] = []
    for title, (page, x, y), children, state in marks:
        destination = Array([base.pages[page].obj, Name.XYZ, x, y, 0])
        item = base.make_indirect(Dictionary(Title=String(title), Dest=destination))
        child_items, child_count = _outline_items(base, children, item)
        item.Count = -child_count if state == "closed" else child_count
        if state != "closed":
            count += child_count
        if items:
            item.Prev = items[-1]
            items[-1].Next = item
        if child_items:
            item.First = child_items[0]
            item.Last = child_items[-1]
        item.Parent = parent
        items.append(item)
    return items, count


def _furnish(base: pikepdf.Pdf, drawn: pikepdf.Pdf, label: Path) -> None:
    """Draw each furniture page over the joined page of the same number."""
    if len(drawn.pages) != len(base.pages):
        raise RenderError(label, f"the page margins came out as {len(drawn.pages)} pages for"
                          f" {len(base.pages)} pages; please report this")  # fmt: skip
    for number, (page, margins) in enumerate(zip(base.pages, drawn.pages, strict=True)):
        if [float(v) for v in page.mediabox] != [float(v) for v in margins.mediabox]:
            raise RenderError(label, f"page {number + 1}: the page margins are drawn for"
                              " another page size; please report this")  # fmt: skip
        form = base.copy_foreign(drawn.make_indirect(margins.as_form_xobject()))
        name = Name(f"/EventreportMargins{number + 1}")
        resources = page.obj.Resources
        if "/XObject" not in resources:
            resources.XObject = Dictionary()
        resources.XObject[name] = form
        contents = page.obj.Contents
        listed = list(contents) if isinstance(contents, Array) else [contents]
        before = base.make_stream(b"q\n")
        after = base.make_stream(b"Q\n" + name.unparse() + b" Do\n")
        page.obj.Contents = Array([before, *listed, after])
