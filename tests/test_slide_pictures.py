"""Slides shown as pictures (`show: image`): drawn from the publication copy, with their
text as the picture's description, kept in the cache, accessible in HTML and PDF."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pikepdf
import pypdfium2 as pdfium
import pytest
from a11y import (
    axe_violations,
    htmlcs_errors,
    pdf_report,
    require_browser,
    require_vnu,
    vnu_errors,
)
from conftest import SHARED, write_event
from fixtures import make_odp
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Inches

from eventreport import build as building
from eventreport.build import build
from eventreport.errors import ReadError, SourceError
from eventreport.limits import LIBREOFFICE_MEMORY, LIBREOFFICE_OUTPUT
from eventreport.model import DeckSource
from eventreport.readers import read_deck
from eventreport.readers.decks import libreoffice, pictures
from eventreport.readers.decks.cache import DeckCache
from eventreport.readers.decks.pictures import SlideDrawer
from eventreport.render import pdf_tags
from eventreport.render.pdf import write_pdf

RED = (255, 0, 0)
EVENT = """
    title: Dia's als afbeelding
    date: 2021-05-06
    place: online
    organiser: Testbureau
    language: nl
    lead: Dia's zoals de spreker ze liet zien.
    speakers:
      anna:
        name: Anna de Vries
    decks:
      talk:
        file: decks/talk.pptx
        title: Cijfers
      pdfdeck:
        file: decks/dias.pdf
        download: false
      odf:
        file: decks/dias.odp
        download: false
    sessions:
      - id: welkom
        title: Welkom
        speakers: [anna]
"""
SESSION = """
    Zo zag het eruit.

    ```slides
    deck: talk
    slides: [1, 3, 4]
    show: image
    ```

    ```slides
    deck: pdfdeck
    slides: 1
    show: image
    ```

    ```slides
    deck: odf
    slides: 1
    show: image
    ```
"""
BULLETS = ("Meldingen dalen", "Meer samenwerking in de regio")


def make_talk(path: Path) -> Path:
    """Slide 1: a title, bullets, a picture with alt text; 2: hidden; 3: a red shape the
    speaker hid over a title; 4: a title and nothing else; 5: nothing to describe."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Cijfers en trends"
    frame = slide.placeholders[1].text_frame
    frame.text = BULLETS[0]
    frame.add_paragraph().text = BULLETS[1]
    picture = path.parent / "blauw.png"
    Image.new("RGB", (60, 40), (0, 0, 200)).save(picture)
    added = slide.shapes.add_picture(str(picture), Inches(7), Inches(5), Inches(2))
    added._element.nvPicPr.cNvPr.set("descr", "Een blauw vlak")
    hidden = prs.slides.add_slide(prs.slide_layouts[5])
    hidden.shapes.title.text = "Intern"
    hidden._element.set("show", "0")
    for title, red in (("Verborgen vorm", True), ("Alleen een titel", False)):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        slide.shapes.title.text = title
        if red:
            shape = slide.shapes.add_shape(1, Inches(1), Inches(2), Inches(8), Inches(4))
            shape.fill.solid()
            shape.fill.fore_color.rgb = RGBColor(*RED)
            shape._element.nvSpPr.cNvPr.set("hidden", "1")
    prs.slides.add_slide(prs.slide_layouts[6])
    prs.save(str(path))
    return path


def make_pdf_deck(path: Path) -> Path:
    """Two pages; page 1 carries a red square annotation (a reviewer's mark)."""
    from weasyprint import HTML

    HTML(
        string='<html lang="nl"><style>@page { size: 960pt 540pt; margin: 50pt }'
        " section + section { break-before: page } h1 { font-size: 28pt }</style>"
        "<section><h1>Eerste PDF-dia</h1><p>Tekst op de dia</p></section>"
        "<section><h1>Tweede</h1></section></html>"
    ).write_pdf(path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        appearance = pdf.make_stream(
            b"1 0 0 rg 0 0 300 200 re f", Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form, BBox=[0, 0, 300, 200],
        )  # fmt: skip
        note = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Square,
                Rect=[300, 100, 600, 300],
                AP=pikepdf.Dictionary(N=appearance),
                Contents=pikepdf.String("Nog aanpassen!"),
            )
        )
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([note]))
        pdf.save(path)
    return path


