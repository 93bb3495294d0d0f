"""event.yaml and session Markdown: every wrong input names its file, line and the fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import lxml.html
import pytest
from conftest import MentiQuestion, SlideSpec, line_of, make_mentimeter, make_pptx, write_event
from PIL import Image

from eventreport.errors import SourceError
from eventreport.manifest import load_event
from eventreport.model import MarkdownPart, PollInsert, SlidesInsert, VersePart

FOLDER = "2021-05-06-testdag"

EVENT = """
    title: Testdag
    date: 2021-05-06
    place: online
    organiser: ZonMw
    language: nl
    lead: Een korte inleiding.
    speakers:
      anna:
        name: Anna de Vries
        organisation: Fier
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
      - group: Voorbeelden
        sessions:
          - id: eerste
            title: Eerste voorbeeld
"""

SESSIONS = {"welkom": "Goedemorgen allemaal.\n", "eerste": "Een voorbeeld uit de praktijk.\n"}


@pytest.fixture(scope="module")
def binaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A deck and a poll export, generated once for every event folder of this module."""
    base = tmp_path_factory.mktemp("binaries")
    deck = make_pptx(base / "talk.pptx", [SlideSpec("Titel"), SlideSpec("Punten", ["een"])])
    poll = make_mentimeter(
        base / "menti.xlsx", [MentiQuestion("Stelling 1: Eens?", options=[("Eens", 3)])]
    )
    return {"decks/talk.pptx": deck.read_bytes(), "polls/menti.xlsx": poll.read_bytes()}


@pytest.fixture
def event(tmp_path: Path, binaries: dict[str, bytes]):
    """Writes an event folder from EVENT with changes; returns its folder."""

    def make(
        yaml: str = EVENT,
        sessions: dict[str, str] | None = None,
        folder: str = FOLDER,
        drop: tuple[str, ...] = (),
    ) -> Path:
        texts = {**SESSIONS, **(sessions or {})}
        for name in drop:
            texts.pop(name)
        return write_event(tmp_path / folder, yaml, texts, dict(binaries))

    return make


