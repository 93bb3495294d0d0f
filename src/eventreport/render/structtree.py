"""A PDF's structure tree as pikepdf objects: walking it, moving kids, marked content.

Only what the post-pass (`pdf_tags.py`, `pdf_artifacts.py`) needs, for the trees
WeasyPrint writes: one flat /ParentTree /Nums array, marked content inline in each page's
content stream, link annotations tied in by /OBJR kids and their /StructParent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name


def kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    """The /K entries of a structure element as a list (absent, single or array)."""
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def is_element(kid: object) -> bool:
    """True for a structure element kid (not an MCID, marked-content or object reference)."""
    return isinstance(kid, Dictionary) and "/S" in kid


def is_ref(kid: object, kind: Name) -> bool:
    """True for a marked-content (/MCR) or object (/OBJR) reference kid."""
    return isinstance(kid, Dictionary) and kid.get("/Type") == kind


class StructTree:
    """The tree of one open PDF, with the lookups and moves the post-pass steps share."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.root = pdf.Root.StructTreeRoot
        # Values read from /Nums are handles into the file: changing one changes the file.
        self.nums = self.root.ParentTree.Nums
        self.slot = {int(self.nums[i]): i + 1 for i in range(0, len(self.nums), 2)}
        self.page_index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        self._artifacts: dict[int, dict[int, Dictionary]] = {}

    def elements(self) -> Iterator[pikepdf.Object]:
        """Every structure element reachable from the root, parents before children."""
        stack = list(reversed(kids(self.root)))
        while stack:
            element = stack.pop()
            if is_element(element):
                yield element
                stack.extend(reversed(kids(element)))

    def depths(self) -> dict[tuple[int, int], int]:
        """How deep each reachable element lies (the root's kids: 0), by object id."""
        found: dict[tuple[int, int], int] = {}
        stack = [(k, 0) for k in reversed(kids(self.root))]
        while stack:
            element, depth = stack.pop()
            if is_element(element):
                found[element.objgen] = depth
                stack.extend((k, depth + 1) for k in reversed(kids(element)))
        return found

    def get(self, number: int) -> pikepdf.Object:
        """The object with this number (as noted while WeasyPrint wrote the file)."""
        return self.pdf.get_object((number, 0))

    def page_of(self, element: pikepdf.Object) -> int | None:
        """0-based page an element or marked-content reference names in /Pg."""
        page = element.get("/Pg")
        return None if page is None else self.page_index.get(page.objgen)

    # --- The parent tree: which element owns each marked-content sequence ------------

    def owned_mcids(self) -> Iterator[tuple[int, int, pikepdf.Object]]:
        """(page, mcid, owner) for every marked-content sequence the parent tree lists."""
        for page in range(len(self.pdf.pages)):
            for mcid, owner in enumerate(self._parents(page) or []):
                if isinstance(owner, Dictionary):
                    yield page, mcid, owner

    def set_owner(self, page: int, mcid: int, element: pikepdf.Object | None) -> None:
        """Point the parent tree entry of `mcid` on `page` at `element` (None: no owner)."""
        found = self._parents(page)
        assert found is not None, f"page {page} has no parent tree entry"
        found[mcid] = element

    def set_annotation_owner(self, annotation: pikepdf.Object, element: pikepdf.Object) -> None:
        """Point the parent tree entry of a link annotation at `element`."""
        self.nums[self.slot[int(annotation.StructParent)]] = element

    def _parents(self, page: int) -> Array | None:
        key = self.pdf.pages[page].obj.get("/StructParents")
        slot = self.slot.get(int(key)) if key is not None else None
        found = self.nums[slot] if slot is not None else None
        return found if isinstance(found, Array) else None

    # --- Moving kids ------------------------------------------------------------------

    def adopt(self, parent: pikepdf.Object, element: pikepdf.Object) -> list[pikepdf.Object]:
        """The kids of `element`, made kids of `parent`: their /P, the parent tree and the
        annotations' owners point at `parent`. The caller puts them into `parent`'s /K."""
        page = self.page_of(element)
        adopted = []
        for kid in kids(element):
            if is_element(kid):
                kid.P = parent
            elif isinstance(kid, int) and page is not None:
                self.set_owner(page, kid, parent)
                if page != self.page_of(parent):
                    # A bare MCID means "on the element's /Pg"; under a parent on
                    # another page it needs a reference naming its page.
                    kid = Dictionary(Type=Name.MCR, Pg=element.Pg, MCID=kid)
            elif is_ref(kid, Name.MCR):
                kid_page = self.page_of(kid) if "/Pg" in kid else page
                if kid_page is not None:
                    self.set_owner(kid_page, int(kid.MCID), parent)
            elif is_ref(kid, Name.OBJR):
                self.set_annotation_owner(kid.Obj, parent)
            adopted.append(kid)
        return adopted

    def drop(self, element: pikepdf.Object) -> pikepdf.Object:
        """Take `element` out of its parent's kids; returns the parent."""
        parent = element.P
        parent.K = Array(
            [k for k in kids(parent) if not (is_element(k) and k.objgen == element.objgen)]
        )
        return parent

    def replace(self, element: pikepdf.Object, by: list[pikepdf.Object]) -> None:
        """Put `by` where `element` is among its parent's kids."""
        parent = element.P
        siblings = kids(parent)
        at = next(i for i, k in enumerate(siblings) if is_element(k) and k.objgen == element.objgen)
        parent.K = Array([*siblings[:at], *by, *siblings[at + 1 :]])

    # --- Marked content -----------------------------------------------------------------

    def make_artifacts(self, page: int, mcids: dict[int, Dictionary]) -> None:
        """Turn marked-content sequences into artifacts with the given properties.

        Their operators stay (the text is still drawn); only the tag in the content
        stream changes from e.g. /Span <</MCID 3>> to /Artifact <<...>>, and the parent
        tree forgets them, so no structure element claims them any more. The content
        streams change in `write_artifacts`, once per page for all the steps.
        """
        self._artifacts.setdefault(page, {}).update(mcids)
        for mcid in mcids:
            self.set_owner(page, mcid, None)

    def write_artifacts(self) -> None:
        """Rewrite each page's content stream once with the artifacts the steps made."""
        for page, mcids in sorted(self._artifacts.items()):
            pdf_page = self.pdf.pages[page]
            data = _retagged(pdf_page.obj.Contents.read_bytes(), mcids)
            if data is None:
                data = _retagged_parsed(pdf_page, mcids)
            pdf_page.obj.Contents = self.pdf.make_stream(data)
        self._artifacts.clear()

    def mcids_under(self, element: pikepdf.Object) -> Iterator[tuple[int, int]]:
        """(page, mcid) of every marked-content sequence in `element` and below it."""
        page = self.page_of(element)
        for kid in kids(element):
            if is_element(kid):
                yield from self.mcids_under(kid)
            elif isinstance(kid, int) and page is not None:
                yield page, kid
            elif is_ref(kid, Name.MCR):
                kid_page = self.page_of(kid) if "/Pg" in kid else page
                if kid_page is not None:
                    yield kid_page, int(kid.MCID)


