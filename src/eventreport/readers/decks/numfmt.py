"""Show a chart value the way its number format does, for the common formats.

Charts store raw doubles ("0.60000000000000009") and an Excel format code ("0%",
"#,##0.0", "mmm-yy"). A reader of the slide sees the formatted value, so the report shows
that. Covered: General, fixed decimals, percentages, literal prefixes and suffixes, and
dates (shown as ISO dates). Thousands separators are left out on purpose: "1,234" and
"1.234" mean different things in English and Dutch reports. Anything else (conditions,
fractions, scientific notation) falls back to General.
"""

from __future__ import annotations

import datetime as dt
import re

# Excel's day 0 is 1899-12-30 in the 1900 date system (its phantom 29 Feb 1900 included).
_EPOCH = dt.datetime(1899, 12, 30)
# One token of a format section: quoted text, an escaped character, spacing (_x) or fill
# (*x), a [colour] or [$locale], a run of digit placeholders, or any other character.
_TOKEN = re.compile(
    r'"(?P<quoted>[^"]*)"|\\(?P<escaped>.)|_.|\*.|\[[^\]]*\]|(?P<general>General)'
    r"|(?P<exponent>[eE][+-])|(?P<digits>[0#?][0#?,.]*|\.[0#?]+)|(?P<char>.)",
    re.DOTALL | re.IGNORECASE,
)
_DATE_CHARS = frozenset("ymdhsYMDHS")


def general(value: float) -> str:
    """A value as Excel's General format shows it: up to 10 significant digits."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def shown(value: float, code: str | None) -> str:
    """`value` formatted by the format code `code` (None or unknown: General)."""
    if not code or "[<" in code or "[>" in code or "[=" in code:
        return general(value)
    sections = _split(code)
    negative = value < 0 and len(sections) > 1
    # A section for negatives shows the sign itself (often as parentheses).
    section = sections[1] if negative else sections[0]
    before: list[str] = []
    after: list[str] = []
    digits: str | None = None
    for token in _TOKEN.finditer(section):
        char = token.group("char")
        if char is not None and char in _DATE_CHARS:
            return _date(value)
        if token.group("exponent") is not None:
            return general(value)
        if token.group("digits") is not None or token.group("general") is not None:
            digits = digits or token.group("digits") or "General"
            continue
        text = token.group("quoted") or token.group("escaped") or char or ""
        if token.group().startswith("_"):
            text = " "
        (after if digits is not None else before).append(text)
    literal = "".join(before) + "".join(after)
    if digits is None:
        return general(value)
    if digits == "General":
        return f"{''.join(before)}{general(value)}{''.join(after)}"
    places = len(digits.partition(".")[2])
    number = abs(value) if negative else value
    if "%" in literal:
        number *= 100
    return f"{''.join(before)}{number:.{places}f}{''.join(after)}"


def _split(code: str) -> list[str]:
    """The ';'-separated sections of a format code, quotes respected."""
    sections: list[str] = []
    current: list[str] = []
    quoted = False
    for char in code:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(char)
    sections.append("".join(current))
    return sections


def _date(value: float) -> str:
    try:
        moment = _EPOCH + dt.timedelta(days=value)
    except OverflowError:
        return general(value)
    if moment.hour or moment.minute or moment.second:
        return moment.isoformat(sep=" ", timespec="minutes")
    return moment.date().isoformat()
