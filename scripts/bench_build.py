"""Build speed and memory, in whole processes, against a bare WeasyPrint render.

Run from the project root:

    .venv/bin/python scripts/bench_build.py [--repeat 3] [--slides 200,2000]

In a scratch copy of the project (the real build/ and sources/ are left alone) it times
`invoke build` of the sample event as a person runs it, each a fresh process:
- cold: no build/ at all (no cache, no earlier output);
- cold, slides drawn: the same, with the slide pictures LibreOffice drew in an earlier build
  kept (build/.cache/slides): how much of a cold build is LibreOffice's;
- no-op: again, with nothing changed;
- one-session edit: one session's text changed, the rest as before;
- bare WeasyPrint: `weasyprint --pdf-variant pdf/ua-1` on the page the build renders for
  its PDF (the print rendering, with its fonts beside it), the floor for any build;
- the same, with WeasyPrint imported as the build's PDF engine imports it, without a
  compiler run for each name of its libraries (render/quickload.py): how much of the
  difference to the bare run comes from that import alone.
They run in turn in each round, seconds apart, so load on the machine hits them alike;
times are medians, and each ratio is the median of the rounds' own ratios (a round
compares runs made side by side; the load moves between rounds). Then generated events
of 200 and 2,000 slides (decks of 40 slides, each slide shown as a list) are built cold,
once each, with their peak memory, and the time per slide of the two compared (linear:
the same). A build is several processes (the build,
the PDF engine, its jobs: render/engine.py), so its memory is the sum over all of them,
sampled every 50 ms: of their proportional set sizes (PSS: a page two processes share
counts half in each, as the engine's jobs share what it imported), and, as a check, of
their resident sizes (RSS: shared pages counted in each) and the largest one alone.
Targets (issue 17): no-op <= 0.2x cold; edit < cold; cold <= 1.5x bare WeasyPrint;
2,000 slides under 500 MiB and linear (time per slide at most 1.25x that at 200).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SAMPLE = "2020-09-03-zorg-slachtoffers-mensenhandel"
EDITED = "sessions/welkom.md"
PER_DECK = 40
TARGETS = {"no-op": 0.2, "bare": 1.5, "memory_mib": 500, "linear": 1.25}
# The ratios taken round by round (see sample_figures): this run over that one.
BY_ROUND = {
    "cold": "bare WeasyPrint",
    "cold, slides drawn": "bare WeasyPrint",
    "no-op": "cold",
    "one-session edit": "cold",
}
# `weasyprint`, with WeasyPrint imported as the PDF engine imports it.
QUICK_WEASYPRINT = (
    "import sys; sys.path.insert(0, {src!r});"
    " from eventreport.render.quickload import import_weasyprint; import_weasyprint();"
    " from weasyprint.__main__ import main; sys.exit(main())"
)


def scratch_project(folder: Path) -> Path:
    """A project folder running this checkout's code and templates on a copy of the sample:
    src/ and templates/ linked; tasks.py copied (it finds sources/ and build/ beside
    itself) and sources/ too."""
    project = folder / "project"
    project.mkdir()
    for name in ("src", "templates"):
        (project / name).symlink_to(ROOT / name)
    shutil.copy(ROOT / "tasks.py", project / "tasks.py")
    shutil.copytree(ROOT / "sources" / SAMPLE, project / "sources" / SAMPLE)
    return project


@dataclass(frozen=True)
class Memory:
    """Peak memory of a command and every process it started, in MiB."""

    pss: float
    """The largest sum of the processes' proportional set sizes at one moment."""
    rss: float
    """The largest sum of their resident set sizes at one moment."""
    largest: float
    """The peak resident set size of the largest process alone (getrusage)."""


