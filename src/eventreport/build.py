"""One build: read and check everything, then write HTML and PDF, then swap them in."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from .assemble import assemble, copy_targets
from .manifest import load_event
from .render.html import render_page
from .render.pdf import write_pdf
from .templating import environment

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


def build(
    event_dir: Path,
    out_root: Path,
    templates: Path = TEMPLATES,
    progress: Progress = lambda _: None,
) -> BuildResult:
    """Build one event into `out_root/<slug>/`; on any error the old output stays."""
    started = time.perf_counter()
    event_dir, out_root, templates = event_dir.resolve(), out_root.resolve(), templates.resolve()
    progress("reading event.yaml and the session texts")
    event = load_event(event_dir)
    report = assemble(event, progress)

    # Everything is read and checked; from here on only the model is rendered.
    env = environment(templates, event_dir / "templates")
    final = out_root / event.slug
    stage = out_root / f".{event.slug}.partial"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        for source, relative in copy_targets(report):
            (stage / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, stage / relative)
        progress("writing the HTML page")
        (stage / "index.html").write_text(render_page(env, report, "screen"), encoding="utf-8")
        progress("writing the PDF (PDF/UA-1)")
        write_pdf(
            render_page(env, report, "print"),
            stage,
            [event_dir, templates],
            stage / f"{event.slug}.pdf",
        )
        _swap(stage, final)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return BuildResult(event.slug, _outputs(final, event.slug), time.perf_counter() - started)


def _swap(stage: Path, final: Path) -> None:
    """Replace `final` by `stage` with two renames, so readers never see half a build."""
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    stage.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _outputs(final: Path, slug: str) -> tuple[Output, ...]:
    pdf = final / f"{slug}.pdf"
    main = [
        Output(final / "index.html", (final / "index.html").stat().st_size),
        Output(pdf, pdf.stat().st_size, len(PdfReader(pdf).pages)),
    ]
    extra = [
        Output(p, p.stat().st_size)
        for p in sorted(final.rglob("*"))
        if p.is_file() and p not in (main[0].path, pdf)
    ]
    return tuple(main + extra)


def find_events(sources: Path) -> list[Path]:
    """Every event folder (one holding event.yaml) under `sources`, by name."""
    return sorted(p.parent for p in sources.glob("*/event.yaml"))
