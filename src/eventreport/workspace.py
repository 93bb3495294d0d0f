"""Writing output safely: one run per event at a time, a private staging folder, one swap.

Every build and publish makes its files in a staging folder of its own next to the target
and swaps it in at the end, so readers never see half a build and a failure (a full disk,
Ctrl-C) leaves the previous output as it was. A lock per event and kind of run keeps two
runs from swapping into the same place at once.
"""

from __future__ import annotations

import errno
import fcntl
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ReportError
from .i18n import _

PROOFS = "proofs"


class OutputError(ReportError):
    """An output folder cannot be written (permissions, a full disk) or is busy."""


def output_error(exc: OSError, folder: Path) -> OutputError:
    """`exc`, met while writing into `folder`, in words a person can act on."""
    path = Path(exc.filename) if isinstance(exc.filename, str) else folder
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        what = _(
            "the disk is full ({reason}); make room (delete old builds with"
            " `invoke clean`, or other files) and run again"
        ).format(reason=exc.strerror)
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = _(
            "may not be written ({reason}); check the folder's permissions and that"
            " the disk is not read-only, then run again"
        ).format(reason=exc.strerror)
    else:
        what = _("cannot be written ({reason}); check the folder and run again").format(
            reason=exc.strerror
        )
    return OutputError(path, what)


@contextmanager
def event_lock(folder: Path, slug: str, what: str) -> Iterator[None]:
    """Hold the lock for `what` ("build", "publish") of event `slug` in `folder`, or say
    that another run holds it. The lock ends with the process, also when it is killed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = (folder / f".{slug}.lock").open("a")
    except OSError as exc:
        raise output_error(exc, folder) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                folder,
                _(
                    "another {what} of {slug} is running; wait until it is done, then run again"
                ).format(what=what, slug=slug),
            ) from None
        yield


def _remove_leftovers(folder: Path, slug: str) -> None:
    """Staging folders of runs that were killed (with the lock held, none is in use)."""
    for leftover in folder.glob(f".{slug}.*.partial"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def staging(folder: Path, slug: str) -> Iterator[Path]:
    """A new, private folder beside `folder / slug` to make output in; removed on failure
    (and on Ctrl-C). Call with the event's lock held: other staging folders of this name
    are then left over from runs that were killed, and are removed."""
    _remove_leftovers(folder, slug)
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{slug}.", suffix=".partial", dir=folder))
    except OSError as exc:
        raise output_error(exc, folder) from None
    try:
        yield stage
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise output_error(exc, folder) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    shutil.rmtree(stage, ignore_errors=True)  # swapped in, or nothing left to keep


def swap_in(stage: Path, final: Path, keep: tuple[str, ...] = (PROOFS,)) -> None:
    """Replace `final` by `stage` with two renames, so readers never see half a build.

    Sub-folders named in `keep` that `final` has and `stage` lacks are carried over
    (proofs are made by their own task; a report build keeps the latest ones).
    """
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        for name in keep:
            # Copied, not moved, so a failure before the renames cannot lose them.
            if (final / name).is_dir() and not (stage / name).exists():
                shutil.copytree(final / name, stage / name)
    with _uninterrupted():
        if final.exists():
            final.rename(old)
        stage.rename(final)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ignore Ctrl-C between the two renames: stopping between them would leave no output
    at all. They take microseconds; the run ends right after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: Callable[..., object] | int | None = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
