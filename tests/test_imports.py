"""A command loads only what its input needs (issue 17): importing a library costs more
than reading a deck. Each case runs the real task in a fresh interpreter and lists the
heavy modules it loaded, from sys.modules."""

from __future__ import annotations

import importlib
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, SAMPLE_SLUG, SHARED, copy_sample

from eventreport.imports import without

HEAVY = ("openpyxl", "pypdfium2", "pypdf", "weasyprint", "pikepdf", "numpy", "page", "jinja2",
         "markdown_it", "phonenumbers", "fontTools", "cattrs")  # fmt: skip

# Runs `invoke ARGS` in this interpreter, then prints which of HEAVY it loaded.
_PROBE = """
import json, sys
heavy = json.loads(sys.argv[1])
sys.argv = ["invoke", *sys.argv[2:]]
from invoke.main import program
try:
    program.run()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print("LOADED " + json.dumps(sorted(m for m in heavy if m in sys.modules)))
sys.exit(code)
"""


def loaded(project: Path, *args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(HEAVY), *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return set(json.loads(done.stdout.rpartition("LOADED ")[2]))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("imports") / "project"
    root.mkdir()
    shutil.copy(ROOT / "tasks.py", root / "tasks.py")
    copy_sample(root / "sources")
    return root


def test_extract_on_a_pptx_loads_no_workbook_pdf_or_render_library(project: Path) -> None:
    deck = SAMPLE / "decks" / "bekken-trajectbenadering.pptx"
    assert loaded(project, "extract", str(deck)).isdisjoint(
        {"openpyxl", "pypdfium2", "pypdf", "weasyprint", "pikepdf", "numpy", "jinja2"}
    )


def test_extract_loads_a_readers_libraries_when_its_file_needs_them(project: Path) -> None:
    # The other side of the test above: the lazy imports still happen where they must.
    assert "pypdfium2" in loaded(
        project, "extract", str(SAMPLE / "decks" / "sonderman-sekse-gerichte-benadering.pdf")
    )
    poll = SAMPLE / "polls" / "mentimeter-resultaten.xlsx"
    assert "openpyxl" in loaded(project, "extract", str(poll))


def test_pypdf_is_loaded_for_a_pdf_written_right_to_left_only(project: Path) -> None:
    # pypdf keeps right-to-left text in logical order (readers/decks/pdf.py); a deck
    # written left to right is read by PDFium alone.
    ltr = loaded(
        project, "extract", str(SAMPLE / "decks" / "sonderman-sekse-gerichte-benadering.pdf")
    )
    assert "pypdf" not in ltr
    assert "pypdf" in loaded(
        project, "extract", str(SHARED / "corpus" / "decks" / "docling_rtl_powerpoint.pdf")
    )


def test_reading_a_workbook_never_loads_numpy(project: Path) -> None:
    # openpyxl imports numpy whenever it is installed (it is, for outloud), only to accept
    # numpy numbers written into a sheet; reading an export never needs it.
    assert importlib.util.find_spec("numpy") is not None
    poll = SAMPLE / "polls" / "mentimeter-resultaten.xlsx"
    found = loaded(project, "extract", str(poll))
    assert "openpyxl" in found
    assert "numpy" not in found


def test_without_hides_a_module_only_inside_the_block() -> None:
    name = "colorsys"  # installed with Python; set aside here if something loaded it
    loaded_before = sys.modules.pop(name, None)
    try:
        with without(name), pytest.raises(ImportError):
            importlib.import_module(name)
        assert importlib.import_module(name).__name__ == name  # importable again after it
    finally:
        sys.modules.pop(name, None)
        if loaded_before is not None:
            sys.modules[name] = loaded_before
    with without("json"):
        assert importlib.import_module("json") is sys.modules["json"]  # loaded: left as is


def test_a_build_with_nothing_to_do_loads_nothing_heavy(project: Path) -> None:
    first = loaded(project, "build")
    # The build's own process reads the sources; WeasyPrint runs in the PDF engine's
    # process (render/engine.py), and numpy nowhere.
    assert {"openpyxl", "jinja2"} <= first
    assert not {"weasyprint", "numpy"} & first
    assert loaded(project, "build") == set()
    assert (project / "build" / f".{SAMPLE_SLUG}.built.json").is_file()


def test_proof_status_renders_no_pdf_and_loads_no_pdf_engine(project: Path) -> None:
    assert "weasyprint" not in loaded(project, "proofs", "--status")


def test_a_rebuild_after_an_edit_loads_no_font_tools(project: Path) -> None:
    # The typeface's files come from the build cache once made (render/fonts.py).
    loaded(project, "build")
    session = project / "sources" / SAMPLE_SLUG / "sessions" / "welkom.md"
    text = session.read_text(encoding="utf-8")
    session.write_text(text + "\nEen zin die er bij kwam.\n", encoding="utf-8")
    try:
        found = loaded(project, "build")
    finally:
        session.write_text(text, encoding="utf-8")
    assert "jinja2" in found  # the page was rendered again
    assert "fontTools" not in found
