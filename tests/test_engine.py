"""The PDF engine's process (render/engine.py, worker.py): what a build meets when a render
fails, dies or is stopped, and when the engine cannot start at all."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventreport.errors import RenderError
from eventreport.render import worker
from eventreport.render.engine import PdfEngine
from eventreport.render.report_pdf import make_pdf

PAGE = '<html lang="nl"><head><title>Proef</title></head><body><p>{}</p></body></html>'
# Long enough that its render is still running when the test acts on it.
LONG = PAGE.format("<p>Een alinea die de pagina vult. " * 30_000)


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def running_job(engine: PdfEngine, target: Path) -> tuple[int, int]:
    """Start a long render; returns its job number and the pid of the process doing it."""
    job = engine.submit("whole", target=str(target), html=LONG, base=str(target.parent),
                        allowed=[])  # fmt: skip
    for _ in range(400):
        if found := children(engine.process.pid):
            return job, found[0]
        time.sleep(0.05)
    raise AssertionError("the job never started")


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie not yet reaped by its parent counts as gone.
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")


def test_an_engine_error_reaches_the_build_as_it_was_raised(tmp_path: Path) -> None:
    (tmp_path / "elders.png").write_bytes(b"not read")
    page = tmp_path / "page"
    page.mkdir()
    html = PAGE.format('<img src="../elders.png" alt="Een plaatje">')
    with pytest.raises(RenderError) as raised:
        make_pdf(None, html, page, [], page / "verslag.pdf")
    assert raised.value.path == page / "verslag.pdf"
    assert raised.value.message.startswith("a resource could not be used: refusing to fetch")


def test_a_file_error_in_the_engine_is_a_file_error_here(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "verslag.pdf"
    with pytest.raises(OSError) as raised:
        make_pdf(None, PAGE.format("Tekst"), tmp_path, [], target)
    assert raised.value.errno == errno.ENOENT
    assert raised.value.filename == str(target)


def test_a_render_that_dies_is_a_clear_error(tmp_path: Path) -> None:
    with PdfEngine() as engine:
        job, pid = running_job(engine, tmp_path / "verslag.pdf")
        os.kill(pid, 9)  # as the kernel does to a process when memory runs out
        with pytest.raises(RenderError) as raised:
            engine.result(job, tmp_path / "verslag.pdf")
        assert "the PDF engine stopped while making it (signal 9)" in raised.value.message
        # The engine itself goes on: the next job is made.
        done = engine.run("whole", tmp_path / "x.pdf", html=PAGE.format("Tekst"),
                          base=str(tmp_path), allowed=[])  # fmt: skip
        assert done["pages"] == 1


def test_stopping_the_build_stops_the_engine_and_its_jobs(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), PdfEngine() as engine:
        worker = engine.process.pid
        _, job = running_job(engine, tmp_path / "verslag.pdf")
        raise KeyboardInterrupt  # Ctrl-C in the build, while the job runs
    assert gone(worker)
    for _ in range(100):
        if gone(job):
            break
        time.sleep(0.05)
    assert gone(job)
    assert not (tmp_path / "verslag.pdf").exists()


def test_an_engine_that_cannot_start_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A broken installation: WeasyPrint cannot be imported in the engine's process.
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('libpango-1.0.so.0 not found')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "fake"))
    with pytest.raises(RenderError) as raised:
        make_pdf(None, PAGE.format("Tekst"), tmp_path, [], tmp_path / "verslag.pdf")
    assert raised.value.message == (
        "the PDF engine could not start (ImportError: libpango-1.0.so.0 not found); run setup again"
    )


# --- How the engine starts: WeasyPrint's libraries, and what it makes before a job ------

_COUNT_LOOKUPS = """
import ctypes.util, json, sys
real, asked = ctypes.util.find_library, []
def recording(name):
    asked.append(name)
    return real(name)
ctypes.util.find_library = recording
{how}
import io, weasyprint
weasyprint.HTML(string="<p>Tekst</p>").write_pdf(io.BytesIO())
print(json.dumps(asked))
"""


def lookups(how: str) -> list[str]:
    """The names `ctypes.util.find_library` was asked for while WeasyPrint was imported
    `how`, in a fresh process (which then renders a page, to show the import worked)."""
    done = subprocess.run([sys.executable, "-c", _COUNT_LOOKUPS.format(how=how)],
                          capture_output=True, text=True, check=True)  # fmt: skip
    found = json.loads(done.stdout.splitlines()[-1])
    assert isinstance(found, list)
    return found


def test_the_engine_loads_weasyprints_libraries_without_searching_for_them() -> None:
    # On its own, WeasyPrint has cffi search (ldconfig, then gcc and ld) for every name
    # of a library the loader cannot open as it is: a third of a second on Debian 12.
    assert len(lookups("import weasyprint")) >= 4
    how = "from eventreport.render.quickload import import_weasyprint; import_weasyprint()"
    assert lookups(how) == []


def test_without_the_loader_the_engine_searches_as_weasyprint_would() -> None:
    # A library only a compiler's search path holds: the loader alone cannot open it, so
    # the first import fails and the second one searches.
    how = """
import cffi
from eventreport.render import quickload
plain = cffi.FFI.dlopen
def dlopen(self, name, *args):
    if ctypes.util.find_library is quickload._not_found:
        raise OSError(f"cannot load library {name!r}")
    return plain(self, name, *args)
cffi.FFI.dlopen = dlopen
quickload.import_weasyprint()
"""
    assert len(lookups(how)) >= 4


def test_a_warmed_engine_makes_the_same_pdf(tmp_path: Path) -> None:
    html = (
        '<html lang="nl"><head><title>Proef</title></head><body><p style="hyphens: auto">'
        + "Ketensamenwerkingsafspraken en mensenhandelbestrijding. " * 40
        + "</p></body></html>"
    )
    made = []
    for warm in (False, True):
        target = tmp_path / f"{warm}.pdf"
        with PdfEngine() as engine:
            if warm:
                engine.warm("nl")
            engine.run("whole", target, html=html, base=str(tmp_path), allowed=[])
        made.append(target.read_bytes())
    assert made[0] == made[1]


def test_warming_loads_the_languages_hyphenation_patterns() -> None:
    import pyphen

    path = pyphen.LANGUAGES[pyphen.language_fallback("nl")]
    pyphen.hdcache.pop(path, None)
    worker._warm("nl")
    assert path in pyphen.hdcache
