"""LibreOffice, run on a deck from outside without trusting it.

Each run gets a private folder holding a copy of the deck (or of several decks of one
event, `converted_each`), its output and a fresh user profile, so nothing of the
machine's own LibreOffice set-up is used or changed, two runs never share state, and no
deck's original path is handed over. LibreOffice runs
inside a bubblewrap sandbox (Debian's `bubblewrap`): no network, and of the file system
only the programs and fonts (/usr, a few files of /etc, read-only) and that private
folder. A deck can link pictures from an address or another file, and LibreOffice
fetches them when it opens the deck (checked: a linked picture on 127.0.0.1 is
requested); in the sandbox there is nothing to reach. The profile also sets macro
security to "very high" and turns macros off (LibreOffice does not run a document's
macros when it converts headless anyway). The process gets a cap on its address space,
its output file size and core dumps, and is killed, with everything it started, when
its time is up (limits.py).
"""

from __future__ import annotations

import contextvars
import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from eventreport.errors import ReadError
from eventreport.i18n import _
from eventreport.limits import LIBREOFFICE_MEMORY, LIBREOFFICE_OUTPUT, LIBREOFFICE_SECONDS

# Settings written into each private profile (the org.openoffice.Office.Common schema
# of LibreOffice 7.4): macro security "very high" and macros off, links to anything
# outside the document blocked. {last} is the version the profile says it was last used
# with (below).
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" oor:op="fuse"><value>true</value></prop></item>
{last}</oor:items>
"""  # noqa: E501  (one setting a line, as LibreOffice writes them)
# ooSetupInstCompleted: the profile is set up, so LibreOffice copies none of its presets
# (macro libraries, autotext, a bibliography database) into it (desktop/source/app/
# userinstall.cxx). A profile that does not say it was last used with this LibreOffice
# makes it run its graphics self-test at start (desktop/source/app/app.cxx,
# runGraphicsRenderTests: about 0.8 s of a 1.2 s conversion here), and headless
# conversions never record the version, so without this every run, in its fresh
# profile, would test again.
_LAST_VERSION = """<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>{version}</value></prop></item>
"""  # noqa: E501
_FLAGS = ("--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault")
# What LibreOffice may see of the machine, read-only: its programs, libraries and fonts
# under /usr, the few files of /etc it reads. Nothing else (no home folder, no /tmp).
_VISIBLE = (
    "/usr", "/etc/fonts", "/etc/libreoffice", "/etc/ld.so.cache", "/etc/passwd",
    "/etc/alternatives", "/var/cache/fontconfig",
)  # fmt: skip
_TOP_LINKS = ("/bin", "/sbin", "/lib", "/lib64")
# GnuPG, which LibreOffice runs (gpgconf, gpg, gpgsm) to be ready to check a document's
# signatures: nothing a conversion needs, more code reading what a deck brings, and a
# tenth of a second. Inside the sandbox each is an empty file that cannot run.
_HIDDEN = tuple(f"/usr/bin/{name}" for name in ("gpgconf", "gpg", "gpg2", "gpgsm", "gpg-agent"))


def program() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def version() -> str:
    """LibreOffice's version ("LibreOffice 7.4.7.2 40(Build:2)", what `--version` says);
    part of every cache key, so a new LibreOffice draws the slides anew. Read from the
    installation's files, as LibreOffice itself reads it (running it to ask takes a
    fifth of a second, before every drawing); asked of LibreOffice where those files
    are not found."""
    command = program()
    if command is None:
        return "none"
    return _installed_version(Path(command).resolve().parent) or _asked_version(command)


def _installed_version(folder: Path) -> str | None:
    """The version from an installation's program folder: the release from the
    configuration LibreOffice ships (share/registry/main.xcd: ooSetupVersionAboutBox), the
    build from program/versionrc."""
    try:
        registry = (folder.parent / "share" / "registry" / "main.xcd").read_bytes()
    except OSError:
        return None
    release = re.search(rb'<prop oor:name="ooSetupVersionAboutBox">\s*<value>([^<]+)<', registry)
    build = _build_id(folder)
    if release is None or build is None:
        return None
    return f"LibreOffice {release[1].decode('ascii', 'replace')} {build}"


@functools.cache
def _build_id(folder: Path) -> str | None:
    """The installation's build ("40(Build:2)": program/versionrc's buildid)."""
    try:
        text = (folder / "versionrc").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = re.search(r"^buildid=(.+)$", text, re.MULTILINE)
    return found[1].strip() if found else None


def _asked_version(command: str) -> str:
    with tempfile.TemporaryDirectory(prefix="eventreport-lo-") as folder:
        done = subprocess.run(
            [command, f"-env:UserInstallation={Path(folder).as_uri()}", "--version"],
            capture_output=True,
            text=True,
            timeout=LIBREOFFICE_SECONDS,
            env=_environment(Path(folder)),
            check=False,
        )
    return done.stdout.strip() or "unknown"


@contextmanager
def converted(
    source: Path, suffix: str, target: str, *, shown_as: Path, what: str, seconds: float = 0
) -> Iterator[Path]:
    """The deck at `source` (of file type `suffix`, e.g. ".odp") converted by LibreOffice
    to `target`, a --convert-to argument ("pptx", or "pdf:impress_pdf_Export:{...}"): a
    file that lasts as long as the block. Errors name `shown_as` and say `what` was being
    done ("converting it to PowerPoint"); `seconds` adds to the time limit for work that
    grows with the deck (slides drawn)."""
    with converted_each([(source, shown_as, seconds)], suffix, target, what=what) as made:
        if isinstance(made[0], ReadError):
            raise made[0]
        yield made[0]


@contextmanager
def converted_each(
    sources: Sequence[tuple[Path, Path, float]], suffix: str, target: str, *, what: str
) -> Iterator[list[Path | ReadError]]:
    """Each deck of `sources` (file, the name errors give it, seconds its time limit
    grows by) converted as `converted` does, in one LibreOffice run: LibreOffice takes a
    third of a second to start and a tenth to convert a small deck. Each result is the
    converted file, lasting as long as the block, or the error naming that deck. A deck
    LibreOffice cannot open gets the error and the others are made; a deck that stops
    LibreOffice (it crashes, or its time is up) gets the error, and the decks after it,
    which LibreOffice had not reached, are converted in another run."""
    problem = _cannot_run()
    if problem is not None:
        yield [ReadError(shown_as, problem) for _, shown_as, _ in sources]
        return
    with tempfile.TemporaryDirectory(prefix="eventreport-lo-") as folder:
        work = Path(folder)
        _write_profile(work / "profile" / "user")
        (work / "in").mkdir()
        copies = [work / "in" / f"deck-{index}{suffix}" for index in range(len(sources))]
        for copy, (source, _, _) in zip(copies, sources, strict=True):
            shutil.copyfile(source, copy)
        made: list[Path | ReadError] = []
        together = True
        while len(made) < len(sources):
            # After a run that failed, one deck a run: whose the failure is is then clear.
            batch = list(range(len(made), len(sources) if together else len(made) + 1))
            out = work / f"out-{len(made)}"
            limit = LIBREOFFICE_SECONDS + sum(sources[index][2] for index in batch)
            command = _command(work, target, out, [copies[index] for index in batch])
            code, errors = _run(command, work, limit)
            results = [out / f"deck-{index}.{target.split(':')[0]}" for index in batch]
            if code != 0 and len(batch) > 1:
                # Stopped in the middle: the last file it wrote may be cut short.
                done = next((k for k, r in enumerate(results) if not r.is_file()), len(results))
                made += results[: max(done - 1, 0)]
                together = False
                continue
            # A run that ended well made what it could; one that failed on its one deck
            # made nothing to trust. A deck not made is that deck's error.
            for index, result in zip(batch, results, strict=True):
                if code == 0 and result.is_file():
                    made.append(result)
                else:
                    made.append(ReadError(sources[index][1], _failed(code, errors, what, limit)))
        yield made


def _cannot_run() -> str | None:
    """Why LibreOffice cannot be run on a deck from outside here, or None."""
    if program() is None:
        return _(
            "LibreOffice is not installed on this machine, and it is needed for this; run"
            " `bash scripts/setup.sh` (it installs Debian's libreoffice-impress-nogui), or"
            " save the deck as .pptx or PDF"
        )
    if shutil.which("bwrap") is None:
        return _(
            "LibreOffice runs on decks from outside only inside a sandbox, and bubblewrap"
            " (the sandbox) is not installed; run `bash scripts/setup.sh` (it installs"
            " Debian's bubblewrap), or save the deck as .pptx or PDF"
        )
    if shutil.which("prlimit") is None:
        return _(
            "LibreOffice runs on decks from outside only with limits on its memory and"
            " output, and prlimit (which sets them) is not installed; install Debian's"
            " util-linux, or save the deck as .pptx or PDF"
        )
    return None


def _command(work: Path, target: str, out: Path, decks: list[Path]) -> list[str]:
    """LibreOffice in its sandbox, converting `decks` to `target` into `out`."""
    return [
        *_sandboxed(shutil.which("bwrap") or "bwrap", work),
        program() or "soffice",
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        *_FLAGS,
        "--convert-to",
        target,
        "--outdir",
        str(out),
        *map(str, decks),
    ]


def _write_profile(profile: Path) -> None:
    """The private profile LibreOffice starts with: our settings, and the build it was
    last used with. A profile without that build makes LibreOffice clean its extension
    cache and then start itself again (desktop/source/app/app.cxx, cleanExtensionCache
    and SynchronizeExtensionRepositories): a second start, 0.1 s of every run."""
    profile.mkdir(parents=True)
    (profile / "registrymodifications.xcu").write_text(_profile(), encoding="utf-8")
    command = program()
    build = _build_id(Path(command).resolve().parent) if command else None
    if build is not None:
        (profile / "extensions").mkdir()
        (profile / "extensions" / "buildid").write_text(build, encoding="utf-8")


def _profile() -> str:
    """The private profile's settings, saying it was last used with this LibreOffice
    ("7.4", from `version()`) when the version is known."""
    found = re.search(r"\b(\d+)\.(\d+)\.", version())
    last = _LAST_VERSION.format(version=f"{found[1]}.{found[2]}") if found else ""
    return _PROFILE.format(last=last)


def _sandboxed(sandbox: str, work: Path) -> list[str]:
    """The bubblewrap command that runs what follows it with no network and only the
    programs, fonts and `work` to see."""
    arguments = [sandbox, "--unshare-all", "--die-with-parent", "--new-session"]
    for folder in _VISIBLE:
        arguments += ["--ro-bind-try", folder, folder]
    for hidden in _HIDDEN:
        if Path(hidden).exists():  # bubblewrap binds only over what is there
            arguments += ["--ro-bind", "/dev/null", hidden]
    for top in _TOP_LINKS:
        path = Path(top)
        if path.is_symlink():  # merged /usr (Debian 12): /lib -> usr/lib
            arguments += ["--symlink", str(path.readlink()), top]
        elif path.is_dir():
            arguments += ["--ro-bind", top, top]
    return [
        *arguments,
        *("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"),
        *("--bind", str(work), str(work), "--chdir", str(work)),
    ]


# What `_run` gives as the code of a run whose time was up.
TIMED_OUT = -1000


def _run(arguments: list[str], work: Path, limit: float) -> tuple[int, str]:
    """Run LibreOffice in its own process group; kill the group when time is up. Gives
    its exit code (TIMED_OUT when its time was up) and what it wrote to stderr."""
    process = subprocess.Popen(
        [*_limits(), *arguments],
        cwd=work,
        env=_environment(work),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    with _RUNNING_LOCK:
        _RUNNING[process] = _OWNER.get()
    try:
        _, errors = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        return TIMED_OUT, ""
    finally:
        _kill(process)  # whatever LibreOffice started and left behind (or all, if stopped)
        with _RUNNING_LOCK:
            _RUNNING.pop(process, None)
    return process.returncode, errors.decode("utf-8", "replace")


# Runs going on now, in any thread, each with the owner it was started for (`owned_by`):
# `stop` ends an owner's runs when their results are no longer wanted (a build stopped
# while slides are drawn ahead, readers/decks/pictures.py).
_RUNNING: dict[subprocess.Popen[bytes], object] = {}
_RUNNING_LOCK = threading.Lock()
_OWNER: contextvars.ContextVar[object] = contextvars.ContextVar("libreoffice_owner", default=None)


@contextmanager
def owned_by(owner: object) -> Iterator[None]:
    """Runs started in this block (in this thread) belong to `owner`."""
    token = _OWNER.set(owner)
    try:
        yield
    finally:
        _OWNER.reset(token)


def stop(owner: object) -> None:
    """Kill the runs of `owner` going on, with what they started; each ends in an error
    in the thread that waits for it."""
    with _RUNNING_LOCK:
        running = [process for process, whose in _RUNNING.items() if whose is owner]
    for process in running:
        _kill(process)


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait()


def _limits() -> list[str]:
    """The command that starts what follows it with a cap on its address space, on the
    size of any file it writes, and no core dump (util-linux's prlimit, on every Debian
    machine). A command rather than `preexec_fn`: that runs Python between fork and exec,
    which is unsafe once threads run (LibreOffice is started from worker threads)."""
    return [
        shutil.which("prlimit") or "prlimit",  # converted() checked that it is there
        f"--as={LIBREOFFICE_MEMORY}",
        f"--fsize={LIBREOFFICE_OUTPUT}",
        "--core=0",
        "--",
    ]


def _environment(work: Path) -> dict[str, str]:
    """A plain environment: the private folder as home and for temporary files, no
    display, no proxy settings."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TZ")}
    return {**keep, "HOME": str(work), "TMPDIR": str(work), "SAL_USE_VCLPLUGIN": "svp"}


