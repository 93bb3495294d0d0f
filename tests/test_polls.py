"""Mentimeter's every slide type and session, the importer registry, and extract's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures import (
    CORPUS,
    EMOJI_ANSWER,
    LONG_WORD,
    PERSON,
    RANKING_TITLE,
    RTL_ANSWER,
    SCALE_TITLE,
    STATEMENT,
    XSS_ANSWER,
    make_menti_all_types,
    make_workbook,
    menti_all_types_session_1,
    menti_all_types_voters,
)

from eventreport.errors import ReadError
from eventreport.extract import to_json, to_markdown
from eventreport.model import Option, PollExport, Question
from eventreport.readers import read_poll, read_source, tool_problem

POLLS = CORPUS / "polls"


@pytest.fixture(scope="module")
def menti(tmp_path_factory: pytest.TempPathFactory) -> PollExport:
    return read_poll(make_menti_all_types(tmp_path_factory.mktemp("menti") / "menti.xlsx"))


def session_1(export: PollExport) -> dict[str, Question]:
    (first,) = [s for s in export.sessions if s.number == 1]
    return {q.id: q for q in first.questions}


# --- Mentimeter: every slide type -------------------------------------------------------


def test_every_session_sheet_is_read_and_the_last_is_the_default(menti: PollExport) -> None:
    assert [s.number for s in menti.sessions] == [1, 2]
    assert menti.session == 2
    assert [q.title for q in menti.questions] == [SCALE_TITLE]
    assert [(q.id, q.type) for q in session_1(menti).values()] == [
        ("1", "choice"),
        ("2", "choice"),
        ("3", "quiz"),
        ("4", "scale"),
        ("5", "ranking"),
        ("6", "open"),
        ("7", "wordcloud"),
        ("8", "content"),
        ("9", "multi-choice"),
        ("10", "choice"),
    ]


def test_choices_and_choices_images(menti: PollExport) -> None:
    questions = session_1(menti)
    assert questions["1"].title == STATEMENT
    assert questions["1"].options == (Option("Eens", 3), Option("Oneens", 1))
    assert questions["1"].options[1].location == "sheet 'Session 1', row 10"
    assert questions["2"].options == (Option("zaal.jpg", 1), Option("podium.jpg", 3))


def test_quiz_marks_the_correct_answer_and_skips_the_leaderboard(menti: PollExport) -> None:
    quiz = session_1(menti)["3"]
    assert [(o.label, o.count, o.correct) for o in quiz.options] == [
        ("Britney", 3, True),
        ("Beyonce", 1, False),
    ]
    assert PERSON not in json.dumps(to_json(menti), ensure_ascii=False)


def test_scales_come_from_the_voters_of_that_session(menti: PollExport) -> None:
    # The Session sheet's value column says 9.9; the Voters sheet's numbers are used.
    scale = session_1(menti)["4"]
    assert scale.title == SCALE_TITLE
    assert scale.scale == ("1", "2", "3", "4", "5")
    zorg, politie = scale.options
    assert (zorg.label, zorg.count, zorg.mean, zorg.distribution) == (
        "Over de zorg",
        4,
        3.5,
        (0, 1, 1, 1, 1),
    )
    assert (politie.count, politie.mean, politie.distribution) == (2, 1.5, (1, 1, 0, 0, 0))
    (reset,) = menti.questions
    assert [(o.mean, o.distribution) for o in reset.options] == [
        (1.0, (2, 0, 0, 0, 0)),
        (4.5, (0, 0, 0, 1, 1)),
    ]


def test_ranking_positions_from_the_voters(menti: PollExport) -> None:
    ranking = session_1(menti)["5"]
    assert ranking.title == RANKING_TITLE
    assert ranking.scale == ("1", "2", "3")
    assert [(o.label, o.mean, o.distribution) for o in ranking.options] == [
        ("Preventie", 1.25, (3, 1, 0)),
        ("Nazorg", 2.0, (1, 2, 1)),
        ("Opsporing", 2.75, (0, 1, 3)),
    ]


def test_open_and_wordcloud_responses_are_kept_as_typed(menti: PollExport) -> None:
    questions = session_1(menti)
    assert [r.text for r in questions["6"].responses] == [
        XSS_ANSWER,
        EMOJI_ANSWER,
        RTL_ANSWER,
        LONG_WORD,
    ]
    assert questions["6"].responses[2].location == "sheet 'Session 1', row 70"
    assert [r.text for r in questions["7"].responses] == [
        "Samenwerking",
        "samenwerking ",
        "Zorg",
        "Samenwerking",
    ]


def test_content_slide_and_slide_without_votes(menti: PollExport) -> None:
    questions = session_1(menti)
    assert (questions["8"].title, questions["8"].options, questions["8"].respondents) == (
        "Pauze",
        (),
        0,
    )
    assert (questions["10"].title, questions["10"].options) == ("Stelling 2", ())


def test_more_votes_than_voters_is_multi_choice(menti: PollExport) -> None:
    multi = session_1(menti)["9"]
    assert (multi.type, multi.respondents, sum(o.count for o in multi.options)) == (
        "multi-choice",
        4,
        6,
    )


def test_voter_columns_are_matched_by_title_and_statement(tmp_path: Path) -> None:
    # The fixture's Voters sheet also has "Stelling 2:" (a shorter title that the scale's
    # "Stelling 2: Hoe tevreden bent u?: ..." columns start with): matching it first, or
    # splitting headers at ": ", would leave the scale without answers (see the test
    # above). Here one column names a statement the slide does not have.
    voters = menti_all_types_voters()
    voters[2] = [h.replace("Over de zorg", "Over het onderwijs") for h in voters[2]]
    path = make_workbook(
        tmp_path / "menti.xlsx", {"Voters": voters, "Session 1": menti_all_types_session_1()}
    )
    scale = session_1(read_poll(path))["4"]
    assert [(o.label, o.count) for o in scale.options] == [
        ("Over de zorg", 0),
        ("Over de politie", 2),
    ]


def test_scales_without_voter_columns_fail_naming_the_block(tmp_path: Path) -> None:
    voters = [row[:3] for row in menti_all_types_voters()]
    path = make_workbook(
        tmp_path / "menti.xlsx", {"Voters": voters, "Session 1": menti_all_types_session_1()}
    )
    with pytest.raises(ReadError) as caught:
        read_poll(path)
    assert caught.value.location == "sheet 'Session 1', row 37"
    assert f"no answers in columns '{SCALE_TITLE}: <statement>'" in caught.value.message
    assert "download the results again" in caught.value.message


# --- The registry: chosen by content, overridable, clear when nothing fits ---------------


def test_unknown_tool_lists_the_known_ones_and_suggests_the_nearest() -> None:
    problem = tool_problem("googleforms")
    assert problem == (
        "unknown poll tool 'googleforms'; use auto or one of: mentimeter, wooclap, kahoot,"
        " microsoft-forms, google-forms, csv (did you mean 'google-forms'?)"
    )
    assert tool_problem("auto") is None and tool_problem("kahoot") is None


def test_workbook_matching_no_layout_names_sheet_row_and_every_layout_tried(
    tmp_path: Path,
) -> None:
    path = make_workbook(tmp_path / "lijst.xlsx", {"Blad1": [["Naam", "Stem"], ["An", "Ja"]]})
    with pytest.raises(ReadError) as caught:
        read_poll(path)
    message = caught.value.message
    assert message.startswith(
        "this workbook matches no known poll export layout (sheets: 'Blad1'); known tools:"
    )
    for tried in (
        "mentimeter: no 'Voters' sheet",
        "wooclap: no 'Main results' sheet",
        "kahoot: no 'Overview' sheet",
        "microsoft-forms: sheet 'Blad1', row 1 starts Naam | Stem, not ID | Start time",
        "google-forms: sheet 'Blad1', row 1 starts Naam, not Timestamp (Dutch: Tijdstempel)",
        "csv: sheet 'Blad1', row 1 has no header with the columns question, option, count",
    ):
        assert tried in message, tried


def test_csv_matching_no_layout_says_so(tmp_path: Path) -> None:
    path = tmp_path / "lijst.csv"
    path.write_text("Naam;Stem\nAn;Ja\n", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        read_source(path)
    assert caught.value.message.startswith("this CSV file matches no known poll export layout")
    assert "google-forms: row 1 starts Naam, not Timestamp" in caught.value.message


def test_a_named_tool_reads_only_its_own_layout() -> None:
    with pytest.raises(ReadError) as caught:
        read_poll(POLLS / "kahoot_report_1.xlsx", tool="wooclap")
    assert "this is not a Wooclap results export (no 'Main results' sheet)" in str(caught.value)


def test_tools_without_sessions_refuse_one() -> None:
    with pytest.raises(ReadError, match="a Kahoot report has no sessions"):
        read_poll(POLLS / "kahoot_report_1.xlsx", session=1)


# --- extract: the pipeline's JSON shape, with new fields only where the export has them --


def test_extract_json_adds_scales_quiz_marks_and_keeps_the_shape(menti: PollExport) -> None:
    data = to_json(menti)
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["kind", "source", "tool", "questions"]
    (scale,) = data["questions"]
    assert scale["scale"] == ["1", "2", "3", "4", "5"]
    assert scale["options"][1] == {
        "label": "Over de politie",
        "count": 2,
        "mean": 4.5,
        "distribution": [0, 0, 0, 1, 1],
    }


def test_extract_markdown_shows_means_and_distributions(menti: PollExport) -> None:
    text = to_markdown(menti)
    assert f"## 4. {SCALE_TITLE} (scale, 2 respondents)" in text
    assert "- Over de zorg: 2 (mean 1.00; 1: 2, 2: 0, 3: 0, 4: 0, 5: 0)" in text


def test_extract_kahoot_json_has_its_title_and_correct_marks() -> None:
    data = to_json(read_source(POLLS / "kahoot_report_1.xlsx"))
    assert data["title"] == "Test Questions for XLSX2Word (1)"
    assert data["questions"][0]["options"][0] == {"label": "Brasil", "count": 1, "correct": True}
    # That the player (Alice, in the sheets "Final Scores" to "RawReportData Data") stays
    # out is test_poll_formats.py::test_kahoot_players_are_never_read.
