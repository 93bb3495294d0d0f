"""One build: read and check everything, then write HTML and PDF, then swap them in."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from .assemble import copy_targets
from .errors import display_path
from .model import Event, Report
from .personal.review import review
from .proofstate.blocks import session_blocks
from .proofstate.rounds import require_approval
from .reading import read_event
from .render.fonts import write_fonts
from .render.html import render_page
from .render.pdf import write_pdf
from .textutil import human_size
from .workspace import PROOFS, event_lock, staging, swap_in

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT / "templates"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Output:
    """One written file."""

    path: Path
    """Where it is."""
    size: int
    """Size in bytes."""
    pages: int | None = None
    """Page count, for PDFs."""


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, for the summary."""

    slug: str
    """The event built."""
    outputs: tuple[Output, ...]
    """Files written, report files first."""
    seconds: float
    """Wall time of the build."""
    warnings: tuple[str, ...] = ()
    """Things the user should know, e.g. a final version forced past missing approvals."""


def build(
    event_dir: Path,
    out_root: Path,
    templates: Path = TEMPLATES,
    progress: Progress = lambda _: None,
    *,
    final: bool = False,
    force: bool = False,
    base_url: str | None = None,
    version: int | None = None,
) -> BuildResult:
    """Build one event into `out_root/<slug>/`; on any error the old output stays.

    `final` refuses while a session is not approved by its speaker; `force` overrides that
    and the result's warnings say so. Personal data in what would be published is a
    warning in a draft and stops a final build, `force` or not, until it is removed or
    accepted (docs/privacy.md). A publish gives `base_url` (links to the PDF and the decks
    become absolute, so a saved copy still finds them) and the `version`.
    """
    started = time.perf_counter()
    event_dir, out_root, templates = event_dir.resolve(), out_root.resolve(), templates.resolve()
    progress("reading event.yaml and the session texts")
    # Every problem in the sources is raised here, all together; nothing is written yet.
    report, env = read_event(event_dir, templates, progress).checked()
    event = report.event

    # Everything is read and checked; from here on only the model is rendered.
    links: dict[str, Any] = {
        "link_base": f"{base_url}{event.slug}/" if base_url else "",
        "version": version,
    }
    warnings = unused_writeups(event)
    progress("scanning what is published for personal data")
    scan = review(report)
    if final:
        # Before the approvals: --force may skip a speaker's approval, never this.
        scan.require_clear("the final version")
        page = render_page(env, report, "screen", **links)
        warnings += require_approval(event, session_blocks(page), force)
        warnings += scan.stale_notes()
    else:
        warnings += scan.warnings()
    target = out_root / event.slug
    with event_lock(out_root, event.slug, "build"), staging(out_root, event.slug) as stage:
        copy_files(report, stage)
        progress("writing the PDF (PDF/UA-1)")
        pdf = stage / f"{event.slug}.pdf"
        write_pdf(render_page(env, report, "print", **links), stage, [event_dir, templates], pdf)
        # The page links its PDF with the size and pages a reader is about to download.
        size = human_size(pdf.stat().st_size, event.language)
        facts = {"href": pdf.name, "size": size, "pages": len(PdfReader(pdf).pages)}
        progress("writing the HTML page")
        page = render_page(env, report, "screen", pdf=facts, **links)
        (stage / "index.html").write_text(page, encoding="utf-8")
        swap_in(stage, target)
    seconds = time.perf_counter() - started
    return BuildResult(event.slug, _outputs(target, event.slug), seconds, tuple(warnings))


def unused_writeups(event: Event) -> list[str]:
    """Session files no session names: text someone wrote that the report leaves out."""
    used = {s.source.resolve() for s in event.sessions}
    return [
        f"{display_path(md)}: no session in event.yaml uses this file, so the report leaves"
        " it out; add the session under 'sessions:' or remove the file"
        for md in sorted((event.root / "sessions").glob("*.md"))
        if md.resolve() not in used
    ]


def copy_files(report: Report, folder: Path) -> None:
    """Write the decks' publication copies, copy the pictures shown and the logo into
    `folder`."""
    for download in report.downloads:
        (folder / download.href).parent.mkdir(parents=True, exist_ok=True)
        (folder / download.href).write_bytes(download.copy.data)
    logo = report.house.logo
    for source, relative in [*copy_targets(report), *([(logo.path, logo.href)] if logo else [])]:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / relative)
    # The fonts too: the page names them relatively and the PDF step reads these copies.
    write_fonts(folder, report.house.typeface)


def _outputs(final: Path, slug: str) -> tuple[Output, ...]:
    pdf = final / f"{slug}.pdf"
    main = [
        Output(final / "index.html", (final / "index.html").stat().st_size),
        Output(pdf, pdf.stat().st_size, len(PdfReader(pdf).pages)),
    ]
    extra = [
        Output(p, p.stat().st_size)
        for p in sorted(final.rglob("*"))
        if p.is_file() and p not in (main[0].path, pdf) and PROOFS not in p.relative_to(final).parts
    ]
    return tuple(main + extra)


def find_events(sources: Path) -> list[Path]:
    """Every event folder (one holding event.yaml) under `sources`, by name."""
    return sorted(p.parent for p in sources.glob("*/event.yaml"))
