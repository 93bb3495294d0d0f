"""A large report's PDF made in parts and joined (render/split.py, inparts.py, join.py).

The cut is forced with lowered limits on two events: a generated one with a group, a
poll, links between sessions and parts of several sessions (one cut falls inside the
group), and the sample cut after every session. Each joined PDF is compared with the
same page rendered whole: the same text on every page (the running header, the page
numbers and the table of contents' numbers included), and both pass PDF/UA-1 and
outloud. Its links, bookmarks, page numbers and structure tree are read back as well.
The default limits are met in `invoke bench --only build` (the 2,000-slide event).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from a11y import pdf_checks
from conftest import (
    TEMPLATES,
    MentiQuestion,
    SlideSpec,
    copy_sample,
    make_mentimeter,
    make_pptx,
    write_event,
)

from eventreport.assemble import assemble
from eventreport.build import build
from eventreport.errors import RenderError
from eventreport.house import load_house
from eventreport.manifest import load_event
from eventreport.render import inparts, report_pdf
from eventreport.render.html import render_page
from eventreport.render.pdf import write_pdf
from eventreport.render.split import PagePlan, plan
from eventreport.templating import environment

SLUG = "2024-05-16-netwerkdag"

EVENT = """
    title: Netwerkdag
    date: 2024-05-16
    place: Utrecht
    organiser: Testnetwerk
    language: nl
    lead: Een dag over samenwerken.
    speakers:
      anna:
        name: Anna de Vries
    decks:
      d1: {file: decks/d1.pptx}
      d2: {file: decks/d2.pptx}
      d3: {file: decks/d3.pptx}
      d4: {file: decks/d4.pptx}
      d5: {file: decks/d5.pptx}
      d6: {file: decks/d6.pptx}
    polls:
      menti:
        file: polls/menti.xlsx
    sessions:
      - id: welkom
        title: Welkom
        speakers: [anna]
      - id: stellingen
        title: Stellingen
      - group: Werkgroepen
        sessions:
          - id: werkgroep-a
            title: Werkgroep A
          - id: werkgroep-b
            title: Werkgroep B
          - id: werkgroep-c
            title: Werkgroep C
      - id: afsluiting
        title: Afsluiting
    closing: Meer weten? Lees [het verslag](https://example.org/verslag).
    links:
      - text: Mail ons
        url: mailto:info@example.org
"""


def _slides(deck: str) -> str:
    return f"```slides\ndeck: {deck}\nslides: 1-14\nshow: list\n```\n"


SESSIONS = {
    "welkom": "Welkom allemaal; aan het eind komt de [afsluiting](#afsluiting).\n\n"
    + _slides("d1"),
    "stellingen": "De stellingen.\n\n```poll\npoll: menti\nquestion: 1\n```\n\n" + _slides("d2"),
    "werkgroep-a": _slides("d3"),
    "werkgroep-b": _slides("d4"),
    "werkgroep-c": _slides("d5"),
    "afsluiting": "Terug naar het [welkom](#welkom).\n\n" + _slides("d6"),
}


def write_large_event(folder: Path) -> Path:
    """Six sessions of 14 slides (three of them in a group), a poll, links between them."""
    root = write_event(folder / SLUG, EVENT, SESSIONS)
    for number in range(1, 7):
        slides = [
            SlideSpec(
                f"Deck {number}, dia {n}: bevindingen",
                [f"Punt {n} van deck {number}", (f"Detail {n}", 1), f"Nog een punt {n}"],
            )
            for n in range(1, 15)
        ]
        make_pptx(root / "decks" / f"d{number}.pptx", slides)
    make_mentimeter(
        root / "polls" / "menti.xlsx", [MentiQuestion("Eens?", options=[("Ja", 8), ("Nee", 3)])]
    )
    return root


def print_html(event_dir: Path) -> str:
    """The page a build renders for the PDF of `event_dir`."""
    event = load_event(event_dir)
    report = replace(assemble(event), house=load_house(TEMPLATES, event_dir / "templates"))
    return render_page(environment(TEMPLATES, event_dir / "templates"), report, "print")


@dataclass(frozen=True)
class Joined:
    """A report built in parts, and the same page rendered whole."""

    pdf: Path
    """The joined PDF the build wrote."""
    whole: Path
    """The page as the parts show it (`PagePlan.whole_html`), rendered in one piece."""
    plan: PagePlan
    """Where the page was cut."""
    parts: list[list[int]]
    """The units of each part after the front."""
    event_dir: Path
    """The sources."""
    out_root: Path
    """The build folder."""
    part_bytes: int
    """The limit the parts were cut by."""


def build_in_parts(event_dir: Path, out_root: Path, part_bytes: int) -> Joined:
    """Build `event_dir` with the limits lowered so its PDF is made in parts of
    `part_bytes` of page, and render the same page whole beside it."""
    html = print_html(event_dir)
    cut: list[Any] = []

    def spied(*args: Any) -> Any:
        cut.append(args)
        return real(*args)

    real = inparts.make_in_parts
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report_pdf, "PDF_WHOLE_BYTES", 1)
        patch.setattr(report_pdf, "PDF_PART_BYTES", part_bytes)
        patch.setattr(inparts, "make_in_parts", spied)
        result = build(event_dir, out_root, cache=False)
    assert len(cut) == 1, "the PDF was not made in parts"
    found, parts = cut[0][1], cut[0][2]
    assert found.html == html
    pdf = result.outputs[1].path
    whole = out_root / "whole.pdf"
    write_pdf(found.whole_html(), pdf.parent, [event_dir, TEMPLATES], whole)
    return Joined(pdf, whole, found, parts, event_dir, out_root, part_bytes)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Joined:
    """The generated event in three parts after the front: two sessions each, the second
    cut inside the group."""
    base = tmp_path_factory.mktemp("inparts")
    event_dir = write_large_event(base / "sources")
    found = plan(print_html(event_dir))
    assert found is not None
    sizes = [u.end - u.start for u in found.units]
    pairs = max(a + b for a, b in zip(sizes[::2], sizes[1::2], strict=True))
    return build_in_parts(event_dir, base / "build", pairs)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Joined:
    """The sample event with every session a part of its own."""
    base = tmp_path_factory.mktemp("inparts-sample")
    return build_in_parts(copy_sample(base / "sources"), base / "build", 1)


@pytest.fixture(params=["large", "sample"])
def joined(request: pytest.FixtureRequest) -> Joined:
    found: Joined = request.getfixturevalue(request.param)
    return found


def page_texts(pdf: Path) -> list[str]:
    """Each page's text as poppler lays it out."""
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout.split("\f")[:-1]


def destinations(pdf: pikepdf.Pdf) -> dict[str, int]:
    """Named destination -> 0-based page."""
    pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    names = pdf.Root.Names.Dests.Names
    return {str(names[i]): pages[names[i + 1][0].objgen] for i in range(0, len(names), 2)}


def session_titles(event_dir: Path) -> dict[str, str]:
    return {s.id: s.title for s in load_event(event_dir).sessions}


def test_the_cut_falls_where_the_test_means_it(large: Joined, sample: Joined) -> None:
    assert [len(p) for p in large.parts] == [2, 2, 2]
    # The third part begins inside the group: its first session is the group's third.
    third = large.plan.units[large.parts[2][0]]
    assert third.group is not None and not third.first_in_group
    assert all(len(p) == 1 for p in sample.parts)
    assert len(sample.parts) == len(load_event(sample.event_dir).sessions)


def test_the_joined_pdf_reads_as_the_whole_render_page_for_page(joined: Joined) -> None:
    # Running header, page numbers, the contents' page numbers: all as rendered whole.
    parts, whole = page_texts(joined.pdf), page_texts(joined.whole)
    assert len(parts) == len(whole)
    assert [n for n, (a, b) in enumerate(zip(parts, whole, strict=True)) if a != b] == []


def test_the_joined_pdf_passes_pdf_ua_and_outloud(joined: Joined) -> None:
    assert pdf_checks(joined.pdf) == []


def flat(text: str) -> str:
    """`text` without white space (and soft hyphens): a title wrapped over lines is found."""
    return re.sub(r"[\s\xad]", "", text)


def text_in(pdf: Path, page: int, rect: list[float], height: float) -> str:
    """The text drawn inside `rect` (PDF points from the page's foot) on `page`."""
    (x1, x2), (y1, y2) = sorted(rect[::2]), sorted(rect[1::2])
    done = subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), "-x", str(int(x1)),
         "-y", str(int(height - y2)), "-W", str(int(x2 - x1) + 1), "-H", str(int(y2 - y1) + 1),
         str(pdf), "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def test_the_contents_link_to_each_session_with_its_page_number(joined: Joined) -> None:
    titles = session_titles(joined.event_dir)
    texts = page_texts(joined.pdf)
    shown: dict[str, str] = {}
    with pikepdf.open(joined.pdf) as pdf:
        where = destinations(pdf)
        for number, page in enumerate(pdf.pages[:2]):
            height = float(page.mediabox[3])
            for link in page.get("/Annots", []):
                if "/Dest" in link:
                    rect = [float(v) for v in link.Rect]
                    text = text_in(joined.pdf, number, rect, height)
                    shown[str(link.Dest)] = shown.get(str(link.Dest), "") + text
    for session, title in titles.items():
        page = where[session]
        assert flat(title) in flat(texts[page])  # the link leads to the session
        # The entry's own number (the last thing in its link) is that page's number.
        assert re.findall(r"\d+", shown[session])[-1] == str(page + 1), title


