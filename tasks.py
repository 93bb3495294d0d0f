"""Tasks for communications staff and developers; run `invoke --list` to see them."""

from __future__ import annotations

import gc
import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from invoke.collection import Collection
from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import task

ROOT = Path(__file__).resolve().parent
SOURCES = ROOT / "sources"
BUILD = ROOT / "build"
CACHE = BUILD / ".cache"  # the build cache (docs/speed.md); invoke clean removes it too
PUBLISHED = "published"


def _package() -> None:
    # Tasks run from a checkout; make `src/` importable even before `pip install -e .`.
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)


def _help_flag() -> None:
    # Before invoke reads the task's arguments: `invoke extract --help` shows extract's help.
    _package()
    from eventreport.taskhelp import help_after_task_names, list_heading_in_language

    help_after_task_names()
    list_heading_in_language()


_help_flag()


def _language() -> None:
    # Before the tasks below are defined: their help (invoke --list, --help) is in the
    # language of invoke.yaml's eventreport.language, else of the locale (docs/translating.md).
    from invoke.config import Config

    from eventreport.i18n import language_of, use

    config = Config(project_location=ROOT)
    config.load_project()
    use(language_of(config.get("eventreport", {}).get("language")))


_language()

from eventreport.i18n import _, current, doc, ngettext  # noqa: E402  (once src/ is importable)


def _events(event: str | None) -> list[Path]:
    from eventreport.build import find_events

    if event:
        folder = SOURCES / event
        if not (folder / "event.yaml").is_file():
            known = ", ".join(p.name for p in find_events(SOURCES)) or _("none")
            raise Exit(
                _("No event '{event}' in sources/ (events there: {known}).").format(
                    event=event, known=known
                ),
                code=1,
            )
        return [folder]
    events = find_events(SOURCES)
    if not events:
        raise Exit(_("sources/ holds no event folder with an event.yaml; see docs/sources.md."), 1)
    return events


EVENT_HELP = _("the event folder's name under sources/ (default: every event)")


@contextmanager
def _stops_cleanly(stopped: str, unchanged: str | None) -> Iterator[None]:
    """One message and exit 1 for a problem in the sources or the output folder, and for
    Ctrl-C; the package has already left `unchanged` (if it names one) as it was."""
    from eventreport.errors import ReportError

    heading = "\n" + (
        _("{stopped}, {unchanged} was not changed:").format(stopped=stopped, unchanged=unchanged)
        if unchanged
        else _("{stopped}:").format(stopped=stopped)
    )
    try:
        yield
    except ReportError as exc:
        raise Exit(f"{heading}\n  {exc}", code=1) from None
    except KeyboardInterrupt:
        stop = _("Stopped; {unchanged} unchanged.").format(unchanged=unchanged)
        raise Exit("\n" + (stop if unchanged else _("Stopped.")), 1) from None
    except OSError as exc:
        # Reading or writing that failed where the package did not expect it (a file that
        # vanished, a folder one may not read): still the file and the reason, no traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        raise Exit(f"{heading}\n  {where}{exc.strerror or exc}", code=1) from None


@task(
    help={
        "slug": _("the new event's name: its date and a few words, e.g. 2024-05-16-netwerkdag"),
        "from_": _("a folder with what the meeting left: slide decks, poll exports, a write-up"),
    }
)
@doc(
    _("""Start a new event: sources/SLUG/, drafted from a folder of files (or blank).

Usage: invoke new SLUG [--from FOLDER]""")
)
def new(c: Context, slug: str, from_: str | None = None) -> None:
    _package()
    from eventreport.authoring.new import new_event
    from eventreport.authoring.summary import summary

    if from_:
        print(_("Starting sources/{slug}/ from {folder}").format(slug=slug, folder=from_))
    else:
        print(_("Starting sources/{slug}/").format(slug=slug))
    with _stops_cleanly(_("Stopped"), "sources/"):
        made = new_event(SOURCES, slug, Path(from_) if from_ else None, progress=_step)
    print("\n".join(summary(made, _rel(made.folder))))


