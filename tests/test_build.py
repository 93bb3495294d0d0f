"""Whole builds of a tmp copy of the sample event: outputs, PDF/UA, rebuilds, failures."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import page
import pytest
from conftest import SAMPLE, SAMPLE_SLUG, SampleBuild, copy_sample, line_of
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from eventreport.build import build
from eventreport.errors import RenderError, SourceError
from eventreport.render.pdf import LocalFetcher

TITLE = "Kennisbijeenkomst zorg voor slachtoffers van mensenhandel/loverboys"
DECKS = {
    "hageman.pptx": "hageman-meldingen-slachtoffers.pptx",
    "bekken.pptx": "bekken-trajectbenadering.pptx",
    "koraal.pptx": "koraal-zie-jij-het-ook.pptx",
    "pluryn.pptx": "pluryn-ketenaanpak.pptx",
    "sonderman.pdf": "sonderman-sekse-gerichte-benadering.pdf",
    "aussems-addink.pptx": "aussems-addink-behandelprogrammas.pptx",
}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path) -> str:
    return squash(" ".join(p.extract_text() for p in PdfReader(path).pages))


def html_text(path: Path) -> str:
    return squash(lxml.html.parse(str(path)).getroot().text_content())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# --- One build of the sample ---------------------------------------------------------


def test_outputs_are_written(sample_build: SampleBuild) -> None:
    out = sample_build.out
    assert sample_build.html.is_file()
    assert sample_build.pdf.is_file()
    offered = sorted(p.name for p in (out / "presentaties").iterdir())
    assert offered == sorted(DECKS)
    for copy, source in DECKS.items():
        # A publication copy made for the reader, never the speaker's file (test_publication).
        assert (out / "presentaties" / copy).read_bytes() != (
            sample_build.event_dir / "decks" / source
        ).read_bytes()
    result = sample_build.result
    assert result.slug == SAMPLE_SLUG
    assert [o.path for o in result.outputs[:2]] == [sample_build.html, sample_build.pdf]
    assert result.outputs[1].pages == len(PdfReader(sample_build.pdf).pages)
    assert {o.path for o in result.outputs} == {p for p in out.rglob("*") if p.is_file()}
    # The staging folder is gone after a good build too.
    # Beside it: the lock, the build cache and the record of what this build wrote.
    assert sorted(p.name for p in out.parent.iterdir()) == [
        f".{SAMPLE_SLUG}.built.json",
        f".{SAMPLE_SLUG}.lock",
        ".cache",
        SAMPLE_SLUG,
    ]


def test_download_links_point_at_the_copies(sample_build: SampleBuild, sample_tree) -> None:
    hrefs = sample_tree.xpath("//p[@class='download']/a/@href")
    assert sorted(hrefs) == sorted(f"presentaties/{name}" for name in DECKS)
    for href in hrefs:
        assert (sample_build.out / href).is_file()
    (pdf_link,) = [
        a for a in sample_tree.xpath("//p[@class='download']/a") if "sonderman" in a.get("href")
    ]
    link_text = squash(pdf_link.text_content())
    # The sample's PDF deck has tags but fails PDF/UA-1, so its link says so.
    assert re.fullmatch(
        r"Download de presentatie van Juliette Sonderman \(PDF, \d+ kB, niet toegankelijk\)",
        link_text,
    )
    assert pdf_link.get("type") == "application/pdf"


def test_pdf_passes_pdf_ua1(sample_build: SampleBuild) -> None:
    report = page.validate_pdf(sample_build.pdf, profile="ua1")
    failures = [f"{f.rule_id}: {f.message}" for f in report.failures]
    assert failures == []
    assert report.is_compliant
    assert report.rules.total > 100


def test_pdf_metadata_outline_and_running_header(sample_build: SampleBuild) -> None:
    reader = PdfReader(sample_build.pdf)
    assert reader.metadata is not None
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == "ZonMw"
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert len(reader.pages) > 1

    def titles(items: list) -> list[str]:
        found: list[str] = []
        for item in items:
            found += titles(item) if isinstance(item, list) else [item.title]
        return found

    bookmarks = titles(reader.outline)
    assert bookmarks
    assert TITLE in bookmarks
    for heading in ("Een digitaal welkom", "Inspirerende voorbeelden", "Zoek elkaar op!"):
        assert heading in bookmarks
    first, second, last = (squash(reader.pages[n].extract_text()) for n in (0, 1, -1))
    # The cover: publisher, title, date; no running header or page number.
    assert first.startswith("Voorbeeldinstituut VERSLAG")
    assert "3 september 2020 · online · ZonMw" in first
    assert "Pagina" not in first
    # The running header repeats the title on every page after it...
    assert TITLE in second
    assert second.count(TITLE) == 1
    # ... and every page says where it is.
    assert f"Pagina 2 van {len(reader.pages)}" in second
    # The colophon closes it, on a page of its own.
    assert last.startswith("Colofon Een uitgave van Voorbeeldinstituut.")
    assert "Contact: verslagen@example.org" in last and "Licentie: CC BY 4.0" in last


def test_pdf_holds_no_local_paths(sample_build: SampleBuild) -> None:
    # Links work wherever the folder is published, and no path of the build machine
    # (nor of its staging folder) ends up in the file: not in the link target, nor in
    # the text WeasyPrint gives the link annotation (/Contents).
    build_root = str(sample_build.out.parent)
    targets: list[str] = []
    for number, pdf_page in enumerate(PdfReader(sample_build.pdf).pages, 1):
        for annotation in pdf_page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            targets.append(uri)
            for value in (uri, str(annotation.get("/Contents", ""))):
                assert not value.startswith("file:"), (number, value)
                assert build_root not in value, (number, value)
    # A link wrapped over two lines has an annotation per line, both in one Link.
    assert sorted({t for t in targets if t.startswith("presentaties/")}) == sorted(
        f"presentaties/{name}" for name in DECKS
    )


def test_builds_are_reproducible(sample_build: SampleBuild, tmp_path: Path) -> None:
    # The same sources built in another folder give the same bytes.
    event_dir = copy_sample(tmp_path / "elders" / "sources")
    build(event_dir, tmp_path / "elders" / "build")
    out = tmp_path / "elders" / "build" / SAMPLE_SLUG
    assert (out / "index.html").read_bytes() == sample_build.html.read_bytes()
    assert (out / f"{SAMPLE_SLUG}.pdf").read_bytes() == sample_build.pdf.read_bytes()


def test_style_sheet_is_not_escaped(sample_build: SampleBuild) -> None:
    html = sample_build.html.read_text(encoding="utf-8")
    style = html[html.index("<style>") : html.index("</style>")]
    assert '"DejaVu Sans"' in style
    assert "&#34;" not in style and "&quot;" not in style


# --- Rebuilding after the sources change ---------------------------------------------


def change_poll(xlsx: Path, old: int, new: int) -> None:
    """Change the first vote count `old` of the choices under 'Stelling 1' to `new`."""
    workbook = load_workbook(xlsx)
    sheet = workbook["Session 1"]
    in_statement = False
    for row in sheet.iter_rows():
        first = row[0].value
        if any(isinstance(c.value, str) and c.value.startswith("Stelling 1:") for c in row):
            in_statement = True
        if in_statement and first == "Eens" and row[1].value == old:
            row[1].value = new
            break
    else:
        raise AssertionError(f"no 'Eens | {old}' row under Stelling 1")
    workbook.save(xlsx)


def change_bullet(pptx: Path, old: str, new: str) -> None:
    prs = Presentation(str(pptx))
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                if paragraph.text == old:
                    paragraph.runs[0].text = new
                    for run in paragraph.runs[1:]:
                        run.text = ""
                    prs.save(str(pptx))
                    return
    raise AssertionError(f"no paragraph {old!r} in {pptx}")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """Build a copy, change a poll count and a slide bullet, build again."""
    base = tmp_path_factory.mktemp("rebuild")
    event_dir = copy_sample(base / "sources")
    out_root = base / "build"
    build(event_dir, out_root)
    before = html_text(out_root / SAMPLE_SLUG / "index.html")
    assert "Meldcode KNMG" in before and "14 eens" in before
    change_poll(event_dir / "polls" / "mentimeter-resultaten.xlsx", 14, 15)
    change_bullet(
        event_dir / "decks" / "hageman-meldingen-slachtoffers.pptx",
        "Meldcode KNMG",
        "Meldcode KNMG (herzien in 2021)",
    )
    build(event_dir, out_root)
    out = out_root / SAMPLE_SLUG
    return out, html_text(out / "index.html"), pdf_text(out / f"{SAMPLE_SLUG}.pdf")


def test_rebuild_shows_the_new_vote_count(rebuilt: tuple[Path, str, str]) -> None:
    _, html, pdf = rebuilt
    assert "Uitslag: 15 eens, 12 oneens" in html
    assert "14 eens" not in html
    assert "Uitslag: 15 eens, 12 oneens" in pdf
    assert "14 eens" not in pdf


def test_rebuild_shows_the_new_slide_text(rebuilt: tuple[Path, str, str]) -> None:
    out, html, pdf = rebuilt
    assert "Meldcode KNMG (herzien in 2021)" in html
    assert "Meldcode KNMG (herzien in 2021)" in pdf
    # The offered download is the changed deck, too.
    prs = Presentation(str(out / "presentaties" / "hageman.pptx"))
    texts = [s.text_frame.text for sl in prs.slides for s in sl.shapes if s.has_text_frame]
    assert any("herzien in 2021" in t for t in texts)


# --- A failed build keeps the previous output ----------------------------------------


@pytest.fixture
def built_copy(tmp_path: Path, sample_build: SampleBuild) -> tuple[Path, Path]:
    """A fresh copy of the sources and of the sample's good output."""
    event_dir = copy_sample(tmp_path / "sources")
    out_root = tmp_path / "build"
    shutil.copytree(sample_build.out, out_root / SAMPLE_SLUG)
    return event_dir, out_root


