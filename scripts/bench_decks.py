"""Deck extraction speed and memory, against the floor and against markitdown.

Run from the project root (markitdown comes with the `bench` extra):

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python scripts/bench_decks.py [--repeat 7]

Over the decks in ../shared/corpus/decks (read in place), it times, in this process:
- ours: `read_deck` with hidden slides and notes (the same parts the floor parses);
- the floor: for PPTX, unzip plus an lxml parse of every slide, notes and diagram part,
  nothing else; for PDF, pypdf's own plain text extraction of every page;
- markitdown: `MarkItDown().convert` on the same files.
Each round runs all three, interleaved, so load on the machine hits them alike; the
figures are medians over the rounds. Then it reads a generated 500-slide deck, and a
generated 200 MB deck with an embedded video, each in a fresh process, and reports that
process's peak memory (resident set size); for the video deck also that of making its
publication copy (what a build offering it for download does).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from eventreport.readers import read_deck  # noqa: E402  (after the path set-up above)

DECKS = ROOT.parent / "shared" / "corpus" / "decks"
# Files that cannot be read by design (encrypted) are not part of a timing.
SKIP = {"tika_protected_passtika.pptx", "unstructured_password.pdf"}
FLOOR_PARTS = re.compile(r"ppt/(slides/slide|notesSlides/notesSlide|diagrams/data)\d+\.xml$")
# Per kind: (ours / floor at most, markitdown / ours at least).
TARGETS = {"pptx": (2.0, 3.0), "pdf": (None, 2.0)}
MEMORY_LIMIT_MIB = 200
VIDEO_MIB = 200

MEMORY_PROBE = """
import re, sys, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from eventreport.readers import read_deck

def high_water():
    # VmHWM, this process's peak resident memory in KiB. (ru_maxrss would carry the
    # benchmark's own peak over into the child: Linux keeps it across fork and exec.)
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))

before = high_water()
start = time.perf_counter()
if sys.argv[3] == "read":
    deck = read_deck(Path(sys.argv[1]), include_hidden=True, notes=True)
    count = len(deck.slides)
else:
    from eventreport.model import DeckSource
    from eventreport.publication import offered_copy

    source = DeckSource("film", Path(sys.argv[1]), "Film", False, False, True)
    count = offered_copy(source).size // 2**20
seconds = time.perf_counter() - start
print(count, before, high_water(), seconds)
"""


def floor_pptx(files: list[Path]) -> None:
    for path in files:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if FLOOR_PARTS.match(name):
                    etree.fromstring(archive.read(name))


def floor_pdf(files: list[Path]) -> None:
    from pypdf import PdfReader

    for path in files:
        for page in PdfReader(path).pages:
            page.extract_text()


def ours(files: list[Path]) -> None:
    for path in files:
        read_deck(path, include_hidden=True, notes=True)


def ours_default(files: list[Path]) -> None:
    for path in files:
        read_deck(path)


def markitdown_runner(failed: set[str]) -> Callable[[list[Path]], None] | None:
    try:
        from markitdown import MarkItDown
    except ImportError:
        return None
    converter = MarkItDown()  # built once: its set-up is not per file

    def run(files: list[Path]) -> None:
        for path in files:
            try:
                converter.convert(str(path))
            except Exception:  # its failures (.ppsx content) are a result, not a crash
                failed.add(path.name)

    return run


def measure(runs: dict[str, Callable[[list[Path]], None]], files: list[Path], repeat: int):
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run(files)  # warm-up: imports, caches, first-touch of the files
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run(files)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}, times


def report(kind: str, files: list[Path], repeat: int) -> None:
    runs: dict[str, Callable[[list[Path]], None]] = {
        "floor": floor_pptx if kind == "pptx" else floor_pdf,
        "ours": ours,
        "ours (default options)": ours_default,
    }
    failed: set[str] = set()
    markitdown = markitdown_runner(failed)
    if markitdown is not None:
        runs["markitdown"] = markitdown
    medians, times = measure(runs, files, repeat)
    floor_name = "unzip + lxml parse" if kind == "pptx" else "pypdf extract_text"
    print(f"\n{kind.upper()}: {len(files)} decks, median of {repeat} rounds")
    for name, value in medians.items():
        label = f"floor ({floor_name})" if name == "floor" else name
        spread = ", ".join(f"{t * 1000:.0f}" for t in times[name])
        print(f"  {label:34} {value * 1000:8.1f} ms   (rounds: {spread})")
    at_most, at_least = TARGETS[kind]
    ratio = medians["ours"] / medians["floor"]
    verdict = "" if at_most is None else f" (target <= {at_most:.1f}x: {_ok(ratio <= at_most)})"
    print(f"  ours / floor                       {ratio:8.2f}x{verdict}")
    if markitdown is None:
        print("  markitdown: not installed; pip install -e '.[bench]'")
        return
    ratio = medians["markitdown"] / medians["ours"]
    print(
        f"  markitdown / ours                  {ratio:8.2f}x "
        f"(target >= {at_least:.1f}x: {_ok(ratio >= at_least)})"
    )
    ratio = medians["markitdown"] / medians["floor"]
    print(f"  markitdown / floor                 {ratio:8.2f}x")
    if failed:
        print(f"  markitdown failed on (timed all the same): {', '.join(sorted(failed))}")


def make_big_deck(path: Path, slides: int = 500) -> Path:
    """A deck like a long real one: titles, nested bullets, a table and notes per slide."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    for number in range(1, slides + 1):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"Slide {number}: findings and next steps"
        body = slide.placeholders[1].text_frame
        body.text = f"Point {number} with a sentence of ordinary length for a slide"
        for level in (1, 2, 1, 0):
            paragraph = body.add_paragraph()
            paragraph.text = f"Detail at level {level} about item {number}"
            paragraph.level = level
        table = slide.shapes.add_table(4, 4, Inches(1), Inches(5), Inches(8), Inches(1.5)).table
        for row in range(4):
            for column in range(4):
                table.cell(row, column).text = f"r{row}c{column}"
        slide.notes_slide.notes_text_frame.text = f"Notes for slide {number}"
    prs.save(str(path))
    return path