@task(
    help={
        "event": EVENT_HELP,
        "strict": _("fail on warnings too (for CI and careful final checks)"),
    }
)
@doc(
    _("""Find every mistake in the sources at once, without writing anything.

Usage: invoke check [--event SLUG] [--strict]""")
)
def check(c: Context, event: str | None = None, strict: bool = False) -> None:
    _package()
    from eventreport.check import check_event

    base_url = str(c.config.get("eventreport", {}).get("base_url") or "")
    found = []
    for folder in _events(event):
        print(_("Checking {event}").format(event=folder.name))
        with _stops_cleanly(_("Check stopped"), None):
            found.append(check_event(folder, progress=_step, base_url=base_url))
        print("\n".join(found[-1].lines()))
    if any(f.problems for f in found):
        raise Exit(code=1)
    if strict and any(f.warnings for f in found):
        raise Exit(_("--strict: there are warnings, see above."), code=1)


@task(
    help={
        "event": EVENT_HELP,
        "final": _("the version to publish: refuses while a session is not approved"),
        "force": _("with --final: go ahead without every approval (the output says so)"),
        "strict": _("fail when there are warnings (for CI and careful final checks)"),
    }
)
@doc(_("Build the report (HTML page and PDF) for one event, or for every event."))
def build(
    c: Context,
    event: str | None = None,
    final: bool = False,
    force: bool = False,
    strict: bool = False,
) -> None:
    _package()
    from eventreport.build import build as build_event
    from eventreport.textutil import human_size

    if force and not final:
        raise Exit(_("--force only applies with --final (build the final version anyway)."), 1)
    for folder in _events(event):
        if final:
            print(_("Building {event} (final version)").format(event=folder.name))
        else:
            print(_("Building {event}").format(event=folder.name))
        with _stops_cleanly(_("Build stopped"), "build/"):
            result = build_event(folder, BUILD, progress=_step, final=final, force=force)
        for warning in result.warnings:
            print("  " + _("WARNING {warning}").format(warning=warning))
        if result.unchanged:
            print(
                _("Nothing changed since the last build: build/{slug}/ is up to date.").format(
                    slug=result.slug
                )
            )
            continue
        print(
            _("Done in {seconds} s. Written to build/{slug}/:").format(
                seconds=f"{result.seconds:.1f}", slug=result.slug
            )
        )
        for out in result.outputs:
            size = human_size(out.size, current())
            rel = out.path.relative_to(BUILD / result.slug)
            if out.pages:
                size = ngettext("{size}, {n} page", "{size}, {n} pages", out.pages).format(
                    size=size, n=out.pages
                )
            print(f"  {rel}  ({size})")
        if strict and result.warnings:
            count = len(result.warnings)
            raise Exit(
                ngettext(
                    "--strict: {n} warning, see above.", "--strict: {n} warnings, see above.", count
                ).format(n=count),
                code=1,
            )
    # Done: the interpreter's last garbage collection would only walk what the builds
    # made (0.07 s of a 2 s build).
    gc.freeze()


@task(
    help={
        "event": _("the event folder's name under sources/ (needed when there are several)"),
        "port": _("the port to serve on (default: 8000, or any free one when 8000 is taken)"),
        "open_": _("open the page in the web browser"),
    }
)
@doc(
    _("""Watch the report in the browser while you edit: it rebuilds on every save.

Usage: invoke preview [--event SLUG] [--port N] [--open]""")
)
def preview(c: Context, event: str | None = None, port: int = 0, open_: bool = False) -> None:
    _package()
    from eventreport.preview.session import preview as run_preview

    folders = _events(event)
    if len(folders) > 1:
        names = ", ".join(f.name for f in folders)
        raise Exit(
            _("Which event? Name one with --event (events in sources/: {names}).").format(
                names=names
            ),
            1,
        )
    with _stops_cleanly(_("Preview stopped"), None):
        stopped = run_preview(folders[0], BUILD, _say, port=port, open_browser=open_)
    if stopped.pdf is not None:
        print(
            _("Preview stopped. The PDF of the last version: {pdf}").format(pdf=_rel(stopped.pdf))
        )
    else:
        print(_("Preview stopped; no PDF, as the sources have a mistake:"))
        print(f"  {stopped.problem}")


