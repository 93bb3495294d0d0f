"""What the preview server adds to a page it sends, and the page it sends for a mistake.

The reload script and the preview bar go into the response only, after the page passed
the check for active content (render/activecontent.py); index.html on disk never holds
them, so nothing of the preview can reach a published page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from ..i18n import _, current, ngettext

EVENTS = "/_preview/events"
PDF = "/_preview/pdf"

# The page asks the server for news; a number other than its own means a newer build:
# reload (the browser keeps the scroll position). The EventSource reconnects by itself
# when the server was away.
_SCRIPT = """<script>
(() => {
  const shown = "%(version)s";
  const news = new EventSource("%(events)s");
  news.onmessage = (message) => {
    if (message.data !== shown) {
      news.close();
      location.reload();
    }
  };
})();
</script>"""

# At the top of the page and in its flow: it covers nothing of the report, on a phone too.
_BAR = """<aside id="eventreport-preview" aria-label="%(label)s" lang="%(lang)s"
 style="margin: 0; padding: 0.375rem 1rem; background: #1a1a1a; color: #ffffff;
 font: 0.875rem/1.4 sans-serif; text-align: center;">
%(says)s
<a href="%(pdf)s" style="color: #ffffff; font-weight: bold;">%(make)s</a>
</aside>"""

_ERROR = """<!DOCTYPE html>
<html lang="%(lang)s">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%(title)s</title>
<style>
body { font: 1.125rem/1.5 sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem;
  color: #1a1a1a; }
h1 { font-size: 1.5rem; }
#problem { padding: 0; list-style: none; }
.note { display: block; margin-top: 0.5rem; font-style: italic; }
.problem { white-space: pre-wrap; overflow-wrap: anywhere; padding: 1rem; margin: 0 0 1rem;
  border-left: 0.375rem solid #b3400a; background: #fdf3ee; }
</style>
</head>
<body>
<main>
<h1>%(heading)s</h1>
<p>%(count)s</p>
<ul id="problem">
%(problems)s
</ul>
<p>%(fix)s</p>
</main>
</body>
</html>
"""


def with_preview(page: str, version: int) -> str:
    """`page` with the preview bar at the top of its body and the reload script at the end."""
    bar = _BAR % {
        "pdf": PDF,
        "lang": current(),
        "label": html.escape(_("Preview")),
        "says": html.escape(_("Preview: it updates by itself when you save.")),
        "make": html.escape(_("Make the PDF")),
    }
    body = re.search(r"<body\b[^>]*>", page, re.IGNORECASE)
    at = body.end() if body else 0
    page = page[:at] + "\n" + bar + page[at:]
    script = _SCRIPT % {"version": version, "events": EVENTS}
    end = page.lower().rfind("</body>")
    if end < 0:
        return page + script
    return page[:end] + script + "\n" + page[end:]


def _item(problem: str) -> str:
    """One problem; the lines under its first are notes on what was left unchecked."""
    first, *notes = problem.split("\n")
    shown = "".join(f'<span class="note">{html.escape(n.strip())}</span>' for n in notes)
    return f'<li class="problem">{html.escape(first)}{shown}</li>'


def error_page(slug: str, problems: Sequence[str], version: int) -> str:
    """A page that shows every mistake (file, line, what to do) in place of the report."""
    items = "\n".join(_item(problem) for problem in problems)
    count = ngettext(
        "One mistake in the sources of {slug}, by file and line:",
        "{n} mistakes in the sources of {slug}, by file and line:",
        len(problems),
    ).format(n=len(problems), slug=slug)
    page = _ERROR % {
        "lang": current(),
        "title": html.escape(_("Cannot be built: {slug}").format(slug=slug)),
        "heading": html.escape(_("The report cannot be built")),
        "count": html.escape(count),
        "problems": items,
        "fix": html.escape(_("Fix them and save: the report comes back here by itself.")),
    }
    script = _SCRIPT % {"version": version, "events": EVENTS}
    end = page.rfind("</body>")
    return page[:end] + script + "\n" + page[end:]