@dataclass(frozen=True)
class Built:
    event: Path
    out: Path

    @property
    def html(self) -> Path:
        return self.out / "index.html"

    @property
    def pdf(self) -> Path:
        return self.out / "ev.pdf"

    def tree(self) -> Any:
        return lxml.html.parse(str(self.html)).getroot()


def make_event(root: Path) -> Path:
    event = write_event(root / "sources" / "ev", EVENT, {"welkom": SESSION})
    (event / "decks").mkdir()
    make_talk(event / "decks" / "talk.pptx")
    make_pdf_deck(event / "decks" / "dias.pdf")
    make_odp(event / "decks" / "dias.odp", [("Een ODF-dia", ["Met een punt"])])
    return event


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("pictures")
    event = make_event(root)
    build(event, root / "build")
    return Built(event, root / "build" / "ev")


def red_share(path: Path) -> float:
    with Image.open(path) as picture:
        rgb = picture.convert("RGB")
        red = sum(
            1
            for r, g, b in rgb.get_flattened_data()  # type: ignore[attr-defined,misc]
            if r > 200 and g < 60 and b < 60
        )
        return red / (rgb.width * rgb.height)


# --- The page ---------------------------------------------------------------------------


def test_each_slide_is_a_figure_with_its_title_as_alt_and_caption(built: Built) -> None:
    figures = built.tree().xpath("//figure[@class='slide-picture']")
    assert len(figures) == 5
    titles = ["Cijfers en trends", "Verborgen vorm", "Alleen een titel", "Eerste PDF-dia"]
    # The ODF slide's text is in a text box, not a title: the alt text names the slide.
    assert [f.xpath("./img/@alt")[0] for f in figures] == [*titles, "Dia 1"]
    captions = [" ".join(f.xpath("./figcaption/p[@class='slide-caption']/text()")) for f in figures]
    assert captions == [*titles, ""]


def test_the_rest_of_the_text_is_a_description_to_unfold(built: Built) -> None:
    first = built.tree().xpath("//figure[@class='slide-picture']")[0]
    (details,) = first.xpath("./figcaption/details")
    assert details.xpath("./summary/text()") == ["Tekst van de dia"]
    text = " ".join(details.text_content().split())
    for bullet in BULLETS:
        assert bullet in text
    assert "Afbeelding: Een blauw vlak" in text
    # A slide with only a title has nothing to unfold.
    only_title = built.tree().xpath("//figure[@class='slide-picture']")[2]
    assert only_title.xpath(".//details") == []


def test_sizes_for_the_web_and_for_print(built: Built) -> None:
    img = built.tree().xpath("//figure[@class='slide-picture']/img")[0]
    srcset = [entry.split() for entry in img.get("srcset").split(", ")]
    assert [width for _, width in srcset] == ["640w", "1280w", "1920w"]
    assert img.get("src") == srcset[1][0]
    assert img.get("sizes") and img.get("width") == "1920"
    for href, width in srcset:
        with Image.open(built.out / href) as picture:
            assert picture.width == int(width[:-1])
            assert picture.info.get("exif") is None and not picture.text  # type: ignore[attr-defined]
            # The slide's shape: python-pptx's default 4:3.
            assert abs(picture.width / picture.height - 4 / 3) < 0.01
            assert int(img.get("height")) == round(1920 * picture.height / picture.width)


