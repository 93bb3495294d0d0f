"""Pictures an event shows: checked before they are copied next to the page or drawn.

A picture comes from outside like everything in the event folder. A raster picture may
be a few kilobytes that decode to gigabytes; an SVG picture is a document that can carry
scripts, event handlers and references to other files or sites, which would run or load
on the site that publishes the report when someone opens the picture itself. SVG pictures
with active or outside content are refused, not cleaned: the organiser gets the picture
they made, or a clear reason why not (docs/security.md).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lxml import etree
from PIL import Image, UnidentifiedImageError

from .i18n import _
from .limits import MIB, PICTURE_BYTES, PICTURE_PIXELS, SVG_ELEMENTS

SVG_NS = "http://www.w3.org/2000/svg"
_XHTML_NS = "http://www.w3.org/1999/xhtml"
# Elements that run code, embed other documents, or change the picture after it is drawn
# (an animation can set an href to javascript:); a report's picture needs none of them.
_REFUSED = {
    "script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler",
    "listener", "set", "animate", "animateMotion", "animateTransform", "animateColor",
    "discard", "canvas",
}  # fmt: skip
# Pictures embedded in an SVG picture as data: URLs, by type; never another SVG.
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)
_OUTSIDE_URL = re.compile(r"url\(\s*(?!['\"]?#)", re.IGNORECASE)
_IMPORT = re.compile(r"@import|expression\s*\(|javascript:", re.IGNORECASE)
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


def picture_problem(file: Path) -> str | None:
    """What keeps `file` from being shown as a picture, or None."""
    size = file.stat().st_size
    if size > PICTURE_BYTES:
        return _(
            "is {size} MiB, more than the {most} MiB a picture in a report may be; save it"
            " smaller (a report needs at most 3000 pixels wide)"
        ).format(size=f"{size / MIB:.0f}", most=PICTURE_BYTES // MIB)
    if file.suffix.lower() == ".svg":
        return svg_problem(file)
    return _raster_problem(file)


def _raster_problem(file: Path) -> str | None:
    try:
        with _header_only(), Image.open(file) as image:
            width, height = image.size
        if width * height > PICTURE_PIXELS:
            return _too_many_pixels(width, height)
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return _("is not a picture the report can show ({problem}); save it as PNG or JPEG").format(
            problem=exc
        )
    return None


@contextmanager
def _header_only() -> Iterator[None]:
    """Pillow's own pixel limit off while only the header is read (opening decodes no
    pixels), so the size can be checked against ours and named in the message."""
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _too_many_pixels(width: int, height: int) -> str:
    return _(
        "is {width} x {height} pixels, more than the {most} million a picture in a report may"
        " have (decoding it would take a lot of memory); save it smaller, e.g. 3000 pixels wide"
    ).format(width=width, height=height, most=PICTURE_PIXELS // 1_000_000)


def svg_problem(file: Path) -> str | None:
    """Why an SVG picture may not be published (naming the SVG's line), or None."""
    try:
        tree = etree.parse(str(file), _PARSER)
    except (etree.XMLSyntaxError, OSError) as exc:
        return _("is not a readable SVG file ({problem}); export it again").format(problem=exc)
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        return _(
            "declares a DTD (entities), which a picture does not need and which can be used"
            " to read other files or expand without bound; export it again without, or save"
            " the picture as PNG"
        )
    root = tree.getroot()
    if root.tag != f"{{{SVG_NS}}}svg":
        return _("is not an SVG picture (its first element is not <svg>); export it again")
    for count, node in enumerate(root.iter(), 1):
        if count > SVG_ELEMENTS:
            return _(
                "has more than {most} elements; simplify it, or save the picture as PNG"
            ).format(most=SVG_ELEMENTS)
        problem = _node_problem(node)
        if problem:
            line = node.sourceline
            return _(
                "holds {problem} (line {line} of the SVG file), which could run code or load"
                " something from elsewhere when the published picture is opened; remove it,"
                " or save the picture as PNG"
            ).format(problem=problem, line=line)
    for sibling in root.itersiblings(preceding=True):
        if isinstance(sibling, etree._ProcessingInstruction):
            return _(
                "starts with a processing instruction <?{target} ...?>; save the picture as PNG"
            ).format(target=sibling.target)
    return None


def _node_problem(node: etree._Element) -> str | None:
    """What is active or outside in one node of an SVG tree, or None."""
    if isinstance(node, etree._ProcessingInstruction):
        return f"a processing instruction <?{node.target} ...?>"
    if not isinstance(node.tag, str):  # comments, entities
        return None
    name = etree.QName(node)
    if name.namespace == _XHTML_NS or name.localname in _REFUSED:
        return f"a <{name.localname}> element"
    if name.localname == "style" and _css_problem(node.text or ""):
        return f"a stylesheet that {_css_problem(node.text or '')}"
    for key, value in node.attrib.items():
        attribute = etree.QName(key).localname
        if attribute.lower().startswith("on"):
            return f"an event handler ({attribute}=)"
        if attribute == "base":  # xml:base changes where every reference points
            return "an xml:base attribute"
        if attribute == "href" and not _local_reference(value, name.localname):
            return f"a reference to '{value[:60]}'"
        if problem := _css_problem(value):
            return f"an attribute ({attribute}=) that {problem}"
    return None


def _local_reference(value: str, element: str) -> bool:
    value = value.strip()
    if value.startswith("#") or _DATA_IMAGE.match(value):
        return True
    # A link in the picture may lead to a web page, as a link in the text may.
    return element == "a" and value.lower().startswith(("https://", "http://", "mailto:"))


def _css_problem(css: str) -> str | None:
    if _IMPORT.search(css):
        return "imports or runs something"
    if _OUTSIDE_URL.search(css):
        return "loads a file or address (url(...) other than #id)"
    return None
