"""The publication copy of a PDF deck: its pages as they show, and nothing riding along.

Left out: the document information and XMP metadata (a new title-only set replaces them),
attached and embedded files, annotations other than links (comments, attachments,
sounds, form fields), JavaScript and every action but following a link, the content of
layers that are hidden when the file opens, page thumbnails and application data.
The pages' visible content, links, bookmarks and tags (the structure a screen reader
follows) stay.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import page as page_validation
import pikepdf
import pypdfium2 as pdfium
from pikepdf import Array, Dictionary, Name, Pdf, String

from eventreport.errors import ReadError
from eventreport.limits import PDF_TREE_DEPTH
from eventreport.model import PlacedText
from eventreport.pdfium_lock import PDFIUM
from eventreport.publication.cleaned import Cleaned

# Entries of the document catalog that carry no page content: metadata, scripts, forms
# (whose filled-in values are data), attachments, application data.
_CATALOG_DROPS = (
    "/Metadata", "/OpenAction", "/AA", "/AcroForm", "/PieceInfo", "/Perms", "/Threads",
    "/SpiderInfo", "/Collection", "/AF", "/Legal", "/OCProperties",
)  # fmt: skip
_NAME_DROPS = ("/EmbeddedFiles", "/JavaScript", "/AlternatePresentations")
_PAGE_DROPS = ("/Thumb", "/PieceInfo", "/AA", "/Metadata", "/AF", "/B")
# Link actions that stay: going to a web address or to a place in the file.
_SAFE_ACTIONS = {"/URI", "/GoTo", "/Named"}
# Structure and links are walked to this depth at most: a crafted file may nest without end.
_MAX_DEPTH = PDF_TREE_DEPTH
_XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"{ns}>'
    '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>{ua}'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
)
_UA_NS = ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"'
_DAMAGED = "the PDF is damaged ({}); export it from the presentation program again"


def clean_pdf(path: Path, *, title: str) -> Cleaned:
    """The publication copy of the PDF deck at `path`, titled `title`."""
    result = Cleaned()
    try:
        pdf = Pdf.open(path, password="")
    except pikepdf.PasswordError:
        raise ReadError(
            path, "the PDF is password-protected; ask for an unprotected copy"
        ) from None
    except pikepdf.PdfError as exc:
        raise ReadError(path, _DAMAGED.format(exc)) from None
    try:
        with pdf:
            _Scrub(pdf, result).run(title)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True, compress_streams=True)
    except (pikepdf.PdfError, RecursionError, ValueError, TypeError) as exc:
        raise ReadError(path, _DAMAGED.format(exc)) from None
    result.data = out.getvalue()
    result.texts = _texts(path, result.data)
    return result


def passes_pdf_ua(data: bytes) -> bool:
    """True when the PDF passes the PDF/UA-1 rules (veraPDF's, run by page-validation)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return bool(page_validation.validate_pdf(handle.name, profile="ua1").is_compliant)


class _Scrub:
    """One PDF being emptied of everything but its pages."""

    def __init__(self, pdf: Pdf, result: Cleaned) -> None:
        self.pdf = pdf
        self.result = result
        self.gone_annotations: set[tuple[int, int]] = set()
        self.annotated: list[int] = []
        self.layered: list[int] = []

    def run(self, title: str) -> None:
        root = self.pdf.Root
        tagged_ua = _ua_part(self.pdf)
        hidden = _hidden_layers(root)
        dropped = [key[1:] for key in _CATALOG_DROPS if key in root]
        for key in _CATALOG_DROPS:
            if key in root:
                del root[key]
        names = root.get("/Names")
        if isinstance(names, Dictionary):
            for key in _NAME_DROPS:
                if key in names:
                    del names[key]
                    dropped.append(key[1:])
        if dropped:
            self.result.removed.append(f"document entries: {', '.join(dropped)}")
        for number, pdf_page in enumerate(self.pdf.pages, 1):
            self._page(pdf_page, number, hidden)
        if self.annotated:
            pages = ", ".join(map(str, self.annotated))
            self.result.removed.append(
                f"annotations other than links ({len(self.gone_annotations)}, pages {pages})"
            )
        if self.layered:
            pages = ", ".join(map(str, self.layered))
            self.result.removed.append(f"content of hidden layers (pages {pages})")
        self._outline(root.get("/Outlines"))
        if self.gone_annotations and "/StructTreeRoot" in root:
            _drop_object_references(root.StructTreeRoot, self.gone_annotations)
        for obj in self.pdf.objects:
            # Pictures and drawings may carry their own XMP (author, editing history).
            if isinstance(obj, pikepdf.Stream) and ("/Metadata" in obj or "/PieceInfo" in obj):
                for key in ("/Metadata", "/PieceInfo"):
                    if key in obj:
                        del obj[key]
        self.pdf.trailer.Info = self.pdf.make_indirect(Dictionary(Title=String(title)))
        ua = f"<pdfuaid:part>{tagged_ua}</pdfuaid:part>" if tagged_ua else ""
        xmp = _XMP.format(ns=_UA_NS if tagged_ua else "", title=escape(title), ua=ua)
        root.Metadata = self.pdf.make_stream(
            xmp.encode("utf-8"), Type=Name.Metadata, Subtype=Name.XML
        )
        self.result.removed.append("document information and XMP metadata (but the title)")

    def _page(self, pdf_page: pikepdf.Page, number: int, hidden: set[tuple[int, int]]) -> None:
        page = pdf_page.obj
        for key in _PAGE_DROPS:
            if key in page:
                del page[key]
        annotations = page.get("/Annots")
        if isinstance(annotations, Array):
            kept = Array()
            for annotation in annotations:
                if _keep_annotation(annotation, hidden):
                    if "/AA" in annotation:
                        del annotation["/AA"]
                    kept.append(annotation)
                else:
                    self.gone_annotations.add(annotation.objgen)
            if len(kept) < len(annotations):
                self.annotated.append(number)
            page.Annots = kept
        if hidden and _drop_hidden_content(self.pdf, pdf_page, hidden):
            self.layered.append(number)

    def _outline(self, outlines: object) -> None:
        """Bookmarks stay; an action on one that is not a jump goes."""
        if not isinstance(outlines, Dictionary):
            return
        seen: set[tuple[int, int]] = set()
        stack = [outlines.get("/First")]
        while stack and len(seen) < 100_000:
            item = stack.pop()
            if not isinstance(item, Dictionary) or item.objgen in seen:
                continue
            seen.add(item.objgen)
            action = item.get("/A")
            if isinstance(action, Dictionary) and action.get("/S") not in _SAFE_ACTIONS:
                del item["/A"]
            stack += [item.get("/Next"), item.get("/First")]


def _keep_annotation(annotation: object, hidden: set[tuple[int, int]]) -> bool:
    """Links that go somewhere (a web address, a page) stay; every other kind goes."""
    if not isinstance(annotation, Dictionary) or annotation.get("/Subtype") != "/Link":
        return False
    layer = annotation.get("/OC")
    if isinstance(layer, Dictionary) and layer.objgen in hidden:
        return False
    action = annotation.get("/A")
    return action is None or (
        isinstance(action, Dictionary)
        and action.get("/S") in _SAFE_ACTIONS
        and "/Next" not in action  # a chain of actions may end in a script
    )


def _ua_part(pdf: Pdf) -> str | None:
    """The PDF/UA part the file claims in its XMP (e.g. "1"), or None."""
    try:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            value = meta.get("pdfuaid:part")
    except (pikepdf.PdfError, ValueError, KeyError, TypeError):
        return None
    return str(value) if value and str(value).isdigit() else None


def _hidden_layers(root: object) -> set[tuple[int, int]]:
    """The optional-content groups (layers) that are off when the file opens."""
    properties = root.get("/OCProperties") if isinstance(root, Dictionary) else None
    if not isinstance(properties, Dictionary):
        return set()
    default = properties.get("/D")
    groups = properties.get("/OCGs")
    if not isinstance(default, Dictionary) or not isinstance(groups, Array):
        return set()
    every = {g.objgen for g in groups if isinstance(g, Dictionary)}
    on = {g.objgen for g in default.get("/ON", Array()) if isinstance(g, Dictionary)}
    off = {g.objgen for g in default.get("/OFF", Array()) if isinstance(g, Dictionary)}
    if default.get("/BaseState") == "/OFF":
        return (every - on) | off
    return off


def _is_hidden(layer: object, hidden: set[tuple[int, int]]) -> bool:
    """True when content marked with this layer (or membership of layers) is not shown."""
    if not isinstance(layer, Dictionary):
        return False
    if layer.get("/Type") != "/OCMD":
        return layer.objgen in hidden
    groups = layer.get("/OCGs")
    members = list(groups) if isinstance(groups, Array) else [groups]
    states = [isinstance(g, Dictionary) and g.objgen not in hidden for g in members]
    if "/VE" in layer or not states:
        return True  # a visibility expression: left out rather than evaluated wrongly
    policy = layer.get("/P", Name.AnyOn)
    shown = {
        "/AllOn": all(states),
        "/AnyOff": not all(states),
        "/AllOff": not any(states),
    }.get(str(policy), any(states))
    return not shown


def _drop_hidden_content(pdf: Pdf, pdf_page: pikepdf.Page, hidden: set[tuple[int, int]]) -> bool:
    """Cut what hidden layers draw out of the page's content; True when something went."""
    resources = pdf_page.obj.get("/Resources", Dictionary())
    instructions = pikepdf.parse_content_stream(pdf_page)
    kept, changed = _visible(instructions, resources, hidden)
    if changed:
        pdf_page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
    return _forms(resources, hidden, set(), 0) or changed


def _forms(
    resources: object, hidden: set[tuple[int, int]], seen: set[tuple[int, int]], depth: int
) -> bool:
    """The same for drawings (form XObjects) the content places, and theirs in turn."""
    if not isinstance(resources, Dictionary) or depth > _MAX_DEPTH:
        return False
    xobjects = resources.get("/XObject")
    changed = False
    for xobject in xobjects.values() if isinstance(xobjects, Dictionary) else ():
        if not isinstance(xobject, pikepdf.Stream) or xobject.get("/Subtype") != "/Form":
            continue
        if xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        inner = xobject.get("/Resources", Dictionary())
        kept, cut = _visible(pikepdf.parse_content_stream(xobject), inner, hidden)
        if cut:
            xobject.write(pikepdf.unparse_content_stream(kept))
        changed = _forms(inner, hidden, seen, depth + 1) or cut or changed
    return changed


def _visible(
    instructions: list[Any], resources: object, hidden: set[tuple[int, int]]
) -> tuple[list[Any], bool]:
    """The content's instructions but those a hidden layer draws; True when some went."""
    if not isinstance(resources, Dictionary):
        resources = Dictionary()
    properties = resources.get("/Properties", Dictionary())
    xobjects = resources.get("/XObject", Dictionary())
    kept = []
    skipping = 0  # depth of marked content inside a hidden layer
    changed = False
    for instruction in instructions:
        operator = str(instruction.operator)
        operands = list(instruction.operands)
        if skipping:
            if operator in ("BDC", "BMC"):
                skipping += 1
            elif operator == "EMC":
                skipping -= 1
            continue
        if operator == "BDC" and len(operands) == 2 and operands[0] == Name.OC:
            layer = operands[1]
            if isinstance(layer, Name):
                layer = properties.get(layer)
            if _is_hidden(layer, hidden):
                skipping, changed = 1, True
                continue
        if operator == "Do" and operands and isinstance(operands[0], Name):
            xobject = xobjects.get(operands[0])
            if isinstance(xobject, pikepdf.Stream) and _is_hidden(xobject.get("/OC"), hidden):
                changed = True
                continue
        kept.append(instruction)
    return kept, changed


def _drop_object_references(tree: object, gone: set[tuple[int, int]]) -> None:
    """Remove the structure tree's references to annotations that were taken out."""
    stack: list[tuple[object, int]] = [(tree, 0)]
    seen: set[tuple[int, int]] = set()
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, Dictionary) or depth > _MAX_DEPTH:
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        kids = node.get("/K")
        if isinstance(kids, Array):
            for index in reversed(range(len(kids))):
                if _names_gone(kids[index], gone):
                    del kids[index]
                else:
                    stack.append((kids[index], depth + 1))
        elif _names_gone(kids, gone):
            del node["/K"]
        elif kids is not None:
            stack.append((kids, depth + 1))