def _step(step: str) -> None:
    print(f"  - {step}")


def _say(line: str) -> None:
    # Flushed: a preview runs for hours, and what it says must show while it runs.
    print(line, flush=True)


@task(
    iterable=["collect", "done", "reject"],
    help={
        "event": EVENT_HELP,
        "speaker": _("only this speaker's proof (their id in event.yaml)"),
        "send": _(
            "e-mail the proofs (eventreport.smtp in invoke.yaml) and record the round;"
            " without a mail server, record that you send them yourself"
        ),
        "dry_run": _("with --send: show what would be sent, send and record nothing"),
        "status": _("show where every session stands, and the open corrections"),
        "approve": _("record that this session (its id) is approved"),
        "by": _("with --approve: who approved it"),
        "date": _("the day to record or print (YYYY-MM-DD; default today)"),
        "collect": _(
            "a returned proof PDF, or a folder of them: its comments go into"
            " the corrections list (repeat for more)"
        ),
        "done": _("mark this correction number done (repeat for more)"),
        "reject": _("mark this correction number rejected (repeat for more)"),
        "note": _("with --done or --reject: a note to keep with it"),
    },
)
@doc(_("Make each speaker's proof, e-mail it, collect their comments, track approvals."))
def proofs(
    c: Context,
    event: str | None = None,
    speaker: str | None = None,
    send: bool = False,
    dry_run: bool = False,
    status: bool = False,
    approve: str | None = None,
    by: str | None = None,
    date: str | None = None,
    collect: list[str] | None = None,
    done: list[str] | None = None,
    reject: list[str] | None = None,
    note: str | None = None,
) -> None:
    _package()
    import datetime as dt

    from eventreport.proofs.tasks import Options, run

    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise Exit(
            _("--date '{date}' is not a day; write it as YYYY-MM-DD.").format(date=date), code=1
        ) from None
    options = Options(
        speaker, send, dry_run, status, approve, by, day,
        tuple(collect or ()), tuple(done or ()), tuple(reject or ()), note,
    )  # fmt: skip
    # Not "nothing was changed": a send may have delivered some messages before it stopped.
    with _stops_cleanly(_("Stopped"), None):
        text, failed = run(
            options, _events(event), BUILD, c.config.get("eventreport", {}).get("smtp"), _step
        )
    print(text)
    if failed:
        raise Exit("\n" + _("Not everything went through; see REFUSED above."), code=1)


@task(
    help={
        "event": EVENT_HELP,
        "force": _("publish even though not every session is approved (the output says so)"),
    }
)
@doc(_("Publish the final report for the newsletter: PDF, page, manifest, newsletter block."))
def publish(c: Context, event: str | None = None, force: bool = False) -> None:
    _package()
    from eventreport.publish import publish as publish_event

    settings = _publish_settings(c)
    for folder in _events(event):
        print(_("Publishing {event}").format(event=folder.name))
        with _stops_cleanly(_("Publishing stopped"), _rel(settings.folder) + "/"):
            done = publish_event(folder, settings, force=force, progress=_step, cache=CACHE)
        for warning in done.warnings:
            print("  " + _("WARNING {warning}").format(warning=warning))
        m = done.manifest
        folder_name = _rel(done.folder)
        if done.changed:
            said = _("Published version {version} (new version) in {folder}/:")
        else:
            said = _("Published version {version} (unchanged, same version) in {folder}/:")
        print(said.format(version=done.version, folder=folder_name))
        pages = m["pdf"]["pages"]
        size = ngettext("{size}, {n} page", "{size}, {n} pages", pages).format(
            size=m["pdf"]["size"], n=pages
        )
        print(f"  PDF  {m['pdf']['url']}  ({size})")
        print("  " + _("page {url}").format(url=m["html"]["url"]))
        print(
            "  " + _("newsletter.html and newsletter.txt: the block to paste into the newsletter")
        )
        print("  " + _("manifest.json and CHANGELOG.txt; earlier versions stay in versions/"))


