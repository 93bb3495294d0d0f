"""Wooclap and Kahoot on real exports; Microsoft Forms, Google Forms, plain CSV and the
CSV byte variants on generated files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures import (
    CORPUS,
    EMAIL,
    EMOJI_ANSWER,
    PERSON,
    RTL_ANSWER,
    XSS_ANSWER,
    csv_bytes,
    gforms_rows,
    make_msforms,
    make_workbook,
)

from eventreport.errors import ReadError
from eventreport.extract import to_json
from eventreport.model import Option, PollExport, Question
from eventreport.readers import read_poll, read_source

POLLS = CORPUS / "polls"
WOOCLAP = POLLS / "wooclap_matisse_ga_rome_2025-results.xlsx"


def by_id(export: PollExport) -> dict[str, Question]:
    return {q.id: q for q in export.questions}


def counts(question: Question) -> list[tuple[str, int]]:
    return [(o.label, o.count) for o in question.options]


# --- Wooclap: the real export (facts read by hand from the workbook) -------------------


@pytest.fixture(scope="module")
def wooclap() -> PollExport:
    return read_poll(WOOCLAP)


def test_wooclap_is_recognised_with_every_question_and_the_wall(wooclap: PollExport) -> None:
    assert wooclap.tool == "wooclap"
    assert [q.id for q in wooclap.questions] == [*(str(n) for n in range(1, 25)), "wall"]
    wall = by_id(wooclap)["wall"]
    assert (wall.type, wall.respondents, wall.responses) == ("open", 0, ())


def test_wooclap_choice_question(wooclap: PollExport) -> None:
    q1 = by_id(wooclap)["1"]
    assert q1.title == "General information: Type of organization:"
    assert (q1.type, q1.respondents) == ("choice", 44)  # the "By web" footer
    assert counts(q1) == [("Academic", 16), ("Research Organization", 6), ("SME", 12),
                          ("large company", 10)]  # fmt: skip
    assert q1.options[0].percent == 36.36
    assert q1.options[0].location == "sheet 'Q1', row 4"


def test_wooclap_select_all_is_multi_choice_with_the_comments(wooclap: PollExport) -> None:
    q8 = by_id(wooclap)["8"]
    assert (q8.type, q8.respondents, len(q8.options)) == ("multi-choice", 44, 11)
    assert (q8.options[0].label, q8.options[0].count, q8.options[0].percent) == (
        "Digital Twins",
        19,
        43.18,
    )
    q3 = by_id(wooclap)["3"]
    assert (q3.type, q3.respondents, sum(o.count for o in q3.options)) == ("multi-choice", 46, 47)
    # "Other [...]" texts, one response each, where Wooclap lists them.
    assert [r.text for r in q3.responses[:2]] == ["CTO", "Senior Manager Funded Projects"]
    assert q3.responses[0].location == "sheet 'Q3', row 4, column D"


def test_wooclap_quiz_question(wooclap: PollExport) -> None:
    q9 = by_id(wooclap)["9"]
    assert q9.title == "General Information: Are you directly involved in MATISSE?"
    assert (q9.type, q9.respondents, counts(q9)) == ("quiz", 42, [("Yes", 35), ("No", 7)])


def test_wooclap_open_question(wooclap: PollExport) -> None:
    q10 = by_id(wooclap)["10"]
    assert q10.title == (
        "DTE: What immediately comes to your mind when thinking about Digital Twin "
        "Engineering (DTE)?"
    )
    assert (q10.type, q10.respondents, len(q10.responses)) == ("open", 41, 41)
    assert q10.responses[0].text == "automated simulations"
    assert (q10.responses[-1].text, q10.responses[-1].location) == (
        "Building Digital Twins",
        "sheet 'Q10', row 44",
    )


def test_wooclap_rating_question(wooclap: PollExport) -> None:
    q12 = by_id(wooclap)["12"]
    assert (q12.type, q12.respondents, len(q12.options)) == ("scale", 36, 14)
    assert q12.scale == ("1", "2", "3", "4", "5")
    modeling = q12.options[0]
    assert (modeling.label, modeling.mean, modeling.distribution, modeling.count) == (
        "Modeling",
        3.3,
        (5, 7, 8, 6, 10),
        36,
    )
    megamodel = by_id(wooclap)["22"].options[-1]
    assert (megamodel.label, megamodel.mean, megamodel.distribution) == (
        "Megamodel",
        1.8,
        (20, 3, 7, 3, 0),
    )


def test_wooclap_participants_are_never_read(wooclap: PollExport) -> None:
    text = json.dumps(to_json(wooclap))
    assert "User 1" not in text and "Username" not in text


def test_wooclap_unknown_question_layout_names_sheet_row_and_layouts(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "wooclap.xlsx",
        {
            "Main results": [["#", "Username", "Q1 (0 pts)"], [1, "User 1", "A"]],
            "Q1": [["Waar klikte u?"], [], ["Position", "Clicks"], ["Links", 3]],
        },
    )
    with pytest.raises(ReadError) as caught:
        read_poll(path)
    assert caught.value.location == "sheet 'Q1', row 3"
    assert caught.value.message.startswith(
        "the header Position | Clicks is not a Wooclap question layout this program knows"
        " (tried: choice 'Choice | Number of votes | % | Comments'; rating "
    )
    assert caught.value.message.endswith("export the results from Wooclap again")


# --- Kahoot: the two real reports ------------------------------------------------------


def kahoot(number: int) -> PollExport:
    return read_poll(POLLS / f"kahoot_report_{number}.xlsx")


def marks(question: Question) -> list[tuple[str, int, bool | None]]:
    return [(o.label, o.count, o.correct) for o in question.options]


def test_kahoot_report_1() -> None:
    export = kahoot(1)
    assert (export.tool, export.title) == ("kahoot", "Test Questions for XLSX2Word (1)")
    assert [(q.id, q.type, q.respondents, q.title) for q in export.questions] == [
        ("1", "quiz", 1, "Which is NOT a country in Europe?"),
        ("2", "quiz", 1, "Which are major cities in the UK?"),
        ("3", "quiz", 1, "Beijing is the capital city of PR China."),
    ]
    first, second, third = export.questions
    assert marks(first) == [("Brasil", 1, True), ("Spain", 0, False), ("France", 0, False),
                            ("Switzerland", 0, False)]  # fmt: skip
    assert marks(second)[:2] == [("Manchester", 1, True), ("Brighton", 0, True)]
    # Two answers only: the unused third and fourth are left out.
    assert marks(third) == [("False", 0, False), ("True", 1, True)]
    assert third.options[1].location == "sheet '3 Quiz', row 8, column F"


def test_kahoot_report_2_trims_padded_labels() -> None:
    export = kahoot(2)
    assert export.title == "Test Questions for XLSX2Word (2)"
    first, second, third = export.questions
    assert first.title == "Which is the capital city of Australia?"
    assert marks(first) == [("Canberra", 1, True), ("Sydney", 0, False)]
    assert marks(second) == [("Bolivia", 0, True), ("Chile", 1, True), ("Brasil", 0, False)]
    assert third.title == 'Which country does NOT belong to "Benelux"?'
    assert counts(third) == [("Denmark", 1), ("Netherlands", 0), ("Belgium", 0)]


def test_kahoot_players_are_never_read() -> None:
    assert "Alice" not in json.dumps(to_json(kahoot(1)))
    assert "Bob" not in json.dumps(to_json(kahoot(2)))


def test_kahoot_sheet_without_counts_fails_naming_it(tmp_path: Path) -> None:
    question = [
        ["Mijn kahoot"],
        ["1 Quiz", "Hoe heet de hoofdstad?"],
        ["Answer options", None, "▲", "Amsterdam"],
    ]
    path = make_workbook(
        tmp_path / "kahoot.xlsx", {"Overview": [["Mijn kahoot"]], "1 Quiz": question}
    )
    with pytest.raises(ReadError) as caught:
        read_poll(path)
    assert caught.value.location == "sheet '1 Quiz', row 1"
    assert "no 'Number of answers received' row in column A" in caught.value.message


# --- Microsoft Forms: counts derived from the responses ------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_msforms_questions_and_derived_counts(tmp_path: Path, language: str) -> None:
    export = read_poll(make_msforms(tmp_path / "antwoorden.xlsx", language))
    assert export.tool == "microsoft-forms"
    # The quiz's Points/Feedback/Total columns and the person columns are not questions.
    rating, sessions, open_text, back = export.questions
    assert (rating.title, rating.type, rating.scale) == (
        "Hoe was de dag?",
        "scale",
        ("1", "2", "3", "4", "5"),
    )
    assert (rating.options[0].distribution, rating.options[0].mean) == ((0, 0, 1, 2, 1), 4.0)
    assert (sessions.type, sessions.respondents, counts(sessions)) == (
        "multi-choice",
        4,
        [("Plenair", 3), ("Workshop A", 2), ("Workshop B", 2)],
    )
    assert (back.type, counts(back)) == ("choice", [("Ja", 3), ("Nee", 1)])
    assert open_text.type == "open"
    assert [(r.text, r.respondent) for r in open_text.responses] == [
        ("Meer contact met de zorg", "1"),
        (XSS_ANSWER, "2"),
        (EMOJI_ANSWER, "4"),
    ]
    first = open_text.responses[0]
    assert (first.location, first.time) == ("sheet 'Form1', row 2, column I", "2024-12-03T20:03:00")
    text = json.dumps(to_json(export), ensure_ascii=False)
    assert EMAIL not in text and PERSON not in text and "anonymous" not in text


def test_msforms_header_below_notes(tmp_path: Path) -> None:
    export = read_poll(make_msforms(tmp_path / "antwoorden.xlsx", above=2))
    assert export.questions[2].responses[0].location == "sheet 'Form1', row 4, column I"


# --- Google Forms: CSV, English and Dutch -----------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_gforms_questions_and_derived_counts(tmp_path: Path, language: str) -> None:
    path = tmp_path / "Formulier (Antwoorden) - Formulierreacties 1.csv"
    path.write_bytes(csv_bytes(gforms_rows(language)))
    export = read_source(path)
    assert isinstance(export, PollExport) and export.tool == "google-forms"
    rating, back, open_text, grid = export.questions
    assert [q.id for q in export.questions] == ["1", "2", "3", "4"]
    assert (rating.type, rating.options[0].distribution, rating.options[0].mean) == (
        "scale",
        (0, 1, 1, 2, 1),
        3.6,
    )
    # "Ja, zeker" holds the separator; the other answers show it is one option.
    assert (back.type, counts(back)) == (
        "multi-choice",
        [("Ja, zeker", 3), ("Misschien", 2), ("Nee", 1)],
    )
    assert [(r.text, r.respondent, r.time) for r in open_text.responses] == [
        ("Meer contact,\nmet de zorg", "1", "2024/12/03 8:41:17 p.m. CET"),
        (RTL_ANSWER, "3", "2024/12/03 8:43:17 p.m. CET"),
        ("Samen verder", "4", "2024/12/03 8:44:17 p.m. CET"),
    ]
    assert open_text.responses[1].location == "row 4, column F"
    assert (grid.title, grid.type, grid.respondents) == ("Stellingen", "scale", 5)
    assert [(o.label, o.count, o.mean, o.distribution) for o in grid.options] == [
        ("Samenwerking is nodig", 5, 4.4, (0, 0, 1, 1, 3)),
        ("Er is genoeg geld", 4, 1.5, (2, 2, 0, 0, 0)),
    ]
    assert EMAIL not in json.dumps(to_json(export))


# --- CSV bytes: every encoding and delimiter Excel writes ------------------------------------

PLAIN = [
    ["vraag", "optie", "aantal"],
    ["Was het café goed?", "Ja – zeker", "12"],
    ["Was het café goed?", "Nee", "3"],
    ["Één woord", "Prima", "4"],
]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "sep_line", "bom"),
    [
        ("utf-8", ",", False, False),
        ("utf-8", ";", False, True),
        ("utf-16", "\t", False, False),  # Python's utf-16 writes a byte order mark
        ("utf-16-le", "\t", False, False),  # no mark: the detector tells
        ("cp1252", ";", False, False),  # Dutch Excel's "CSV"
        ("cp1252", ";", True, False),
        ("cp1252", ",", True, False),
    ],
)
def test_csv_byte_variants(
    tmp_path: Path, encoding: str, delimiter: str, sep_line: bool, bom: bool
) -> None:
    path = tmp_path / "uitslag.csv"
    path.write_bytes(csv_bytes(PLAIN, encoding, delimiter, sep_line=sep_line, bom=bom))
    export = read_source(path)
    assert isinstance(export, PollExport) and export.tool == "csv"
    assert [(q.id, q.title, q.type, q.respondents) for q in export.questions] == [
        ("1", "Was het café goed?", "choice", 15),
        ("2", "Één woord", "choice", 4),
    ]
    assert export.questions[0].options == (Option("Ja – zeker", 12), Option("Nee", 3))
    # Rows count as Excel shows them: a sep= line is not one.
    assert export.questions[0].options[1].location == "row 3"


def test_gforms_saved_again_by_dutch_excel(tmp_path: Path) -> None:
    rows = [[cell.replace(RTL_ANSWER, "Café – €5") for cell in row] for row in gforms_rows("nl")]
    path = tmp_path / "antwoorden.csv"
    path.write_bytes(csv_bytes(rows, "cp1252", ";", sep_line=True))
    export = read_source(path)
    assert isinstance(export, PollExport) and export.tool == "google-forms"
    assert "Café – €5" in [r.text for r in export.questions[2].responses]


def test_plain_table_in_a_workbook(tmp_path: Path) -> None:
    rows = [*PLAIN[:2], ["Was het café goed?", "Nee", 3]]
    path = make_workbook(tmp_path / "uitslag.xlsx", {"Blad1": rows})
    export = read_poll(path)
    assert export.tool == "csv"
    assert counts(export.questions[0]) == [("Ja – zeker", 12), ("Nee", 3)]


@pytest.mark.parametrize(
    ("rows", "location", "words"),
    [
        ([*PLAIN, ["Één woord", "Prima", "1"]], "row 5", "'Prima' of 'Één woord' is listed twice"),
        ([*PLAIN, ["Één woord", "Goed", "veel"]], "row 5, column C", "count 'veel' is not"),
        ([*PLAIN, ["", "Goed", "1"]], "row 5, column A", "the question is empty"),
    ],
)
def test_plain_csv_errors_name_row_and_column(
    tmp_path: Path, rows: list[list[str]], location: str, words: str
) -> None:
    path = tmp_path / "uitslag.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(ReadError) as caught:
        read_source(path)
    assert caught.value.location == location
    assert words in caught.value.message


def test_text_that_is_no_csv_is_not_taken_for_one(tmp_path: Path) -> None:
    path = tmp_path / "notities.txt"
    path.write_text("Dit is geen uitslag\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not a file format this program reads"):
        read_source(path)
