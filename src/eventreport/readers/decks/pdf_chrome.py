"""What a PDF deck repeats on its pages around the slides' own text: chrome.

Two kinds, found across the deck:
- a line repeated in the same place on most pages, from early to late in the deck: a
  navigation bar or sidebar, a footer with the author's name, a running header. Digits
  may vary ("3 / 31", "Kapitel 2"). The same words elsewhere on a page (a contents slide
  listing the sidebar's sections, the author's name on the title slide) are the slide's;
- a running header or footer whose words change now and then ("Kapitel 1: Einleitung",
  then "Kapitel 2: Ergebnisse"): a place in the page's top or bottom band where most
  pages have a line of one size, holding few different texts. Slide titles also sit in
  one place on every page, but nearly each says something else.
Slide numbers at the top or bottom are chrome wherever they stand.
"""

from __future__ import annotations

import math
import re

from eventreport.readers.decks.pdf_lines import Line

# A line on at least half of the pages, from early to late in the deck, is chrome;
# overlays repeat a frame's lines too, but only on a run of neighbouring pages.
_SHARE = 0.5
_SPREAD = 0.6
_MIN_PAGES = 3
_EDGE = 0.12  # of the page height: where headers, footers and slide numbers sit
_PLACE = 0.02  # of the page's width and height: a line this close to where it was is there
# A running header's place holds at most this share of different texts over its pages.
_HEADER_TEXTS = 1 / 3
_PAGE_NUMBER = re.compile(r"^\d{1,4}(\s*(/|of|van|de|von)\s*\d{1,4})?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")

Page = tuple[list[Line], float, float]
"""A page's lines, its shown width and height."""
# Where a line sits, in steps of _PLACE of the page, after its words (a spot) or its size
# (a slot: any words).
_Spot = tuple[str, int, int]


class Chrome:
    """The chrome of one deck."""

    def __init__(self, pages: list[Page]) -> None:
        self._spots: frozenset[_Spot] = frozenset()
        self._slots: frozenset[_Spot] = frozenset()
        if len(pages) < _MIN_PAGES:
            return
        wanted = max(_MIN_PAGES, math.ceil(_SHARE * len(pages)))
        spots: dict[_Spot, set[int]] = {}
        slots: dict[_Spot, dict[int, str]] = {}
        for number, (lines, width, height) in enumerate(pages):
            for line in lines:
                spots.setdefault(_spot(line, width, height), set()).add(number)
                if _at_edge(line, height):
                    slots.setdefault(_slot(line, width, height), {})[number] = _words(line)

        def spread(numbers: set[int]) -> bool:
            return len(numbers) >= wanted and max(numbers) - min(numbers) >= _SPREAD * len(pages)

        self._spots = frozenset(
            spot
            for spot in spots
            if spread(set().union(*(spots.get(near, set()) for near in _near(spot))))
        )
        headers = set()
        for slot in slots:
            texts: dict[int, str] = {}
            for near in _near(slot):
                texts.update(slots.get(near, {}))
            if spread(set(texts)) and len(set(texts.values())) <= _HEADER_TEXTS * len(texts):
                headers.add(slot)
        self._slots = frozenset(headers)

    def holds(self, line: Line, width: float, height: float) -> bool:
        """True when `line` on a page of this size is chrome."""
        if _spot(line, width, height) in self._spots:
            return True
        if not _at_edge(line, height):
            return False
        return (
            _slot(line, width, height) in self._slots or _PAGE_NUMBER.match(line.text) is not None
        )


def _words(line: Line) -> str:
    return _DIGITS.sub("#", " ".join(line.text.split()).casefold())


def _spot(line: Line, width: float, height: float) -> _Spot:
    return _words(line), round(line.left / (_PLACE * width)), round(line.top / (_PLACE * height))


def _slot(line: Line, width: float, height: float) -> _Spot:
    size = f"{line.size:.0f}pt"
    return size, round(line.left / (_PLACE * width)), round(line.top / (_PLACE * height))


def _near(place: _Spot) -> list[_Spot]:
    """The place and its neighbours, so a line a little off its place still matches."""
    first, x, y = place
    return [(first, x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]


def _at_edge(line: Line, height: float) -> bool:
    return line.top < _EDGE * height or line.top > (1 - _EDGE) * height