def run(command: list[str], cwd: Path, sample: bool = False) -> tuple[float, Memory]:
    """Wall seconds and peak memory of `command` and the processes it starts; their sums
    only when `sample` (the sampling costs a little time)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peaks = [0, 0]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            pss, rss = _tree_memory(process.pid)
            peaks[0], peaks[1] = max(peaks[0], pss), max(peaks[1], rss)

    watcher = threading.Thread(target=watch, daemon=True)
    if sample:
        watcher.start()
    # Read the output while it runs: a build of many files says more than a pipe holds.
    output: list[bytes] = []
    readers = [
        threading.Thread(target=lambda s=stream: output.append(s.read()), daemon=True)
        for stream in (process.stdout, process.stderr)
    ]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    for thread in (*readers, *([watcher] if sample else [])):
        thread.join()
    if os.waitstatus_to_exitcode(status) != 0:
        text = b"\n".join(output).decode(errors="replace")
        raise SystemExit(f"{' '.join(command)} failed:\n{text}")
    return seconds, Memory(peaks[0] / 1024, peaks[1] / 1024, usage.ru_maxrss / 1024)


def _tree_memory(root: int) -> tuple[int, int]:
    """Summed PSS and RSS, in KiB, of `root` and all its descendants now."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            parents.setdefault(parent, []).append(int(entry.name))
    pss = rss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        stack += parents.get(pid, [])
        try:
            lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue  # ended meanwhile
        for line in lines:
            if line.startswith("Pss:"):
                pss += int(line.split()[1])
            elif line.startswith("Rss:"):
                rss += int(line.split()[1])
    return pss, rss


def invoke_build(
    project: Path, event: str | None = None, sample: bool = False
) -> tuple[float, Memory]:
    command = [str(Path(sys.executable).parent / "invoke"), "build"]
    return run([*command, "--event", event] if event else command, project, sample)


def print_html(project: Path, slug: str) -> str:
    """The page the build renders for its PDF."""
    from dataclasses import replace

    from eventreport.assemble import assemble
    from eventreport.build import TEMPLATES
    from eventreport.house import load_house
    from eventreport.manifest import load_event
    from eventreport.render.html import render_page
    from eventreport.templating import environment

    event_dir = project / "sources" / slug
    event = load_event(event_dir)
    report = replace(assemble(event), house=load_house(TEMPLATES, event_dir / "templates"))
    return render_page(environment(TEMPLATES, event_dir / "templates"), report, "print")


def print_page(project: Path, slug: str, folder: Path) -> Path:
    """The page the build renders for its PDF, written beside a copy of its output (fonts,
    logo, decks), for WeasyPrint to render on its own."""
    html = print_html(project, slug)
    shutil.copytree(project / "build" / slug, folder)
    (folder / "print.html").write_text(html, encoding="utf-8")
    return folder / "print.html"


def sample_figures(project: Path, repeat: int) -> dict[str, float]:
    invoke_build(project)  # warm the disk cache and Python's bytecode, once
    bare_page = print_page(project, SAMPLE, project.parent / "bare")
    weasyprint = Path(sys.executable).parent / "weasyprint"
    arguments = ["--pdf-variant", "pdf/ua-1", "print.html", "out.pdf"]
    quick = [sys.executable, "-c", QUICK_WEASYPRINT.format(src=str(ROOT / "src")), *arguments]
    session = project / "sources" / SAMPLE / EDITED
    original = session.read_text(encoding="utf-8")
    runs: dict[str, Callable[[int], float]] = {
        "cold": lambda _: _cold(project),
        "cold, slides drawn": lambda _: _cold(
            project, keep=project / "build" / ".cache" / "slides"
        ),
        "no-op": lambda _: invoke_build(project)[0],
        "one-session edit": lambda n: _edited(project, session, original, n),
        "bare WeasyPrint": lambda _: run([str(weasyprint), *arguments], bare_page.parent)[0],
        "bare, quick import": lambda _: run(quick, bare_page.parent)[0],
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for number in range(repeat):
        for name, measure in runs.items():
            times[name].append(measure(number))
    print(f"\nSample event ({SAMPLE}), whole processes, median of {repeat} rounds")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        spread = ", ".join(f"{t:.2f}" for t in times[name])
        print(f"  {name:20} {value:6.2f} s   (rounds: {spread})")
    # The runs of one round are seconds apart, so load on the shared machine hits them
    # alike, while it moves from round to round: each round's own ratio compares builds
    # measured side by side, and the targets take the median of those.
    for name, over in BY_ROUND.items():
        ratios = [a / b for a, b in zip(times[name], times[over], strict=True)]
        medians[f"{name} / {over}"] = statistics.median(ratios)
        listed = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"  {name} / {over}, round by round: {listed}")
    return medians