def probe(path: Path, what: str = "read") -> tuple[int, float, float, float]:
    """(slides read, or MiB copied; MiB before; peak MiB; seconds) of a fresh process that
    reads `path` ("read") or makes its publication copy ("copy")."""
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path), str(ROOT / "src"), what],
        capture_output=True,
        text=True,
        check=True,
    )
    count, before, peak, seconds = done.stdout.split()
    return int(count), int(before) / 1024, int(peak) / 1024, float(seconds)


def make_video_deck(path: Path, mib: int = VIDEO_MIB) -> Path:
    """A one-slide deck whose video is `mib` MiB (stored, as video compresses no further)."""
    from pptx import Presentation
    from pptx.util import Inches

    small = path.with_suffix(".mp4")
    small.write_bytes(b"\0" * 1024)
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "A talk with a film"
    slide.shapes.add_movie(
        str(small), Inches(1), Inches(2), Inches(6), Inches(4), mime_type="video/mp4"
    )
    staged = path.with_suffix(".staged.pptx")
    prs.save(str(staged))
    with zipfile.ZipFile(staged) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            if info.filename.endswith(".mp4"):
                with dst.open(zipfile.ZipInfo(info.filename), "w", force_zip64=True) as out:
                    for _ in range(mib):
                        out.write(os.urandom(2**20))
            else:
                dst.writestr(info, src.read(info))
    return path


def memory() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = make_big_deck(Path(folder) / "big.pptx")
        slides, before, peak, seconds = probe(path)
        size = path.stat().st_size
    print(f"\nGenerated deck: {slides} slides, {size / 2**20:.1f} MiB, read in {seconds:.2f} s")
    print(
        f"  peak resident memory of the reading process: {peak:.0f} MiB "
        f"(of which {before:.0f} MiB before reading: Python and imports) "
        f"(target < {MEMORY_LIMIT_MIB} MiB: {_ok(peak < MEMORY_LIMIT_MIB)})"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = make_video_deck(Path(folder) / "film.pptx")
        size = path.stat().st_size
        slides, before, peak, seconds = probe(path)
        _, _, copy_peak, copy_seconds = probe(path, "copy")
    print(
        f"\nGenerated deck with a video: {slides} slide, {size / 2**20:.0f} MiB,"
        f" read in {seconds:.2f} s"
    )
    print(
        f"  peak resident memory of the reading process: {peak:.0f} MiB "
        f"(of which {before:.0f} MiB before reading) "
        f"(target < {MEMORY_LIMIT_MIB} MiB: {_ok(peak < MEMORY_LIMIT_MIB)})"
    )
    print(
        f"  making its publication copy (a build offering it): {copy_peak:.0f} MiB peak,"
        f" {copy_seconds:.1f} s"
    )


def _ok(good: bool) -> str:
    return "met" if good else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds per measurement")
    args = parser.parse_args()
    # pypdf and pdfminer log harmless repairs of the corpus PDFs; they are not results.
    logging.disable(logging.WARNING)
    files = sorted(p for p in DECKS.iterdir() if p.name not in SKIP)
    print(f"Corpus: {DECKS}")
    report("pptx", [p for p in files if p.suffix == ".pptx"], args.repeat)
    report("pdf", [p for p in files if p.suffix == ".pdf"], args.repeat)
    memory()


if __name__ == "__main__":
    main()
