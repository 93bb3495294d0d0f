"""Every deck in ../shared/corpus/decks, read in place; each fact was checked by hand in
the file's XML (unzip -p ... | xmllint --format) or by looking at the PDF page."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fixtures import CORPUS, slide_texts

from eventreport.errors import ReadError
from eventreport.model import (
    ChartBlock,
    Deck,
    DiagramBlock,
    DiagramItem,
    ImageBlock,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    TableBlock,
)
from eventreport.readers import read_deck

ROOT = Path(__file__).resolve().parents[1]
DECKS = CORPUS / "decks"


def blocks_of(deck: Deck, kind: type) -> list[tuple[int, object]]:
    return [(s.number, b) for s in deck.slides for b in s.blocks if isinstance(b, kind)]


def texts(deck: Deck) -> list[str]:
    """Titles, paragraphs and list entries in reading order."""
    found: list[str] = []
    for slide in deck.slides:
        found += [slide.title] if slide.title else []
        found += slide_texts(slide)
    return found


# The test that holds the facts checked by hand for each file of the corpus, in this
# module or "module.py::test". A file added to the corpus needs an entry.
CORPUS_TESTS = {
    "beamer_conference_talk.pdf": "test_beamer_titles_without_the_navigation_bar",
    "docling_odf_presentation_01.odp": (
        "test_conversion.py::test_the_corpus_odp_gives_the_titles_of_its_own_pdf_export"
    ),
    "docling_odf_presentation_01.odp.pdf": "test_libreoffice_pdf_on_a_rotated_page",
    "docling_powerpoint_sample.pptx": "test_docling_sample_holds_everything_in_its_groundtruth",
    "docling_powerpoint_sample.pptx.groundtruth.md": (
        "test_docling_sample_holds_everything_in_its_groundtruth"
    ),
    "docling_rtl_powerpoint.pdf": "test_right_to_left_pdf_in_logical_order",
    "markitdown_test.pptx": "test_markitdown_fixture_chart",
    "pandoc_lists.input.native": "test_readers.py::test_corpus_pandoc_lists_match_the_source_ast",
    "pandoc_lists.pptx": "test_readers.py::test_corpus_pandoc_lists_match_the_source_ast",
    "pandoc_speaker_notes.pptx": "test_speaker_notes_without_the_notes_page_number",
    "poi_aascu_charts_talk.pptx": "test_clustered_columns_with_named_series",
    "poi_aes2011_maloney_talk.pptx": "test_aes_talk_tables_and_notes",
    "poi_apachecon_performance_up.pptx": "test_extract_task_hidden_slides_and_notes",
    "poi_customgeo_48slides.pptx": "test_smartart_levels_follow_the_parent_connections",
    "poi_howwerefactor_talk.pptx": "test_pictures_with_and_without_alt_text",
    "poi_scatter_chart.pptx": "test_scatter_chart_x_and_y",
    "poi_smartart_simple.pptx": "test_smartart_text_comes_from_the_diagram_data",
    "poi_stress013_academic_groups.pptx": "test_academic_talk_symbols_tables_and_notes",
    "poi_stress022_ppsx_as_pptx.pptx": "test_smartart_in_the_slideshow_deck",
    "poi_with_japanese.pptx": "test_readers.py::test_corpus_internal_links_are_not_links",
    "tika_groups.pptx": "test_tika_groups_title_smartart_link_and_empty_table",
    "tika_powerpoint2010_slide.pdf": "test_powerpoint_pdf_title_slide",
    "tika_protected_passtika.pptx": "test_readers.py::test_corpus_encrypted_pptx",
    "unstructured_group_shapes_nested.pptx": "test_nested_groups_read_in_slide_space",
    "unstructured_password.pdf": "test_encrypted_pdf_needs_a_password",
}
# Ground truth read by a person while writing the test; the test itself never opens it.
READ_BY_HAND = {"pandoc_lists.input.native"}


def names_in_tests(module: Path) -> dict[str, set[str]]:
    """For each test function of `module`, the string literals in its body and in the
    bodies of the module's fixtures it takes: the files it opens. Comments, and a name
    that only occurs inside a longer one, do not count."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}

    def literals(node: ast.AST) -> set[str]:
        constants = (c for c in ast.walk(node) if isinstance(c, ast.Constant))
        return {c.value for c in constants if isinstance(c.value, str)}

    found: dict[str, set[str]] = {}
    for name, function in functions.items():
        if name.startswith("test_"):
            used = literals(function)
            for argument in function.args.args:
                if argument.arg in functions:
                    used |= literals(functions[argument.arg])
            found[name] = used
    return found


