"""The report as one standalone, accessible HTML page."""

from __future__ import annotations

from jinja2 import Environment

from ..model import Report

MIME_TYPES = {
    "PPTX": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PPSX": "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    "PPTM": "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
    "PDF": "application/pdf",
}


def render_page(env: Environment, report: Report, medium: str) -> str:
    """The report page for `medium` "screen" (the HTML file) or "print" (PDF input)."""
    context = {"report": report, "event": report.event, "mime_types": MIME_TYPES}
    css = env.get_template("style.css").render(**context)
    if medium == "print":
        css += "\n" + env.get_template("print.css").render(**context)
    return env.get_template("report.html").render(css=css, medium=medium, **context)
