"""Tasks for communications staff and developers; run `invoke --list` to see them."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from invoke.collection import Collection
from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import task

ROOT = Path(__file__).resolve().parent
SOURCES = ROOT / "sources"
BUILD = ROOT / "build"


def _package() -> None:
    # Tasks run from a checkout; make `src/` importable even before `pip install -e .`.
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)


def _events(event: str | None) -> list[Path]:
    from eventreport.build import find_events

    if event:
        folder = SOURCES / event
        if not (folder / "event.yaml").is_file():
            known = ", ".join(p.name for p in find_events(SOURCES)) or "none"
            raise Exit(f"No event '{event}' in sources/ (events there: {known}).", code=1)
        return [folder]
    events = find_events(SOURCES)
    if not events:
        raise Exit("sources/ holds no event folder with an event.yaml; see docs/sources.md.", 1)
    return events


@task(help={"event": "the event folder's name under sources/ (default: every event)"})
def build(c: Context, event: str | None = None) -> None:
    """Build the report (HTML page and PDF) for one event, or for every event."""
    _package()
    from eventreport.build import build as build_event
    from eventreport.errors import ReportError
    from eventreport.textutil import human_size

    for folder in _events(event):
        print(f"Building {folder.name}")
        try:
            result = build_event(folder, BUILD, progress=lambda step: print(f"  - {step}"))
        except ReportError as exc:
            raise Exit(
                f"\nBuild stopped, nothing was changed in build/:\n  {exc}", code=1
            ) from None
        print(f"Done in {result.seconds:.1f} s. Written to build/{result.slug}/:")
        for out in result.outputs:
            pages = f", {out.pages} pages" if out.pages else ""
            rel = out.path.relative_to(BUILD / result.slug)
            print(f"  {rel}  ({human_size(out.size, 'en')}{pages})")


@task(
    help={
        "file": "a slide deck (.pptx, .ppsx, .pdf) or poll export (.xlsx)",
        "json": "print JSON instead of readable text",
        "include_hidden": "also read hidden slides",
        "notes": "also read speaker notes",
    }
)
def extract(
    c: Context, file: str, json_: bool = False, include_hidden: bool = False, notes: bool = False
) -> None:
    """Show what the pipeline reads from one slide deck or poll export."""
    _package()
    from eventreport.errors import ReportError
    from eventreport.extract import to_json, to_markdown
    from eventreport.readers import read_source

    try:
        found = read_source(Path(file), include_hidden=include_hidden, notes=notes)
    except ReportError as exc:
        raise Exit(str(exc), code=1) from None
    print(json.dumps(to_json(found), ensure_ascii=False, indent=2) if json_ else to_markdown(found))


@task(help={"k": "only tests whose name matches this expression"})
def test(c: Context, k: str = "") -> None:
    """Run all tests."""
    c.run(f"{sys.executable} -m pytest" + (f" -k {k!r}" if k else ""), pty=False)


@task
def lint(c: Context) -> None:
    """Check code style and types (ruff, mypy)."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")
    c.run(f"{sys.executable} -m mypy")


@task
def clean(c: Context) -> None:
    """Delete everything generated under build/."""
    shutil.rmtree(BUILD, ignore_errors=True)
    print("Removed build/.")


namespace = Collection(build, extract, test, lint, clean)
