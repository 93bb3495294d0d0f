"""One PDF page's lines into a slide title and blocks: paragraphs and lists.

Slide PDFs carry no structure, only placed text. The title is the largest text near the
top; lists come from bullet glyphs and numbers, or, where bullets are drawn as graphics
(LaTeX beamer), from lines indented to a common position; lines that wrap are joined.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from eventreport.model import Block, ListBlock, ListItem, Paragraph
from eventreport.readers.decks.pdf_lines import Line
from eventreport.readers.text import clean

_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LETTER = re.compile(r"\w")
# Typesetting ligatures (ﬁ, ﬂ) read and search as their letters.
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st"})
_SENTENCE_END = (".", "!", "?", ":", ";")
_TOP = 0.5  # of the page height: a title sits in the upper half
_HIGH = 0.2  # ... and a line this high up is a title even when it is not larger
_LARGER = 1.15  # a title elsewhere in the upper half is this much larger than the body
_HEADER = 0.75  # of the title's size: smaller text above the title is a running header
_WRAPPED = 0.6  # of the page's longest line: a shorter line ends a line of text on purpose


@dataclass
class _Item:
    """A paragraph or list entry being built from lines."""

    parts: list[str]
    level: int | None = None  # None for a paragraph
    numbered: bool = False
    last: Line | None = None


@dataclass
class _Lists:
    """Levels of list entries, from how far each one is indented."""

    stack: list[tuple[float, int]] = field(default_factory=list)

    def level(self, left: float, size: float) -> int:
        tolerance = max(2.0, 0.3 * size)
        while self.stack and left < self.stack[-1][0] - tolerance:
            self.stack.pop()
        if self.stack and abs(left - self.stack[-1][0]) <= tolerance:
            return self.stack[-1][1]
        if self.stack and left - self.stack[-1][0] < 8 * size:
            level = self.stack[-1][1] + 1
        else:
            # Far to the right of the list so far: another list, as in a second column.
            self.stack, level = [], 0
        self.stack.append((left, level))
        return level


def is_rtl(lines: list[Line]) -> bool:
    """True when most letters on the page are in a right-to-left script."""
    text = "".join(line.text for line in lines)
    letters = len(_LETTER.findall(text))
    return letters > 0 and len(_RTL.findall(text)) > letters / 2


def page_structure(
    lines: list[Line], width: float, height: float
) -> tuple[str | None, tuple[Block, ...]]:
    """The page's title (or None) and its other text as blocks, in the page's order."""
    chosen = _title(lines, height)
    title = " ".join(_text(lines[i].text) for i in chosen) or None
    body = [line for i, line in enumerate(lines) if i not in chosen]
    if chosen:
        # Small print above the title is a running header (beamer's section name).
        top, size = lines[chosen[0]].top, lines[chosen[0]].size
        body = [line for line in body if line.top >= top or line.size >= _HEADER * size]
    return title, _blocks(body, is_rtl(lines), width)


def _title(lines: list[Line], height: float) -> list[int]:
    candidates = [
        i for i, line in enumerate(lines) if line.marker is None and line.top <= _TOP * height
    ]
    if not candidates:
        return []
    sizes = Counter[float]()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
    body = sizes.most_common(1)[0][0]
    best = max(candidates, key=lambda i: (round(lines[i].size, 1), -lines[i].top))
    first = lines[best]
    if first.size < _LARGER * body and first.top > _HIGH * height:
        return []
    chosen = [best]
    # A long title wraps onto lines of the same size right below.
    for index in range(best + 1, len(lines)):
        line, above = lines[index], lines[chosen[-1]]
        same = abs(line.size - first.size) <= 0.05 * first.size
        if line.marker is None and same and 0 < line.top - above.top <= 1.6 * first.size:
            chosen.append(index)
        else:
            break
    return chosen


def _blocks(lines: list[Line], rtl: bool, page_width: float) -> tuple[Block, ...]:
    base = min((line.left for line in lines), default=0.0)
    columns = Counter(round(line.left) for line in lines)
    # A line that wrapped runs nearly as wide as the text can: as the widest on the page,
    # and across a good part of the page.
    full = max(max((_width(line) for line in lines), default=0.0) * _WRAPPED, 0.4 * page_width)
    # Indentation stands for bullets only where the page draws none (beamer).
    by_indent = not rtl and not any(line.marker == "bullet" for line in lines)
    leading = _leading(lines)
    lists = _Lists()
    items: list[_Item] = []
    for line in lines:
        last = items[-1] if items else None
        if (
            last is not None
            and last.last is not None
            and _continues(last.last, line, rtl, _width(last.last) >= full, leading)
        ):
            last.parts.append(line.text)
            last.last = line
            continue
        # Without glyphs (beamer draws bullets), entries show as lines indented alike.
        indented = (
            by_indent
            and line.left > base + 0.5 * line.size
            and columns[round(line.left)] + columns[round(line.left) + 1] > 1
        )
        if line.marker is not None or indented:
            level = lists.level(line.left, line.size)
            items.append(_Item([line.text], level, line.marker == "number", line))
        else:
            lists = _Lists()
            items.append(_Item([line.text], None, False, line))
    return _group(items)


def _continues(above: Line, line: Line, rtl: bool, full: bool, leading: float) -> bool:
    """True when `line` carries on the text of the line above, which wrapped (`full`:
    the line above runs about as wide as the widest on the page; `leading`: the page's
    usual distance between lines of one size)."""
    if line.marker is not None or abs(line.size - above.size) > 0.1 * above.size:
        return False
    gap = line.top - above.top
    lower = line.text[:1].islower()
    tight = (1.7 if lower else 1.35) * above.size
    if not 0 < gap <= max(tight, 1.1 * leading if full else 0.0):
        return False
    if not lower and (above.text.endswith(_SENTENCE_END) or not full):
        return False
    return rtl or abs(line.left - above.text_left) <= max(3.0, 0.3 * line.size)


def _leading(lines: list[Line]) -> float:
    """The most common distance between consecutive lines of the same size."""
    gaps = Counter(
        round(below.top - above.top)
        for above, below in pairwise(lines)
        if abs(above.size - below.size) <= 0.1 * above.size and below.top > above.top
    )
    return float(gaps.most_common(1)[0][0]) if gaps else 0.0


def _width(line: Line) -> float:
    # Lines carry no glyph widths; characters are about half as wide as they are high.
    return len(line.text) * line.size * 0.5


def _group(items: list[_Item]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    entries: list[ListItem] = []
    for item in items:
        text = _text(" ".join(item.parts))
        if item.level is None:
            if entries:
                blocks.append(ListBlock(tuple(entries)))
                entries = []
            blocks.append(Paragraph(text))
        else:
            top = next((e for e in reversed(entries) if e.level == 0), None)
            if top is not None and item.level == 0 and top.numbered != item.numbered:
                # Numbers after bullets (or the reverse) at the top level: another list.
                blocks.append(ListBlock(tuple(entries)))
                entries = []
            entries.append(ListItem(text, item.level, item.numbered))
    if entries:
        blocks.append(ListBlock(tuple(entries)))
    return tuple(blocks)


def _text(text: str) -> str:
    return clean(" ".join(text.translate(_LIGATURES).split()))
