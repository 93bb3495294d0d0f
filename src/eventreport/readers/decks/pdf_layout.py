"""One PDF page's lines into a slide title and blocks: paragraphs and lists.

Slide PDFs carry no structure, only placed text. The title is the largest text near the
top; lists come from bullet glyphs and numbers, or, where bullets are drawn as graphics
(LaTeX beamer), from lines indented to a common position. A line is joined to the one
above only where that one wrapped: where the first word of the line would not have fit
at the end of the line above, within the widest its column runs anywhere in the deck.
Two entries on neighbouring baselines stay two. On a right-to-left page the columns are
read from the right.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, pairwise

from eventreport.model import Block, ListBlock, ListItem, Paragraph
from eventreport.readers.decks.pdf_lines import Line
from eventreport.readers.text import clean, right_to_left

# Typesetting ligatures (ﬁ, ﬂ) read and search as their letters.
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st"})
_SENTENCE_END = (".", "!", "?", ":", ";")
_TOP = 0.5  # of the page height: a title sits in the upper half
_HIGH = 0.2  # ... and a line this high up is a title even when it is not larger
_LARGER = 1.15  # a title elsewhere in the upper half is this much larger than the body
_HEADER = 0.75  # of the title's size: smaller text above the title is a running header
_WRAPPED = 0.6  # of the page's longest line: a shorter line ends a line of text on purpose
_SPACE = 0.3  # of the text size: a word space
_STEP = 2.0  # points: lines starting this close start in one column


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


class Measures:
    """What a deck's text shows across its pages: the size of its body text (a title
    slide holds little of it), and how far lines run (the right edge of the text a line
    starts in shows on the longest line of its size starting there or further left,
    which may be on another page)."""

    def __init__(self, lines: Iterable[Line] = ()) -> None:
        by_size: dict[int, list[tuple[float, float]]] = {}
        sizes = Counter[float]()
        for line in lines:
            by_size.setdefault(round(line.size * 2), []).append((line.text_left, line.right))
            sizes[round(line.size, 1)] += len(line.text)
        self.body = sizes.most_common(1)[0][0] if sizes else 0.0
        """The size most of the text is set in."""
        # Per size (in half points): lefts in order, and the furthest right up to each.
        self._lefts: dict[int, list[float]] = {}
        self._ends: dict[int, list[float]] = {}
        for size, found in by_size.items():
            found.sort()
            self._lefts[size] = [left for left, _ in found]
            self._ends[size] = list(accumulate((right for _, right in found), max))

    def right(self, line: Line) -> float:
        """The furthest a line of `line`'s size starting where it starts, or further
        left, runs."""
        size = round(line.size * 2)
        furthest = line.right
        for near in (size - 1, size, size + 1):
            lefts = self._lefts.get(near)
            if lefts:
                index = bisect_right(lefts, line.text_left + _STEP)
                if index:
                    furthest = max(furthest, self._ends[near][index - 1])
        return furthest


def is_rtl(lines: list[Line]) -> bool:
    """True when most letters on the page are in a right-to-left script."""
    return right_to_left("".join(line.text for line in lines))


def page_structure(
    lines: list[Line], width: float, height: float, deck: Measures | None = None
) -> tuple[str | None, tuple[Block, ...]]:
    """The page's title (or None) and its other text as blocks, in the page's order
    (right-to-left pages: their columns from the right). `deck` measures the deck's
    text (default: this page's)."""
    deck = deck or Measures(lines)
    rtl = is_rtl(lines)
    if rtl:
        lines = columns_from_the_right(lines)
    chosen = _title(lines, height, deck.body)
    title = " ".join(_text(lines[i].text) for i in chosen) or None
    body = [line for i, line in enumerate(lines) if i not in chosen]
    if chosen:
        # Small print above the title is a running header (beamer's section name).
        top, size = lines[chosen[0]].top, lines[chosen[0]].size
        body = [line for line in body if line.top >= top or line.size >= _HEADER * size]
    return title, _blocks(body, rtl, width, deck)


def columns_from_the_right(lines: list[Line]) -> list[Line]:
    """The lines of a right-to-left page with its columns read from the right: runs of
    lines stacked one below the other form a column; columns side by side (their
    heights overlapping) are read right first, rows of them from the top."""
    runs: list[list[Line]] = []
    for line in lines:
        run = runs[-1] if runs else None
        if run is not None and _stacked(run[-1], line):
            run.append(line)
        else:
            runs.append([line])
    rows: list[list[list[Line]]] = []
    for run in sorted(runs, key=lambda r: min(line.top for line in r)):
        if rows and any(_beside(other, run) for other in rows[-1]):
            rows[-1].append(run)
        else:
            rows.append([run])
    return [
        line
        for row in rows
        for run in sorted(row, key=lambda r: -max(line.right for line in r))
        for line in run
    ]


def _stacked(above: Line, line: Line) -> bool:
    """True when `line` sits right below `above` and overlaps it sideways."""
    gap = line.top - above.top
    overlap = min(above.right, line.right) - max(above.start, line.start)
    return 0 < gap <= 3.0 * max(above.size, line.size) and overlap > 0


def _beside(run: list[Line], other: list[Line]) -> bool:
    """True when two runs of lines share height on the page but not width."""
    top, bottom = min(x.top for x in run), max(x.top for x in run)
    other_top, other_bottom = min(x.top for x in other), max(x.top for x in other)
    if other_top > bottom + 1.5 * max(x.size for x in run) or other_bottom < top:
        return False
    left, right = min(x.start for x in run), max(x.right for x in run)
    other_left, other_right = min(x.start for x in other), max(x.right for x in other)
    return other_right <= left or other_left >= right


def _title(lines: list[Line], height: float, body: float) -> list[int]:
    candidates = [
        i for i, line in enumerate(lines) if line.marker is None and line.top <= _TOP * height
    ]
    if not candidates:
        return []
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


def _blocks(lines: list[Line], rtl: bool, page_width: float, deck: Measures) -> tuple[Block, ...]:
    base = min((line.left for line in lines), default=0.0)
    indents = Counter(round(line.left) for line in lines)
    # Right-to-left pages come without glyph widths (see pdf_lines): there a line that
    # wrapped runs nearly as wide as the widest on the page, and across a good part of it.
    full = max(max((_width(line) for line in lines), default=0.0) * _WRAPPED, 0.4 * page_width)
    # Indentation stands for list entries only where bullets are no glyphs of the text
    # (beamer draws them, or draws none): where they are, an unmarked line is running text.
    by_indent = not rtl and not any(line.marker == "bullet" and not line.drawn for line in lines)
    leading = _leading(lines)
    lists = _Lists()
    items: list[_Item] = []
    for line in lines:
        last = items[-1] if items else None
        above = last.last if last is not None else None
        if (
            last is not None
            and above is not None
            and _continues(above, line, rtl, _wrapped(above, line, rtl, full, deck), leading)
        ):
            last.parts.append(line.text)
            last.last = line
            continue
        # Without glyphs (beamer draws bullets), entries show as lines indented alike.
        indented = (
            by_indent
            and line.left > base + 0.5 * line.size
            and indents[round(line.left)] + indents[round(line.left) + 1] > 1
        )
        if line.marker is not None or indented:
            level = lists.level(line.left, line.size)
            items.append(_Item([line.text], level, line.marker == "number", line))
        else:
            lists = _Lists()
            items.append(_Item([line.text], None, False, line))
    return _group(items)


def _wrapped(above: Line, line: Line, rtl: bool, full: float, deck: Measures) -> bool:
    """True when the line above ran about as wide as the widest on the page (`full`) and,
    where glyph widths are known (not on right-to-left pages), ended because the first
    word of `line` would not fit before the right edge of its text."""
    if _width(above) < full:
        return False
    if rtl:
        return True
    room = deck.right(above) - above.right
    return line.word_width() + 2 * _SPACE * above.size > room


def _continues(above: Line, line: Line, rtl: bool, full: bool, leading: float) -> bool:
    """True when `line` carries on the text of the line above (`full`: the line above
    wrapped; `leading`: the page's usual distance between lines of one size)."""
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
