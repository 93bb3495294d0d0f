"""One build: read and check everything, then write HTML and PDF, then swap them in."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import uptodate
from .errors import display_path
from .i18n import _
from .textutil import human_size
from .workspace import PROOFS, event_lock, staging, swap_in

if TYPE_CHECKING:
    from .cache import Cache
    from .model import Event, HouseStyle, Report
    from .render.engine import PdfEngine
    from .render.rendered import Rendered

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
    unchanged: bool = False
    """True when nothing changed since the last build, which wrote these files: nothing
    was read or written."""


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
    pdf: bool = True,
    cache: Path | bool = True,
) -> BuildResult:
    """Build one event into `out_root/<slug>/`; on any error the old output stays.

    `final` refuses while a session is not approved by its speaker; `force` overrides that
    and the result's warnings say so. Personal data in what would be published is a
    warning in a draft and stops a final build, `force` or not, until it is removed or
    accepted (docs/privacy.md). A publish gives `base_url` (links to the PDF and the decks
    become absolute, so a saved copy still finds them) and the `version`.

    `pdf=False` writes the page without the PDF (a live preview: the page then has no
    link to a PDF). `cache` is the build cache's folder (True: `out_root/.cache`; False:
    none): decks, polls, copies, fonts and the PDF are taken from it while their inputs
    are unchanged, and a build whose inputs are all unchanged writes nothing and says so
    (`BuildResult.unchanged`). The output is the same byte for byte either way.
    """
    started = time.perf_counter()
    event_dir, out_root, templates = event_dir.resolve(), out_root.resolve(), templates.resolve()
    folder = out_root / ".cache" if cache is True else (cache.resolve() if cache else None)
    options = {"final": final, "force": force, "base_url": base_url, "version": version, "pdf": pdf}
    inputs = uptodate.inputs_key(event_dir, templates, options) if folder else None
    slug = event_dir.name  # load_event checks that it is the event's slug
    record = None
    if inputs is not None and uptodate.record_path(out_root, slug).is_file():
        with event_lock(out_root, slug, "build"):
            record = uptodate.unchanged(out_root, slug, inputs)
    if record is not None:
        progress(_("nothing changed since the last build: the output is up to date"))
        outputs = _outputs(out_root / slug, slug, {w.path: w.pages for w in record.written})
        seconds = time.perf_counter() - started
        return BuildResult(slug, outputs, seconds, record.warnings, unchanged=True)
    from .render.engine import pdf_engine

    # The PDF engine starts importing on the other core while the sources are read.
    with pdf_engine(pdf) as engine:
        from .cache import Cache

        result = _build(event_dir, out_root, templates, progress, final, force, base_url,
                        version, pdf, Cache(folder), engine)  # fmt: skip
    uptodate.remember(out_root, result.slug, inputs, _pages(result), result.warnings)
    return replace(result, seconds=time.perf_counter() - started)


def _build(
    event_dir: Path,
    out_root: Path,
    templates: Path,
    progress: Progress,
    final: bool,
    force: bool,
    base_url: str | None,
    version: int | None,
    with_pdf: bool,
    kept: Cache,
    engine: PdfEngine | None = None,
) -> BuildResult:
    # Imported here, not at the top: a build with nothing to do loads none of them. The
    # rest after the reading, which starts LibreOffice drawing slides as early as it can.
    from .reading import read_event

    progress(_("reading event.yaml and the session texts"))
    # Every problem in the sources is raised here, all together; nothing is written yet.
    report, env = read_event(
        event_dir, templates, progress, cache=kept, prepare=partial(_prepare, kept, engine)
    ).checked()
    event = report.event

    from .personal.review import review
    from .proofstate.blocks import session_blocks
    from .proofstate.rounds import require_approval
    from .render.html import render_page

    # Everything is read and checked; from here on only the model is rendered.
    links: dict[str, Any] = {
        "link_base": f"{base_url}{event.slug}/" if base_url else "",
        "version": version,
    }
    warnings = unused_writeups(event)
    progress(_("scanning what is published for personal data"))
    scan = review(report)
    if final:
        # Before the approvals: --force may skip a speaker's approval, never this.
        scan.require_clear(_("the final version"))
        page = render_page(env, report, "screen", **links)
        warnings += require_approval(event, session_blocks(page), force)
        warnings += scan.stale_notes()
    else:
        warnings += scan.warnings()
    target = out_root / event.slug
    with event_lock(out_root, event.slug, "build"), staging(out_root, event.slug) as stage:
        copy_files(report, stage, kept)
        facts = None
        pages: dict[str, int] = {}
        if with_pdf:
            progress(_("writing the PDF (PDF/UA-1)"))
            pdf = stage / f"{event.slug}.pdf"
            html = render_page(env, report, "print", **links)
            roots = [stage, event_dir, templates]
            make = partial(_write_pdf, html, roots, pdf, engine)
            pages[pdf.name] = kept.pdf(html, roots, pdf, make)
            # The page links its PDF with the size and pages a reader is about to download.
            size = human_size(pdf.stat().st_size, event.language)
            facts = {"href": pdf.name, "size": size, "pages": pages[pdf.name]}
        progress(_("writing the HTML page"))
        page = render_page(env, report, "screen", pdf=facts, **links)
        (stage / "index.html").write_text(page, encoding="utf-8")
        # The record of the output goes before the output changes (cache/uptodate.py).
        uptodate.forget(out_root, event.slug)
        swap_in(stage, target)
    if summary := kept.summary():
        progress(summary)
    kept.prune()
    return BuildResult(event.slug, _outputs(target, event.slug, pages), 0.0, tuple(warnings))


def _prepare(kept: Cache, engine: PdfEngine | None, event: Event, house: HouseStyle) -> None:
    """What the page's first render needs and would otherwise make only once the slides
    are drawn, on the way to the PDF: the hyphenation patterns of the event's language
    (wording.py) and the typeface's files here, the PDF engine's text state there. Done
    while LibreOffice draws."""
    from .render.fonts import font_files
    from .wording import prepare_language

    if engine is not None:
        engine.warm(event.language)
    prepare_language(event.language)
    font_files(house.typeface, kept)


def _write_pdf(
    html: str, roots: list[Path], target: Path, engine: PdfEngine | None = None
) -> Rendered:
    from .render.report_pdf import make_pdf

    return make_pdf(engine, html, roots[0], roots[1:], target)


def unused_writeups(event: Event) -> list[str]:
    """Session files no session names: text someone wrote that the report leaves out."""
    used = {s.source.resolve() for s in event.sessions}
    return [
        _(
            "{file}: no session in event.yaml uses this file, so the report leaves it out;"
            " add the session under 'sessions:' or remove the file"
        ).format(file=display_path(md))
        for md in sorted((event.root / "sessions").glob("*.md"))
        if md.resolve() not in used
    ]


def copy_files(report: Report, folder: Path, kept: Cache | None = None) -> None:
    """Write the decks' publication copies, copy the pictures shown and the logo into
    `folder` (the fonts from the build cache `kept` when it has them)."""
    from .assemble import copy_targets
    from .render.fonts import write_fonts

    for download in report.downloads:
        (folder / download.href).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(download.copy.path, folder / download.href)
    logo = report.house.logo
    for source, relative in [*copy_targets(report), *([(logo.path, logo.href)] if logo else [])]:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / relative)
    # The fonts too: the page names them relatively and the PDF step reads these copies.
    write_fonts(folder, report.house.typeface, kept)


def _outputs(final: Path, slug: str, pages: Mapping[str, int | None]) -> tuple[Output, ...]:
    pdf = final / f"{slug}.pdf"
    main = [Output(final / "index.html", (final / "index.html").stat().st_size)]
    if pdf.is_file():
        main.append(Output(pdf, pdf.stat().st_size, pages.get(pdf.name)))
    extra = [
        Output(p, p.stat().st_size)
        for p in sorted(final.rglob("*"))
        if p.is_file() and p not in (main[0].path, pdf) and PROOFS not in p.relative_to(final).parts
    ]
    return tuple(main + extra)


def _pages(result: BuildResult) -> dict[str, int]:
    return {out.path.name: out.pages for out in result.outputs[:2] if out.pages is not None}


def find_events(sources: Path) -> list[Path]:
    """Every event folder (one holding event.yaml) under `sources`, by name."""
    return sorted(p.parent for p in sources.glob("*/event.yaml"))
