"""The publication copy of a PowerPoint deck: the slides a reader may see, and no more.

What stays: the visible slides (hidden ones too with `include_hidden: true`) with their
layouts, masters, themes, pictures, charts (as the data they show), SmartArt, media and
fonts; speaker notes only with `notes: true`. Everything else a deck carries is left out:
hidden slides and hidden shapes, notes, comments and their authors, document properties
but the title, custom properties and XML, thumbnails, revision and co-authoring history,
printer settings, macros and ActiveX controls (a .pptm goes out as .pptx), add-in tags,
the workbooks behind charts, embedded documents (their picture stays), links to local
files, and the metadata blocks of photos. What is written is only what the presentation
still reaches, so nothing is left behind unreferenced.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from lxml import etree

from eventreport.errors import ReadError
from eventreport.model import PlacedText
from eventreport.publication.cleaned import Cleaned
from eventreport.publication.opc import R_NS, Link, Package, iter_r_ids
from eventreport.publication.pictures import without_metadata
from eventreport.readers.decks.pptx_styles import NS, P
from eventreport.readers.zipguard import SafeZip

A = NS["a"]
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
_CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
_VML = "urn:schemas-microsoft-com:vml"
_OFFICE = "urn:schemas-microsoft-com:office:office"
_R_ID = f"{{{R_NS}}}id"
_R_EMBED = f"{{{R_NS}}}embed"

# What the presentation part may point at in the copy; anything else it names (comment
# authors, VBA, custom XML, tags, printer settings, revision info, the handout master,
# the last view) is left out.
_PRESENTATION_KEEPS = {"slide", "slideMaster", "theme", "presProps", "tableStyles", "font"}
# Never written, wherever a part points at them. "package" and "oleObject" are the
# workbooks behind charts and embedded documents: they hold far more than the slide shows.
_NEVER = {
    "comments", "commentAuthors", "authors", "tags", "customXml", "customXmlProps",
    "customData", "control", "activeXControl", "activeXControlBinary", "vbaProject",
    "vbaProjectSignature", "printerSettings", "revisionInfo", "changesInfo", "thumbnail",
    "handoutMaster", "package", "oleObject", "vmlDrawing", "extensibility",
}  # fmt: skip
_NOTES = {"notesSlide", "notesMaster"}
# Kinds a part's XML names by id: once no element names one, the part it leads to goes.
_NAMED = {"image", "chart", "diagramData", "diagramLayout", "diagramQuickStyle",
          "diagramColors", "hyperlink", "media", "video", "audio", "hdphoto"}  # fmt: skip
# Links to the web that may stay: a hyperlink, or a video placed from a site.
_WEB = {"hyperlink", "video", "audio", "media"}
# Click actions that start a program, a macro or an embedded object.
_UNSAFE_ACTIONS = ("ppaction://program", "ppaction://macro", "ppaction://ole")
# Lists that mean nothing once empty: removed with their last entry.
_EMPTY_GOES = {"notesMasterIdLst", "handoutMasterIdLst", "custDataLst", "controls", "extLst",
               "ext", "sldLst", "Choice", "AlternateContent", "embeddedFont"}  # fmt: skip
_LOCAL_PATH = re.compile(r"\s*(?:[A-Za-z]:[\\/]|\\\\|file:|/(?:Users|home)/)")
_SHAPES = {"sp", "pic", "graphicFrame", "grpSp", "cxnSp", "contentPart"}
_SLIDE_KINDS = {"slide", "slideLayout", "slideMaster", "notesSlide", "notesMaster", "chart",
                "diagramData", "diagramDrawing"}  # fmt: skip


def clean_pptx(
    path: Path,
    *,
    title: str,
    include_hidden: bool = False,
    notes: bool = False,
    archive: zipfile.ZipFile | None = None,
    into: Path | None = None,
    drawn: Collection[int] | None = None,
) -> Cleaned:
    """The publication copy of the deck at `path`, titled `title`: in `into` when given
    (a file written part by part, so a video is never held whole), else in `data`.

    `drawn` makes the copy LibreOffice draws slides from (readers/decks/pictures.py): the
    slides at those places in the copy (from 1) are the visible ones, every other slide
    of the copy is hidden, so that a drawing that leaves out hidden slides draws those
    and no others, with the numbers the slides have in the copy. The others are also
    emptied: they keep their place, which a slide number counts, but none of their
    shapes, nor the pictures, charts and media only those reached, which LibreOffice
    would load all of to draw one slide (a 34-slide deck of charts: 2.35 s for one slide,
    most of it loading the other 33)."""
    with SafeZip(path, archive=archive) as safe:
        copy = _Copy(Package(safe), title, include_hidden, notes, drawn)
        if into is None:
            return copy.make()
        with into.open("wb") as out:
            return copy.make(out)


class _Copy:
    """One deck being trimmed to its publication copy."""

    def __init__(
        self,
        package: Package,
        title: str,
        include_hidden: bool,
        notes: bool,
        drawn: Collection[int] | None = None,
    ) -> None:
        self.package = package
        self.title = title
        self.include_hidden = include_hidden
        self.notes = notes
        self.drawn = drawn
        self.result = Cleaned()
        self.places: dict[str, str] = {}
        self.emptied: set[str] = set()
        """The slides a drawing copy does not draw."""

    def make(self, out: BinaryIO | None = None) -> Cleaned:
        package = self.package
        main = next((x.target for x in package.links("") if x.kind == "officeDocument"), None)
        if main is None or not package.has(main):
            raise ReadError(package.path, "the package names no presentation; save it again")
        presentation = package.xml(main)
        if presentation.tag != f"{{{P}}}presentation":
            raise ReadError(package.path, "not a PowerPoint presentation; save it as .pptx")
        self._properties(main)
        self._slides(main, presentation)
        self._trim(main)
        for part in package.reachable():
            if package.has(part) and _is_xml(package.content_type(part)):
                self._clear_references(part)
        self._pictures()
        self._collect_text()
        self.result.data = package.write((main, MAIN_TYPE), out)
        return self.result

    # --- what the package root and the presentation keep -----------------------------

    def _properties(self, main: str) -> None:
        """The root keeps the presentation and a core-properties part holding the title."""
        kinds = {x.kind for x in self.package.links("")}
        left = sorted(kinds - {"officeDocument", "core-properties"})
        self.result.removed += [_WORDS.get(kind, kind) for kind in left]
        self.result.removed.append("document properties (author, last modified by, company, ...)")
        core = etree.Element(f"{{{_CP}}}coreProperties", nsmap={"cp": _CP, "dc": _DC})
        etree.SubElement(core, f"{{{_DC}}}title").text = self.title
        data = etree.tostring(core, xml_declaration=True, encoding="UTF-8", standalone=True)
        self.package.put("docProps/core.xml", bytes(data), _CORE_TYPE)
        self.package.replace_rels("", [(_OFFICE_DOCUMENT, main), (_CORE, "docProps/core.xml")])

    def _slides(self, main: str, presentation: etree._Element) -> None:
        """Hidden slides out (unless asked for), and every trace of them in the lists."""
        links = {x.id: x for x in self.package.links(main)}
        gone_ids: set[str] = set()
        hidden: list[int] = []
        for number, entry in enumerate(presentation.iterfind("./p:sldIdLst/p:sldId", NS), 1):
            link = links.get(entry.get(_R_ID, ""))
            if link is None or not self.package.has(link.target):
                raise ReadError(self.package.path, "the slide is missing; save it again",
                                f"slide {number}")  # fmt: skip
            root = self.package.xml(link.target)
            if root.get("show") in ("0", "false") and not self.include_hidden:
                hidden.append(number)
                gone_ids.add(entry.get("id", ""))
                self.package.drop(main, link.id)
                continue
            self.places[link.target] = f"slide {number}"
            if self.drawn is not None:
                if len(self.places) in self.drawn:
                    root.attrib.pop("show", None)
                else:
                    root.set("show", "0")
                    self.emptied.add(link.target)
        if hidden:
            numbers = ", ".join(map(str, hidden))
            self.result.removed.append(f"hidden slides ({numbers})")
        # Sections list slides by their numeric id, not by relationship.
        for entry in presentation.iter(f"{{{_P14}}}sldId"):
            if entry.get("id") in gone_ids:
                _remove(entry)
        verifier = presentation.find("./p:modifyVerifier", NS)
        if verifier is not None:  # a hash of the speaker's write-protection password
            presentation.remove(verifier)

    # --- relationships ----------------------------------------------------------------

    def _trim(self, main: str) -> None:
        """Drop every relationship the copy does not carry, part by reachable part."""
        keeps = _PRESENTATION_KEEPS | ({"notesMaster"} if self.notes else set())
        never = _NEVER | (set() if self.notes else _NOTES)
        dropped: dict[str, int] = {}
        for link in self.package.links(main):
            if link.kind not in keeps:
                self.package.drop(main, link.id)
                dropped[link.kind] = dropped.get(link.kind, 0) + 1
        done: set[str] = {main}
        queue = [x.target for x in self.package.links(main) if not x.external]
        while queue:
            part = queue.pop(0)
            if part in done or not self.package.has(part):
                continue
            done.add(part)
            if part in self.emptied:
                self._empty(part)
            elif part in self.places:
                self._hidden_shapes(part)
                self._embedded_objects(part)
            for link in self.package.links(part):
                if link.kind in never or (link.external and not _web(link)):
                    self.package.drop(part, link.id)
                    name = "links to files" if link.external else link.kind
                    dropped[name] = dropped.get(name, 0) + 1
                elif not link.external:
                    queue.append(link.target)
        self.result.removed += [f"{_WORDS.get(k, k)} ({n})" for k, n in sorted(dropped.items())]

    def _empty(self, slide: str) -> None:
        """A slide of a drawing copy that is not drawn: no shapes, no background, no
        animations (they name the shapes), and so none of the parts those reached."""
        root = self.package.xml(slide)
        tree = root.find("./p:cSld/p:spTree", NS)
        if tree is not None:
            for shape in [c for c in tree if etree.QName(c).localname in _SHAPES]:
                tree.remove(shape)
        for extra in root.findall("./p:cSld/p:bg", NS) + root.findall("./p:timing", NS):
            _remove(extra)
        self._unnamed(slide)

    def _hidden_shapes(self, slide: str) -> None:
        """Shapes the speaker hid on a visible slide stay in the file, unseen; not here."""
        if self.include_hidden:
            return
        root = self.package.xml(slide)
        count = 0
        for props in list(root.iter(f"{{{P}}}cNvPr")):
            shape = props.getparent()
            shape = shape.getparent() if shape is not None else None
            if (
                props.get("hidden") in ("1", "true")
                and shape is not None
                and etree.QName(shape).localname in _SHAPES
                and shape.getparent() is not None
            ):
                _remove(shape)
                count += 1
        if count:
            self.result.removed.append(f"hidden shapes on {self.places[slide]} ({count})")
        self._unnamed(slide)

    def _embedded_objects(self, slide: str) -> None:
        """An embedded document (a workbook, a file) becomes the picture the slide shows."""
        root = self.package.xml(slide)
        for ole in list(root.iter(f"{{{P}}}oleObj")):
            frame = next((e for e in ole.iterancestors(f"{{{P}}}graphicFrame")), None)
            if frame is None or frame.getparent() is None:
                continue
            image = self._preview(slide, ole)
            if image is None:
                _remove(frame)
            else:
                frame.getparent().replace(frame, _picture(frame, image))
            self.result.removed.append(f"embedded document on {self.places[slide]}")
        self._unnamed(slide)

    def _preview(self, slide: str, ole: etree._Element) -> str | None:
        """The relationship id of the picture an embedded object shows, added if needed."""
        blip = ole.find(f".//{{{A}}}blip")
        if blip is not None and blip.get(_R_EMBED):
            return str(blip.get(_R_EMBED))
        # Older files draw it in the slide's VML drawing, which names the picture.
        spid = ole.get("spid")
        for link in self.package.links(slide):
            if link.kind != "vmlDrawing" or link.external or not spid:
                continue
            try:
                vml = self.package.xml(link.target)
            except ReadError:
                return None
            for shape in vml.iter(f"{{{_VML}}}shape"):
                data = shape.find(f"{{{_VML}}}imagedata")
                if shape.get(f"{{{_OFFICE}}}spid") == spid and data is not None:
                    relid = data.get(f"{{{_OFFICE}}}relid", "")
                    target = next(
                        (x.target for x in self.package.links(link.target) if x.id == relid), None
                    )
                    if target and self.package.has(target):
                        return self.package.add(slide, _IMAGE, target)
        return None

    def _unnamed(self, part: str) -> None:
        """Drop relationships no element of the part names any more (a removed shape's)."""
        named = {value for _, _, value in iter_r_ids(self.package.xml(part))}
        links = self.package.links(part)
        for link in links:
            if link.kind in _NAMED and link.id not in named:
                self.package.drop(part, link.id)
        if not any(x.kind == "diagramData" and x.id in named for x in links):
            for link in links:
                if link.kind == "diagramDrawing":
                    self.package.drop(part, link.id)

    def _clear_references(self, part: str) -> None:
        """Remove what names a dropped relationship, and click actions that run code."""
        root = self.package.xml(part)
        gone = self.package.dropped.get(part, set())
        for element, name, value in list(iter_r_ids(root)):
            if value not in gone or element is root:
                continue
            if etree.QName(element).localname == "blip":
                del element.attrib[name]  # the picture stays, without its link to a file
            else:
                _remove(element)
        for click in list(root.iter(f"{{{A}}}hlinkClick", f"{{{A}}}hlinkHover")):
            if click.get("action", "").startswith(_UNSAFE_ACTIONS):
                _remove(click)
        for props in root.iter(f"{{{P}}}cNvPr", f"{{{A}}}cNvPr"):
            for key in ("descr", "title"):
                # Old PowerPoint versions filled in the picture's file path, user name and all.
                if _LOCAL_PATH.match(props.get(key, "")):
                    del props.attrib[key]

    # --- pictures and text ------------------------------------------------------------

    def _pictures(self) -> None:
        for part in self.package.reachable():
            kind = self.package.content_type(part) or ""
            if kind in ("image/jpeg", "image/png") and self.package.has(part):
                data = self.package.read(part)
                cleaned = without_metadata(data)
                if cleaned != data:
                    self.package.put(part, cleaned, kind)

    def _collect_text(self) -> None:
        """Every text a reader of the copy can find, placed by slide where it belongs."""
        places = dict(self.places)
        for part, place in self.places.items():
            for link in self.package.links(part):
                if link.kind == "notesSlide":
                    places[link.target] = f"{place}, notes"
                elif not link.external:
                    places.setdefault(link.target, place)
        for part in self.package.reachable():
            if not _is_xml(self.package.content_type(part)):
                continue
            place = places.get(part, f"part {part}")
            self.result.texts += _texts(self.package.xml(part), place)
        for part, place in places.items():
            for link in self.package.links(part):
                if link.external:
                    self.result.texts.append(PlacedText(f"{place}, link", link.target))


_WORDS = {
    "extended-properties": "application properties (company, manager, template, slide titles)",
    "custom-properties": "custom properties", "origin": "digital signatures",
    "vmlDrawing": "legacy drawings of embedded objects",
    "comments": "comments", "commentAuthors": "comment authors", "authors": "comment authors",
    "notesSlide": "speaker notes", "notesMaster": "notes master", "tags": "add-in tags",
    "vbaProject": "macros (VBA)", "control": "ActiveX controls", "printerSettings":
    "printer settings", "revisionInfo": "revision history", "changesInfo": "co-authoring history",
    "package": "workbooks behind charts", "oleObject": "embedded documents",
    "customXml": "custom XML", "handoutMaster": "handout master", "viewProps": "view settings",
    "thumbnail": "thumbnail",
}  # fmt: skip


def _web(link: Link) -> bool:
    scheme = urlsplit(link.target).scheme.lower()
    allowed = ("http", "https", "mailto") if link.kind == "hyperlink" else ("http", "https")
    return link.kind in _WEB and scheme in allowed


def _is_xml(content_type: str | None) -> bool:
    return content_type is not None and content_type.endswith("xml")


def _remove(element: etree._Element) -> None:
    """Remove `element`, and each parent list it leaves empty."""
    parent = element.getparent()
    if parent is None:
        return
    parent.remove(element)
    while parent is not None and len(parent) == 0 and etree.QName(parent).localname in _EMPTY_GOES:
        grand = parent.getparent()
        if grand is None:
            break
        grand.remove(parent)
        parent = grand


def _picture(frame: etree._Element, rel_id: str) -> etree._Element:
    """A picture in the place of a graphic frame, with its name and alternative text."""
    pic = etree.Element(f"{{{P}}}pic")
    nv = etree.SubElement(pic, f"{{{P}}}nvPicPr")
    props = etree.SubElement(nv, f"{{{P}}}cNvPr")
    old = frame.find("./p:nvGraphicFramePr/p:cNvPr", NS)
    for key in ("id", "name", "descr", "title"):
        if old is not None and old.get(key) is not None:
            props.set(key, str(old.get(key)))
    etree.SubElement(nv, f"{{{P}}}cNvPicPr")
    etree.SubElement(nv, f"{{{P}}}nvPr")
    fill = etree.SubElement(pic, f"{{{P}}}blipFill")
    etree.SubElement(fill, f"{{{A}}}blip", {_R_EMBED: rel_id})
    etree.SubElement(etree.SubElement(fill, f"{{{A}}}stretch"), f"{{{A}}}fillRect")
    shape = etree.SubElement(pic, f"{{{P}}}spPr")
    place = frame.find("./p:xfrm", NS)
    xfrm = etree.SubElement(shape, f"{{{A}}}xfrm")
    for child in place if place is not None else ():
        xfrm.append(etree.fromstring(etree.tostring(child)))
    etree.SubElement(etree.SubElement(shape, f"{{{A}}}prstGeom", prst="rect"), f"{{{A}}}avLst")
    return pic


def _texts(root: etree._Element, place: str) -> list[PlacedText]:
    """Paragraph texts, alternative texts and chart labels of one part."""
    found = []
    for paragraph in root.iter(f"{{{A}}}p"):
        text = "".join(t.text or "" for t in paragraph.iter(f"{{{A}}}t")).strip()
        if text:
            found.append(PlacedText(place, text))
    for props in root.iter(f"{{{P}}}cNvPr", f"{{{A}}}cNvPr"):
        for key in ("descr", "title"):
            if props.get(key):
                found.append(PlacedText(f"{place}, alternative text", str(props.get(key))))
    chart = "http://schemas.openxmlformats.org/drawingml/2006/chart"
    for cache in root.iter(f"{{{chart}}}strCache"):
        for value in cache.iter(f"{{{chart}}}v"):
            if value.text and value.text.strip():
                found.append(PlacedText(f"{place}, chart", value.text.strip()))
    return found