def test_broken_event_yaml_keeps_old_output(built_copy: tuple[Path, Path]) -> None:
    event_dir, out_root = built_copy
    # A real first build here, so the kept output is this build's own.
    build(event_dir, out_root)
    before = snapshot(out_root / SAMPLE_SLUG)
    yaml = event_dir / "event.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("language: nl", "language: xx"), encoding="utf-8"
    )
    with pytest.raises(SourceError) as info:
        build(event_dir, out_root)
    assert info.value.location == f"line {line_of(yaml, 'language: xx')}"
    assert snapshot(out_root / SAMPLE_SLUG) == before
    # The first build's record stays: it still says truly what that build wrote.
    assert sorted(p.name for p in out_root.iterdir()) == [
        f".{SAMPLE_SLUG}.built.json",
        f".{SAMPLE_SLUG}.lock",
        ".cache",
        SAMPLE_SLUG,
    ]


def test_failure_while_writing_keeps_old_output(built_copy: tuple[Path, Path]) -> None:
    # This fails after the staging folder was made and the HTML written into it: only the
    # print rendering uses the broken variable.
    event_dir, out_root = built_copy
    before = snapshot(out_root / SAMPLE_SLUG)
    (event_dir / "templates" / "parts").mkdir(parents=True)
    (event_dir / "templates" / "parts" / "verse.html").write_text(
        '{% if medium == "print" %}{{ no_such_thing }}{% endif %}', encoding="utf-8"
    )
    steps: list[str] = []
    with pytest.raises(RenderError) as info:
        build(event_dir, out_root, progress=steps.append)
    # The message names the house-style template and its line, not a traceback.
    assert info.value.path == event_dir.resolve() / "templates" / "parts" / "verse.html"
    assert info.value.location == "line 1"
    assert "'no_such_thing' is undefined" in info.value.message
    assert any("PDF" in step for step in steps), steps  # it got as far as the PDF
    assert snapshot(out_root / SAMPLE_SLUG) == before
    # No record of a build that failed; the decks it read stay in the cache.
    assert sorted(p.name for p in out_root.iterdir()) == [
        f".{SAMPLE_SLUG}.lock",
        ".cache",
        SAMPLE_SLUG,
    ]


