"""Shared helpers: inline event folders, generated decks and poll exports, one sample build.

Binary inputs are made here by code (python-pptx, openpyxl), never kept as blobs; real
files are read from `../shared/` beside the project root, never copied into it.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fixtures
import pytest

# Messages in English whatever the machine's locale or invoke.yaml say (docs/translating.md):
# the tests compare wording, and every `invoke` they start inherits this.
os.environ["INVOKE_EVENTREPORT_LANGUAGE"] = "en"

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seed" / "000_cd365549307deba2.txt"
SAMPLE_SLUG = "2020-09-03-zorg-slachtoffers-mensenhandel"
SAMPLE = ROOT / "sources" / SAMPLE_SLUG
TEMPLATES = ROOT / "templates"


def pytest_configure(config: pytest.Config) -> None:
    # The seed and the real-world corpus are part of the test suite; without them the
    # run would skip the checks that matter most, so it stops instead.
    if not SEED.is_file() or not (SHARED / "corpus" / "decks").is_dir():
        raise pytest.UsageError(
            f"{SHARED} is missing: the tests read the seed report and the real decks and"
            " polls from ../shared beside the project's root; put it there"
        )


# --- Inline event folders ------------------------------------------------------------


def write_event(
    root: Path,
    event_yaml: str,
    sessions: dict[str, str] | None = None,
    files: dict[str, bytes | str] | None = None,
) -> Path:
    """Write `root/event.yaml`, `root/sessions/<name>.md` and any other files; return root.

    Texts are dedented, so tests can indent them inline.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "event.yaml").write_text(textwrap.dedent(event_yaml).lstrip("\n"), encoding="utf-8")
    for name, text in (sessions or {}).items():
        path = root / "sessions" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for name, content in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line of `path` holding `needle` (the n-th such line)."""
    found = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            found += 1
            if found == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


# --- Generated slide decks -----------------------------------------------------------


@dataclass
class SlideSpec:
    """One generated slide: a title and list entries (text, level)."""

    title: str | None
    bullets: Sequence[str | tuple[str, int]] = ()
    hidden: bool = False
    notes: str | None = None
    table: Sequence[Sequence[str]] | None = None


def make_pptx(path: Path, slides: Iterable[SlideSpec]) -> Path:
    """A .pptx made with python-pptx's default template: title (and content) layouts."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    for spec in slides:
        layout = prs.slide_layouts[1 if spec.bullets else 5]
        slide = prs.slides.add_slide(layout)
        if spec.title is not None:
            slide.shapes.title.text_frame.text = spec.title
        if spec.bullets:
            frame = slide.placeholders[1].text_frame
            for n, bullet in enumerate(spec.bullets):
                text, level = (bullet, 0) if isinstance(bullet, str) else bullet
                paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
                paragraph.text = text
                paragraph.level = level
        if spec.table:
            rows, cols = len(spec.table), len(spec.table[0])
            shape = slide.shapes.add_table(
                rows, cols, Inches(0.5), Inches(2), Inches(8), Inches(0.4 * rows)
            )
            for r, row in enumerate(spec.table):
                for c, cell in enumerate(row):
                    shape.table.cell(r, c).text = cell
        if spec.hidden:
            slide._element.set("show", "0")
        if spec.notes:
            slide.notes_slide.notes_text_frame.text = spec.notes
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path


# --- Generated Mentimeter exports ----------------------------------------------------


@dataclass
class MentiQuestion:
    """One Mentimeter slide: `options` None writes 'No votes for this session'."""

    title: str
    type: str = "choices"
    options: Sequence[tuple[str, int]] | None = ()
    responses: Sequence[str] = field(default_factory=list)


def make_mentimeter(path: Path, questions: Sequence[MentiQuestion]) -> Path:
    """A Mentimeter "Download results" workbook laid out as in shared/formats/poll-exports.md.

    The block layout comes from the readers' fixture builders (tests/fixtures.py).
    """
    from fixtures import make_workbook, menti_block

    voters: list[list[Any]] = [
        ["Note: there are more sheets in this document"],
        [
            "Each session is found on its own sheet below. "
            "There is a session for each time you have renewed these questions."
        ],
        ["Date", "Session", "Voter"]
        + [f"{q.title}: 1" if q.type == "open" else f"{q.title}:" for q in questions],
        ["2020-09-03", 1, 1],
    ]
    rows: list[list[Any]] = []
    for number, q in enumerate(questions, 1):
        options = q.options or ()
        respondents = len(q.responses) if q.type == "open" else sum(c for _, c in options)
        voted = q.options is not None and (q.type == "open" or respondents > 0)
        rows += menti_block(
            f"Question {number}",
            q.type,
            q.title,
            respondents,
            date="2020-09-03" if voted else "",
            session=1,
        )
        if q.options is None:
            rows.append(["No votes for this session"])
        elif q.type == "open":
            rows += [["Responses"], *([r] for r in q.responses)]
        else:
            rows += [["Choices", "Votes"], *([label, count] for label, count in options)]
        rows.append([])
    path.parent.mkdir(parents=True, exist_ok=True)
    return make_workbook(path, {"Voters": voters, "Session 1": rows})


# --- Text normalisation shared by the seed and build checks --------------------------

_QUOTES = dict.fromkeys(map(ord, "‘’“”'\"‚„"), None)
_DASHES = str.maketrans({"–": "-", "—": "-"})


def normalise(text: str) -> str:
    """Typography-insensitive text: NFKC, no quote marks, '-' dashes, one space, casefolded."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).translate(_DASHES)
    return re.sub(r"\s+", " ", text).strip().casefold()


# --- The sample event, built once per test session -----------------------------------


@dataclass(frozen=True)
class SampleBuild:
    """A build of a tmp copy of the sample event."""

    event_dir: Path
    """The copied sources."""
    out: Path
    """The output folder of the event (`out_root/<slug>`)."""
    result: Any
    """The `BuildResult`."""

    @property
    def html(self) -> Path:
        return self.out / "index.html"

    @property
    def pdf(self) -> Path:
        return self.out / f"{SAMPLE_SLUG}.pdf"


def copy_sample(target_parent: Path) -> Path:
    """A copy of the sample event's sources under `target_parent/<slug>`."""
    target = target_parent / SAMPLE_SLUG
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    """The sample event built once for every test that only reads its output."""
    from eventreport.build import build

    base = tmp_path_factory.mktemp("sample")
    event_dir = copy_sample(base / "sources")
    out_root = base / "build"
    result = build(event_dir, out_root)
    return SampleBuild(event_dir, out_root / SAMPLE_SLUG, result)


@pytest.fixture(scope="session")
def sample_tree(sample_build: SampleBuild) -> Any:
    """The sample's index.html parsed with lxml."""
    import lxml.html

    return lxml.html.parse(str(sample_build.html)).getroot()


# --- Generated files shared by the reader and extract tests ---------------------------


@pytest.fixture(scope="module")
def deck_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A deck with every kind of block (tests/fixtures.py: make_deck)."""
    return fixtures.make_deck(tmp_path_factory.mktemp("deck"))


@pytest.fixture(scope="module")
def menti_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Mentimeter export with every slide type (tests/fixtures.py: make_mentimeter)."""
    return fixtures.make_mentimeter(tmp_path_factory.mktemp("menti"))