def _publish_settings(c: Context) -> Any:
    from eventreport.publish import Settings

    config = c.config.get("eventreport", {})
    base_url = str(config.get("base_url") or "")
    if not base_url.startswith(("https://", "http://")):
        raise Exit(
            _("invoke.yaml: eventreport.base_url must be the site's address, https://..."), 1
        )
    if not base_url.endswith("/"):
        base_url += "/"
    return Settings(base_url=base_url, folder=_publish_dir(c))


def _publish_dir(c: Context) -> Path:
    """Where published sets live: `published/` unless invoke.yaml says otherwise. Not in
    build/: the history of what was published is not build output (invoke clean)."""
    return ROOT / str(c.config.get("eventreport", {}).get("publish_dir") or PUBLISHED)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


@task(
    help={
        "file": _(
            "a slide deck (.pptx, .ppsx, .pdf, .ppt, .odp, .key) or poll export (.xlsx, .csv)"
        ),
        "json": _("print JSON instead of readable text"),
        "include_hidden": _("also read hidden slides"),
        "notes": _("also read speaker notes"),
    }
)
@doc(
    _("""Show what is read from one slide deck or poll export.

Usage: invoke extract FILE [--json] [--include-hidden] [--notes]""")
)
def extract(
    c: Context, file: str, json_: bool = False, include_hidden: bool = False, notes: bool = False
) -> None:
    _package()
    from eventreport.extract import print_out, to_json, to_markdown
    from eventreport.readers import read_source

    with _stops_cleanly(_("Stopped"), None):
        found = read_source(Path(file), include_hidden=include_hidden, notes=notes)
    print_out(
        json.dumps(to_json(found), ensure_ascii=False, indent=2) if json_ else to_markdown(found)
    )


@task(help={"k": _("only tests whose name matches this expression")})
@doc(_("For developers: run all tests."))
def test(c: Context, k: str = "") -> None:
    c.run(f"{sys.executable} -m pytest" + (f" -k {k!r}" if k else ""), pty=False)


@task(
    help={
        "repeat": _("rounds per figure (medians are printed; default 7 for decks, 3 for builds)"),
        "only": _("'decks' (reading speed) or 'build' (build speed and memory); default both"),
        "slides": _("build: sizes of the generated events (default 200,2000; '' for none)"),
    }
)
@doc(_("For developers: time deck reading and whole builds against their floors."))
def bench(c: Context, repeat: int = 0, only: str = "", slides: str = "200,2000") -> None:
    if only not in ("", "decks", "build"):
        raise Exit(_("--only takes 'decks' or 'build'."), code=1)
    if only in ("", "decks"):
        c.run(f"{sys.executable} scripts/bench_decks.py --repeat {repeat or 7}", pty=False)
    if only in ("", "build"):
        command = f"{sys.executable} scripts/bench_build.py --repeat {repeat or 7}"
        c.run(f"{command} --slides {slides!r}", pty=False)


@task
@doc(_("For developers: check code style and types (ruff, mypy)."))
def lint(c: Context) -> None:
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")
    c.run(f"{sys.executable} -m mypy")


@task
@doc(_("Delete everything generated under build/ (never the published versions)."))
def clean(c: Context) -> None:
    publish_dir = _publish_dir(c).resolve()
    if not BUILD.is_dir():
        print(_("Nothing to remove: there is no build/."))
        return
    kept = [p for p in BUILD.iterdir() if publish_dir.is_relative_to(p.resolve())]
    for path in BUILD.iterdir():
        if path in kept:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    if kept:
        print(
            _("Removed build/ but {folder}/: it holds what was published.").format(
                folder=_rel(publish_dir)
            )
        )
    else:
        shutil.rmtree(BUILD, ignore_errors=True)
        print(_("Removed build/."))


namespace = Collection(
    new, check, preview, build, proofs, publish, extract, test, bench, lint, clean
)