def test_a_session_file_no_session_uses_is_reported(tmp_path: Path) -> None:
    event_dir = copy_sample(tmp_path / "sources")
    (event_dir / "sessions" / "extra.md").write_text("Vergeten tekst.\n", encoding="utf-8")
    result = build(event_dir, tmp_path / "build")
    (warning,) = result.warnings
    assert "sessions/extra.md" in warning and "no session in event.yaml uses this file" in warning
    assert "Vergeten tekst" not in (tmp_path / "build" / SAMPLE_SLUG / "index.html").read_text()


def test_the_sample_builds_without_warnings(tmp_path: Path) -> None:
    assert build(copy_sample(tmp_path / "sources"), tmp_path / "build").warnings == ()


def test_house_style_in_the_event_folder_is_used(tmp_path: Path) -> None:
    event_dir = copy_sample(tmp_path / "sources")
    (event_dir / "templates").mkdir()
    (event_dir / "templates" / "report.html").write_text(
        '{% extends "default:report.html" %}{% block title %}HOUSE{% endblock %}',
        encoding="utf-8",
    )
    build(event_dir, tmp_path / "build")
    tree = lxml.html.parse(str(tmp_path / "build" / SAMPLE_SLUG / "index.html")).getroot()
    assert tree.findtext(".//title") == "HOUSE"
    # The title's soft hyphens are break points, not text.
    assert squash(tree.xpath("//h1")[0].text_content()).replace("\xad", "") == TITLE


