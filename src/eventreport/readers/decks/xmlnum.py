"""Numbers in the attributes of a deck's XML, read strictly.

A damaged or crafted deck can hold `cy="abc"` or `idx="1e9"` where the schema wants a
whole number. Every numeric attribute the deck readers use goes through `whole` or
`coordinate`, so such a value gives one `ReadError` naming the file and the part instead
of a `ValueError` from deep inside a reader.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from eventreport.errors import ReadError
from eventreport.readers.zipguard import SAVE_AGAIN

# The schema's integer types allow surrounding whitespace; 19 digits hold any xsd:long,
# and the bound keeps int() from spending time on a string of a million digits. The
# counts, indexes and levels read with `whole` are unsigned; positions may be negative.
_UNSIGNED = re.compile(r"\s*\+?([0-9]{1,19})\s*")
_SIGNED = re.compile(r"\s*([+-]?[0-9]{1,19})\s*")
# ST_Coordinate is a whole number of EMU or a universal measure such as "2.5cm".
_MEASURE = re.compile(r"\s*(-?[0-9]{1,19}(?:\.[0-9]{1,19})?)(mm|cm|in|pt|pc|pi)\s*")
_EMU_PER = {"mm": 36_000, "cm": 360_000, "in": 914_400, "pt": 12_700, "pc": 152_400, "pi": 152_400}
_SHOWN = 40  # characters of a bad value quoted in the message


def whole(element: etree._Element, name: str, path: Path, default: int | None = None) -> int:
    """The attribute as a whole number of at least 0; `default` when it is absent (None:
    it must be there)."""
    raw = element.get(name)
    if raw is None:
        if default is None:
            raise part_error(element, path, f"{_tag(element)} has no {name} value; {SAVE_AGAIN}")
        return default
    found = _UNSIGNED.fullmatch(raw)
    if found is None:
        raise part_error(element, path, _bad(element, name, raw, "a whole number of 0 or more"))
    return int(found[1])


def coordinate(element: etree._Element, name: str, path: Path) -> int:
    """A position or size attribute in EMU; 0 when it is absent, as the schema defaults."""
    raw = element.get(name)
    if raw is None:
        return 0
    found = _SIGNED.fullmatch(raw)
    if found is not None:
        return int(found[1])
    measure = _MEASURE.fullmatch(raw)
    if measure is None:
        raise part_error(element, path, _bad(element, name, raw, "a position"))
    return round(float(measure[1]) * _EMU_PER[measure[2]])


def part_error(element: etree._Element, path: Path, message: str) -> ReadError:
    """A ReadError about `element`, located at the part it was parsed from; `message`
    says what is wrong and what to do."""
    # `parse_xml` gives each part its name as the document URL.
    part = element.getroottree().docinfo.URL
    return ReadError(path, message, f"part {part}" if part else None)


def _tag(element: etree._Element) -> str:
    name = etree.QName(element).localname
    return f"<{element.prefix}:{name}>" if element.prefix else f"<{name}>"


def _bad(element: etree._Element, name: str, raw: str, wanted: str) -> str:
    shown = raw if len(raw) <= _SHOWN else raw[:_SHOWN] + "…"
    return f'{_tag(element)} has {name}="{shown}", which is not {wanted}; {SAVE_AGAIN}'
