"""The report as one standalone, accessible HTML page."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from ..model import Report
from ..templating import render
from ..textutil import long_date, source_time, w3c
from .fonts import FAMILY, faces

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
    moment = source_time(report.event.date)
    context: dict[str, Any] = {
        "modified": w3c(moment),
        "published": long_date(moment.date(), report.event.language),
        "report": report, "event": report.event, "mime_types": MIME_TYPES, "medium": medium,
        # Set by the build once the PDF exists: {"href", "size", "pages"}; a publish's
        # version number; and where links to files beside the page start (a publish
        # makes them absolute, so a saved copy still finds the decks).
        "pdf": None, "version": None, "link_base": "",
        "fonts": faces(report.house.typeface),
        "family": report.house.typeface.name if report.house.typeface else FAMILY,
        **extra,
    }  # fmt: skip
    sheets = ["style.css", *(["print.css"] if medium == "print" else []), *extra_css]
    css = "\n".join(render(env, name, **context) for name in sheets)
    return {**context, "css": css}


def render_page(env: Environment, report: Report, medium: str, **extra: Any) -> str:
    """The report page for `medium` "screen" (the HTML file) or "print" (PDF input);
    `extra` sets the context's `pdf`, `version` and `link_base` (see page_context)."""
    return render(env, "report.html", **page_context(env, report, medium, **extra))