def test_bookmarks_lead_to_their_headings(joined: Joined) -> None:
    texts = page_texts(joined.pdf)
    with pikepdf.open(joined.pdf) as pdf, pdf.open_outline() as outline:
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        titles = []
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            titles.append(item.title)
            assert flat(item.title) in flat(texts[pages[item.destination[0].objgen]])
            stack += reversed(item.children)
    assert set(session_titles(joined.event_dir).values()) <= set(titles)


def outline_shape(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page) of every bookmark, in order."""
    with pikepdf.open(pdf) as doc, doc.open_outline() as outline:
        pages = {page.obj.objgen: n for n, page in enumerate(doc.pages)}
        found = []
        stack = [(item, 0) for item in reversed(outline.root)]
        while stack:
            item, depth = stack.pop()
            found.append((depth, item.title, pages[item.destination[0].objgen]))
            stack += [(child, depth + 1) for child in reversed(item.children)]
        return found


def tree_shape(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, structure type, number of kids) of every element of the structure tree."""
    with pikepdf.open(pdf) as doc:
        found = []
        stack = [(k, 0) for k in reversed(list(doc.Root.StructTreeRoot.K))]
        while stack:
            element, depth = stack.pop()
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                continue
            kids = element.get("/K")
            listed = (
                list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
            )
            found.append((depth, str(element.S), len(listed)))
            stack += [(k, depth + 1) for k in reversed(listed)]
        return found