def fails(root: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        load_event(root)
    return info.value


def check(error: SourceError, path: Path, line: int | None, *words: str) -> None:
    """The error names `path` and `line` and says `words` (in the message and in str())."""
    assert error.path is not None
    assert error.path.resolve() == path.resolve(), str(error)
    if line is not None:
        assert error.location == f"line {line}", str(error)
        assert f"line {line}" in str(error)
    for word in words:
        assert word in error.message, str(error)
    assert path.name in str(error)


# --- Wrong input in event.yaml -------------------------------------------------------


def test_missing_required_key(event) -> None:
    root = event(EVENT.replace("    date: 2021-05-06\n", ""))
    error = fails(root)
    # A key that is absent has no line of its own; the message names it and the fix.
    check(error, root / "event.yaml", None, "'date:' is missing", "docs/sources.md")


def test_session_without_title_points_at_the_session(event) -> None:
    root = event(EVENT.replace("        title: Welkom\n", ""))
    error = fails(root)
    check(error, root / "event.yaml", line_of(root / "event.yaml", "id: welkom"), "'title:'")


def test_unknown_key_suggests_the_right_one(event) -> None:
    root = event(EVENT.replace("speakers: [anna]", "speaker: [anna]"))
    error = fails(root)
    line = line_of(root / "event.yaml", "speaker: [anna]")
    check(error, root / "event.yaml", line, "'speaker'", "did you mean 'speakers'?")


def test_unknown_top_level_key_suggests_the_right_one(event) -> None:
    root = event(EVENT.replace("    place: online", "    plaace: online"))
    error = fails(root)
    check(error, root / "event.yaml", 3, "'plaace'", "did you mean 'place'?")


def test_date_that_is_not_a_date(event) -> None:
    root = event(EVENT.replace("date: 2021-05-06", "date: 6 mei 2021"))
    error = fails(root)
    check(error, root / "event.yaml", 2, "'6 mei 2021'", "YYYY-MM-DD")


@pytest.mark.parametrize("day", ["2021-02-30", "2021-13-01"])
def test_impossible_calendar_date(event, day: str) -> None:
    # YAML reads YYYY-MM-DD as a date itself; an impossible day must still be a
    # SourceError with the line, not a ValueError traceback from the YAML library.
    root = event(EVENT.replace("date: 2021-05-06", f"date: {day}"))
    error = fails(root)
    check(error, root / "event.yaml", 2)


def test_unsupported_language(event) -> None:
    root = event(EVENT.replace("language: nl", "language: de"))
    error = fails(root)
    check(error, root / "event.yaml", 5, "'de' is not supported", "nl or en")


def test_speaker_not_declared(event) -> None:
    root = event(EVENT.replace("speakers: [anna]", "speakers: [anna, bert]"))
    error = fails(root)
    line = line_of(root / "event.yaml", "speakers: [anna, bert]")
    check(error, root / "event.yaml", line, "speaker 'bert' is not listed", "known: anna")


def test_missing_session_file(event) -> None:
    root = event(drop=("welkom",))
    error = fails(root)
    line = line_of(root / "event.yaml", "id: welkom")
    check(error, root / "event.yaml", line, "'welkom'", "sessions/welkom.md", "is missing")


def test_deck_file_that_does_not_exist(event) -> None:
    root = event(EVENT.replace("file: decks/talk.pptx", "file: decks/tlak.pptx"))
    error = fails(root)
    line = line_of(root / "event.yaml", "decks/tlak.pptx")
    check(error, root / "event.yaml", line, "'decks/tlak.pptx' does not exist")


def test_deck_file_outside_the_event(event) -> None:
    root = event(EVENT.replace("file: decks/talk.pptx", "file: ../elders.pptx"))
    (root.parent / "elders.pptx").write_bytes(b"x")
    error = fails(root)
    check(error, root / "event.yaml", line_of(root / "event.yaml", "../elders"), "outside")


def test_duplicate_session_id(event) -> None:
    root = event(EVENT.replace("- id: eerste", "- id: welkom"))
    error = fails(root)
    # The second use of the id is the line to fix.
    line = line_of(root / "event.yaml", "id: welkom", occurrence=2)
    check(error, root / "event.yaml", line, "'welkom'", "unique")


def test_duplicate_yaml_key(event) -> None:
    root = event(EVENT.replace("    place: online\n", "    place: online\n    place: Utrecht\n"))
    error = fails(root)
    check(error, root / "event.yaml", 4, "'place' is given twice")


def test_yaml_syntax_error_has_the_line(event) -> None:
    root = event(EVENT.replace("speakers: [anna]", "speakers: [anna"))
    error = fails(root)
    # The parser notices the unclosed list on the line after it.
    line = line_of(root / "event.yaml", "speakers: [anna") + 1
    check(error, root / "event.yaml", line, "check indentation")


def test_link_that_is_not_a_web_address(event) -> None:
    yaml = EVENT + "    links:\n      - text: Klik\n        url: javascript:alert(1)\n"
    root = event(yaml)
    error = fails(root)
    line = line_of(root / "event.yaml", "javascript:")
    check(error, root / "event.yaml", line, "https://")


def test_invalid_event_folder_name(event) -> None:
    root = event(folder="Testdag 2021")
    error = fails(root)
    check(error, root, None, "slug", "rename the folder")


# --- Wrong input in a session's Markdown ---------------------------------------------


def session_error(event, text: str, name: str = "welkom") -> tuple[SourceError, Path]:
    root = event(sessions={name: text})
    return fails(root), root / "sessions" / f"{name}.md"


def test_slides_block_naming_an_undeclared_deck(event) -> None:
    error, md = session_error(event, "Tekst.\n\n```slides\ndeck: praatje\nslides: 2\n```\n")
    check(error, md, line_of(md, "deck: praatje"), "deck 'praatje' is not declared", "talk")


def test_poll_block_without_question(event) -> None:
    error, md = session_error(event, "Tekst.\n\n```poll\npoll: menti\n```\n")
    check(error, md, line_of(md, "```poll"), "needs 'question:'")


@pytest.mark.parametrize("value", ["abc", "6-4", "0", "[2, x]", "true"])
def test_bad_slides_value(event, value: str) -> None:
    error, md = session_error(event, f"Tekst.\n\n```slides\ndeck: talk\nslides: {value}\n```\n")
    check(error, md, line_of(md, "slides: "), "slide")


def test_bad_show_value(event) -> None:
    error, md = session_error(event, "```slides\ndeck: talk\nslides: 2\nshow: grid\n```\n")
    check(error, md, line_of(md, "show: grid"), "'grid'", "list, table, box")


def test_unknown_option_in_a_block(event) -> None:
    error, md = session_error(event, "```download\ndeck: talk\ntitel: x\n```\n")
    check(error, md, line_of(md, "titel: x"), "'titel' is not an option")


def test_yaml_error_inside_a_block_has_the_file_line(event) -> None:
    error, md = session_error(event, "Een.\n\nTwee.\n\n```poll\npoll: menti\nquestion: [1\n```\n")
    # Lines count in the Markdown file; the parser notices the unclosed list at the
    # block's end, the line after it.
    check(error, md, line_of(md, "question: [1") + 1, "check indentation")


def test_top_level_heading_in_a_session(event) -> None:
    error, md = session_error(event, "Tekst.\n\n# Groot kopje\n\nMeer tekst.\n")
    check(error, md, line_of(md, "# Groot"), "'#' heading", "'##'")


def test_skipped_heading_level(event) -> None:
    error, md = session_error(event, "## Kopje\n\nTekst.\n\n#### Te diep\n")
    check(error, md, line_of(md, "#### Te diep"), "level 4 follows level 2", "###")


def test_picture_without_alt_text(event) -> None:
    root = event(sessions={"welkom": "Tekst.\n\n![](media/foto.png)\n"})
    (root / "media").mkdir()
    Image.new("RGB", (8, 8), "navy").save(root / "media" / "foto.png")
    md = root / "sessions" / "welkom.md"
    check(fails(root), md, line_of(md, "foto.png"), "no description", "![")


def test_picture_that_does_not_exist(event) -> None:
    error, md = session_error(event, "![Een foto](media/weg.png)\n")
    check(error, md, 1, "'media/weg.png' does not exist")


@pytest.mark.parametrize("src", ["https://example.org/x.png", "/etc/hostname", "../event.yaml"])
def test_picture_from_outside_the_event(event, src: str) -> None:
    error, md = session_error(event, f"Tekst.\n\n![Iets]({src})\n")
    check(error, md, 3, "inside the event folder")


def test_picture_with_spaces_and_accents_in_its_name(event) -> None:
    # Markdown percent-encodes the address (media/caf%C3%A9%20foto.png); the file on
    # disk has the plain name, and that is the file to check and copy.
    root = event(sessions={"welkom": "Tekst.\n\n![Een foto](<media/café foto.png>)\n"})
    (root / "media").mkdir()
    Image.new("RGB", (8, 8), "navy").save(root / "media" / "café foto.png")
    loaded = load_event(root)
    (part,) = [p for p in loaded.sessions[0].parts if isinstance(p, MarkdownPart)]
    assert part.assets == ("media/café foto.png",)


def test_picture_that_is_not_a_picture(event) -> None:
    root = event(sessions={"welkom": "Tekst.\n\n![Een foto](media/foto.png)\n"})
    (root / "media").mkdir()
    (root / "media" / "foto.png").write_text("dit is tekst, geen plaatje", encoding="utf-8")
    md = root / "sessions" / "welkom.md"
    check(fails(root), md, 3, "'media/foto.png' is not a picture", "PNG or JPEG")


def test_picture_linked_from_outside_the_event(event, tmp_path: Path) -> None:
    # A symbolic link inside the folder to a file elsewhere would publish that file.
    outside = tmp_path / "elders.png"
    Image.new("RGB", (8, 8), "navy").save(outside)
    root = event(sessions={"welkom": "Tekst.\n\n![Een foto](media/foto.png)\n"})
    (root / "media").mkdir()
    (root / "media" / "foto.png").symlink_to(outside)
    md = root / "sessions" / "welkom.md"
    check(fails(root), md, 3, "link to a file outside the event folder")


def test_slide_range_too_wide(event) -> None:
    error, md = session_error(event, "```slides\ndeck: talk\nslides: 1-999999999\n```\n")
    check(error, md, 3, "spans more than 1000 slides")


def test_picture_in_the_closing_text(event) -> None:
    yaml = textwrap.dedent(EVENT) + "closing: 'Tot ziens. ![Logo](media/logo.png)'\n"
    root = event(yaml=yaml)
    check(fails(root), root / "event.yaml", line_of(root / "event.yaml", "closing:"),
          "closing text shows a picture")  # fmt: skip


def test_yaml_nested_too_deeply(event) -> None:
    root = event(yaml=textwrap.dedent(EVENT) + "credits: " + "[" * 5000 + "]" * 5000 + "\n")
    error = fails(root)
    assert error.path == root / "event.yaml"
    assert "too deeply" in error.message


def test_misspelt_block_name(event) -> None:
    # Left alone, "```slide" would print its instructions in the report as code.
    error, md = session_error(event, "Tekst.\n\n```slide\ndeck: talk\nslides: 1\n```\n")
    check(error, md, 3, "```slide is not a kind of block", "did you mean ```slides?")


def test_unclosed_block(event) -> None:
    error, md = session_error(event, "Tekst.\n\n```poll\npoll: menti\nquestion: 1\n")
    check(error, md, 3, "```poll block opened here is not closed")


def test_ordinary_code_block_is_left_alone(event) -> None:
    root = event(sessions={"welkom": "```python\nprint('hoi')\n```\n"})
    (part,) = load_event(root).sessions[0].parts
    assert isinstance(part, MarkdownPart) and "<code" in part.html


def test_empty_verse(event) -> None:
    error, md = session_error(event, "Tekst.\n\n```verse\n\n```\n")
    check(error, md, 3, "empty")


# --- Valid input ---------------------------------------------------------------------


def test_sample_event_loads() -> None:
    from conftest import SAMPLE

    event = load_event(SAMPLE)
    assert event.slug == SAMPLE.name
    assert event.language == "nl"
    assert len(event.sessions) == 10
    assert event.author == "ZonMw"


def test_groups_set_session_group(event) -> None:
    loaded = load_event(event())
    groups = {s.id: s.group for s in loaded.sessions}
    assert groups == {"welkom": None, "eerste": "Voorbeelden"}
    assert [s.id for s in loaded.sessions] == ["welkom", "eerste"]
    assert loaded.speakers["anna"].organisation == "Fier"
    assert loaded.sessions[0].speakers == ("anna",)


def markdown_html(session) -> str:
    return "".join(p.html for p in session.parts if isinstance(p, MarkdownPart))


def test_heading_levels_are_shifted_below_the_session_title(event) -> None:
    text = "Intro.\n\n## Onderdeel\n\n### Detail\n"
    loaded = load_event(event(sessions={"welkom": text, "eerste": text}))
    ungrouped, grouped = (markdown_html(s) for s in loaded.sessions)
    # The session title is h2 (h3 in a group); its '##' goes one level below.
    assert "<h3>Onderdeel</h3>" in ungrouped
    assert "<h4>Detail</h4>" in ungrouped
    assert "<h4>Onderdeel</h4>" in grouped
    assert "<h5>Detail</h5>" in grouped


def test_raw_html_is_shown_as_text(event) -> None:
    text = "Hallo <script>alert(1)</script> en <b>vet</b>.\n\n<div onclick=x>blok</div>\n"
    loaded = load_event(event(sessions={"welkom": text}))
    html = markdown_html(loaded.sessions[0])
    assert "<script" not in html and "<div" not in html and "<b>" not in html
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    assert "<script>alert(1)</script>" in fragment.text_content()
    assert not fragment.xpath("//script | //b | //*[@onclick]")


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "vbscript:x", "data:text/html,x", "file:///etc"],
)
def test_dangerous_link_is_refused_with_its_line(event, url: str) -> None:
    # markdown-it alone would print such a link as literal text without a word.
    text = f"Eerst tekst.\n\nLees [dit]({url}) of [dat](https://example.org/).\n"
    with pytest.raises(SourceError) as caught:
        load_event(event(sessions={"welkom": text}))
    assert caught.value.location == "line 3"
    assert f"the link to '{url}' is not a web or e-mail address" in caught.value.message