# How WeasyPrint 70 (through pydyf) opens a marked-content sequence with an MCID. Its
# content streams hold text only as hex strings (`[<0051>0] TJ`), so this cannot match
# inside a text string; a stream where it does not find each MCID exactly once is
# retagged through pikepdf's parser instead.
_MARKED = re.compile(rb"/([A-Za-z][A-Za-z0-9]*)\n<</MCID (\d+)>>\nBDC")


def _retagged(data: bytes, mcids: dict[int, Dictionary]) -> bytes | None:
    """`data` with the sequences of `mcids` as artifacts, from the stream's bytes; None
    when the stream is not written as WeasyPrint writes it."""
    found = [int(m.group(2)) for m in _MARKED.finditer(data) if int(m.group(2)) in mcids]
    if sorted(found) != sorted(mcids):
        return None

    def artifact(match: re.Match[bytes]) -> bytes:
        mcid = int(match.group(2))
        if mcid not in mcids:
            return match.group(0)
        return b"/Artifact " + mcids[mcid].unparse() + b"\nBDC"

    return _MARKED.sub(artifact, data)


def _retagged_parsed(page: pikepdf.Page, mcids: dict[int, Dictionary]) -> bytes:
    instructions = pikepdf.parse_content_stream(page)
    for index, instruction in enumerate(instructions):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            continue  # an inline image
        operands = instruction.operands
        if str(instruction.operator) != "BDC" or len(operands) != 2:
            continue
        properties = operands[1]
        found = properties.get("/MCID") if isinstance(properties, Dictionary) else None
        if found is not None and int(found) in mcids:
            instructions[index] = pikepdf.ContentStreamInstruction(
                [Name.Artifact, mcids[int(found)]], instruction.operator
            )
    return pikepdf.unparse_content_stream(instructions)