def test_the_outline_and_the_structure_tree_are_the_whole_renders(joined: Joined) -> None:
    # Nested by the headings over all parts; the elements a cut went through (<main>,
    # a group) joined again: element for element what the whole render has.
    assert outline_shape(joined.pdf) == outline_shape(joined.whole)
    assert tree_shape(joined.pdf) == tree_shape(joined.whole)


def test_every_page_has_its_number_and_the_running_header(joined: Joined) -> None:
    texts = page_texts(joined.pdf)
    total = len(texts)
    title = load_event(joined.event_dir).title
    assert "Pagina" not in texts[0]  # the cover
    for number, text in enumerate(texts[1:], start=2):
        lines = [line.strip() for line in text.strip().splitlines()]
        assert lines[-1].endswith(f"Pagina {number} van {total}"), number
        if number < total:  # the colophon has no running header
            assert lines[0] == title, number


def test_one_parent_tree_numbered_over_all_pages(joined: Joined) -> None:
    with pikepdf.open(joined.pdf) as pdf:
        root = pdf.Root.StructTreeRoot
        assert len(root.K) == 1 and root.K[0].S == "/Document"
        # Page n's key is n; every link annotation has a key of its own, after them.
        pages = len(pdf.pages)
        assert [int(p.obj.StructParents) for p in pdf.pages] == list(range(pages))
        keys = [
            int(a.StructParent) for p in pdf.pages for a in p.get("/Annots", [])
            if "/StructParent" in a
        ]  # fmt: skip
        assert len(keys) == len(set(keys)) and min(keys) >= pages
        nums = root.ParentTree.Nums
        listed = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert listed == sorted(listed) and set(keys) | set(range(pages)) == set(listed)
        # Each annotation's entry is the Link that holds it.
        entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                link = entries[int(annotation.StructParent)]
                assert link.S == "/Link"
                assert any(
                    isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                    and k.Obj.objgen == annotation.objgen for k in link.K
                )  # fmt: skip


