"""The report as one standalone, accessible HTML page."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from ..model import Report
from ..templating import render
from ..textutil import source_time, w3c

MIME_TYPES = {
    "PPTX": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PPSX": "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    "PPTM": "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
    "PDF": "application/pdf",
}


def page_context(
    env: Environment,
    report: Report,
    medium: str,
    extra_css: tuple[str, ...] = (),
    **extra: Any,
) -> dict[str, Any]:
    """What every page template gets: the report, its stylesheets for `medium`, and `extra`
    (which the extra stylesheets see too)."""
    context: dict[str, Any] = {
        "modified": w3c(source_time(report.event.date)),
        "report": report, "event": report.event, "mime_types": MIME_TYPES, "medium": medium,
        **extra,
    }  # fmt: skip
    sheets = ["style.css", *(["print.css"] if medium == "print" else []), *extra_css]
    css = "\n".join(render(env, name, **context) for name in sheets)
    return {**context, "css": css}


def render_page(env: Environment, report: Report, medium: str) -> str:
    """The report page for `medium` "screen" (the HTML file) or "print" (PDF input)."""
    return render(env, "report.html", **page_context(env, report, medium))