def test_build_with_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_sample(tmp_path / "sources")
    monkeypatch.chdir(tmp_path)
    result = build(Path("sources") / SAMPLE_SLUG, Path("build"))
    assert (tmp_path / "build" / SAMPLE_SLUG / "index.html").is_file()
    assert result.outputs[1].pages and result.outputs[1].pages > 1


def test_pictures_are_copied_and_tagged(tmp_path: Path) -> None:
    from PIL import Image

    event_dir = copy_sample(tmp_path / "sources")
    (event_dir / "media").mkdir()
    Image.new("RGB", (120, 60), "navy").save(event_dir / "media" / "zaal.png")
    md = event_dir / "sessions" / "welkom.md"
    md.write_text(
        md.read_text(encoding="utf-8") + "\n![De zaal tijdens het welkom](media/zaal.png)\n",
        encoding="utf-8",
    )
    build(event_dir, tmp_path / "build")
    out = tmp_path / "build" / SAMPLE_SLUG
    assert (out / "media" / "zaal.png").read_bytes() == (
        event_dir / "media" / "zaal.png"
    ).read_bytes()
    tree = lxml.html.parse(str(out / "index.html")).getroot()
    (img,) = tree.xpath("//section[@id='welkom']//img")
    assert img.get("src") == "media/zaal.png"
    assert img.get("alt") == "De zaal tijdens het welkom"
    report = page.validate_pdf(out / f"{SAMPLE_SLUG}.pdf", profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []


# --- Nothing is fetched from outside the event ---------------------------------------


def test_picture_outside_the_event_is_refused(tmp_path: Path) -> None:
    event_dir = copy_sample(tmp_path / "sources")
    md = event_dir / "sessions" / "welkom.md"
    md.write_text(md.read_text(encoding="utf-8") + "\n![x](../../etc/passwd)\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        build(event_dir, tmp_path / "build")
    assert info.value.path == md.resolve()
    assert info.value.location == f"line {line_of(md, 'etc/passwd')}"
    assert "inside the event folder" in info.value.message
    # No output; the decks read on the way may be kept in the cache for the next build.
    assert [p.name for p in (tmp_path / "build").iterdir()] in ([], [".cache"])


@pytest.fixture
def fetcher(tmp_path: Path) -> tuple[LocalFetcher, Path]:
    allowed = tmp_path / "event"
    allowed.mkdir()
    (allowed / "ok.css").write_text("p { color: red }", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("geheim", encoding="utf-8")
    return LocalFetcher([allowed, SAMPLE]), tmp_path


def test_fetcher_reads_allowed_files(fetcher: tuple[LocalFetcher, Path]) -> None:
    local, tmp = fetcher
    response = local.fetch((tmp / "event" / "ok.css").as_uri())
    try:
        assert response.read() == b"p { color: red }"
    finally:
        response.close()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/x.png",
        "http://127.0.0.1/x.png",
        "ftp://example.org/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_fetcher_refuses_other_protocols(fetcher: tuple[LocalFetcher, Path], url: str) -> None:
    local, _ = fetcher
    with pytest.raises(ValueError, match="refusing"):
        local.fetch(url)


def test_fetcher_refuses_files_outside(fetcher: tuple[LocalFetcher, Path]) -> None:
    local, tmp = fetcher
    for url in (
        (tmp / "secret.txt").as_uri(),
        (tmp / "event" / ".." / "secret.txt").as_uri(),
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
    ):
        with pytest.raises(ValueError, match="outside"):
            local.fetch(url)


def test_fetcher_refuses_a_symlink_leading_outside(fetcher: tuple[LocalFetcher, Path]) -> None:
    local, tmp = fetcher
    link = tmp / "event" / "link.txt"
    link.symlink_to(tmp / "secret.txt")
    with pytest.raises(ValueError, match="outside"):
        local.fetch(link.as_uri())
