"""The preview's builds: the HTML page on every save, the PDF when asked for.

Both run in the main thread, one at a time: the template time limit (limits.deadline)
works only there, and a PDF and a page are then never made from different versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from ..build import copy_files
from ..cache import Cache
from ..model import Report
from ..reading import read_event
from ..render.html import render_page
from ..render.pdf import write_pdf
from ..workspace import staging, swap_in

PREVIEW = ".preview"
"""The preview's folder under build/: hidden, and never an event's own output folder."""

# What a preview page links to: files beside it, and no version (it is not published).
_LINKS = {"link_base": "", "version": None}


@dataclass(frozen=True)
class Built:
    """The last good HTML build."""

    report: Report
    """The report it was made from (the PDF is made from the same)."""
    env: Environment
    """The templates it was made with."""
    page: str
    """The page as written to index.html, without the preview's additions."""


class Rebuilder:
    """Builds one event into `root/<slug>/`."""

    def __init__(self, event_dir: Path, root: Path, templates: Path) -> None:
        self.event_dir = event_dir.resolve()
        self.root = root
        self.templates = templates.resolve()
        self.folder = root / self.event_dir.name
        self.last: Built | None = None
        self._pdf_current = False
        self.cache = Cache(root.parent / ".cache")

    @property
    def pdf_path(self) -> Path:
        """Where the PDF goes."""
        return self.folder / f"{self.event_dir.name}.pdf"

    def html(self) -> Built:
        """Read everything and write the page and the files it shows; mistakes in the
        sources raise ReportError (all of them, as a build lists them) and leave the last
        good page in place."""
        report, env = read_event(self.event_dir, self.templates, cache=self.cache).checked()
        page = render_page(env, report, "screen", **_LINKS)
        self.root.mkdir(parents=True, exist_ok=True)  # `invoke clean` may have run meanwhile
        with staging(self.root, report.event.slug) as stage:
            copy_files(report, stage, self.cache)
            (stage / "index.html").write_text(page, encoding="utf-8")
            swap_in(stage, self.folder)
        self.last = Built(report, env, page)
        self._pdf_current = False
        return self.last

    def pdf(self) -> Path:
        """The PDF of the last good build, made now unless it is already up to date."""
        if self.last is None:
            raise LookupError("no good build to make a PDF of")
        if not (self._pdf_current and self.pdf_path.is_file()):
            html = render_page(self.last.env, self.last.report, "print", **_LINKS)
            partial = self.pdf_path.with_name(f".{self.pdf_path.name}.partial")
            try:
                write_pdf(html, self.folder, [self.event_dir, self.templates], partial)
                partial.replace(self.pdf_path)
            finally:
                partial.unlink(missing_ok=True)
            self._pdf_current = True
        return self.pdf_path