def test_every_file_in_the_corpus_has_a_test() -> None:
    manifest = (DECKS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    listed = {line.split("\t")[0] for line in manifest}
    assert listed == {p.name for p in DECKS.iterdir() if p.name != "MANIFEST.tsv"}
    assert set(CORPUS_TESTS) == listed
    modules: dict[str, dict[str, set[str]]] = {}
    for file, where in CORPUS_TESTS.items():
        module, _, test = where.rpartition("::")
        module = module or Path(__file__).name
        if module not in modules:
            modules[module] = names_in_tests(ROOT / "tests" / module)
        assert test in modules[module], f"{file}: {module} has no {test}"
        if file not in READ_BY_HAND:
            assert file in modules[module][test], f"{file}: {where} does not open it"


# --- SmartArt ------------------------------------------------------------------------


def test_smartart_text_comes_from_the_diagram_data() -> None:
    # data1.xml: three content points joined to the doc point with srcOrd 0, 1, 2; a
    # fourth (srcOrd 3) holds no text.
    slide = read_deck(DECKS / "poi_smartart_simple.pptx").slides[0]
    assert slide.blocks[0] == DiagramBlock(
        (DiagramItem("abc"), DiagramItem("def"), DiagramItem("ghi"))
    )
    assert slide.blocks[1] == Paragraph("This file contains a SmartArt diagram")


def test_smartart_levels_follow_the_parent_connections() -> None:
    deck = read_deck(DECKS / "poi_customgeo_48slides.pptx")
    assert len(blocks_of(deck, DiagramBlock)) == 10
    slide = deck.slide(9)
    assert slide is not None
    diagram = slide.blocks[0]
    assert isinstance(diagram, DiagramBlock)
    assert [(i.text, i.level) for i in diagram.items[:5]] == [
        ("Reading Strand", 0),
        ("Reading: Literature", 1),
        ("Key Ideas and Details", 2),
        ("Standard Statement  1", 3),
        ("Standard Statement 2", 3),
    ]


def test_smartart_in_the_slideshow_deck() -> None:
    # 24 slides reference diagram data; ppt/diagrams/data2.xml holds no text at all.
    deck = read_deck(DECKS / "poi_stress022_ppsx_as_pptx.pptx")
    assert len(blocks_of(deck, DiagramBlock)) == 23


# --- Groups and reading order ---------------------------------------------------------


def test_nested_groups_read_in_slide_space() -> None:
    # Group offsets (a:off minus a:chOff) put B at y=210172 beside A (y=159107), then C
    # to J downward; sorting raw child offsets would mix the groups' spaces.
    slide = read_deck(DECKS / "unstructured_group_shapes_nested.pptx").slides[0]
    assert [b.text for b in slide.blocks if isinstance(b, Paragraph)] == list("ABCDEFGHIJ")
    assert len(slide.blocks) == 10


def test_tika_groups_title_smartart_link_and_empty_table() -> None:
    slide = read_deck(DECKS / "tika_groups.pptx").slides[1]
    assert slide.title == "MyTitle"
    assert slide.blocks[0] == DiagramBlock(
        tuple(DiagramItem(t) for t in ("smart1", "smart2", "Smart3", "smart4", "Smart5"))
    )
    # Its table (slide2.xml, a:tbl) has no text in any cell: nothing to show.
    assert blocks_of(read_deck(DECKS / "tika_groups.pptx"), TableBlock) == []
    assert Paragraph("Text box5 tika link") in slide.blocks
    assert slide.links == (Link("tika link", "http://tika.apache.org/"),)


# --- Lists, tables, notes --------------------------------------------------------------


def test_docling_sample_holds_everything_in_its_groundtruth() -> None:
    truth = (DECKS / "docling_powerpoint_sample.pptx.groundtruth.md").read_text(encoding="utf-8")
    expected = [
        re.sub(r"^(#+ |- |\d+\. )", "", line).strip()
        for line in truth.splitlines()
        if line.strip() and not line.startswith("|")
    ]
    deck = read_deck(DECKS / "docling_powerpoint_sample.pptx")
    assert texts(deck) == expected
    table = blocks_of(deck, TableBlock)[0][1]
    assert isinstance(table, TableBlock)
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in truth.splitlines()
        if line.startswith("|") and not line.startswith("| -")
    ]
    # docling repeats a merged cell's text in the cells it covers; those are "" here.
    # slide1.xml: row 0 has gridSpan="3" at columns 1 and 4 (hMerge at 2, 3, 5, 6), row 1
    # gridSpan="2" at column 1 (hMerge at 2); "R3" has rowSpan="2" (vMerge in row 5),
    # "R4" rowSpan="3" (vMerge in rows 7 and 8).
    covered = [(0, 2), (0, 3), (0, 5), (0, 6), (1, 2), (5, 0), (7, 0), (8, 0)]
    for row, column in covered:
        assert rows[row][column] != "", (row, column)  # docling did repeat the text there
        rows[row][column] = ""
    assert table.rows == tuple(tuple(row) for row in rows)
    assert table.rows[0] == ("", "Class1", "", "", "Class2", "", "")


