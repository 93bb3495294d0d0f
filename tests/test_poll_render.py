"""Poll inserts in the report: every kind of result as words, an SVG chart and a table;
the ```poll``` block's choices; quoted reactions kept intact and escaped; PDF/UA-1."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lxml.html
import page
import pytest
from conftest import TEMPLATES, line_of, write_event
from fixtures import (
    EMOJI_ANSWER,
    LONG_WORD,
    RTL_ANSWER,
    XSS_ANSWER,
    csv_bytes,
    gforms_rows,
    make_menti_all_types,
)
from pypdf import PdfReader

from eventreport.assemble import assemble
from eventreport.build import build
from eventreport.errors import SourceError
from eventreport.manifest import load_event
from eventreport.model import PollView
from eventreport.problems import ProblemsError
from eventreport.render.html import render_page
from eventreport.templating import environment

SLUG = "2024-12-03-peilingen"

EVENT = """
    title: Peilingen
    date: 2024-12-03
    place: Utrecht
    organiser: ZonMw
    language: nl
    lead: Wat de zaal vond.
    polls:
      menti:
        file: polls/menti.xlsx
      forms:
        file: polls/antwoorden.csv
        tool: google-forms
    sessions:
      - id: zaal
        title: De zaal
"""

BLOCKS = """
Wat de zaal vond.

```poll
poll: menti
session: 1
questions: [1, 10]
labels:
  Eens: Akkoord
order: [Oneens, Akkoord]
```

```poll
poll: menti
session: 1
question: Wie zong Toxic?
```

```poll
poll: menti
session: 1
question: 4
```

```poll
poll: menti
session: 1
question: 5
```

```poll
poll: menti
session: 1
question: 7
```

```poll
poll: menti
session: 1
question: 6
quote: all
heading: false
```

```poll
poll: menti
session: 1
question: 9
order: votes
```

```poll
poll: menti
question: 4
```

```poll
poll: forms
questions: [1, 2]
```

