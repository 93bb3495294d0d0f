"""Small language-aware formatting shared by the templates and the build summary."""

from __future__ import annotations

import datetime as dt
import os
import re

# Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069) make text display in
# another order than it is stored (the "Trojan source" trick: a file name or a figure that
# reads differently from what it says). The page sets direction itself (dir="auto"), so
# these are dropped from everything read; direction marks (U+200E/200F) stay.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# ...and in prose also the C0/C1 controls but tab and line breaks: ESC and friends drive
# terminals and break XML.
_PROSE_CONTROLS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def without_bidi_controls(text: str) -> str:
    """`text` without bidi embeddings, overrides and isolates."""
    return _BIDI.sub("", text)


def without_controls(text: str) -> str:
    """`text` without control characters (tab and line breaks stay) or bidi controls."""
    return _PROSE_CONTROLS.sub("", text)


_MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip


def human_size(size: int, language: str) -> str:
    """'45 kB' or '1,2 MB' (Dutch decimal comma); decimal units, as file browsers show."""
    if size < 1000:
        text = f"{size} B" if language == "en" else f"{size} bytes"
        return text
    if size < 1_000_000:
        return f"{round(size / 1000)} kB"
    value = f"{size / 1_000_000:.1f}"
    return f"{value.replace('.', ',') if language == 'nl' else value} MB"


def long_date(day: dt.date, language: str) -> str:
    """'3 september 2020' or '3 September 2020'."""
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"


def source_time(day: dt.date) -> dt.datetime:
    """The time every output is stamped with: SOURCE_DATE_EPOCH when set (reproducible-builds
    convention), else midnight UTC of `day` (the event's date). Never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError):
            raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def w3c(moment: dt.datetime) -> str:
    """'2020-09-03T00:00:00Z', as HTML meta dates and JSON want it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