def test_aes_talk_tables_and_notes() -> None:
    deck = read_deck(DECKS / "poi_aes2011_maloney_talk.pptx", notes=True)
    assert len(deck.slides) == 28
    assert len(blocks_of(deck, TableBlock)) == 9
    assert sum(1 for s in deck.slides if s.notes) == 11


def test_speaker_notes_without_the_notes_page_number() -> None:
    # notesSlide1.xml holds "chicken and dumplings" and "1" (a sldNum placeholder).
    deck = read_deck(DECKS / "pandoc_speaker_notes.pptx", notes=True)
    assert [s.notes for s in deck.slides] == [
        "chicken and dumplings",
        "foo bar",
        "Some notes inside a column\nSome notes outside the column",
    ]
    assert deck.slides[1].blocks[0] == TableBlock(
        (
            ("Right", "Left", "Center", "Default"),
            ("12", "12", "12", "12"),
            ("123", "123", "123", "123"),
            ("1", "1", "1", "1"),
        )
    )


def test_academic_talk_symbols_tables_and_notes() -> None:
    deck = read_deck(DECKS / "poi_stress013_academic_groups.pptx", notes=True)
    assert len(deck.slides) == 23
    assert len(blocks_of(deck, TableBlock)) == 3
    assert sum(1 for s in deck.slides if s.notes) == 3
    assert any("β" in t for t in texts(deck))


# --- Pictures and links ----------------------------------------------------------------


def test_pictures_with_and_without_alt_text() -> None:
    # 69 p:pic elements, 8 with a descr; the 9 p:sp shapes with a descr repeat their text.
    deck = read_deck(DECKS / "poi_howwerefactor_talk.pptx")
    images = [b for _, b in blocks_of(deck, ImageBlock)]
    assert len(images) == 69
    assert sum(1 for b in images if isinstance(b, ImageBlock) and b.alt) == 8


def test_links_runs_joined_and_shape_links() -> None:
    slide = read_deck(DECKS / "poi_customgeo_48slides.pptx").slide(44)
    assert slide is not None
    # Three runs ("http", "://", "www.parcconline.org/...") share one hyperlink.
    assert slide.links[:2] == (
        Link("www.parcconline.org", "http://www.parcconline.org/"),
        Link(
            "http://www.parcconline.org/parcc-content-frameworks",
            "http://www.parcconline.org/parcc-content-frameworks",
        ),
    )
    # A logo linked as a whole shape: its descr names it.
    assert slide.links[2].url == "http://ohio.gov/"


