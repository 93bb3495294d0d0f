"""Where a large report's print page is cut into parts for the PDF (`render/inparts.py`).

WeasyPrint holds a whole document's styles, boxes and drawn pages at once: the
2,000-slide event takes 836 MiB in one render. Cut into parts of a few sessions, each
rendered on its own, it takes what one part takes. The page is cut only between
sessions, and in such a report every session starts on a new page, so a part starts on
a page of its own and the cut changes nothing else. The pieces are the page's own text,
sliced where its parser says an element begins or ends; nothing is parsed and written
again. What makes the slices a document again, and what ties them together afterwards:

- the first part holds the cover and the table of contents; each other part the same
  `<head>` and the `<main>` element again (with a group's `<section>` when a part begins
  inside a group), without their `id`, which stays in the first;
- a link to an element in another part is written as `eventreport-anchor:ID` (a part
  cannot resolve it); `render/join.py` makes it a link to that named destination;
- the table of contents' page numbers (`target-counter()`) come from the parts rendered
  before it, written into the links as `data-eventreport-page`;
- no part draws the page margins; the running header and page numbers are drawn over
  the joined pages from a document of empty pages (`furniture_html`).

A print style that uses what only the whole document can know (page counters of its
own, running elements, page-side selectors, cross references outside the contents) is
not cut (`PagePlan.unsupported`): that report is rendered whole, as every smaller one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, unquote

ANCHOR_SCHEME = "eventreport-anchor:"
"""Links into another part: the scheme, then the target's id (percent-encoded)."""
BREAK = "data-eventreport-break"
"""The attribute of a session (or group) that starts on a new page."""
PAGE = "data-eventreport-page"
"""The attribute giving a link the page number of its target."""

