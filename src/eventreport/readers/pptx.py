"""PowerPoint decks (.pptx, .ppsx, .pptm, .potx), recognised by content."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from pptx.exc import PythonPptxError
from pptx.package import Package
from pptx.parts.presentation import PresentationPart

from eventreport.errors import ReadError
from eventreport.model import Deck, Slide
from eventreport.readers._pptx_shapes import R_ID, Resolve, SlideReader, paragraph_text
from eventreport.readers._pptx_styles import NS, Inheritance, P, ph_type, placeholder
from eventreport.readers._sniff import ZIP_ERRORS, damaged_zip_message

# python-pptx maps only some main-part types to its presentation class.
_MACRO_TYPES = (
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
)
_PRESENTATION_TYPE = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
_DEFAULT_HEIGHT = 6858000  # 7.5 in, PowerPoint's default slide height
_BAND = 0.02  # of the slide height: tops closer than this count as one reading row
_OPEN_ERRORS = (*ZIP_ERRORS, SyntaxError, PythonPptxError)
_SAVE_AGAIN = "open the file in PowerPoint and save it again"


def read_pptx(path: Path, *, include_hidden: bool = False, notes: bool = False) -> Deck:
    """Read a PowerPoint deck; hidden slides and speaker notes only when asked for."""
    prs = _open(path)
    band = int((prs.slide_height or _DEFAULT_HEIGHT) * _BAND)
    slides = []
    listed = prs.slides
    for number in range(1, len(listed) + 1):
        try:
            slide = listed[number - 1]
            hidden = slide.element.get("show") in ("0", "false")
            if hidden and not include_hidden:
                continue
            layout = slide.slide_layout
            master = layout.slide_master
            # `notes_slide` would add an empty notes part to a slide that has none.
            notes_slide = slide.notes_slide if notes and slide.has_notes_slide else None
        except (KeyError, PythonPptxError) as exc:
            raise ReadError(
                path, f"a part the slide needs is missing ({exc}); {_SAVE_AGAIN}", f"slide {number}"
            ) from None
        inheritance = Inheritance(layout.element, master.element)
        content = SlideReader(inheritance, _resolver(slide.part.rels), band).read(
            slide.element.find("./p:cSld/p:spTree", NS)
        )
        slides.append(
            Slide(
                number=number,
                title=content.title,
                hidden=hidden,
                blocks=content.blocks,
                links=content.links,
                notes=_notes(notes_slide) if notes else None,
            )
        )
    return Deck(source=path, format="pptx", slides=tuple(slides))


def _open(path: Path) -> Any:
    try:
        main = Package.open(str(path)).main_document_part
        if not isinstance(main, PresentationPart) and main.content_type in _MACRO_TYPES:
            main = Package.open(_as_presentation(path, main.content_type)).main_document_part
    except _OPEN_ERRORS as exc:
        part = _broken_part(path)
        if part is None:
            raise ReadError(path, f"{damaged_zip_message()} ({exc})") from None
        raise ReadError(
            path,
            f"this part is damaged ({exc}); {_SAVE_AGAIN}, or get the file again",
            f"part {part}",
        ) from None
    if not isinstance(main, PresentationPart):
        raise ReadError(
            path,
            f"not a PowerPoint presentation (its main part is '{main.content_type}'); "
            "save it as .pptx",
        )
    prs = main.presentation
    # python-pptx fails on the whole slide list when one slide's part is gone.
    for number, slide_id in enumerate(prs.element.findall("./p:sldIdLst/p:sldId", NS), 1):
        if slide_id.get(R_ID) not in main.rels:
            raise ReadError(
                path, f"the slide is missing from the file; {_SAVE_AGAIN}", f"slide {number}"
            )
    return prs


def _as_presentation(path: Path, content_type: str) -> io.BytesIO:
    """A copy of the package in memory with the main part relabelled as a presentation."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(content_type.encode(), _PRESENTATION_TYPE.encode())
            dst.writestr(info, data)
    out.seek(0)
    return out


def _broken_part(path: Path) -> str | None:
    """The first XML member that does not parse, to say where the damage is."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if re.search(r"\.(xml|rels)$", name):
                    try:
                        etree.fromstring(archive.read(name))
                    except etree.XMLSyntaxError:
                        return name
    except ZIP_ERRORS:
        return None
    return None


def _resolver(rels: Any) -> Resolve:
    def resolve(rel_id: str) -> str | None:
        rel = rels.get(rel_id) if rel_id else None
        return rel.target_ref.strip() if rel is not None and rel.is_external else None

    return resolve


def _notes(notes_slide: Any) -> str:
    """The speaker notes' text; "" when the slide has none."""
    if notes_slide is None:
        return ""
    texts = []
    for shape in notes_slide.element.iter(f"{{{P}}}sp"):
        ph = placeholder(shape)
        if ph is not None and ph_type(ph) == "body":
            texts += [paragraph_text(p) for p in shape.findall("./p:txBody/a:p", NS)]
    return "\n".join(t for t in texts if t)
