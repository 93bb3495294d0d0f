"""Mark what changed in a session since the speaker last saw it: <ins> and <del>.

Blocks are aligned first (a moved or new paragraph is one change), then the words of a
changed block are compared, so a speaker sees the edited words, not a rewritten paragraph.
"""

from __future__ import annotations

import difflib
import re

from lxml.etree import SubElement, _Element

from ..proofstate.blocks import block_elements, block_text

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def mark_changes(section: _Element, old_blocks: list[str], spoken: tuple[str, str] | None) -> int:
    """Mark changes in `section` against `old_blocks`; returns how many places it marked
    (each run of changed words, and each block added or removed, counts once).

    `spoken` holds the words ("added", "removed") a screen reader says before each mark,
    since most do not announce <ins>/<del>; None for print, where the marks are visible.
    """
    current = [(e, t) for e in block_elements(section) if (t := block_text(e))]
    texts = [t for _, t in current]
    matcher = difflib.SequenceMatcher(a=old_blocks, b=texts, autojunk=False)
    changes = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = old_blocks[i1:i2], current[j1:j2]
        for k in range(max(len(olds), len(news))):
            if k < len(olds) and k < len(news):
                changes += _word_diff(news[k][0], olds[k], news[k][1], spoken)
                continue
            changes += 1  # a whole block added or removed
            if k < len(news):
                _wrap(news[k][0], "ins", spoken)
            else:
                anchor = current[j1 - 1][0] if j1 > 0 else None
                _insert_deleted(section, anchor, olds[k], spoken)
    return changes


def _word_diff(element: _Element, old: str, new: str, spoken: tuple[str, str] | None) -> int:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    nested = _keep_only_lists(element)
    last: _Element | None = None

    def add_text(text: str) -> None:
        if last is None:
            element.text = (element.text or "") + text
        else:
            last.tail = (last.tail or "") + text

    runs = 0
    for old_text, new_text in _chunks(a, b):
        if old_text == new_text:
            add_text(new_text)
            continue
        runs += 1
        if old_text:
            last = _append(element, "del", old_text, nested, spoken)
        if new_text:
            last = _append(element, "ins", new_text, nested, spoken)
    return runs


def _chunks(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    """(old, new) runs, equal runs having old == new. A change interrupted only by a space
    is one change: "steeds beter" -> "nu heel goed", not two insertions around a space."""
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal" and not (old.isspace() and runs and runs[-1][0] != runs[-1][1]):
            runs.append((old, new))
        elif runs and runs[-1][0] != runs[-1][1]:
            runs[-1] = (runs[-1][0] + old, runs[-1][1] + new)
        else:
            runs.append((old, new))
    return runs


def _keep_only_lists(element: _Element) -> _Element | None:
    """Empty the element's own text but keep a nested list; return that list, if any."""
    nested = None
    for child in list(element):
        if child.tag in ("ul", "ol") and nested is None:
            nested = child
            child.tail = None
        else:
            element.remove(child)
    element.text = None
    return nested


def _append(
    element: _Element, tag: str, text: str, before: _Element | None, spoken: tuple[str, str] | None
) -> _Element:
    node = element.makeelement(tag, {})
    _fill(node, text, spoken)
    if before is not None:
        before.addprevious(node)
    else:
        element.append(node)
    return node


def _fill(node: _Element, text: str, spoken: tuple[str, str] | None) -> None:
    if spoken is None:
        node.text = text
        return
    hint = SubElement(node, "span", {"class": "visually-hidden"})
    hint.text = f"{spoken[0] if node.tag == 'ins' else spoken[1]}: "
    hint.tail = text


def _wrap(element: _Element, tag: str, spoken: tuple[str, str] | None) -> None:
    if element.tag == "tr":
        for cell in element:
            _wrap(cell, tag, spoken)
        return
    nested = None
    wrapper = element.makeelement(tag, {})
    _fill(wrapper, "", spoken)
    if len(wrapper):
        wrapper[0].tail = element.text
    else:
        wrapper.text = element.text
    element.text = None
    for child in list(element):
        if child.tag in ("ul", "ol"):
            nested = child
            break
        wrapper.append(child)
    if nested is not None:
        nested.addprevious(wrapper)
    else:
        element.append(wrapper)


def _insert_deleted(
    section: _Element, anchor: _Element | None, text: str, spoken: tuple[str, str] | None
) -> None:
    # A removed list item stays a list item, so the list's structure stays valid.
    if anchor is not None and anchor.tag == "li":
        holder = anchor.makeelement("li", {"class": "deleted"})
        anchor.addnext(holder)
    elif anchor is not None and anchor.tag not in ("tr", "caption"):
        holder = anchor.makeelement("p", {"class": "deleted"})
        anchor.addnext(holder)
    else:
        holder = section.makeelement("p", {"class": "deleted"})
        heading = next(iter(section.iter("h2", "h3", "h4")), None)
        if heading is not None:
            heading.addnext(holder)
        else:
            section.insert(0, holder)
    _fill(SubElement(holder, "del"), text, spoken)