```poll
poll: forms
question: 4
```
"""


def write_poll_event(folder: Path, blocks: str = BLOCKS) -> Path:
    root = write_event(folder / SLUG, EVENT, {"zaal": blocks})
    (root / "polls").mkdir()
    make_menti_all_types(root / "polls" / "menti.xlsx")
    (root / "polls" / "antwoorden.csv").write_bytes(csv_bytes(gforms_rows("nl")))
    return root


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = write_poll_event(tmp_path_factory.mktemp("polls"))
    html = render_page(environment(TEMPLATES), assemble(load_event(root)), "screen")
    return lxml.html.document_fromstring(html)


def text(element: Any) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def polls(tree: Any) -> list[Any]:
    return tree.xpath("//section[@id='zaal']//*[contains(concat(' ', @class, ' '), ' poll ')]")


def result(section: Any) -> str:
    (found,) = section.xpath(".//*[contains(@class, 'poll-result')]")
    return text(found)


def rows(section: Any) -> list[list[str]]:
    table = section.xpath(".//table[contains(@class, 'poll-chart')]")[0]
    return [[text(c) for c in tr.xpath("./th | ./td")] for tr in table.xpath("./tbody/tr")]


def test_one_section_per_question_with_unique_anchors(tree: Any) -> None:
    sections = polls(tree)
    assert len(sections) == 12  # 10 blocks, two of them with two questions
    ids = [s.get("id") for s in sections]
    assert ids[:3] == ["zaal-poll-2", "zaal-poll-2-2", "zaal-poll-3"]
    assert len(set(tree.xpath("//@id"))) == len(tree.xpath("//@id"))


def test_several_questions_relabelled_and_in_the_asked_order(tree: Any) -> None:
    first, second = polls(tree)[:2]
    assert result(first) == "Uitslag: 1 oneens, 3 akkoord (4 stemmen)"
    assert rows(first) == [["Oneens", "1", "25%"], ["Akkoord", "3", "75%"]]
    # The second question of the block was not voted on: it says so, without 0% or NaN.
    assert result(second) == "Op deze vraag is niet gestemd."
    assert not second.xpath(".//svg | .//table")


def test_quiz_names_the_correct_answer(tree: Any) -> None:
    quiz = polls(tree)[2]
    # Names keep their capitals in the sentence; answer words go lower case.
    assert result(quiz) == "Uitslag: 3 Britney (goed antwoord), 1 Beyonce (4 stemmen)"
    assert rows(quiz)[0] == ["Britney (goed antwoord)", "3", "75%"]


def test_scale_shows_averages_and_the_distribution(tree: Any) -> None:
    scale = polls(tree)[3]
    assert result(scale) == "Gemiddelde (schaal 1–5): Over de zorg 3,5; Over de politie 1,5"
    table = scale.xpath(".//table")[0]
    assert [text(th) for th in table.xpath("./thead//th")] == [
        "Stelling", "Gemiddelde", "1", "2", "3", "4", "5", "Antwoorden",
    ]  # fmt: skip
    assert rows(scale) == [
        ["Over de zorg", "3,5", "0", "1", "1", "1", "1", "4"],
        ["Over de politie", "1,5", "1", "1", "0", "0", "0", "2"],
    ]


def test_ranking_is_shown_best_first(tree: Any) -> None:
    ranking = polls(tree)[4]
    assert result(ranking) == "Rangorde: 1. Preventie, 2. Nazorg, 3. Opsporing"
    assert rows(ranking)[0] == ["1", "Preventie", "1,2", "4"]


def test_word_cloud_shows_the_words_given_most(tree: Any) -> None:
    words = polls(tree)[5]
    assert result(words) == "Meest genoemd: Samenwerking (3), Zorg (1) (4 antwoorden)"


def test_quoted_reactions_are_escaped_and_kept_intact(tree: Any) -> None:
    reactions = polls(tree)[6]
    # Without its heading a poll is a plain block: no landmark without a name to show.
    assert reactions.tag == "div" and reactions.get("aria-label") is None
    assert not reactions.xpath("./h3 | ./h4")
    quotes = reactions.xpath(".//div[@class='reactions']/blockquote")
    assert [q.get("dir") for q in quotes] == ["auto"] * 4
    assert [text(q) for q in quotes] == [
        f"‘{XSS_ANSWER}’",
        f"‘{EMOJI_ANSWER}’",
        f"‘{RTL_ANSWER}’",
        f"‘{LONG_WORD}’",
    ]
    assert not tree.xpath("//main//script | //main//b")


def test_multi_choice_shares_are_of_the_respondents(tree: Any) -> None:
    multi = polls(tree)[7]
    # order: votes puts the most chosen first; shares of 4 people need not add up to 100.
    assert rows(multi) == [["Zorg", "3", "75%"], ["Politie", "2", "50%"], ["Onderwijs", "1", "25%"]]
    assert "Meerdere antwoorden mogelijk" in text(multi.xpath(".//p[@class='poll-note']")[0])
    assert "(4 deelnemers)" in result(multi)


def test_default_session_is_the_last_reset(tree: Any) -> None:
    assert result(polls(tree)[8]) == (
        "Gemiddelde (schaal 1–5): Over de zorg 1,0; Over de politie 4,5"
    )


def test_a_single_rating_shows_its_points_and_average(tree: Any) -> None:
    rating, back = polls(tree)[9:11]
    assert result(rating) == "Gemiddelde: 3,6 (schaal 1–5, 5 antwoorden)"
    assert [row[2] for row in rows(rating)] == ["0%", "20%", "20%", "40%", "20%"]
    assert [row[0] for row in rows(rating)] == ["1", "2", "3", "4", "5"]
    assert result(back) == "Uitslag: 3 ja, zeker, 2 misschien, 1 nee (5 deelnemers)"
    grid = polls(tree)[11]
    assert result(grid) == (
        "Gemiddelde (schaal 1–5): Samenwerking is nodig 4,4; Er is genoeg geld 1,5"
    )


def test_single_answer_percentages_add_up_to_100(tree: Any) -> None:
    checked = []
    for section in polls(tree):
        # Multiple-choice shares (with the poll note) need not add up; sections without
        # a table, or whose table shows averages or counts, have no shares.
        if section.xpath(".//p[@class='poll-note']") or not section.xpath(".//table"):
            continue
        shares = [r[-1] for r in rows(section) if r[-1].endswith("%")]
        if shares:
            assert sum(int(s.rstrip("%")) for s in shares) == 100, text(section)
            checked.append(section.get("id"))
    # The two-option question, the quiz, and the single rating (0+20+20+40+20).
    assert checked == ["zaal-poll-2", "zaal-poll-3", "zaal-poll-10"]


def test_every_chart_is_its_table_with_the_result_as_caption(tree: Any) -> None:
    assert tree.xpath("//*[local-name()='svg']") == []
    charts = tree.xpath("//figure[@class='poll-figure']/table")
    assert len(charts) == 10  # every question but the unvoted one and the reactions
    for table in charts:
        assert table.xpath("./caption[@class='poll-result']")
        assert {th.get("scope") for th in table.xpath("./thead//th")} == {"col"}
        assert all(tr.xpath("./th[@scope='row']") for tr in table.xpath("./tbody/tr"))
        # A bar holds no text: the figures are the table's own cells.
        assert all(not text(bar) for bar in table.xpath(".//span[@class='bar']"))


# --- The ```poll``` block's choices fail where they are written ------------------------


def assemble_error(tmp_path: Path, old: str, new: str) -> tuple[SourceError, Path]:
    root = write_poll_event(tmp_path, BLOCKS.replace(old, new, 1))
    with pytest.raises(SourceError) as caught:
        assemble(load_event(root))
    return caught.value, root / "sessions" / "zaal.md"


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("order: [Oneens, Akkoord]", "order: [Oneens, Misschien]",
         "'order' names 'Misschien', but question 1, 10 has no such option (options: Eens,"),
        ("session: 1\nquestion: 4", "session: 3\nquestion: 4",
         "poll 'menti' has no session 3 (sessions: 1, 2)"),
        ("poll: forms\nquestion: 4", "poll: forms\nsession: 1\nquestion: 4",
         "poll 'forms' (google-forms) has no sessions; leave out 'session:'"),
        ("poll: forms\nquestion: 4", "poll: forms\nquestion: 9",
         "poll 'forms' has no question '9'; use a number, or a title or the start of one,"
         " from the export:\n    1:"),
    ],
)  # fmt: skip
def test_wrong_choices_name_the_block(tmp_path: Path, old: str, new: str, words: str) -> None:
    error, md = assemble_error(tmp_path, old, new)
    assert error.path == md.resolve()
    fence = int(str(error.location).removeprefix("line "))
    assert md.read_text(encoding="utf-8").splitlines()[fence - 1] == "```poll"
    assert words in error.message, error.message


def test_numbered_quotes_need_a_single_question(tmp_path: Path) -> None:
    root = write_poll_event(
        tmp_path, BLOCKS.replace("questions: [1, 2]", "questions: [1, 2]\nquote: [1]")
    )
    with pytest.raises(SourceError) as caught:
        load_event(root)
    md = root / "sessions" / "zaal.md"
    assert caught.value.location == f"line {line_of(md, 'quote: [1]')}"
    assert "'quote:' with response numbers needs a single 'question:'" in caught.value.message


def test_questions_all_shows_every_question_with_results(tmp_path: Path) -> None:
    root = write_poll_event(tmp_path, "```poll\npoll: forms\nquestions: all\n```\n")
    (view,) = assemble(load_event(root)).sections[0].sessions[0].parts
    assert isinstance(view, PollView)
    assert [q.question.id for q in view.questions] == ["1", "2", "3", "4"]


def test_unknown_tool_in_event_yaml_names_event_yaml(tmp_path: Path) -> None:
    root = write_poll_event(tmp_path)
    yaml = root / "event.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("google-forms", "slido"), "utf-8")
    with pytest.raises(ProblemsError) as caught:
        assemble(load_event(root))
    # One problem; the blocks that use the poll are noted under it, not called unknown.
    (problem,) = caught.value.problems
    assert problem.error.path == yaml
    assert problem.error.message.startswith(
        "poll 'forms': unknown poll tool 'slido'; use auto or one of: mentimeter, wooclap,"
    )
    session = root / "sessions" / "zaal.md"
    lines = [
        n for n, ln in enumerate(session.read_text("utf-8").splitlines(), 1) if ln == "poll: forms"
    ]
    assert lines and len(problem.unchecked) == len(lines)
    for note, line in zip(problem.unchecked, lines, strict=True):
        assert f"sessions/zaal.md, line {line - 1}, uses it and was not checked" in note


# --- The PDF ---------------------------------------------------------------------------


def test_poll_report_pdf_passes_pdf_ua1(tmp_path: Path) -> None:
    # Every kind of result, and quoted markup, emoji, right-to-left text and a very long
    # word. A glyph no font has would fail PDF/UA-1 (7.21.8): Symbola (a Debian font that
    # scripts/setup.sh installs) draws the emoji.
    root = write_poll_event(tmp_path / "sources", BLOCKS)
    result = build(root, tmp_path / "build")
    pdf = next(o.path for o in result.outputs if o.path.suffix == ".pdf")
    report = page.validate_pdf(pdf, profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    text = "".join(p.extract_text() or "" for p in PdfReader(pdf).pages)
    assert "👍" in text and "🎉" in text


def test_a_question_may_be_named_by_the_start_of_its_title(tmp_path: Path) -> None:
    # "Stelling 3" is how people refer to a statement; the start of a title is enough
    # when only one title starts that way.
    root = write_poll_event(tmp_path, "```poll\npoll: forms\nquestion: Komt u\n```\n")
    (view,) = [p for s in assemble(load_event(root)).sections for rs in s.sessions
               for p in rs.parts if isinstance(p, PollView)]  # fmt: skip
    assert view.questions[0].question.title == "Komt u terug?"
