"""Whether a print style allows the report to be rendered in parts (`render/split.py`).

A part is a document of its own, so whatever the style computes over the whole document
would come out wrong in a part: a counter running through all sessions, a page rule for
`:first` or left and right pages, a running element, a cross reference to another part.
The report's own print.css uses none of these beyond what the parts are made for: the
page numbers and the title in the margins (drawn over the joined pages), the table of
contents' page numbers, and counters that each list starts again. A house style or an
event's override that does more is rendered whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import tinycss2
from tinycss2.ast import AtRule, Declaration, FunctionBlock, Node, QualifiedRule

# Functions whose value depends on other places in the document.
_NEVER = {"element", "running", "target-text", "target-counters", "leader-of", "counters"}
# At-rules holding rules of their own, read as if their rules were at the top.
_GROUPING = frozenset({"media", "supports", "layer", "container"})
# A list's own counters: a counter reset on each list can be used in its items.
_LISTS = {"ol", "ul", "menu"}


def style_problem(stylesheets: Iterable[str]) -> str | None:
    """Why the style sheets (and style attributes) stop a cut; None when they allow it."""
    facts = _Facts()
    for text in stylesheets:
        facts.read(text)
    return facts.problem()


class _Facts:
    """What the style sheets do, collected rule by rule."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.title_strings: set[str] = set()
        self.margin_strings: set[str] = set()
        self.list_counters: set[str] = set()
        self.used_counters: set[str] = set()

    def read(self, text: str) -> None:
        if "{" not in text:  # a style attribute: declarations only
            self._declarations(tinycss2.parse_blocks_contents(text, True, True), None)
            return
        self._rules(tinycss2.parse_stylesheet(text, True, True))

    def problem(self) -> str | None:
        if self.problems:
            return self.problems[0]
        if strings := self.margin_strings - self.title_strings:
            return f"its page margins show a string set elsewhere than the title ({_few(strings)})"
        if counters := self.used_counters - self.list_counters:
            return f"it counts across the document ({_few(counters)})"
        return None

    def _rules(self, rules: Iterable[Node]) -> None:
        for rule in rules:
            if isinstance(rule, QualifiedRule):
                selector = tinycss2.serialize(rule.prelude).strip()
                content = tinycss2.parse_blocks_contents(rule.content, True, True)
                self._declarations(content, selector)
            elif isinstance(rule, AtRule) and rule.lower_at_keyword == "page":
                self._page(rule)
            elif (
                isinstance(rule, AtRule)
                and rule.content is not None
                and rule.lower_at_keyword in _GROUPING
            ):
                self._rules(tinycss2.parse_rule_list(rule.content, True, True))

    def _page(self, rule: AtRule) -> None:
        if ":" in tinycss2.serialize(rule.prelude):
            self.problems.append("it has a rule for the first, left, right or blank pages")
        for item in tinycss2.parse_blocks_contents(rule.content or [], True, True):
            if isinstance(item, Declaration):
                if item.lower_name in ("counter-reset", "counter-increment", "counter-set"):
                    self.problems.append("it sets the page counter")
            elif isinstance(item, AtRule) and item.content is not None:
                for declaration in tinycss2.parse_blocks_contents(item.content, True, True):
                    if isinstance(declaration, Declaration):
                        self._margin(declaration)

    def _margin(self, declaration: Declaration) -> None:
        for function in _functions(declaration.value):
            name = function.lower_name
            arguments = _idents(function.arguments)
            if name == "string" and arguments:
                self.margin_strings.add(arguments[0])
            elif name == "counter" and arguments[:1] in (["page"], ["pages"]):
                continue
            elif name in ("counter", "attr", "url", "leader", "content") or name in _NEVER:
                self.problems.append(f"its page margins use {name}()")

    def _declarations(self, items: Iterable[Node], selector: str | None) -> None:
        for item in items:
            if not isinstance(item, Declaration):
                continue
            name = item.lower_name
            if name == "position" and "fixed" in _idents(item.value):
                self.problems.append("it fixes an element to every page")
            elif name == "float" and "footnote" in _idents(item.value):
                self.problems.append("it has footnotes")
            elif name == "string-set":
                if selector != "h1":
                    self.problems.append(f"it sets a string on '{selector}'")
                elif names := _idents(item.value)[:1]:
                    self.title_strings.add(names[0])
            elif name == "counter-reset" and selector is not None and _is_list(selector):
                self.list_counters.update(_counter_names(item.value))
            elif name in ("counter-increment", "counter-set", "counter-reset"):
                counters = _counter_names(item.value)
                if "page" in counters or "pages" in counters:
                    self.problems.append("it sets the page counter")
                self.used_counters.update(counters)
            for function in _functions(item.value):
                self._function(function, selector)

    def _function(self, function: FunctionBlock, selector: str | None) -> None:
        name = function.lower_name
        if name in _NEVER:
            self.problems.append(f"it uses {name}()")
        elif name == "counter":
            counters = _idents(function.arguments)[:1]
            self.used_counters.update(c for c in counters if c != "list-item")
        elif name == "target-counter":
            text = tinycss2.serialize(function.arguments).replace(" ", "")
            contents = selector is not None and all(
                s.strip().startswith(".toc ") for s in selector.split(",")
            )
            if text != "attr(href),page" or not contents:
                self.problems.append("it numbers cross references outside the contents")


def _functions(tokens: Iterable[Node]) -> Iterator[FunctionBlock]:
    """Every function in `tokens`, nested ones too."""
    for token in tokens:
        if isinstance(token, FunctionBlock):
            yield token
            yield from _functions(token.arguments)


def _idents(tokens: Iterable[Node]) -> list[str]:
    return [t.lower_value for t in tokens if t.type == "ident"]


def _counter_names(tokens: Iterable[Node]) -> set[str]:
    return {name for name in _idents(tokens) if name != "none"}


def _is_list(selector: str) -> bool:
    """True when every selector ends in a list element: `ol`, `ul.x`, `nav ol`."""
    for one in selector.split(","):
        last = one.strip().replace(">", " ").replace("+", " ").replace("~", " ").split()
        if not last or not any(last[-1].startswith(tag) for tag in _LISTS):
            return False
        rest = last[-1].removeprefix(next(t for t in _LISTS if last[-1].startswith(t)))
        if rest and rest[0] not in ".#:[":
            return False
    return True


def _few(names: set[str]) -> str:
    return ", ".join(sorted(names)[:3])