def test_safe_links_stay_links(event) -> None:
    text = "Lees [dit](https://example.org/), [mail](mailto:a@example.org) en [hier](#welkom).\n"
    loaded = load_event(event(sessions={"welkom": text}))
    fragment = lxml.html.fragment_fromstring(markdown_html(loaded.sessions[0]), create_parent="div")
    hrefs = [a.get("href") for a in fragment.iter("a")]
    assert hrefs == ["https://example.org/", "mailto:a@example.org", "#welkom"]


def test_closing_paragraph_is_safe_markdown(event) -> None:
    yaml = EVENT + "    closing: Mail [ons](mailto:a@example.org) <b>nu</b>\n"
    loaded = load_event(event(yaml))
    assert loaded.closing is not None
    fragment = lxml.html.fragment_fromstring(loaded.closing, create_parent="div")
    assert [a.get("href") for a in fragment.iter("a")] == ["mailto:a@example.org"]
    assert not fragment.xpath("//b")
    assert "<b>nu</b>" in fragment.text_content()


def test_closing_paragraph_refuses_a_script_link(event, tmp_path: Path) -> None:
    yaml = EVENT + "    closing: Mail [klik](javascript:x)\n"
    with pytest.raises(SourceError) as caught:
        load_event(event(yaml))
    root = caught.value.path
    assert root is not None and root.name == "event.yaml"
    assert caught.value.location == f"line {line_of(root, 'closing:')}"