def _names_gone(kid: object, gone: set[tuple[int, int]]) -> bool:
    if not isinstance(kid, Dictionary) or kid.get("/Type") != "/OBJR":
        return False
    target: object = kid.get("/Obj")
    return isinstance(target, Dictionary) and target.objgen in gone


def _texts(path: Path, data: bytes) -> list[PlacedText]:
    """Every line of text in the copy, and every link address, by page."""
    found: list[PlacedText] = []
    with PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise ReadError(path, _DAMAGED.format(exc)) from None
        try:
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                text = textpage.get_text_bounded()
                found += [PlacedText(f"page {index + 1}", line) for line in _lines(text)]
                textpage.close()
                page.close()
        finally:
            document.close()
    with Pdf.open(io.BytesIO(data)) as pdf:
        for number, pdf_page in enumerate(pdf.pages, 1):
            for uri in _uris(pdf_page.obj.get("/Annots")):
                found.append(PlacedText(f"page {number}, link", uri))
    return found


def _lines(text: str) -> Iterator[str]:
    for line in text.replace("\r", "\n").split("\n"):
        if line.strip():
            yield line.strip()


def _uris(annotations: object) -> Iterator[str]:
    if not isinstance(annotations, Array):
        return
    for annotation in annotations:
        action = annotation.get("/A") if isinstance(annotation, Dictionary) else None
        if isinstance(action, Dictionary) and action.get("/S") == "/URI":
            yield str(action.get("/URI", ""))