# --- Charts ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def aascu() -> Deck:
    return read_deck(DECKS / "poi_aascu_charts_talk.pptx")


def chart(deck: Deck, number: int, index: int = 0) -> ChartBlock:
    slide = deck.slide(number)
    assert slide is not None
    found = [b for b in slide.blocks if isinstance(b, ChartBlock)]
    return found[index]


def test_chart_count(aascu: Deck) -> None:
    assert [n for n, _ in blocks_of(aascu, ChartBlock)] == [5, 7, 8, 9, 11, 16, 16, 16]


def test_clustered_columns_with_named_series(aascu: Deck) -> None:
    # chart3.xml (slide 8): five series over three categories, General format.
    found = chart(aascu, 8)
    assert found.chart_type == "column"
    assert found.title == (
        "Employment of workers with a Bachelor’s degree or better grew at a 2 percent to "
        "3 percent rate over the past two decades."
    )
    assert found.categories == (
        "High School or Less",
        "Some College or Associates Degree",
        "Bachelors Degree or More",
    )
    assert [(s.name, s.values) for s in found.series] == [
        ("1990-1995", (-1.4, 3.2, 3.3)),
        ("1995-2000", (0.6000000000000001, 1.4, 3.2)),
        ("2000-2005", (-0.1, 0.8, 2.5)),
        ("2005-2010", (-2.1, 0.2, 1.9000000000000001)),
        ("2010-2012", (-0.2, 1.7, 2.0)),
    ]
    # The cache holds 0.60000000000000009; the chart shows 0.6.
    assert found.series[1].shown == ("0.6", "1.4", "3.2")


def test_number_format_and_blank_points(aascu: Deck) -> None:
    first = chart(aascu, 5)  # chart1.xml: format "#,##0", 21 age groups, no series name
    assert (first.chart_type, first.title, len(first.categories)) == ("column", None, 21)
    assert first.categories[0] == "100 years and over"
    assert first.series[0].name is None
    assert first.series[0].values[0] == pytest.approx(79.626390103711074)
    assert first.series[0].shown[:3] == ("80", "84", "85")
    second = chart(aascu, 7)  # chart2.xml: two series, each leaving the other's points out
    assert second.series[0].values[:4] == (384.0, 408.0, None, None)
    assert second.series[1].values[:4] == (None, None, 413.0, 436.0)
    assert second.series[0].shown[2] == ""


def test_line_chart_with_year_categories(aascu: Deck) -> None:
    found = chart(aascu, 9)  # chart4.xml: its title element holds no text
    assert (found.chart_type, found.title) == ("line", None)
    assert found.categories == tuple(str(year) for year in range(1995, 2011))
    assert found.series[0].name == "Total Enrollment (Millions)"
    assert found.series[0].values[-1] == 21.3


def test_combination_chart_in_legend_order(aascu: Deck) -> None:
    # chart5.xml: a barChart (series "2005", c:order 1) and a lineChart ("1995", order 0);
    # the line's category cache holds 18 of the 28 countries.
    found = chart(aascu, 11)
    assert found.chart_type == "column+line"
    assert [s.name for s in found.series] == ["1995", "2005"]
    assert len(found.categories) == 28
    assert found.categories[-1] == "Turkey"
    assert found.series[1].values[0] == 59.0


def test_scatter_chart_x_and_y() -> None:
    found = read_deck(DECKS / "poi_scatter_chart.pptx").slides[0].blocks[0]
    assert isinstance(found, ChartBlock)
    assert (found.chart_type, found.categories) == ("scatter", ())
    # No title text: PowerPoint shows the only series' name.
    assert found.title == "Sales"
    (series,) = found.series
    assert series.name == "Sales"
    assert series.x == ("1st Qtr", "2nd Qtr", "3rd Qtr", "4th Qtr")
    assert series.values == (8.200000000000001, 3.2, 1.4, 1.2)
    assert series.shown == ("8.2", "3.2", "1.4", "1.2")