def _failed(code: int, errors: str, what: str, limit: float) -> str:
    """What to say when LibreOffice ended without output; `what` it was doing, a phrase
    of its own ("drawing the slides as pictures", translated where it is made)."""
    if code == TIMED_OUT:
        return _(
            "LibreOffice did not finish {what} within {seconds} s, and was stopped; the file"
            " may be damaged, or far larger than a presentation needs. Open it in PowerPoint,"
            " Keynote or LibreOffice and save it again as .pptx, or ask the speaker for the"
            " file again"
        ).format(what=what, seconds=f"{limit:.0f}")
    if "bwrap:" in errors:
        detail = next(line for line in errors.splitlines() if "bwrap:" in line)
        return _(
            "the sandbox LibreOffice runs in could not start ({detail}), so {what} was not"
            " done; this machine must allow user namespaces (Debian does by default; see"
            " docs/security.md)"
        ).format(detail=detail.strip()[:160], what=what)
    if code < 0 and -code in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT):
        said = _(
            "LibreOffice could not finish {what}: it stopped (the file may need more memory"
            " than a presentation does); the file may be damaged or not a presentation."
            " Open it in PowerPoint, Keynote or LibreOffice and save it again as .pptx, or"
            " ask the speaker for the file again"
        )
        return said.format(what=what)
    detail = next(
        (line.strip() for line in errors.splitlines() if "Error" in line or "error" in line),
        "",
    )
    said = (
        _(
            "LibreOffice could not finish {what}: it gave no result ({detail}); the file may be"
            " damaged or not a presentation. Open it in PowerPoint, Keynote or LibreOffice and"
            " save it again as .pptx, or ask the speaker for the file again"
        )
        if detail
        else _(
            "LibreOffice could not finish {what}: it gave no result; the file may be damaged or"
            " not a presentation. Open it in PowerPoint, Keynote or LibreOffice and save it"
            " again as .pptx, or ask the speaker for the file again"
        )
    )
    return said.format(what=what, detail=detail[:160])