_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr")
)  # fmt: skip
_MARGINS = (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
    "bottom-left-corner", "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner",
    "left-top", "left-middle", "left-bottom", "right-top", "right-middle", "right-bottom",
)  # fmt: skip
_TARGET_COUNTER = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*\)")
_ID = re.compile(r"""\s+id\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")

_BREAK_STYLE = f"[{BREAK}] {{ break-before: page; }}\n"
# A part draws no page margins (the furniture does, over the joined pages); !important,
# as an @page rule for a named page would win over one for every page.
_NO_MARGINS = (
    "@page { "
    + " ".join(f"@{margin} {{ content: none !important; }}" for margin in _MARGINS)
    + " }\n"
)
# The furniture draws only the margins: a page background (the cover's band) is drawn
# by the part that holds the page, and would cover it here.
_ONLY_MARGINS = (
    "@page { background: none !important; border: none !important; }\n"
    "html, body { background: none !important; }\n"
)


@dataclass
class Element:
    """One element of the page, by where its tags are in the text."""

    tag: str
    """Its name, lower case."""
    attrs: dict[str, str]
    """Its attributes (values unescaped)."""
    start: int
    """Where its start tag begins."""
    open_end: int
    """Where its start tag ends."""
    close_start: int = -1
    """Where its end tag begins (its `open_end` for an element without content)."""
    end: int = -1
    """Where its end tag ends."""
    children: list[Element] = field(default_factory=list)
    """Its child elements."""

    def find(self, tag: str) -> Element | None:
        """The first child named `tag`."""
        return next((c for c in self.children if c.tag == tag), None)

    def walk(self) -> Iterable[Element]:
        """This element and every element inside it, in document order."""
        stack = [self]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed(element.children))


class _Tree(HTMLParser):
    """The page's elements with their places; `ok` is False when they do not nest cleanly
    (an end tag that closes another element), which the page generated from our
    templates never does."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.lines = [0]
        for line in html.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.root = Element("#document", {}, 0, 0)
        self.stack = [self.root]
        self.ok = True

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        element = Element(tag, {k: v or "" for k, v in attrs}, start, start + len(text))
        self.stack[-1].children.append(element)
        if tag in _VOID:
            element.close_start = element.end = element.open_end
        else:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        element = Element(tag, {k: v or "" for k, v in attrs}, start, start + len(text))
        element.close_start = element.end = element.open_end
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        start = self._offset()
        if len(self.stack) < 2 or self.stack[-1].tag != tag:
            self.ok = False
            return
        element = self.stack.pop()
        element.close_start = start
        element.end = self.html.index(">", start) + 1


@dataclass(frozen=True)
class Unit:
    """A session (with what follows it up to the next one): where a part may begin."""

    start: int
    """Where it begins in the page."""
    end: int
    """Where it ends."""
    group: Element | None
    """The group `<section>` it lies in; None for one directly in `<main>`."""
    first_in_group: bool
    """True for a group's first session: the unit then begins at the group's start tag."""
    last_in_group: bool
    """True for a group's last session: the unit then ends with the group's end tag."""
    breaks: Element
    """The element whose start tag gets `BREAK` (the session, or its group)."""


@dataclass
class PagePlan:
    """The print page and the places it can be cut at."""

    html: str
    """The page."""
    head_end: int
    """Where `</head>` begins."""
    body_open_end: int
    """Where the content of `<body>` begins."""
    body_close_start: int
    """Where `</body>` begins."""
    main: Element
    """The `<main>` element."""
    units: list[Unit]
    """The sessions, in order."""
    ids: dict[str, int]
    """Every `id` in the page -> where it is."""
    links: list[Element]
    """Every `<a href="#...">`."""
    title: Element
    """The one `<h1>` (the title; the running header repeats it)."""
    unsupported: str | None = None
    """Why the page cannot be cut (None: it can)."""

    # --- Where things are -----------------------------------------------------------

    def cut(self, part_bytes: int) -> list[list[int]]:
        """The units of each part after the first (the cover and contents), a part
        holding units up to `part_bytes` of the page's text (a larger unit alone)."""
        parts: list[list[int]] = [[]]
        size = 0
        for index, unit in enumerate(self.units):
            length = unit.end - unit.start
            if parts[-1] and size + length > part_bytes:
                parts.append([])
                size = 0
            parts[-1].append(index)
            size += length
        return parts

    def front_end(self) -> int:
        """Where the first unit begins: everything before it is the front part's."""
        return self.units[0].start

    def back_start(self) -> int:
        """Where the last unit ends: everything after it goes with the last part."""
        return self.units[-1].end

    def part_of(self, offset: int, parts: list[list[int]]) -> int:
        """The number of the part (0: the front) holding the text at `offset`."""
        if offset < self.front_end():
            return 0
        if offset >= self.back_start():
            return len(parts)
        for number, units in enumerate(parts, start=1):
            if self.units[units[0]].start <= offset < self.units[units[-1]].end:
                return number
        raise ValueError(f"offset {offset} lies in no part")

    def front_targets(self, parts: list[list[int]]) -> set[str]:
        """The ids the front's links point at (their page numbers go into it)."""
        return {
            unquote(link.attrs["href"][1:])
            for link in self.links
            if self.part_of(link.start, parts) == 0
        }

    # --- The documents ----------------------------------------------------------------

    def whole_html(self) -> str:
        """The page as the parts together show it, in one document (every session on a
        new page): what the joined PDF equals (tests/test_inparts.py)."""
        html = self.html
        inserts = {u.breaks.start: u.breaks for u in self.units}
        out = [html[: self.head_end], "<style>\n", _BREAK_STYLE, "</style>\n"]
        position = self.head_end
        for start in sorted(inserts):
            element = inserts[start]
            tag_end = element.start + 1 + len(element.tag)
            out += [html[position:tag_end], f" {BREAK}"]
            position = tag_end
        out.append(html[position:])
        return "".join(out)

    def part_html(
        self, number: int, parts: list[list[int]], pages: Mapping[str, int] | None = None
    ) -> str:
        """Part `number` (0: the front; 1...: the units of `parts`), each link to another
        part written as one to a named destination; `pages` gives targets' page numbers
        for the table of contents."""
        html = self.html
        where = {name: self.part_of(offset, parts) for name, offset in self.ids.items()}
        head = _TARGET_COUNTER.sub(f"attr({PAGE})", html[: self.head_end])
        out = [head, "<style>\n", _BREAK_STYLE, _NO_MARGINS, "</style>\n"]
        out.append(html[self.head_end : self.body_open_end])
        last = number == len(parts)
        if number == 0:
            start, end = self.body_open_end, self.front_end()
            out.append(self._linked(start, end, 0, where, pages))
        else:
            out.append(_ID.sub("", html[self.main.start : self.main.open_end], count=1))
            out += self._units(parts[number - 1], number, where, pages)
            if last:
                out.append(self._linked(self.back_start(), self.body_close_start, number,
                                        where, pages))  # fmt: skip
            else:
                out.append(html[self.main.close_start : self.main.end])
        if number == 0:
            out.append(html[self.main.close_start : self.main.end])
        out.append(html[self.body_close_start :])
        return "".join(out)

    def _units(
        self,
        units: list[int],
        number: int,
        where: Mapping[str, int],
        pages: Mapping[str, int] | None,
    ) -> list[str]:
        out: list[str] = []
        first = self.units[units[0]]
        if first.group is not None and not first.first_in_group:
            # A group continued from the part before: its element again, without the id
            # (an anchor is made once).
            group = first.group
            out.append(_ID.sub("", self.html[group.start : group.open_end], count=1))
        for position, index in enumerate(units):
            unit = self.units[index]
            text = self._linked(unit.start, unit.end, number, where, pages)
            if position:  # the first starts its part, so a page, already
                tag_end = unit.breaks.start + 1 + len(unit.breaks.tag) - unit.start
                text = text[:tag_end] + f" {BREAK}" + text[tag_end:]
            out.append(text)
        last = self.units[units[-1]]
        if last.group is not None and not last.last_in_group:
            out.append("</section>")  # the group goes on in the next part
        return out

    def _linked(
        self,
        start: int,
        end: int,
        number: int,
        where: Mapping[str, int],
        pages: Mapping[str, int] | None,
    ) -> str:
        """The page's text from `start` to `end`, its links to other parts rewritten."""
        out = []
        position = start
        for link in self.links:
            if not start <= link.start < end:
                continue
            target = unquote(link.attrs["href"][1:])
            elsewhere = where.get(target, number) != number
            page = pages.get(target) if pages else None
            if not elsewhere and page is None:
                continue
            tag = self.html[link.start : link.open_end]
            if elsewhere:
                tag = _set_attribute(tag, "href", ANCHOR_SCHEME + quote(target, safe=""))
            if page is not None:
                tag = _set_attribute(tag, PAGE, str(page))
            out += [self.html[position : link.start], tag]
            position = link.open_end
        out.append(self.html[position:end])
        return "".join(out)

    def furniture_html(self, names: list[str]) -> str:
        """A document of `len(names)` empty pages, named as the report's pages are: the
        running header and the page numbers, drawn as the whole report would draw them,
        to lay over the joined pages. The title is there, hidden, for the header."""
        pages = []
        for number, name in enumerate(names):
            style = f"page: {name or 'auto'};" + (" break-before: page;" if number else "")
            inside = ""
            if number == 0:
                title = self.html[self.title.start : self.title.end]
                inside = f'<div style="visibility: hidden">{title}</div>'
            pages.append(f'<div style="{style}">{inside}</div>\n')
        return "".join(
            [
                self.html[: self.head_end],
                "<style>\n",
                _ONLY_MARGINS,
                "</style>\n",
                self.html[self.head_end : self.body_open_end],
                *pages,
                self.html[self.body_close_start :],
            ]
        )


def _set_attribute(tag: str, name: str, value: str) -> str:
    """Start tag `tag` with attribute `name` set to `value` (replacing it if present)."""
    escaped = value.replace("&", "&amp;").replace('"', "&quot;")
    pattern = re.compile(rf"""\s+{name}\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
    tag = pattern.sub("", tag, count=1)
    closing = 2 if tag.endswith("/>") else 1
    return f'{tag[:-closing]} {name}="{escaped}"{tag[-closing:]}'


def _parsed(html: str) -> Element | None:
    """The page's elements; None when they do not nest cleanly."""
    tree = _Tree(html)
    tree.feed(html)
    tree.close()
    return tree.root if tree.ok and len(tree.stack) == 1 else None


def nests_cleanly(html: str) -> bool:
    """True when every element of `html` is closed, in order (void elements aside)."""
    return _parsed(html) is not None


def plan(html: str) -> PagePlan | None:
    """Where the print page `html` can be cut; None when it is not shaped as the report's
    templates make it (then it is rendered whole). `PagePlan.unsupported` says why a
    page of that shape still cannot be cut."""
    document = _parsed(html)
    if document is None:
        return None
    root = document.find("html")
    head = root.find("head") if root else None
    body = root.find("body") if root else None
    main = body.find("main") if body else None
    if head is None or body is None or main is None:
        return None
    units = _find_units(main)
    if len(units) < 2:
        return None
    everything = list(root.walk()) if root else []
    ids: dict[str, int] = {}
    for element in everything:
        if "id" in element.attrs:
            ids.setdefault(element.attrs["id"], element.start)
    links = [
        e
        for e in everything
        if e.tag == "a" and e.attrs.get("href", "").startswith("#") and len(e.attrs["href"]) > 1
    ]
    titles = [e for e in everything if e.tag == "h1"]
    if len(titles) != 1:
        return None
    found = PagePlan(
        html=html,
        head_end=head.close_start,
        body_open_end=body.open_end,
        body_close_start=body.close_start,
        main=main,
        units=units,
        ids=ids,
        links=links,
        title=titles[0],
    )
    found.unsupported = _unsupported(found, everything)
    return found


def _find_units(main: Element) -> list[Unit]:
    """The sessions in `main`: its `<section>` children, and in a group (a `<section
    class="group">`, as report.html writes one) the `<section class="session">`s. Content
    between two sessions goes with the one before it."""
    units: list[Unit] = []
    sections = [c for c in main.children if c.tag == "section"]
    for index, section in enumerate(sections):
        after = sections[index + 1].start if index + 1 < len(sections) else section.end
        inner = [c for c in section.children if c.tag == "section" and _has_class(c, "session")]
        if not _has_class(section, "group") or not inner:
            units.append(Unit(section.start, after, None, False, False, section))
            continue
        for number, session in enumerate(inner):
            start = section.start if number == 0 else session.start
            end = inner[number + 1].start if number + 1 < len(inner) else after
            first, last = number == 0, number + 1 == len(inner)
            units.append(Unit(start, end, section, first, last, section if first else session))
    return units


def _has_class(element: Element, name: str) -> bool:
    return name in element.attrs.get("class", "").split()


def _unsupported(found: PagePlan, everything: list[Element]) -> str | None:
    """Why the page cannot be cut, from its stylesheets; None when it can."""
    from .splitcss import style_problem

    css = [found.html[e.open_end : e.close_start] for e in everything if e.tag == "style"] + [
        e.attrs["style"] for e in everything if "style" in e.attrs
    ]
    if problem := style_problem(css):
        return problem
    front = found.front_end()
    toc = [e for e in everything if _has_class(e, "toc")]
    if any(e.start >= front for e in toc):
        return "its table of contents is not at its start"
    if found.title.start >= front:
        return "its title is not at its start"
    return None


def valid_page_name(name: str) -> bool:
    """True for a page name the furniture may write into a style attribute."""
    return name == "" or _NAME.fullmatch(name) is not None