def test_verse_keeps_lines_and_stanzas(event) -> None:
    text = (
        "Inleiding.\n\n```verse\ntitle: Gedicht\n---\nEerste regel\n  Tweede regel ingesprongen\n"
        "\nNieuwe strofe\n\n\nDerde strofe, regel 1\nregel 2\n```\n\nNawoord.\n"
    )
    loaded = load_event(event(sessions={"welkom": text}))
    parts = loaded.sessions[0].parts
    assert [type(p) for p in parts] == [MarkdownPart, VersePart, MarkdownPart]
    verse = parts[1]
    assert isinstance(verse, VersePart)
    assert verse.title == "Gedicht"
    assert verse.stanzas == (
        ("Eerste regel", "  Tweede regel ingesprongen"),
        ("Nieuwe strofe",),
        ("Derde strofe, regel 1", "regel 2"),
    )


def test_inserts_are_parsed_with_their_lines(event) -> None:
    text = (
        "Tekst.\n\n```slides\ndeck: talk\nslides: [2, 1]\nshow: box\n```\n\n"
        "```slides\ndeck: talk\nslides: 1-2\n```\n\n"
        "```poll\npoll: menti\nquestion: 1\nquote: [2, 1]\nlabels:\n  Eens: Akkoord\n```\n"
    )
    loaded = load_event(event(sessions={"welkom": text}))
    md = loaded.sessions[0].source
    inserts = [p for p in loaded.sessions[0].parts if not isinstance(p, MarkdownPart)]
    assert [type(p) for p in inserts] == [SlidesInsert, SlidesInsert, PollInsert]
    box, listed, poll = inserts
    assert (box.deck, box.slides, box.show) == ("talk", (2, 1), "box")
    assert (listed.deck, listed.slides, listed.show) == ("talk", (1, 2), "list")
    assert (poll.poll, poll.question, poll.quote) == ("menti", "1", (2, 1))
    assert poll.labels == (("Eens", "Akkoord"),)
    assert [p.line for p in inserts] == [
        line_of(md, "```slides"),
        line_of(md, "```slides", 2),
        line_of(md, "```poll"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\n\tb: 2\n", 2, "a tab character; indent with spaces"),
        ("title: Stelling 1: iets\n", 1, "a ': ' inside a value; put the whole value in quotes"),
        ("a: 1\nb: 'open\nc: 2\nd: 3\n", 2, "a quotation mark opened here is not closed"),
    ],
)
def test_yaml_mistakes_in_plain_words(tmp_path: Path, text: str, line: int, words: str) -> None:
    from eventreport.yamlfile import load_text

    with pytest.raises(SourceError) as info:
        load_text(text, tmp_path / "event.yaml")
    assert info.value.location == f"line {line}"
    assert words in info.value.message