def test_what_the_copy_leaves_out_is_not_drawn(built: Built) -> None:
    # The red shape the speaker hid: in the deck, not in the picture.
    assert red_share(built.out / "dias" / "talk-3-1920.png") == 0.0
    # The reviewer's red square on the PDF page: PDFium draws it from the original file ...
    original = pdfium.PdfDocument(built.event / "decks" / "dias.pdf")
    drawn = original[0].render(scale=1, draw_annots=True).to_pil()
    drawn.save(built.out.parent / "origineel.png")
    assert red_share(built.out.parent / "origineel.png") > 0.05
    # ... and not from the publication copy the picture is made from.
    (pdf_picture,) = built.out.glob("dias/pdfdeck-1-1920.*")
    assert red_share(pdf_picture) == 0.0


def test_hidden_slides_cannot_be_shown(tmp_path: Path) -> None:
    event = make_event(tmp_path)
    extra = "```slides\ndeck: talk\nslides: 2\nshow: image\n```\n\n"
    session = event / "sessions" / "welkom.md"
    session.write_text(extra + session.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SourceError, match="has no slide 2 to show"):
        build(event, tmp_path / "build")


def test_a_slide_without_title_or_text_is_refused(tmp_path: Path) -> None:
    event = make_event(tmp_path)
    extra = "Tekst.\n\n```slides\ndeck: talk\nslides: 5\nshow: image\n```\n\n"
    session = event / "sessions" / "welkom.md"
    session.write_text(extra + session.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        build(event, tmp_path / "build")
    assert caught.value.location == "line 3"
    assert "slide 5 has no title and no text to describe its picture" in caught.value.message


# --- The PDF --------------------------------------------------------------------------------


def figures(pdf: Path) -> list[str]:
    """The /Alt of every Figure in the PDF's structure tree, in order."""
    found: list[str] = []
    with pikepdf.open(pdf) as doc:

        def walk(element: Any) -> None:
            if isinstance(element, pikepdf.Dictionary):
                if element.get("/S") == pikepdf.Name.Figure:
                    found.append(str(element.get("/Alt", "")))
                kids = element.get("/K")
                for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                    walk(kid)

        walk(doc.Root.StructTreeRoot)
    return found


def test_the_pdf_tags_each_slide_as_a_figure_with_its_title(built: Built) -> None:
    alts = figures(built.pdf)
    for title in ("Cijfers en trends", "Verborgen vorm", "Eerste PDF-dia", "Dia 1"):
        assert title in alts


def test_the_pdf_prints_the_slide_at_print_size_with_its_text(built: Built) -> None:
    text = subprocess.run(
        ["pdftotext", str(built.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Tekst van de dia" in text
    for bullet in BULLETS:
        assert bullet in text
    with pikepdf.open(built.pdf) as doc:
        images = {
            image.objgen: int(image.Width)
            for page in doc.pages
            for image in page.Resources.XObject.values()
            if image.get("/Subtype") == pikepdf.Name.Image
        }
    assert sorted(images.values()).count(1920) == 5


def test_the_pdf_passes_pdf_ua_and_outloud_without_warnings(built: Built) -> None:
    report = pdf_report(built.pdf)
    assert report.failures == [], report.versions
    assert report.warnings == [], report.versions


def test_pictures_are_painted_in_reading_order_without_changing_a_pixel(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same event without the step (render/pdf_paint_order.py): WeasyPrint paints each
    # picture after the text of its page, and outloud says so. The PDF is made in this
    # process for it (a build's PDF engine is a process of its own, beyond monkeypatch).
    monkeypatch.setattr(pdf_tags, "pictures_in_reading_order", lambda tree: 0)
    monkeypatch.setattr(
        building,
        "_write_pdf",
        lambda html, roots, target, engine=None: write_pdf(html, roots[0], roots[1:], target),
    )
    event = make_event(tmp_path)
    build(event, tmp_path / "build")
    unordered = tmp_path / "build" / "ev" / "ev.pdf"
    assert any(w.startswith("outloud ORD-001") for w in pdf_report(unordered).warnings)
    before, after = pdfium.PdfDocument(unordered), pdfium.PdfDocument(built.pdf)
    assert len(before) == len(after)
    for number in range(len(after)):
        drawn = [doc[number].render(scale=1).to_pil().tobytes() for doc in (before, after)]
        assert drawn[0] == drawn[1], f"page {number + 1} looks different"


def test_the_page_passes_axe_htmlcs_and_vnu(built: Built) -> None:
    require_browser()
    for width in (1280, 390):
        assert axe_violations(built.html, width=width) == []
        assert htmlcs_errors(built.html, width=width) == []
    assert axe_violations(built.html, media="print") == []
    require_vnu()
    assert vnu_errors(built.html) == []


# --- The cache -----------------------------------------------------------------------------


def test_a_rebuild_draws_nothing_again_and_gives_the_same_pictures(
    built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p.name: p.read_bytes() for p in (built.out / "dias").iterdir()}

    def no_drawing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a slide was drawn again")

    monkeypatch.setattr(pictures, "converted_each", no_drawing)
    monkeypatch.setattr(pictures, "_draw_pages", no_drawing)
    monkeypatch.setattr(libreoffice, "converted", no_drawing)
    build(built.event, built.out.parent)
    assert {p.name: p.read_bytes() for p in (built.out / "dias").iterdir()} == before


def test_every_size_is_drawn_exactly_as_wide_as_asked() -> None:
    # This page is 1,920 x 2,716 pixels at 1,920 / its width in points, but that scale
    # times the width is a hair over 1,920 in floating point, and PDFium rounds up: a
    # naive scale draws it 1,921 pixels wide.
    document = pdfium.PdfDocument(str(SHARED / "corpus" / "decks" / "docling_rtl_powerpoint.pdf"))
    try:
        page = document[0]
        naive = page.render(scale=pictures.PRINT_WIDTH / page.get_width())
        assert naive.width == pictures.PRINT_WIDTH + 1
        naive.close()
        drawn = [pictures._drawn_size(page, width) for width in pictures.WIDTHS]
        page.close()
    finally:
        document.close()
    assert [d.width for d in drawn] == list(pictures.WIDTHS)


def test_pictures_drawn_anew_are_the_same_bytes(built: Built, tmp_path: Path) -> None:
    root = tmp_path / "again"
    event = make_event(root)
    build(event, root / "build")
    again = root / "build" / "ev" / "dias"
    assert {p.name: p.read_bytes() for p in again.iterdir()} == {
        p.name: p.read_bytes() for p in (built.out / "dias").iterdir()
    }


def test_the_cache_key_holds_the_deck_and_the_programs(built: Built) -> None:
    kept = list((built.out.parent / ".cache" / "slides").rglob("*.png"))
    assert len(kept) >= 15  # 5 slides, 3 sizes each
    assert not list((built.out.parent / ".cache").rglob(".partial-*"))


# --- Drawing fast: LibreOffice started lean, two decks at once ------------------------------


def test_libreoffice_starts_once_without_its_graphics_self_test_or_presets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A profile that does not say it was last used with this LibreOffice makes it test
    # its graphics at every start (most of a small deck's drawing time), and write
    # GraphicsRenderTests.log into the profile. One without the build it was last used
    # with has its extension cache cleaned (the buildid file written anew) and
    # LibreOffice started a second time; one not marked as set up gets the presets.
    written: list[os.stat_result] = []
    real = libreoffice._write_profile

    def noted(profile: Path) -> None:
        real(profile)
        written.append((profile / "extensions" / "buildid").stat())

    monkeypatch.setattr(libreoffice, "_write_profile", noted)
    talk = make_talk(tmp_path / "talk.pptx")
    with libreoffice.converted(talk, ".pptx", "pdf", shown_as=talk, what="drawing") as pdf:
        profile = pdf.parents[1] / "profile" / "user"
        settings = (profile / "registrymodifications.xcu").read_text(encoding="utf-8")
        made = {p.name for p in profile.iterdir()}
        after = (profile / "extensions" / "buildid").stat()
    release = re.search(r"\b(\d+)\.(\d+)\.", libreoffice.version())
    assert release is not None
    assert f'"ooSetupLastVersion" oor:op="fuse"><value>{release[1]}.{release[2]}<' in settings
    assert "GraphicsRenderTests.log" not in made
    assert not {"basic", "autotext", "database"} & made  # no presets copied
    # The file LibreOffice would have removed and written again is the one we wrote.
    assert (after.st_ino, after.st_mtime_ns) == (written[0].st_ino, written[0].st_mtime_ns)


def test_libreoffice_cannot_run_gnupg_in_its_sandbox(tmp_path: Path) -> None:
    present = [p for p in libreoffice._HIDDEN if Path(p).is_file()]
    if not present:
        pytest.skip("GnuPG is not installed here, so LibreOffice cannot run it anyway")
    sandbox = libreoffice._sandboxed(shutil.which("bwrap") or "bwrap", tmp_path)
    for program in present:
        outside = subprocess.run([program, "--version"], capture_output=True, check=False)
        inside = subprocess.run([*sandbox, program, "--version"], capture_output=True, check=False)
        assert outside.returncode == 0
        assert inside.returncode != 0, program


def test_the_version_read_from_the_installation_is_what_libreoffice_says() -> None:
    command = libreoffice.program()
    assert command is not None
    found = libreoffice._installed_version(Path(command).resolve().parent)
    assert found is not None
    assert found == libreoffice._asked_version(command)


def test_libreoffice_runs_under_its_limits() -> None:
    code = (
        "import resource as r;"
        " print(*(r.getrlimit(k)[0] for k in (r.RLIMIT_AS, r.RLIMIT_FSIZE, r.RLIMIT_CORE)))"
    )
    done = subprocess.run(
        [*libreoffice._limits(), sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == [str(LIBREOFFICE_MEMORY), str(LIBREOFFICE_OUTPUT), "0"]


def _source(path: Path) -> DeckSource:
    return DeckSource(
        id=path.parent.name, path=path, title="Dia's", include_hidden=False, notes=False,
        download=False,
    )  # fmt: skip


def _titled(path: Path, titles: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    prs = Presentation()
    for title in titles:
        prs.slides.add_slide(prs.slide_layouts[5]).shapes.title.text = title
    prs.save(str(path))
    return path


def test_decks_are_drawn_in_one_libreoffice_run_ahead_of_need_and_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[list[str]] = []
    real = libreoffice._run

    def noted(arguments: list[str], *args: Any, **kwargs: Any) -> tuple[int, str]:
        runs.append(arguments)
        return real(arguments, *args, **kwargs)

    monkeypatch.setattr(libreoffice, "_run", noted)
    paths = [make_talk(tmp_path / "talk.pptx")]
    paths.append(_titled(tmp_path / "other" / "talk.pptx", ["Eerste", "Tweede", "Derde"]))
    sources = [_source(p) for p in paths]
    decks = [read_deck(p) for p in paths]
    pairs = list(zip(sources, decks, strict=True))
    with SlideDrawer(DeckCache(tmp_path / "cache")) as drawer:
        for source, deck in pairs:
            drawer.ahead(source, deck, deck.slides[:2])
        drawer.start()
        drawn = [drawer.pictures(s, d, d.slides[1::-1]) for s, d in pairs]
        again = [drawer.pictures(s, d, d.slides[:1]) for s, d in pairs]
    assert len(runs) == 1  # both decks, both slides each, in one run
    assert sum(a.endswith(".pptx") for a in runs[0]) == 2
    for pictures_asked, deck in zip(drawn, decks, strict=True):
        # In the order asked for (2, 1), each its own slide.
        assert [p.number for p in pictures_asked] == [deck.slides[1].number, 1]
    assert [a[0] for a in again] == [d[1] for d in drawn]  # nothing drawn again
    # Each slide is drawn as it is drawn alone, from a drawing copy of its own.
    for (source, deck), pictures_asked in zip(pairs, drawn, strict=True):
        for picture in pictures_asked:
            slide = next(s for s in deck.slides if s.number == picture.number)
            with SlideDrawer(DeckCache(tmp_path / f"alone-{source.id}-{slide.number}")) as alone:
                (single,) = alone.pictures(source, deck, [slide])
            assert [f.source.read_bytes() for f in single.files] == [
                f.source.read_bytes() for f in picture.files
            ]


def test_a_deck_libreoffice_cannot_draw_is_the_only_one_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Drawn together, a deck of 1,500 slides keeps LibreOffice past its time limit (it
    # takes 6 s for 1,000): it is that deck's error; the deck before it in the same run
    # is drawn all the same.
    monkeypatch.setattr(libreoffice, "LIBREOFFICE_SECONDS", 4)
    monkeypatch.setattr(pictures, "LIBREOFFICE_SECONDS_PER_SLIDE", 0)
    small = _titled(tmp_path / "small" / "talk.pptx", ["Eerste"])
    large = _titled(tmp_path / "large" / "talk.pptx", [f"Dia {n}" for n in range(1500)])
    pairs = [(_source(p), read_deck(p)) for p in (small, large)]
    with SlideDrawer(DeckCache(tmp_path / "cache")) as drawer:
        for source, deck in pairs:
            drawer.ahead(source, deck, deck.slides)
        drawer.start()
        (source, deck), (large_source, large_deck) = pairs
        (picture,) = drawer.pictures(source, deck, deck.slides)
        with pytest.raises(ReadError) as caught:
            drawer.pictures(large_source, large_deck, large_deck.slides)
    assert picture.files[-1].source.is_file()
    assert str(caught.value).startswith(f"{large}: LibreOffice did not finish drawing")


def test_leaving_the_drawer_stops_what_libreoffice_is_still_drawing(tmp_path: Path) -> None:
    # 300 slides: LibreOffice draws them for seconds; the drawer is left at once. A
    # conversion someone else started at the same time is not the drawer's to stop.
    path = _titled(tmp_path / "long" / "talk.pptx", [f"Dia {n}" for n in range(300)])
    source, deck = _source(path), read_deck(path)
    other = _titled(tmp_path / "other" / "talk.pptx", [f"Dia {n}" for n in range(60)])
    converted: list[int] = []

    def convert_other() -> None:
        with libreoffice.converted(other, ".pptx", "pdf", shown_as=other, what="x") as pdf:
            converted.append(len(pdfium.PdfDocument(pdf.read_bytes())))

    with SlideDrawer(DeckCache(tmp_path / "cache")) as drawer:
        drawer.ahead(source, deck, deck.slides)
        drawer.start()
        elsewhere = threading.Thread(target=convert_other)
        elsewhere.start()
        waited = time.monotonic()
        while len(_runs()) < 2 and time.monotonic() - waited < 30:
            time.sleep(0.05)
        runs = _runs()
        assert sorted(owner is drawer for owner in runs.values()) == [False, True]
        ahead = drawer._ahead[source.id]
    assert isinstance(ahead.exception(), ReadError)  # stopped, not finished
    ours = next(process for process, owner in runs.items() if owner is drawer)
    assert ours.returncode is not None
    # Nothing it started is left either, once the kernel has ended what ran in the
    # sandbox with it (a moment).
    waited = time.monotonic()
    while _group_alive(ours.pid) and time.monotonic() - waited < 10:
        time.sleep(0.05)
    assert not _group_alive(ours.pid)
    elsewhere.join()
    assert converted == [60]


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _runs() -> dict[subprocess.Popen[bytes], object]:
    """The LibreOffice runs of this process going on, with their owners."""
    with libreoffice._RUNNING_LOCK:
        return dict(libreoffice._RUNNING)
