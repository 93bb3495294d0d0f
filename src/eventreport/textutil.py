"""Small language-aware formatting shared by the templates and the build summary."""

from __future__ import annotations

import datetime as dt

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
