"""What real decks and polls showed being misread (issue 15), on files made here: a
lecture PDF in the style of LaTeX beamer with a sidebar, running header and footer; a
Hebrew slide in two columns, as PPTX and PDF; a glyph without Unicode; a Kahoot report
whose answers hold markup; a protocol-relative link; `invoke extract ... | head`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import (
    LECTURE_AUTHOR,
    LECTURE_ITEMS,
    LECTURE_SECTIONS,
    LECTURE_TITLE,
    LECTURE_WRAPPED,
    RTL_LEFT,
    RTL_RIGHT,
    RTL_TITLE,
    make_kahoot,
    make_lecture_pdf,
    make_pdf_with_unmapped_glyph,
    make_rtl_pdf,
    make_rtl_pptx,
)
from fixtures import slide_texts as texts
from pptx import Presentation

from eventreport.model import Deck, ListBlock, ListItem, Paragraph
from eventreport.readers import read_deck, read_poll

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory) -> Deck:
    return read_deck(make_lecture_pdf(tmp_path_factory.mktemp("lecture")))


# --- PDF: repeated lines are chrome only where they repeat -------------------------------


def test_sidebar_footer_and_header_are_left_out(lecture: Deck) -> None:
    assert len(lecture.slides) == 8
    for slide in lecture.slides:
        for line in [slide.title or "", *texts(slide)]:
            assert "Kapitel" not in line and " / 8" not in line, (slide.number, line)
            if slide.number > 2:
                assert line not in LECTURE_SECTIONS[:3] or line == slide.title, line
                assert LECTURE_AUTHOR not in line, (slide.number, line)


def test_a_contents_slide_keeps_the_entries_the_sidebar_also_lists(lecture: Deck) -> None:
    contents = lecture.slides[1]
    assert contents.title == "Inhalt"
    assert contents.blocks == (ListBlock(tuple(ListItem(s) for s in LECTURE_SECTIONS)),)


def test_a_closing_slide_keeps_the_title_the_sidebar_also_lists(lecture: Deck) -> None:
    closing = lecture.slides[-1]
    assert (closing.title, texts(closing)) == ("Zusammenfassung", ["Danke."])


def test_the_title_slide_keeps_the_authors_name_the_footer_also_shows(lecture: Deck) -> None:
    assert texts(lecture.slides[0]) == [LECTURE_AUTHOR]


# --- PDF: titles and lines ------------------------------------------------------------------


def test_a_running_header_larger_than_the_title_is_not_the_title(lecture: Deck) -> None:
    # "Kapitel 1: Einleitung" sits above everything in 16 pt bold; the talk's title is 15 pt.
    assert lecture.slides[0].title == LECTURE_TITLE
    assert [s.title for s in lecture.slides[1:4]] == ["Inhalt", "Grundbegriffe", "Aussagen"]


def test_entries_on_neighbouring_baselines_stay_apart_and_a_wrapped_one_joins(
    lecture: Deck,
) -> None:
    slide = lecture.slides[2]
    assert slide.blocks[0] == ListBlock(
        tuple(ListItem(text) for text in (*LECTURE_ITEMS, LECTURE_WRAPPED))
    )


def test_a_raised_star_stays_with_its_sigma(lecture: Deck) -> None:
    assert lecture.slides[2].blocks[1] == Paragraph("Σ∗ ist die Menge aller Wörter.")


def test_an_affiliation_mark_joins_its_line() -> None:
    # The corpus talk sets "3" on a line of its own before its affiliation.
    deck = read_deck(ROOT.parent / "shared/corpus/decks/beamer_conference_talk.pdf")
    assert Paragraph("3International Computer Science Institute, Berkeley, USA") in (
        deck.slides[0].blocks
    )
    assert Paragraph("3") not in deck.slides[0].blocks


def test_a_glyph_without_unicode_is_marked_not_dropped(tmp_path: Path) -> None:
    deck = read_deck(make_pdf_with_unmapped_glyph(tmp_path))
    # The unknown glyph /foo shows as U+FFFD; /bar is a known name: "|".
    assert texts(deck.slides[0]) == ["Summe \ufffd und |x"]


def test_an_overlay_knows_the_page_it_shows() -> None:
    deck = read_deck(ROOT.parent / "shared/corpus/decks/beamer_conference_talk.pdf")
    folded = deck.slide(7)
    assert folded is not None and (folded.number, folded.page) == (7, 10)
    assert deck.slides[0].page == 1


# --- Right-to-left slides --------------------------------------------------------------------


def test_right_to_left_pptx_columns_are_read_from_the_right(tmp_path: Path) -> None:
    slide = read_deck(make_rtl_pptx(tmp_path)).slides[0]
    assert slide.title == RTL_TITLE
    assert texts(slide) == [*RTL_RIGHT, *RTL_LEFT]


def test_right_to_left_pdf_columns_are_read_from_the_right(tmp_path: Path) -> None:
    slide = read_deck(make_rtl_pdf(tmp_path)).slides[0]
    assert slide.title == RTL_TITLE
    assert texts(slide) == [*RTL_RIGHT, *RTL_LEFT]


def test_left_to_right_columns_stay_left_first(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    # The right box first in the file: reading order still starts left.
    for left, text in ((5_000_000, "Rechts"), (500_000, "Links")):
        slide.shapes.add_textbox(left, 1_000_000, 3_000_000, 1_000_000).text_frame.text = text
    prs.save(str(tmp_path / "ltr.pptx"))
    assert texts(read_deck(tmp_path / "ltr.pptx").slides[0]) == ["Links", "Rechts"]


# --- Poll labels with markup -----------------------------------------------------------------


def test_kahoot_labels_and_titles_lose_their_markup(tmp_path: Path) -> None:
    path = make_kahoot(
        tmp_path / "kahoot.xlsx",
        "Quiz &amp; meer",
        "Wie schreef <b>King Lear</b>?",
        [("Shakespeare<br>", 3), ("Mbretit&nbsp;Lir", 1), ("Realist<br/>", 0), ("< 18 jaar", 2)],
    )
    export = read_poll(path)
    question = export.questions[0]
    assert export.title == "Quiz & meer"
    assert question.title == "Wie schreef King Lear ?"
    # A no-break space is a space in a label; "< 18" is not a tag and stays.
    assert [o.label for o in question.options] == [
        "Shakespeare",
        "Mbretit Lir",
        "Realist",
        "< 18 jaar",
    ]


def test_open_answers_keep_what_the_audience_typed(menti_file: Path) -> None:
    answers = [r.text for r in read_poll(menti_file).questions[1].responses]
    assert "<b>Signaleren</b> & doorverwijzen" in answers


# --- Links and the extract command -----------------------------------------------------------


def test_a_protocol_relative_link_gets_https(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    run = slide.shapes.add_textbox(0, 0, 3_000_000, 500_000).text_frame.paragraphs[0].add_run()
    run.text = "het verslag"
    run.hyperlink.address = "//example.org/verslag"
    prs.save(str(tmp_path / "link.pptx"))
    links = read_deck(tmp_path / "link.pptx").slides[0].links
    assert [(k.text, k.url) for k in links] == [("het verslag", "https://example.org/verslag")]


def test_extract_into_head_ends_quietly() -> None:
    deck = ROOT.parent / "shared/corpus/decks/beamer_conference_talk.pdf"
    # `head -1` closes the pipe after one line; the task must not print a traceback.
    done = subprocess.run(
        f"'{sys.executable}' -m invoke extract '{deck}' | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout == "# beamer_conference_talk.pdf (pdf)\n"
    assert "BrokenPipeError" not in done.stderr and "Traceback" not in done.stderr