def _cold(project: Path, keep: Path | None = None) -> float:
    """A build with no build/ at all; with `keep`, that folder of the cache is put back
    first (what LibreOffice drew of the slides shown as pictures: a second figure that
    says how much of a cold build is LibreOffice's)."""
    aside = project.parent / "kept-aside"
    if keep is not None:
        shutil.rmtree(aside, ignore_errors=True)
        shutil.move(keep, aside)
    shutil.rmtree(project / "build", ignore_errors=True)
    if keep is not None:
        keep.parent.mkdir(parents=True)
        shutil.move(aside, keep)
    return invoke_build(project)[0]


def _edited(project: Path, session: Path, original: str, number: int) -> float:
    invoke_build(project)  # start from an up-to-date build
    session.write_text(original + f"\nEen zin die er in ronde {number + 1} bij kwam.\n")
    try:
        return invoke_build(project)[0]
    finally:
        session.write_text(original, encoding="utf-8")


def make_event(root: Path, decks: int) -> Path:
    """An event of `decks` sessions, each showing all PER_DECK slides of its own deck."""
    from pptx import Presentation

    (root / "decks").mkdir(parents=True)
    (root / "sessions").mkdir()
    template = root.parent / "template.pptx"
    if not template.exists():
        prs = Presentation()
        for n in range(1, PER_DECK + 1):
            slide = prs.slides.add_slide(prs.slide_layouts[1])
            slide.shapes.title.text = f"DECKID, slide {n}: findings and next steps"
            body = slide.placeholders[1].text_frame
            body.text = f"DECKID, point {n}: a sentence of ordinary length for a slide"
            for level in (1, 1, 0, 1, 0):
                paragraph = body.add_paragraph()
                paragraph.text = f"Detail at level {level} about item {n} of DECKID, in words"
                paragraph.level = level
        prs.save(str(template))
    yaml = ["title: Grote bijeenkomst", "date: 2024-05-01", "place: online", "organiser: Test",
            "language: nl", "lead: Een verslag met veel dia's.", "speakers:"]  # fmt: skip
    yaml += [f"  s{d:02}:\n    name: Spreker {d:02}" for d in range(1, decks + 1)]
    yaml += ["decks:"] + [
        f"  deck{d:02}:\n    file: decks/deck{d:02}.pptx" for d in range(1, decks + 1)
    ]
    yaml += ["sessions:"]
    for d in range(1, decks + 1):
        # Each deck's own text, so no two decks are the same file.
        with (
            zipfile.ZipFile(template) as src,
            zipfile.ZipFile(root / "decks" / f"deck{d:02}.pptx", "w", zipfile.ZIP_DEFLATED) as out,
        ):
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename.startswith("ppt/slides/slide"):
                    data = data.replace(b"DECKID", f"Deck {d:02}".encode())
                out.writestr(info, data)
        yaml.append(f"  - id: sessie-{d:02}\n    title: Sessie {d:02}\n    speakers: [s{d:02}]")
        (root / "sessions" / f"sessie-{d:02}.md").write_text(
            f"Inleiding van sessie {d:02}.\n\n```slides\ndeck: deck{d:02}\n"
            f"slides: 1-{PER_DECK}\nshow: list\n```\n",
            encoding="utf-8",
        )
    (root / "event.yaml").write_text("\n".join(yaml) + "\n", encoding="utf-8")
    return root


