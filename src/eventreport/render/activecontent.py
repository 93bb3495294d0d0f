"""The last check on every page we write: no active content, nothing loaded from elsewhere.

Templates may come from an event folder (docs/security.md). The sandbox keeps them from
running code here; this check keeps them from putting code, or a tracker, in the page that
readers open on the organisation's site: scripts, event handlers, frames, forms, and
resources (pictures, stylesheets, fonts) from any other address. Links to web pages stay.
Our own templates pass through the same check, so there is one rule for all.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

# Elements that run code, embed other documents or send what a reader types elsewhere.
_REFUSED = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
    "portal", "foreignobject", "handler", "listener", "set", "animate", "animatemotion",
    "animatetransform",
}  # fmt: skip
# Attributes whose value the browser fetches or navigates to.
_URL_ATTRIBUTES = {
    "href", "src", "srcset", "poster", "data", "action", "formaction", "background",
    "cite", "longdesc", "manifest", "ping", "xlink:href",
}  # fmt: skip
_LINKS = ("https://", "http://", "mailto:", "#")
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_CSS_OUTSIDE = re.compile(
    r"@import|expression\s*\(|javascript:|url\(\s*['\"]?\s*([a-z][a-z0-9+.-]*:|//)",
    re.IGNORECASE,
)


def page_problem(html: str) -> str | None:
    """What in a rendered page is active or loaded from elsewhere (with the page's line),
    or None."""
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None  # nothing to check in an empty page
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        problem = _element_problem(element)
        if problem:
            return f"{problem} (line {element.sourceline} of the page)"
    return None


def _element_problem(element: etree._Element) -> str | None:
    tag = etree.QName(element).localname.lower()
    if tag in _REFUSED:
        return f"a <{tag}> element, which may not be in a published page"
    if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
        return "a <meta http-equiv=refresh>, which sends readers elsewhere"
    if tag == "style" and (problem := css_problem(element.text or "")):
        return f"a stylesheet that {problem}"
    for name, value in element.attrib.items():
        name = name.lower()
        if name.startswith("on"):
            return f"an event handler ({name}=) on <{tag}>, which runs code"
        if name in ("style", "srcdoc") and (problem := css_problem(value)):
            return f"a style attribute on <{tag}> that {problem}"
        fetched = name in _URL_ATTRIBUTES or name.split("}")[-1] in _URL_ATTRIBUTES
        if fetched and (problem := _url_problem(element, tag, name, value)):
            return problem
    return None


# <link rel=...> kinds that only name another address (the PDF of the page, its licence)
# and make the browser fetch nothing; a stylesheet, icon or preload would.
_NAMING_RELS = {"alternate", "canonical", "license", "author", "help", "next", "prev", "cite-as"}


def _url_problem(element: etree._Element, tag: str, name: str, value: str) -> str | None:
    if not _SCHEME.match(value):
        return None  # a file next to the page, or a place in it
    # Links may lead to web pages and e-mail addresses; nothing else may load from outside.
    rels = set((element.get("rel") or "").lower().split())
    naming = tag == "link" and bool(rels) and rels <= _NAMING_RELS
    is_link = (tag == "a" or naming) and name.endswith("href")
    if is_link and value.strip().lower().startswith(_LINKS):
        return None
    if tag == "img" and name == "src" and value.strip().lower().startswith("data:image/"):
        return None
    shown = value.strip()[:60]
    if is_link:
        return f"a link to '{shown}', which is not a web or e-mail address"
    return f"<{tag} {name}='{shown}'>, which loads something from outside the report"


def css_problem(css: str) -> str | None:
    """What in a stylesheet loads or runs something from elsewhere, or None."""
    if match := _CSS_OUTSIDE.search(css):
        return f"loads or runs something from elsewhere ('{match.group(0)}')"
    return None
