"""`invoke check`, and a build that lists every problem (issue 14): independent mistakes in
event.yaml, session files, decks, polls, templates and the house style are all reported in
one run, by file and line, and a mistake's consequences are noted under it, not repeated.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MentiQuestion, SlideSpec, line_of, make_mentimeter, make_pptx, write_event
from test_task_help import invoke

from eventreport.check import check_event
from eventreport.errors import display_path
from eventreport.manifest import load_event
from eventreport.problems import ProblemsError
from eventreport.reading import read_event

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
SLUG = "ev"

EVENT = """
    title: Alles in een keer
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
      - id: pauze
        title: Na de pauze
"""
WELKOM = """
    Goedemorgen allemaal.

    ```slides
    deck: talk
    slides: 1-2
    ```
"""
PAUZE = """
    Wat vond de zaal?

    ```poll
    poll: menti
    question: 1
    ```
"""


def make_event(folder: Path) -> Path:
    """A small event that builds: two sessions, a deck, a poll export."""
    event = write_event(folder, EVENT, {"welkom": WELKOM, "pauze": PAUZE})
    make_pptx(
        event / "decks" / "talk.pptx",
        [SlideSpec("Eerste dia", ["Een punt"]), SlideSpec("Tweede dia", ["Slot"])],
    )
    make_mentimeter(
        event / "polls" / "menti.xlsx",
        [MentiQuestion("Stelling een", options=[("Eens", 3), ("Oneens", 2)])],
    )
    return event


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def where(path: Path, needle: str, project: Path | None = None) -> str:
    """How a problem names the line of `path` holding `needle` (as `invoke` run in
    `project` names it, or as this process does)."""
    shown = path.relative_to(project) if project else display_path(path)
    return f"{shown}: line {line_of(path, needle)}:"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def outputs(folder: Path) -> dict[str, tuple[bytes, int]]:
    return outputs_of(snapshot(folder))


def outputs_of(files: dict[str, tuple[bytes, int]]) -> dict[str, tuple[bytes, int]]:
    return {name: kept for name, kept in files.items() if not name.startswith(".cache/")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of its own (tasks.py, invoke.yaml) with the small event."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(ROOT / "tasks.py", root / "tasks.py")
    (root / "invoke.yaml").write_text(
        "eventreport:\n  base_url: https://verslagen.zonmw.nl/\n", encoding="utf-8"
    )
    make_event(root / "sources" / SLUG)
    return root


def three_mistakes(project: Path) -> list[str]:
    """The issue's three independent mistakes; how each is named, in the order listed."""
    event = project / "sources" / SLUG
    yaml, pauze = event / "event.yaml", event / "sessions" / "pauze.md"
    edit(yaml, "file: decks/talk.pptx", "file: decks/talk.pptx\n  slot:\n    file: decks/slot.pptx")
    edit(yaml, "speakers: [anna]", "speakers: [anna, piet]")
    edit(pauze, "Wat vond de zaal?", "```download\ndeck: dia\n```\n\nWat vond de zaal?")
    return [
        f"{where(yaml, 'decks/slot.pptx', project)} 'decks/slot.pptx' does not exist",
        f"{where(yaml, '[anna, piet]', project)} speaker 'piet' is not listed under 'speakers'",
        f"{where(pauze, 'deck: dia', project)} deck 'dia' is not declared in event.yaml",
    ]


# --- The "Done when" --------------------------------------------------------------


def test_check_reports_three_independent_mistakes_at_once(project: Path) -> None:
    event = project / "sources" / SLUG
    expected = three_mistakes(project)
    sources = snapshot(event)
    done = invoke(project, "check", "--event", SLUG)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    assert "3 problems, by file and line:" in done.stdout
    lines = done.stdout.splitlines()
    found = [next(n for n, line in enumerate(lines) if said in line) for said in expected]
    assert found == sorted(found), done.stdout  # by file, then line
    assert "fix the 3 problems above, then run invoke check again" in done.stdout
    # Nothing written: no build/, no lock, the sources as they were (contents and times).
    assert sorted(p.name for p in project.iterdir()) == ["invoke.yaml", "sources", "tasks.py"]
    assert snapshot(event) == sources


def test_build_lists_the_same_problems_and_keeps_the_last_good_build(project: Path) -> None:
    built = invoke(project, "build", "--event", SLUG)
    assert built.returncode == 0, built.stdout + built.stderr
    before = snapshot(project / "build")
    expected = three_mistakes(project)
    done = invoke(project, "build", "--event", SLUG)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "Build stopped, build/ was not changed:" in done.stderr
    assert "3 problems in the sources, by file and line:" in done.stderr
    for said in expected:
        assert said in done.stderr, (said, done.stderr)
    assert "writing the PDF" not in done.stdout
    # The output as it was; the cache (build/.cache) may note what it was asked for.
    assert outputs(project / "build") == outputs_of(before)