def large_figures(project: Path, counts: list[int]) -> dict[int, tuple[float, Memory]]:
    from eventreport.render.report_pdf import in_parts

    print(f"\nGenerated events (decks of {PER_DECK} slides, every slide as a list), cold builds")
    print("  peak memory of all the build's processes together: PSS (RSS; largest one alone)")
    found = {}
    for slides in counts:
        slug = f"2024-05-01-groot-{slides}"
        make_event(project / "sources" / slug, slides // PER_DECK)
        shutil.rmtree(project / "build", ignore_errors=True)
        seconds, peak = invoke_build(project, slug, sample=True)
        found[slides] = (seconds, peak)
        cut = in_parts(print_html(project, slug))
        how = f"in {len(cut[1]) + 1} parts" if cut else "whole"
        pages = _pdf_pages(project / "build" / slug / f"{slug}.pdf")
        print(
            f"  {slides:5} slides  {seconds:7.1f} s  {seconds / slides * 1000:6.1f} ms a slide"
            f"  {peak.pss:4.0f} MiB ({peak.rss:4.0f}; {peak.largest:4.0f})"
            f"  {pages} pages, PDF made {how}"
        )
        shutil.rmtree(project / "sources" / slug)
    return found


def _pdf_pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as opened:
        return len(opened.pages)


def verdicts(sample: dict[str, float], large: dict[int, tuple[float, Memory]]) -> None:
    print("\nRatios and targets (medians of the rounds' own ratios)")
    noop = sample["no-op / cold"]
    _verdict("no-op / cold", noop, f"<= {TARGETS['no-op']}", noop <= TARGETS["no-op"])
    edit = sample["one-session edit / cold"]
    _verdict("one-session edit / cold", edit, "< 1", edit < 1)
    bare = sample["cold / bare WeasyPrint"]
    _verdict("cold / bare WeasyPrint", bare, f"<= {TARGETS['bare']}", bare <= TARGETS["bare"])
    # The sample shows two slides as pictures (issue 15), drawn by LibreOffice in a cold
    # build: work a bare WeasyPrint run does not do. The same ratio with those drawings
    # kept says what the rest of the build costs.
    drawn = sample["cold, slides drawn / bare WeasyPrint"]
    _verdict("cold, slides drawn / bare", drawn, f"<= {TARGETS['bare']}", drawn <= TARGETS["bare"])
    # For comparison, not a target: the ratios of the medians, and the cold build against
    # a bare run importing WeasyPrint without the library search, as the PDF engine does.
    cold = sample["cold"]
    print(f"  {'cold / bare, medians':32} {cold / sample['bare WeasyPrint']:8.2f}x")
    print(f"  {'cold / bare with quick import':32} {cold / sample['bare, quick import']:8.2f}x")
    if len(large) >= 2:
        small, big = min(large), max(large)
        per_small, per_big = large[small][0] / small, large[big][0] / big
        linear = per_big / per_small
        _verdict(
            f"time a slide, {big} / {small}", linear, f"<= {TARGETS['linear']}",
            linear <= TARGETS["linear"],
        )  # fmt: skip
    for slides, (_, peak) in sorted(large.items()):
        if slides >= 2000:
            limit = TARGETS["memory_mib"]
            label = f"peak MiB at {slides} slides (PSS)"
            _verdict(label, peak.pss, f"< {limit}", peak.pss < limit, "")


def _verdict(label: str, value: float, target: str, met: bool, unit: str = "x") -> None:
    print(f"  {label:32} {value:8.2f}{unit}  (target {target}: {'met' if met else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds for the sample's figures")
    parser.add_argument(
        "--slides", default="200,2000", help="sizes of the generated events ('' for none)"
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.slides.split(",") if n.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-build-") as folder:
        project = scratch_project(Path(folder))
        sample = sample_figures(project, args.repeat)
        large = large_figures(project, counts) if counts else {}
    verdicts(sample, large)


if __name__ == "__main__":
    main()