def test_markitdown_fixture_chart() -> None:
    deck = read_deck(DECKS / "markitdown_test.pptx")
    found = chart(deck, 4)
    assert found.title == "a3f6004b-6f4f-4ea8-bee3-3741f4dc385f"
    assert found.categories == ("2000", "2001", "2002", "2003")
    assert found.series[0].name == "Series 1"
    assert found.series[0].values == (2000.0, 2001.0, 2002.0, 2003.0)


# --- Hidden slides, notes, JSON, through the task ----------------------------------------


def extract_json(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "extract", "--json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    data: dict[str, object] = json.loads(done.stdout)
    return data


def test_extract_task_hidden_slides_and_notes() -> None:
    path = str(DECKS / "poi_apachecon_performance_up.pptx")
    plain = extract_json("--file", path)
    slides = plain["slides"]
    assert isinstance(slides, list)
    assert [s["number"] for s in slides if s["number"] in (12, 13, 14, 48)] == [12, 14]
    assert all("notes" not in s for s in slides)
    everything = extract_json("--file", path, "--include-hidden", "--notes")
    slides = everything["slides"]
    assert isinstance(slides, list)
    assert [s["number"] for s in slides if s["hidden"]] == [13, 48]
    assert sum(1 for s in slides if s["notes"]) == 8


def test_extract_task_chart_and_diagram_json() -> None:
    chart_json = extract_json("--file", str(DECKS / "poi_scatter_chart.pptx"))
    slides = chart_json["slides"]
    assert isinstance(slides, list)
    assert slides[0]["blocks"] == [
        {
            "type": "chart",
            "chart_type": "scatter",
            "title": "Sales",
            "categories": [],
            "series": [
                {
                    "name": "Sales",
                    "values": [8.200000000000001, 3.2, 1.4, 1.2],
                    "x": ["1st Qtr", "2nd Qtr", "3rd Qtr", "4th Qtr"],
                }
            ],
        }
    ]
    diagram_json = extract_json("--file", str(DECKS / "poi_smartart_simple.pptx"))
    slides = diagram_json["slides"]
    assert isinstance(slides, list)
    assert slides[0]["blocks"][0] == {
        "type": "diagram",
        "items": [
            {"text": "abc", "level": 0},
            {"text": "def", "level": 0},
            {"text": "ghi", "level": 0},
        ],
    }


# --- PDF decks ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def beamer() -> Deck:
    return read_deck(DECKS / "beamer_conference_talk.pdf")


def test_beamer_titles_without_the_navigation_bar(beamer: Deck) -> None:
    # Every page starts with the navigation line "Introduction Bad News: ... Summary".
    assert beamer.slides[0].title == (
        "On the Complexity of SNP Block Partitioning Under the Perfect Phylogeny Model"
    )
    assert beamer.slides[1].title == "Outline"
    assert not any("Bad News: Hardness Results Good News" in t for t in texts(beamer))
    # The section name in the headline, in small print above the frame title, is gone.
    assert beamer.slides[2].title == "What is haplotyping and why is it important?"
    assert beamer.slides[2].blocks == (
        Paragraph("You hopefully know this after the previous three talks. . ."),
    )


def test_beamer_overlays_fold_into_one_slide(beamer: Deck) -> None:
    # Pages 7-10 show one frame ("How blocks help ..."), each adding a figure label.
    numbers = [s.number for s in beamer.slides]
    assert numbers[:8] == [1, 2, 3, 4, 5, 6, 7, 11]
    assert len(beamer.slides) == 22
    folded = beamer.slide(7)
    assert folded is not None
    assert folded.title == "How blocks help in perfect phylogeny haplotyping."


def test_beamer_lists_from_indentation_and_numbers(beamer: Deck) -> None:
    slide = beamer.slide(4)
    assert slide is not None
    assert slide.blocks[:2] == (
        Paragraph("Inputs"),
        ListBlock(
            (
                ListItem("A genotype matrix G."),
                ListItem("The rows of the matrix are taxa / individuals."),
                ListItem("The columns of the matrix are SNP sites / characters."),
            )
        ),
    )
    enumerated = beamer.slide(7)
    assert enumerated is not None
    assert enumerated.blocks[0] == ListBlock(
        (
            ListItem("Partition the site set into overlapping contiguous blocks.", 0, True),
            # A wrapped entry: "... and combine" / "them." on the page.
            ListItem("Compute a perfect phylogeny for each block and combine them.", 0, True),
            ListItem("Use dynamic programming for finding the partition.", 0, True),
        )
    )


def test_beamer_word_spaces_and_ligatures(beamer: Deck) -> None:
    slide = beamer.slide(6)
    assert slide is not None
    assert slide.title == "We can do perfect phylogeny haplotyping efficiently, but . . ."


def test_libreoffice_pdf_on_a_rotated_page() -> None:
    # The pages carry /Rotate 270; the text is laid out sideways in PDF space.
    deck = read_deck(DECKS / "docling_odf_presentation_01.odp.pdf")
    assert [s.title for s in deck.slides] == ["Test Table Slide", "Second slide title", None]
    assert deck.slides[1].blocks == (
        Paragraph("Let’s introduce a list"),
        ListBlock((ListItem("With foo"), ListItem("Bar"), ListItem("And baz things"))),
        Paragraph("A rectangle shape with this text inside."),
    )
    # A numbered list and a bulleted one that follows are two lists.
    assert deck.slides[2].blocks[:2] == (
        ListBlock(tuple(ListItem(f"List item{n}", 0, True) for n in (4, 5, 6))),
        ListBlock(tuple(ListItem(f"I{n}") for n in (1, 2, 3, 4))),
    )


def test_powerpoint_pdf_title_slide() -> None:
    deck = read_deck(DECKS / "tika_powerpoint2010_slide.pdf")
    assert [(s.title, s.blocks) for s in deck.slides] == [
        ("This is a pdf document", (Paragraph("This is embeded with Excel"),))
    ]


def test_right_to_left_pdf_in_logical_order() -> None:
    slide = read_deck(DECKS / "docling_rtl_powerpoint.pdf").slides[0]
    first = slide.blocks[0]
    assert isinstance(first, Paragraph)
    # Logical order: the text starts with its first word (pdfminer gives it reversed).
    assert first.text.startswith("وعليه،فإن الحكومة المصرية")
    assert first.text.endswith("المجلمعا.")
    # The page number "11" in the bottom corner is chrome.
    assert Paragraph("11") not in slide.blocks


def test_encrypted_pdf_needs_a_password() -> None:
    with pytest.raises(ReadError, match="the PDF is password-protected; open it"):
        read_deck(DECKS / "unstructured_password.pdf")


# --- In the report ----------------------------------------------------------------------


def render_blocks(slide: object, language: str) -> Any:
    import types

    import lxml.html

    from eventreport.labels import LABELS
    from eventreport.templating import environment

    env = environment(ROOT / "templates")
    html = env.get_template("parts/blocks.html").render(
        slide=slide, L=LABELS[language], event=types.SimpleNamespace(language=language)
    )
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_chart_renders_as_a_data_table_with_caption(aascu: Deck) -> None:
    slide = aascu.slide(8)
    table = render_blocks(slide, "nl").find(".//table[@class='slide-chart']")
    assert table.findtext("caption").startswith("Employment of workers")
    assert [th.text for th in table.findall("thead/tr/th")] == [
        "1990-1995",
        "1995-2000",
        "2000-2005",
        "2005-2010",
        "2010-2012",
    ]
    first = table.find("tbody/tr")
    assert first.findtext("th") == "High School or Less"
    # Dutch reports write decimal commas.
    assert [td.text for td in first.findall("td")] == ["-1,4", "0,6", "-0,1", "-2,1", "-0,2"]


def test_diagram_renders_as_a_nested_list() -> None:
    slide = read_deck(DECKS / "poi_customgeo_48slides.pptx").slide(9)
    top = render_blocks(slide, "en").find(".//ul[@class='slide-diagram']")
    assert top.findtext("li") == "Reading Strand"
    assert top.findtext("li/ul/li") == "Reading: Literature"
    assert top.findtext("li/ul/li/ul/li") == "Key Ideas and Details"
