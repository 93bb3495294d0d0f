"""One preview: build, serve, watch the sources and templates, rebuild on save; Ctrl-C
stops it and leaves the PDF of the last good version."""

from __future__ import annotations

import errno
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from ..build import TEMPLATES
from ..errors import ReportError, display_path
from ..i18n import _
from ..problems import ProblemsError
from ..workspace import OutputError, event_lock
from .rebuild import PREVIEW, Rebuilder
from .server import PreviewServer, Shown

Say = Callable[[str], None]
DEFAULT_PORT = 8000
# How often the watcher hands back control with nothing changed, so a PDF asked for in
# the page is made within a moment.
TICK_MS = 200


@dataclass(frozen=True)
class Stopped:
    """How the preview ended."""

    pdf: Path | None
    """The PDF of the last good version, or None when the sources had a mistake."""
    problem: str | None
    """The mistakes that kept the PDF from being made."""


def preview(
    event_dir: Path,
    build_root: Path,
    say: Say,
    templates: Path = TEMPLATES,
    port: int = 0,
    open_browser: bool = False,
) -> Stopped:
    """Run the preview of `event_dir` until Ctrl-C; output in build_root/.preview/."""
    root = build_root / PREVIEW
    slug = event_dir.name
    rebuild = Rebuilder(event_dir, root, templates)
    shown = Shown(slug, rebuild.folder)
    with event_lock(root, slug, "preview"):
        _build(rebuild, shown, say, None)
        server = _server(port, shown)
        serving = threading.Thread(target=server.serve_forever, name="preview", daemon=True)
        serving.start()
        say(
            _("Preview of {event}: open {address} (Ctrl-C stops it)").format(
                event=slug, address=server.address
            )
        )
        if open_browser:
            webbrowser.open(server.address)
        try:
            _watch(rebuild, shown, say, [event_dir, templates])
        except KeyboardInterrupt:
            say(_("Stopping the preview."))
        finally:
            shown.stop()
            server.shutdown()
            server.server_close()
        return _last_pdf(rebuild, shown, say)


def _server(port: int, shown: Shown) -> PreviewServer:
    """A server on `port`; without one, on 8000 if free, else on any free port."""
    for candidate in [port] if port else [DEFAULT_PORT, 0]:
        try:
            return PreviewServer(candidate, shown)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or candidate != DEFAULT_PORT or port:
                raise OutputError(
                    None,
                    _(
                        "port {port} cannot be used ({reason}); choose another with"
                        " --port, or leave --port out to take a free one"
                    ).format(port=candidate, reason=exc.strerror),
                ) from None
    raise AssertionError("port 0 is always free")


def _watch(rebuild: Rebuilder, shown: Shown, say: Say, paths: list[Path]) -> None:
    for changes in watchfiles.watch(
        *paths, yield_on_timeout=True, rust_timeout=TICK_MS, raise_interrupt=True
    ):
        if changes:
            names = sorted({display_path(Path(p)) for _, p in changes})
            _build(rebuild, shown, say, names)
        while not shown.pdf_requests.empty():
            request = shown.pdf_requests.get_nowait()
            if not request.set_running_or_notify_cancel():
                continue
            try:
                say(_("Making the PDF"))
                request.set_result(rebuild.pdf())
            except ReportError as exc:
                request.set_exception(exc)


def _build(rebuild: Rebuilder, shown: Shown, say: Say, changed: list[str] | None) -> None:
    started = time.perf_counter()
    when = time.strftime("%H:%M:%S")
    try:
        built = rebuild.html()
    except (ReportError, OSError) as exc:
        problems = _problems(exc)
        shown.show(problems=problems)
        say(when + " " + _("The report cannot be built:") + f"\n  {_indented(problems)}")
        return
    shown.show(page=built.page)
    seconds = time.perf_counter() - started
    if changed:
        said = _("Rebuilt after a change to {files} ({seconds} s)").format(
            files=", ".join(changed[:3]), seconds=f"{seconds:.1f}"
        )
    else:
        said = _("Built ({seconds} s)").format(seconds=f"{seconds:.1f}")
    say(f"{when} {said}")


def _indented(problems: tuple[str, ...]) -> str:
    """The problems one below the other, their notes indented, for the terminal."""
    return "\n  ".join(line for problem in problems for line in problem.split("\n"))


def _problems(exc: ReportError | OSError) -> tuple[str, ...]:
    """Each mistake as its own text (with the notes under it)."""
    if isinstance(exc, ProblemsError):
        return tuple("\n".join(p.lines()) for p in exc.problems)
    if isinstance(exc, ReportError):
        return (str(exc),)
    # A file that vanished while an editor saved it, a folder one may not read.
    where = f"{exc.filename}: " if exc.filename else ""
    return (
        _("{where}{problem}; check the file, then save again").format(
            where=where, problem=exc.strerror or exc
        ),
    )


def _last_pdf(rebuild: Rebuilder, shown: Shown, say: Say) -> Stopped:
    if shown.problems is not None or rebuild.last is None:
        return Stopped(None, _indented(shown.problems) if shown.problems else None)
    say(_("Making the PDF of the last version (Ctrl-C again skips it)"))
    try:
        return Stopped(rebuild.pdf(), None)
    except ReportError as exc:
        return Stopped(None, str(exc))
