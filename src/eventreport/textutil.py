"""Small language-aware formatting shared by the templates and the build summary."""

from __future__ import annotations

import datetime as dt
import os

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