def test_a_link_to_a_session_in_another_part_leads_there(large: Joined) -> None:
    texts = page_texts(large.pdf)
    with pikepdf.open(large.pdf) as pdf:
        where = destinations(pdf)
        links = [
            (n, str(a.Dest))
            for n, page in enumerate(pdf.pages)
            for a in page.get("/Annots", [])
            if "/Dest" in a and n >= 2
        ]
        assert not [
            a for page in pdf.pages for a in page.get("/Annots", [])
            if "eventreport-anchor" in str(a.get("/A", {}).get("/URI", ""))
        ]  # fmt: skip
    back = [(page, name) for page, name in links if name == "welkom"]
    assert back and "Terug naar het welkom" in texts[back[0][0]]
    assert "Welkom allemaal" in texts[where["welkom"]]
    ahead = [(page, name) for page, name in links if name == "afsluiting"]
    assert ahead and ahead[0][0] < where["afsluiting"]


def test_rebuilds_in_parts_are_byte_identical(large: Joined, tmp_path: Path) -> None:
    again = build_in_parts(large.event_dir, tmp_path / "again", large.part_bytes)
    assert again.pdf.read_bytes() == large.pdf.read_bytes()
    # Cut elsewhere (every session a part), the report still reads the same.
    other = build_in_parts(large.event_dir, tmp_path / "other", 1)
    assert other.parts != large.parts
    assert page_texts(other.pdf) == page_texts(large.pdf)


def test_a_link_to_no_element_fails_as_in_one_piece(tmp_path: Path) -> None:
    event_dir = write_large_event(tmp_path / "sources")
    session = event_dir / "sessions" / "werkgroep-b.md"
    session.write_text("Zie [nergens](#nergens).\n\n" + _slides("d4"), encoding="utf-8")
    with pytest.raises(RenderError) as raised:
        build_in_parts(event_dir, tmp_path / "build", 1)
    assert "No anchor #nergens" in raised.value.message
    assert raised.value.path is not None and raised.value.path.name == f"{SLUG}.pdf"


def test_a_report_below_the_limit_is_made_whole(sample_build: Any) -> None:
    html = print_html(sample_build.event_dir)
    assert len(html) < report_pdf.PDF_WHOLE_BYTES
    assert report_pdf.in_parts(html) is None


def test_a_style_the_parts_cannot_follow_is_made_whole(tmp_path: Path) -> None:
    # A house style counting the sessions through the whole report: in parts each part
    # would count from 1 again, so the page is rendered in one piece.
    event_dir = write_large_event(tmp_path / "sources")
    css = (TEMPLATES / "print.css").read_text(encoding="utf-8")
    (event_dir / "templates").mkdir()
    (event_dir / "templates" / "print.css").write_text(
        css + "\nmain { counter-reset: sessie; } section.session { counter-increment: sessie; }"
        '\nsection.session h2::before { content: counter(sessie) ". "; }\n',
        encoding="utf-8",
    )
    html = print_html(event_dir)
    found = plan(html)
    assert found is not None and found.unsupported == "it counts across the document (sessie)"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report_pdf, "PDF_WHOLE_BYTES", 1)
        assert report_pdf.in_parts(html) is None
        result = build(event_dir, tmp_path / "build", cache=False)
    assert "1. Welkom" in "".join(page_texts(result.outputs[1].path))