def test_a_clean_event_checks_clean(project: Path) -> None:
    done = invoke(project, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith(f"No problems: {SLUG} is ready to build.")
    assert "WARNING" not in done.stdout
    assert not (project / "build").exists()


# --- Many files, one run -------------------------------------------------------------------


def test_six_mistakes_in_six_files_are_all_found(tmp_path: Path) -> None:
    event = make_event(tmp_path / SLUG)
    yaml = event / "event.yaml"
    welkom, pauze = event / "sessions" / "welkom.md", event / "sessions" / "pauze.md"
    edit(yaml, "language: nl", "language: fr")
    edit(welkom, "Goedemorgen allemaal.", "# Goedemorgen")
    edit(pauze, "Wat vond de zaal?", "![](media/zaal.png)")
    edit(
        yaml, "file: decks/talk.pptx", "file: decks/talk.pptx\n  kapot:\n    file: decks/kapot.pptx"
    )
    (event / "decks" / "kapot.pptx").write_text("geen presentatie", encoding="utf-8")
    edit(pauze, "```poll", "```download\ndeck: kapot\n```\n\n```poll")
    (event / "templates").mkdir()
    house = event / "templates" / "house.yaml"
    house.write_text('colours:\n  link: "#ffff00"\n', encoding="utf-8")
    template = event / "templates" / "report.html"
    template.write_text('{% extends "default:report.html" %}\n{% block %}\n', encoding="utf-8")

    found = check_event(event)
    said = [str(p.error) for p in found.problems]
    assert len(said) == 6, "\n".join(said)
    expected = [
        f"{display_path(event / 'decks' / 'kapot.pptx')}: not a file format this program reads",
        f"{where(yaml, 'language: fr')} language 'fr' is not supported",
        f"{where(pauze, '![](media/zaal.png)')} the picture 'media/zaal.png' has no description",
        f"{where(welkom, '# Goedemorgen')} a '#' heading here would compete",
        f"{where(house, 'link:')} colour 'link' #ffff00 reaches",
        f"{display_path(template)}: line 2: template error:",
    ]
    for problem, start in zip(said, expected, strict=True):
        assert problem.startswith(start), (problem, start)
    # The block offering the unreadable deck is noted under the deck's problem.
    line = line_of(pauze, "```download")
    assert found.problems[0].unchecked == (
        f"The ```download``` block at {display_path(pauze)}, line {line}, uses it and was not"
        " checked.",
    )


def test_problems_are_ordered_by_file_then_line(tmp_path: Path) -> None:
    event = make_event(tmp_path / SLUG)
    yaml, welkom = event / "event.yaml", event / "sessions" / "welkom.md"
    # Written bottom-up, and the session file's mistakes found before event.yaml's last.
    edit(welkom, "Goedemorgen allemaal.", "#### Diep\n\n[klik](javascript:alert(1))")
    edit(yaml, "title: Na de pauze", "title: Na de pauze\n    byline: [lijst]")
    edit(yaml, "place: online", "place: [online]")
    edit(yaml, "lead: Een korte inleiding.", "lead: Een korte inleiding.\nsubtitle: x")
    listed = [p.error for p in check_event(event).problems]
    assert [(display_path(e.path), e.location) for e in listed if e.path] == [
        (display_path(yaml), f"line {line_of(yaml, 'place: [online]')}"),
        (display_path(yaml), f"line {line_of(yaml, 'subtitle: x')}"),
        (display_path(yaml), f"line {line_of(yaml, 'byline: [lijst]')}"),
        (display_path(welkom), "line 1"),
        (display_path(welkom), "line 3"),
    ]


# --- Consequences are noted, not repeated ---------------------------------------------------


def test_an_unreadable_deck_is_one_problem_with_a_note_per_block(tmp_path: Path) -> None:
    event = make_event(tmp_path / SLUG)
    talk = event / "decks" / "talk.pptx"
    talk.write_bytes(talk.read_bytes()[:2000])  # cut off: not a whole zip any more
    pauze = event / "sessions" / "pauze.md"
    edit(pauze, "```poll", "```slides\ndeck: talk\nslides: 7\n```\n\n```poll")
    (problem,) = check_event(event).problems
    assert problem.error.path == talk
    welkom = event / "sessions" / "welkom.md"
    assert problem.unchecked == (
        f"The ```slides``` block at {display_path(welkom)}, line 3, uses it and was not checked.",
        f"The ```slides``` block at {display_path(pauze)}, line 3, uses it and was not checked.",
    )
    # The build raises the same: one problem and its notes, as one error.
    with pytest.raises(ProblemsError) as caught:
        read_event(event, TEMPLATES).checked()
    assert [p.lines() for p in caught.value.problems] == [problem.lines()]
    assert "uses it and was not checked" in str(caught.value)


def test_a_deck_entry_with_a_mistake_is_not_called_undeclared(tmp_path: Path) -> None:
    event = make_event(tmp_path / SLUG)
    yaml = event / "event.yaml"
    edit(yaml, "file: decks/talk.pptx", "file: decks/talk.pptx\n    notes: misschien")
    (problem,) = check_event(event).problems
    assert str(problem.error).startswith(f"{where(yaml, 'notes: misschien')} 'notes' must be")
    assert len(problem.unchecked) == 1 and "welkom.md, line 3" in problem.unchecked[0]


def test_a_speaker_entry_with_a_mistake_is_not_called_unknown(tmp_path: Path) -> None:
    event = make_event(tmp_path / SLUG)
    yaml = event / "event.yaml"
    edit(yaml, "name: Anna de Vries", "name: Anna de Vries\n    email: anna at fier")
    (problem,) = check_event(event).problems
    assert "'anna at fier' is not one e-mail address" in str(problem.error)
    assert problem.unchecked == (
        f"The session at {display_path(yaml)}, line {line_of(yaml, '[anna]')}, names this"
        " speaker; it was checked without them.",
    )


def test_a_misspelt_key_is_not_also_a_missing_one(tmp_path: Path) -> None:
    event = make_event(tmp_path / SLUG)
    edit(event / "event.yaml", "place: online", "plaace: online")
    (problem,) = check_event(event).problems
    assert "'plaace' is not a field of event.yaml; did you mean 'place'?" in str(problem.error)


def test_a_session_without_its_file_is_one_problem(tmp_path: Path) -> None:
    event = make_event(tmp_path / SLUG)
    (event / "sessions" / "welkom.md").unlink()
    # The deck only welkom.md used is not called unused, nor is anything else said.
    (problem,) = check_event(event).problems
    assert "session 'welkom' has no write-up: sessions/welkom.md is missing" in str(problem.error)


def test_a_broken_block_is_left_out_and_the_next_still_checked(tmp_path: Path) -> None:
    event = make_event(tmp_path / SLUG)
    pauze = event / "sessions" / "pauze.md"
    edit(pauze, "question: 1", "question: 1\nquote: [0]")
    pauze.write_text(
        pauze.read_text("utf-8") + "\n```poll\npoll: menti\nquestion: 9\n```\n", "utf-8"
    )
    said = [str(p.error) for p in check_event(event).problems]
    assert len(said) == 2, said
    assert said[0].startswith(f"{where(pauze, 'quote: [0]')} 'quote:' takes none, all")
    block = line_of(pauze, "question: 9") - 2  # the line of its ```poll
    assert said[1].startswith(f"{display_path(pauze)}: line {block}:")
    assert "poll 'menti' has no question '9'" in said[1]


# --- Warnings apart ------------------------------------------------------------------------


def test_warnings_are_listed_apart_and_fail_only_with_strict(project: Path) -> None:
    event = project / "sources" / SLUG
    (event / "sessions" / "oud.md").write_text("Een oude tekst.\n", encoding="utf-8")
    edit(event / "sessions" / "welkom.md", "Goedemorgen", "Bel 06-12345678. Goedemorgen")
    (project / "invoke.yaml").write_text(
        "eventreport:\n  base_url: https://verslagen.example.org/\n", encoding="utf-8"
    )
    done = invoke(project, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 warnings (these do not stop a build):" in done.stdout
    warnings = [line for line in done.stdout.splitlines() if line.startswith("  WARNING ")]
    assert len(warnings) == 3, done.stdout
    assert "sessions/oud.md: no session in event.yaml uses this file" in warnings[0]
    assert "personal data" in warnings[1] and "sessions/welkom.md: line 1" in warnings[1]
    assert "base_url https://verslagen.example.org/ is a placeholder" in warnings[2]
    assert f"No problems: {SLUG} is ready to build." in done.stdout
    strict = invoke(project, "check", "--strict")
    assert strict.returncode == 1
    assert "--strict: there are warnings, see above." in strict.stderr


def test_a_check_of_an_unusable_event_yaml_says_that_alone(tmp_path: Path) -> None:
    event = make_event(tmp_path / SLUG)
    edit(event / "event.yaml", "title: Alles in een keer", "title: Alles: in een keer")
    (event / "sessions" / "welkom.md").write_text("# Kop\n", encoding="utf-8")
    (problem,) = check_event(event).problems
    assert "a ': ' inside a value" in str(problem.error)


def test_load_event_without_a_collector_raises_every_problem(tmp_path: Path) -> None:
    event = make_event(tmp_path / SLUG)
    edit(event / "event.yaml", "language: nl", "language: de")
    edit(event / "sessions" / "welkom.md", "Goedemorgen allemaal.", "# Goedemorgen")
    with pytest.raises(ProblemsError) as caught:
        load_event(event)
    assert len(caught.value.problems) == 2
