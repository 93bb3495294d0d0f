"""A session's text as a list of blocks (headings, paragraphs, list items, table rows).

Rounds store this list and changes are counted on it, so it must come from what the
reader of the report sees: it is taken from the rendered HTML, not from the sources.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html
from lxml.etree import _Element

# Elements whose own text is one block. Nested lists inside a <li> are blocks of their own.
BLOCK_TAGS = ("h2", "h3", "h4", "h5", "h6", "p", "li", "caption", "tr", "pre")
_SPACE = re.compile(r"\s+")


def block_elements(section: _Element) -> list[_Element]:
    """The block elements of a session <section>, in document order, skipping SVG."""
    found: list[_Element] = []
    for element in section.iter(*BLOCK_TAGS):
        if any(a.tag == "svg" or a.tag.endswith("}svg") for a in element.iterancestors()):
            continue
        if (
            element.tag == "p"
            and element.getparent() is not None
            and element.getparent().tag == "li"
        ):
            continue  # a <p> inside a list item belongs to that item's block
        found.append(element)
    return found


def block_text(element: _Element) -> str:
    """The element's visible text without nested lists, whitespace collapsed."""
    if element.tag == "tr":
        cells = [_flat(cell) for cell in element if cell.tag in ("th", "td")]
        return " | ".join(cells)
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag not in ("ul", "ol"):
            parts.append(_flat(child))
        parts.append(child.tail or "")
    return _SPACE.sub(" ", "".join(parts)).strip()


def _flat(element: _Element) -> str:
    if element.get("aria-hidden") == "true":
        return ""  # proof furniture such as paragraph numbers, not the speaker's text
    return _SPACE.sub(" ", element.text_content()).strip()


def session_blocks(page_html: str) -> dict[str, list[str]]:
    """Blocks of every session on a rendered report page, by session id."""
    tree = lxml_html.fromstring(page_html)
    result: dict[str, list[str]] = {}
    for section in tree.xpath("//section[contains(concat(' ', @class, ' '), ' session ')]"):
        texts = [block_text(e) for e in block_elements(section)]
        result[section.get("id")] = [t for t in texts if t]
    return result
