"""The readers against generated fixtures, broken inputs and real corpus files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from fixtures import (
    CORPUS,
    LINK_URL,
    MACRO_SLIDESHOW,
    SLIDESHOW,
    STATEMENT,
    as_slideshow,
    encrypt_pdf,
    make_mentimeter,
    make_pdf_deck,
    make_workbook,
    menti_block,
    menti_voters,
    truncated,
    with_member,
    without_member,
    zip_with,
)

from eventreport.errors import ReadError
from eventreport.model import (
    Deck,
    ImageBlock,
    Link,
    ListBlock,
    ListItem,
    Option,
    Paragraph,
    Response,
    TableBlock,
)
from eventreport.readers import read_deck, read_poll, read_source

DECKS = CORPUS / "decks"
POLLS = CORPUS / "polls"


def read_error(path: Path) -> str:
    """The message read_source gives for `path`, checking it names the file."""
    with pytest.raises(ReadError) as caught:
        read_source(path)
    message = str(caught.value)
    assert str(path) in message or path.name in message
    return message


# --- PPTX: generated deck ----------------------------------------------------------------


def test_pptx_default_leaves_out_hidden_slides_and_notes(deck_file: Path) -> None:
    deck = read_deck(deck_file)
    assert deck.format == "pptx"
    assert deck.source == deck_file
    assert [s.number for s in deck.slides] == [1, 2, 3, 5]
    assert all(s.notes is None for s in deck.slides)


def test_pptx_include_hidden_and_notes(deck_file: Path) -> None:
    deck = read_deck(deck_file, include_hidden=True, notes=True)
    assert [(s.number, s.hidden) for s in deck.slides] == [
        (1, False),
        (2, False),
        (3, False),
        (4, True),
        (5, False),
    ]
    hidden = deck.slide(4)
    assert hidden is not None
    assert hidden.title == "Intern"
    assert [s.notes for s in deck.slides] == ["", "Niet publiceren: voorlopige cijfers", "", "", ""]


def test_pptx_title_and_subtitle_paragraph(deck_file: Path) -> None:
    slide = read_deck(deck_file).slides[0]
    assert slide.title == "Welkom"
    # The subtitle's layout switches bullets off, so it is running text.
    assert slide.blocks == (Paragraph("Kennisbijeenkomst 2020"),)


def test_pptx_lists_levels_numbering_soft_break_and_links(deck_file: Path) -> None:
    slide = read_deck(deck_file).slides[1]
    assert slide.title == "Agenda"
    assert slide.blocks == (
        ListBlock(
            (
                ListItem("Opening", 0),
                ListItem("Cijfers\nen trends", 0),
                ListItem("Landelijk", 1),
                ListItem("Per regio", 2),
                ListItem("Afsluiting", 0, numbered=True),
            )
        ),
        # The tab between runs is a control character: it becomes a space.
        Paragraph("Lees het volledige verslag online."),
    )
    assert slide.links == (Link("volledige verslag", LINK_URL),)


def test_pptx_table_merged_cells_and_pictures(deck_file: Path) -> None:
    slide = read_deck(deck_file).slides[2]
    assert slide.title == "Cijfers"
    assert slide.blocks == (
        TableBlock((("Regio", "2019", ""), ("Noord", "12", "14"), ("Zuid", "8", "9"))),
        ImageBlock("Grafiek: aanmeldingen per jaar"),
        ImageBlock(None),
    )


def test_pptx_reading_order_groups_and_chrome(deck_file: Path) -> None:
    slide = read_deck(deck_file).slide(5)
    assert slide is not None
    assert slide.title is None
    # Side-by-side boxes read left to right; the group's children are placed in slide
    # space (below "Midden"); the slide-number placeholder is dropped.
    assert [b.text for b in slide.blocks if isinstance(b, Paragraph)] == [
        "Links",
        "Rechts",
        "Midden",
        "Groep boven",
        "Groep onder",
    ]
    assert len(slide.blocks) == 5


@pytest.mark.parametrize("main_type", [SLIDESHOW, MACRO_SLIDESHOW])
def test_slideshow_content_is_read_as_a_deck(
    deck_file: Path, tmp_path: Path, main_type: str
) -> None:
    path = as_slideshow(deck_file, tmp_path, main_type)
    with zipfile.ZipFile(path) as archive:
        assert main_type.encode() in archive.read("[Content_Types].xml")
    deck = read_deck(path)
    assert deck.format == "pptx"
    assert [s.title for s in deck.slides] == ["Welkom", "Agenda", "Cijfers", None]


def test_read_source_picks_the_reader_by_content_not_name(deck_file: Path, tmp_path: Path) -> None:
    disguised = tmp_path / "notes.txt"
    disguised.write_bytes(deck_file.read_bytes())
    deck = read_source(disguised)
    assert isinstance(deck, Deck)
    assert deck.format == "pptx"


# --- PPTX and other files: broken inputs --------------------------------------------------


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "deck.pptx"
    path.write_text("Dit is geen presentatie\n")
    message = read_error(path)
    assert "not a file format this program reads" in message
    assert "PowerPoint (.pptx" in message and "PDF" in message and "mentimeter" in message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "deck.pptx"
    path.write_bytes(b"")
    assert "the file is empty; get the file again" in read_error(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "file not found" in read_error(tmp_path / "weg.pptx")


def test_truncated_pptx(deck_file: Path, tmp_path: Path) -> None:
    message = read_error(truncated(deck_file, tmp_path / "half.pptx"))
    assert "damaged or incomplete" in message
    assert "get the file again" in message


def test_ole2_file_is_refused_as_encrypted_or_legacy(tmp_path: Path) -> None:
    path = tmp_path / "oud.pptx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ReadError) as caught:
        read_deck(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: encrypted or legacy Office file: ")
    assert "save it as .pptx without a password" in message


def test_zip_without_presentation_part(tmp_path: Path) -> None:
    path = zip_with(tmp_path / "deck.pptx", {"word/document.xml": b"<w:document/>"})
    message = read_error(path)
    assert "a zip file without a PowerPoint presentation or Excel workbook" in message
    assert "Save or export it as one of these" in message


def test_damaged_slide_xml_names_the_part(deck_file: Path, tmp_path: Path) -> None:
    path = with_member(deck_file, tmp_path / "kapot.pptx", "ppt/slides/slide2.xml", b"<p:sld")
    with pytest.raises(ReadError) as caught:
        read_deck(path)
    assert caught.value.location == "part ppt/slides/slide2.xml"
    assert str(caught.value).startswith(f"{path}: part ppt/slides/slide2.xml: this part is damaged")
    assert str(caught.value).endswith(
        "open the file in PowerPoint and save it again, or get the file again"
    )


def test_slide_with_missing_layout_names_the_slide(deck_file: Path, tmp_path: Path) -> None:
    rels = "ppt/slides/_rels/slide3.xml.rels"
    with zipfile.ZipFile(deck_file) as archive:
        data = archive.read(rels).replace(b"/slideLayout", b"/gone")
    path = with_member(deck_file, tmp_path / "kapot.pptx", rels, data)
    with pytest.raises(ReadError) as caught:
        read_deck(path)
    assert caught.value.location == "slide 3"
    assert "a part the slide needs is missing" in str(caught.value)
    assert str(caught.value).endswith("open the file in PowerPoint and save it again")


def test_missing_slide_part_names_the_slide(deck_file: Path, tmp_path: Path) -> None:
    path = without_member(deck_file, tmp_path / "kapot.pptx", "ppt/slides/slide3.xml")
    with pytest.raises(ReadError) as caught:
        read_deck(path)
    assert str(caught.value) == (
        f"{path}: slide 3: the slide is missing from the file; "
        "open the file in PowerPoint and save it again"
    )


def test_read_deck_refuses_a_poll_export(menti_file: Path) -> None:
    with pytest.raises(ReadError, match="not a slide deck; list it under polls"):
        read_deck(menti_file)


def test_read_poll_refuses_a_deck(deck_file: Path) -> None:
    with pytest.raises(ReadError, match="not a poll export; list it under decks"):
        read_poll(deck_file)


# --- PDF ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pdf_deck(tmp_path_factory.mktemp("pdf"))


def test_pdf_one_slide_per_page(pdf_file: Path) -> None:
    deck = read_deck(pdf_file, include_hidden=True, notes=True)
    assert deck.format == "pdf"
    assert [(s.number, s.title, s.hidden, s.notes) for s in deck.slides] == [
        (1, "Eerste dia", False, None),
        (2, "Tweede dia", False, None),
    ]
    assert deck.slides[0].blocks == (Paragraph("Regel een"), Paragraph("Regel twee"))
    assert deck.slides[1].blocks == (Paragraph("Slotwoord"),)


def test_pdf_with_owner_password_only_is_read(pdf_file: Path, tmp_path: Path) -> None:
    path = encrypt_pdf(pdf_file, tmp_path / "beveiligd.pdf", user_password="")
    assert [s.title for s in read_deck(path).slides] == ["Eerste dia", "Tweede dia"]


def test_pdf_with_user_password_is_refused(pdf_file: Path, tmp_path: Path) -> None:
    path = encrypt_pdf(pdf_file, tmp_path / "geheim.pdf", user_password="geheim")
    message = read_error(path)
    assert "password-protected" in message
    assert "without one" in message


def test_truncated_pdf(pdf_file: Path, tmp_path: Path) -> None:
    message = read_error(truncated(pdf_file, tmp_path / "half.pdf"))
    assert "damaged or incomplete" in message


# --- Mentimeter -------------------------------------------------------------------------


def test_mentimeter_reads_the_last_session(menti_file: Path) -> None:
    poll = read_poll(menti_file)
    assert poll.tool == "mentimeter"
    assert poll.source == menti_file
    assert [(q.id, q.type, q.title, q.respondents) for q in poll.questions] == [
        ("1", "choice", STATEMENT, 26),
        ("2", "open", "Wat neemt u mee?", 3),
        ("3", "content", "Pauze", 0),
        ("4", "quiz", "Wie zong Toxic?", 2),
    ]


def test_mentimeter_counts_stored_as_text(menti_file: Path) -> None:
    question = read_poll(menti_file).questions[0]
    assert question.options == (Option("Eens", 14), Option("Oneens", 12))
    assert question.responses == ()
    assert question.location == "sheet 'Session 2', row 1"


def test_mentimeter_open_responses_with_locations(menti_file: Path) -> None:
    question = read_poll(menti_file).questions[1]
    assert question.options == ()
    assert question.responses == (
        Response("Meer samenwerking met de zorg", "sheet 'Session 2', row 20"),
        Response("<b>Signaleren</b> & doorverwijzen", "sheet 'Session 2', row 21"),
        # Typed by someone in the audience; it is not followed by label rows.
        Response("Question 7", "sheet 'Session 2', row 22"),
    )


def test_mentimeter_slide_without_votes_and_quiz(menti_file: Path) -> None:
    content, quiz = read_poll(menti_file).questions[2:]
    assert (content.options, content.responses) == ((), ())
    # The leaderboard (names of people) is not read.
    assert quiz.options == (Option("Britney", 1, correct=True), Option("Beyonce", 1, correct=False))
    assert quiz.responses == ()


def test_mentimeter_earlier_session_on_request(menti_file: Path) -> None:
    poll = read_poll(menti_file, session=1)
    assert len(poll.questions) == 1
    assert poll.questions[0].options == (Option("Eens", 1), Option("Oneens", 0))
    assert poll.questions[0].location == "sheet 'Session 1', row 1"


def test_mentimeter_unknown_session(menti_file: Path) -> None:
    with pytest.raises(
        ReadError, match="no sheet 'Session 9'; the file has 'Session 1', 'Session 2'"
    ):
        read_poll(menti_file, session=9)


def test_mentimeter_newer_date_header(tmp_path: Path) -> None:
    path = make_mentimeter(tmp_path, Voters=menti_voters("Date (UTC)"))
    assert len(read_poll(path).questions) == 4


def test_mentimeter_non_numeric_vote_count(tmp_path: Path) -> None:
    rows = [*menti_block("Question 1", "choices", STATEMENT, 26), ["Choices", "Votes"]]
    rows += [["Eens", "14"], ["Oneens", "veel"]]
    path = make_mentimeter(tmp_path, Session_2=rows)
    with pytest.raises(ReadError) as caught:
        read_poll(path)
    assert caught.value.location == "sheet 'Session 2', row 10"
    assert str(caught.value) == (
        f"{path}: sheet 'Session 2', row 10: vote count 'veel' is not a whole number; "
        "correct the cell or download the results again"
    )


def test_mentimeter_non_numeric_respondents(tmp_path: Path) -> None:
    path = make_mentimeter(tmp_path, Session_2=menti_block("Question 1", "open", "Wat?", "?"))
    with pytest.raises(ReadError) as caught:
        read_poll(path)
    assert caught.value.location == "sheet 'Session 2', row 6"
    assert "number of respondents '?' is not a whole number" in str(caught.value)


def test_mentimeter_unknown_type(tmp_path: Path) -> None:
    path = make_mentimeter(tmp_path, Session_2=menti_block("Question 1", "hotspot", "Waar?", 1))
    with pytest.raises(ReadError) as caught:
        read_poll(path)
    assert caught.value.location == "sheet 'Session 2', row 4"
    assert "unknown question type 'hotspot' (known: choices, " in str(caught.value)


def test_mentimeter_unexpected_row_in_a_block(tmp_path: Path) -> None:
    rows = [*menti_block("Question 1", "choices", STATEMENT, 26), ["Stemmen", "Aantal"]]
    path = make_mentimeter(tmp_path, Session_2=rows)
    with pytest.raises(ReadError) as caught:
        read_poll(path)
    assert caught.value.location == "sheet 'Session 2', row 8"
    assert "unexpected row 'Stemmen' in the block of 'Question 1'" in str(caught.value)


def test_mentimeter_block_without_type(tmp_path: Path) -> None:
    rows = [row for row in menti_block("Question 1", "open", "Wat?", 2) if row[:1] != ["Type"]]
    path = make_mentimeter(tmp_path, Session_2=rows)
    with pytest.raises(ReadError) as caught:
        read_poll(path)
    assert caught.value.location == "sheet 'Session 2', row 1"
    assert "the block of 'Question 1' has no Type row" in str(caught.value)


def test_mentimeter_wrong_voters_header(tmp_path: Path) -> None:
    voters = menti_voters()
    voters[2] = ["Datum", "Sessie", "Stemmer"]
    path = make_mentimeter(tmp_path, Voters=voters)
    with pytest.raises(ReadError) as caught:
        read_poll(path)
    assert caught.value.location == "sheet 'Voters', row 3"
    assert "expected the header Date | Session | Voter, found Datum | Sessie | Stemmer" in str(
        caught.value
    )


def test_mentimeter_without_session_sheets(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "menti.xlsx", {"Voters": menti_voters()})
    with pytest.raises(ReadError, match="no 'Session N' sheet with results"):
        read_poll(path)


def test_xlsx_with_no_known_layout(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "lijst.xlsx", {"Blad1": [["Naam", "Stem"], ["An", "Ja"]]})
    message = read_error(path)
    assert "matches no known poll export layout (sheets: 'Blad1'); known tools: mentimeter" in (
        message
    )


def test_named_tool_that_does_not_match(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "lijst.xlsx", {"Blad1": [["Naam"]]})
    with pytest.raises(ReadError, match="no 'Voters' sheet, so this is not a Mentimeter"):
        read_poll(path, tool="mentimeter")


def test_unknown_tool_name(menti_file: Path) -> None:
    with pytest.raises(
        ReadError, match="unknown poll tool 'slido'; use auto or one of: mentimeter"
    ):
        read_poll(menti_file, tool="slido")


def test_truncated_xlsx(menti_file: Path, tmp_path: Path) -> None:
    assert "damaged or incomplete" in read_error(truncated(menti_file, tmp_path / "half.xlsx"))


# --- Real files from ../shared/corpus -----------------------------------------------------


def test_corpus_docling_sample() -> None:
    deck = read_deck(DECKS / "docling_powerpoint_sample.pptx")
    assert [s.title for s in deck.slides] == ["Test Table Slide", "Second slide title", None]
    table, footnote = deck.slides[0].blocks
    assert isinstance(table, TableBlock)
    # "Class1" spans three columns; the covered cells are empty.
    assert table.rows[0] == ("", "Class1", "", "", "Class2", "", "")
    assert table.rows[1] == ("", "A merged with B", "", "C", "A", "B", "C")
    assert footnote == Paragraph("With footnote")
    assert deck.slides[1].blocks == (
        Paragraph("A rectangle shape with this text inside."),
        # buNone on the paragraph overrides the placeholder's inherited bullet.
        Paragraph("Let’s introduce a list"),
        ListBlock((ListItem("With foo"), ListItem("Bar"), ListItem("And baz things"))),
    )
    third = deck.slides[2].blocks
    assert third[0] == ListBlock(
        tuple(ListItem(f"List item{n}", 0, numbered=True) for n in (4, 5, 6))
    )
    assert third[2] == Paragraph("Some info:")
    assert all(s.notes is None for s in deck.slides)


def test_corpus_docling_notes_on_request() -> None:
    deck = read_deck(DECKS / "docling_powerpoint_sample.pptx", notes=True)
    assert [s.notes for s in deck.slides] == [
        "",
        "Some notes on the second slide.",
        "Final notes on the third slide.\nSecond line of notes.",
    ]


def test_corpus_apachecon_hidden_slides() -> None:
    path = DECKS / "poi_apachecon_performance_up.pptx"
    shown = read_deck(path)
    assert len(shown.slides) == 46
    assert shown.slide(13) is None and shown.slide(48) is None
    assert [s.number for s in shown.slides][11:13] == [12, 14]
    everything = read_deck(path, include_hidden=True)
    assert [s.number for s in everything.slides] == list(range(1, 49))
    assert [s.number for s in everything.slides if s.hidden] == [13, 48]
    assert [everything.slides[i].title for i in (12, 47)] == [
        "Monitoring Solaris: SE Toolkit",
        "Further Reading",
    ]


def test_corpus_apachecon_nested_bullets() -> None:
    slide = read_deck(DECKS / "poi_apachecon_performance_up.pptx").slide(7)
    assert slide is not None
    assert slide.title == "No Silver Bullet"
    assert slide.blocks == (
        ListBlock(
            (
                ListItem("Every site is different"),
                ListItem("Dynamic Content", 1),
                ListItem("Static Content", 1),
                ListItem("Different Traffic Patterns"),
                ListItem("SSL or Plaintext"),
                ListItem("No Cookie Cutter Approach"),
            )
        ),
    )


def test_corpus_pandoc_lists_match_the_source_ast() -> None:
    first, second = read_deck(DECKS / "pandoc_lists.pptx").slides
    assert first.blocks == (
        ListBlock(
            (
                ListItem("Bulleted bulleted lists."),
                ListItem("And go to arbitrary depth."),
                ListItem("Like this", 1),
                ListItem("Or this", 2),
                ListItem("Back to here.", 1),
            )
        ),
    )
    assert second.blocks[0] == Paragraph("Lists can also be numbered:")
    assert second.blocks[1] == ListBlock(
        (
            ListItem("Tomatoes", 0, True),
            ListItem("Potatoes of various sorts", 0, True),
            ListItem("sweet potatoes", 1, True),
            ListItem("russet potates", 1, True),
            ListItem("Tornadoes, for the rhyme.", 0, True),
        )
    )


def test_corpus_ppsx_content_in_a_pptx_name() -> None:
    deck = read_deck(DECKS / "poi_stress022_ppsx_as_pptx.pptx")
    assert len(deck.slides) == 45
    assert deck.slides[1].title == (
        "Je peux m’inscrire dans un établissement de l’enseignement supérieur si :"
    )


def test_corpus_internal_links_are_not_links() -> None:
    slide = read_deck(DECKS / "poi_with_japanese.pptx").slides[0]
    # Four of its five hyperlinks jump to footnote anchors inside the document.
    assert slide.links == (Link("This is a hyperlink", "http://tika.apache.org/"),)


def test_corpus_encrypted_pptx() -> None:
    path = DECKS / "tika_protected_passtika.pptx"
    with pytest.raises(ReadError) as caught:
        read_source(path)
    assert str(caught.value) == (
        f"{path}: encrypted or legacy Office file: it is password-protected; open it in "
        "PowerPoint or Excel and save it as .pptx without a password"
    )


def test_corpus_beamer_pdf() -> None:
    deck = read_deck(DECKS / "beamer_conference_talk.pdf")
    # 31 pages; overlay pages (8-10, 12, 15, 19, 28, 30-31) fold into the frame's first.
    assert len(deck.slides) == 22
    assert deck.slides[0].title == (
        "On the Complexity of SNP Block Partitioning Under the Perfect Phylogeny Model"
    )
    assert deck.slides[0].blocks[0] == Paragraph("Jens Gramm1 Tzvika Hartman2 Till Nierhoff3")
    assert deck.slides[1].title == "Outline"
    assert deck.slides[-1].title == "The algorithm in action."


def test_corpus_pdf_with_user_password() -> None:
    # An empty password does not open it (checked with pypdf: decrypt("") returns 0).
    path = DECKS / "unstructured_password.pdf"
    with pytest.raises(ReadError) as caught:
        read_source(path)
    assert str(caught.value).startswith(f"{path}: the PDF is password-protected; ")


def test_an_opendocument_spreadsheet_is_refused_with_advice(tmp_path: Path) -> None:
    # A presentation (.odp) is read through LibreOffice (test_conversion.py); a
    # spreadsheet is no deck, and no poll export either.
    path = tmp_path / "stemmen.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", "<office:document-content/>")
    message = read_error(path)
    assert "an OpenDocument file that is not a presentation (LibreOffice .ods, .odt)" in message


def test_corpus_every_pptx_reads() -> None:
    for path in sorted(DECKS.glob("*.pptx")):
        if path.name == "tika_protected_passtika.pptx":
            continue
        deck = read_deck(path, include_hidden=True, notes=True)
        assert deck.slides, path.name
        assert [s.number for s in deck.slides] == list(range(1, len(deck.slides) + 1))
