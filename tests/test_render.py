"""The HTML page rendered from a small assembled report, checked with XPath, not snapshots."""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from conftest import (
    TEMPLATES,
    MentiQuestion,
    SlideSpec,
    line_of,
    make_mentimeter,
    make_pptx,
    write_event,
)

from eventreport.assemble import assemble
from eventreport.errors import SourceError
from eventreport.manifest import load_event
from eventreport.model import Report
from eventreport.pollview import largest_remainder
from eventreport.render.html import render_page
from eventreport.templating import environment
from eventreport.textutil import human_size

SLUG = "2021-05-06-testdag"
XSS = "<img src=x onerror=alert(1)>"

EVENT = """
    title: Testdag & co
    date: 2021-05-06
    place: Utrecht
    organiser: ZonMw
    language: nl
    lead: Een korte inleiding.
    speakers:
      anna:
        name: Anna de Vries
    decks:
      talk:
        file: decks/talk.pptx
        title: Praatje
      rich:
        file: decks/rich.pptx
        download: false
    polls:
      menti:
        file: polls/menti.xlsx
    sessions:
      - id: welkom
        title: Welkom
        speakers: [anna]
        byline: "Spreker: Anna de Vries"
      - id: stellingen
        title: Stellingen
      - group: Voorbeelden
        sessions:
          - id: eerste
            title: Eerste voorbeeld
          - id: tweede
            title: Tweede voorbeeld
    closing: Meer weten? Lees [het verslag](https://example.org/verslag).
    links:
      - text: Mail ons
        url: mailto:info@example.org
    credits: Tekst Leene Communicatie.
"""

SESSIONS = {
    "welkom": """
        Welkom allemaal.

        ```slides
        deck: talk
        slides: 2
        show: list
        ```

        ## Samenvatting

        ```slides
        deck: talk
        slides: 2
        show: box
        ```

        ```download
        deck: talk
        ```
    """,
    "stellingen": """
        De stellingen:

        ```poll
        poll: menti
        question: 1
        ```

        ```poll
        poll: menti
        question: 2
        quote: all
        ```

        ```poll
        poll: menti
        question: Drie gelijk
        labels:
          A: Optie A
        ```

        ```poll
        poll: menti
        question: 4
        ```
    """,
    "eerste": """
        Uit de praktijk.

        ## Onderdeel

        ```slides
        deck: rich
        slides: [2, 3]
        show: box
        ```

        ```slides
        deck: rich
        slides: 3
        show: table
        ```
    """,
    "tweede": """
        ```verse
        title: Gedicht
        ---
        Eerste regel
        Tweede regel

        Nieuwe strofe
        ```
    """,
}

QUESTIONS = [
    MentiQuestion("Stelling 1: Eens?", options=[("Eens", 14), ("Oneens", 12)]),
    MentiQuestion("Stelling 1: toelichting", type="open", responses=[XSS, "Goed idee"]),
    MentiQuestion("Drie gelijk", options=[("A", 1), ("B", 1), ("C", 1)]),
    MentiQuestion("Niemand stemde", options=[("Ja", 0), ("Nee", 0)]),
    MentiQuestion("Geen stemmen", options=None),
]


def make_rich_deck(path: Path) -> Path:
    """A deck with slide text that looks like markup, a table, a hidden slide and notes."""
    return make_pptx(
        path,
        [
            SlideSpec("Praatje"),
            SlideSpec(
                "Punten <script>",
                ["<b>x</b>", ("sub & punt", 1), "Derde punt"],
                notes="GEHEIM: niet publiceren",
            ),
            SlideSpec("Cijfers", table=[["Regio", "2019"], ["Noord", "12"], ["Zuid", "<i>8</i>"]]),
            SlideSpec("Intern", ["Verborgen inhoud"], hidden=True),
        ],
    )


def write_small_event(folder: Path) -> Path:
    root = write_event(folder / SLUG, EVENT, SESSIONS)
    make_rich_deck(root / "decks" / "talk.pptx")
    make_rich_deck(root / "decks" / "rich.pptx")
    make_mentimeter(root / "polls" / "menti.xlsx", QUESTIONS)
    return root


@dataclass(frozen=True)
class Rendered:
    root: Path
    report: Report
    html: str
    tree: Any


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = write_small_event(tmp_path_factory.mktemp("render"))
    report = assemble(load_event(root))
    html = render_page(environment(TEMPLATES, root / "templates"), report, "screen")
    return Rendered(root, report, html, lxml.html.document_fromstring(html))


def text(element: Any) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def session(small: Rendered, session_id: str) -> Any:
    (found,) = small.tree.xpath(f'//section[@id="{session_id}"]')
    return found


# --- Document structure --------------------------------------------------------------


def test_landmarks_and_language(small: Rendered) -> None:
    tree = small.tree
    assert tree.get("lang") == "nl"
    assert len(tree.xpath("//h1")) == 1
    assert text(tree.xpath("//h1")[0]) == "Testdag & co"
    assert tree.findtext(".//title") == "Testdag & co"
    for landmark in ("header", "nav", "main", "footer"):
        assert len(tree.xpath(f"//{landmark}")) == 1, landmark
    # h1 is in the header, the sessions are in main.
    assert tree.xpath("//header//h1")
    assert len(tree.xpath("//main//section[@class='session']")) == 4


def test_skip_link_targets_main(small: Rendered) -> None:
    (skip,) = small.tree.xpath("//a[contains(@class, 'skip-link')]")
    # It is the first thing in the body, so keyboard users meet it first.
    assert small.tree.xpath("//body/*[1]")[0] is skip
    target = skip.get("href")
    assert target.startswith("#")
    (main,) = small.tree.xpath(f"//*[@id='{target[1:]}']")
    assert main.tag == "main"


def test_headings_never_skip_a_level(small: Rendered) -> None:
    levels = [int(h.tag[1]) for h in small.tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    assert len(levels) > 8
    for previous, level in itertools.pairwise(levels):
        assert level <= previous + 1, levels


def test_group_and_subheading_levels(small: Rendered) -> None:
    group = small.tree.xpath("//section[@class='group']")[0]
    assert text(group.xpath("./h2")[0]) == "Voorbeelden"
    assert text(session(small, "eerste").xpath("./h3")[0]) == "Eerste voorbeeld"
    # '## Onderdeel' in a grouped session is h4; in an ungrouped one h3.
    assert [text(h) for h in session(small, "eerste").xpath(".//h4")][:1] == ["Onderdeel"]
    assert "Samenvatting" in [text(h) for h in session(small, "welkom").xpath(".//h3")]


def test_toc_links_all_resolve(small: Rendered) -> None:
    ids = small.tree.xpath("//@id")
    assert len(ids) == len(set(ids)), "duplicate ids"
    toc = small.tree.xpath("//nav//a/@href")
    assert toc == ["#welkom", "#stellingen", "#groep-eerste", "#eerste", "#tweede"]
    for href in small.tree.xpath("//a/@href[starts-with(., '#')]"):
        assert href[1:] in ids, href
    for ref in small.tree.xpath("//@aria-labelledby"):
        for target in ref.split():
            assert target in ids, ref


def test_byline_closing_links_and_credits(small: Rendered) -> None:
    assert text(session(small, "welkom").xpath(".//p[@class='byline']")[0]) == (
        "Spreker: Anna de Vries"
    )
    main = small.tree.xpath("//main")[0]
    assert main.xpath(".//a[@href='https://example.org/verslag']")
    assert main.xpath(".//a[@href='mailto:info@example.org']")[0].text == "Mail ons"
    assert "Tekst Leene Communicatie." in text(small.tree.xpath("//footer")[0])


# --- Untrusted text is escaped -------------------------------------------------------


def test_slide_text_is_escaped(small: Rendered) -> None:
    welkom = session(small, "welkom")
    items = [li.text.strip() for li in welkom.xpath(".//div[@class='slide-points']//li")]
    assert items[0] == "<b>x</b>"
    assert "sub & punt" in items
    assert "Punten <script>" in text(welkom)
    assert not small.tree.xpath("//main//b | //main//script | //script")
    assert "&lt;b&gt;x&lt;/b&gt;" in small.html


def test_slide_levels_nest(small: Rendered) -> None:
    points = session(small, "welkom").xpath(".//div[@class='slide-points']")[0]
    assert text(points.xpath("./ul/li/ul/li")[0]) == "sub & punt"
    assert [li.text.strip() for li in points.xpath("./ul/li")] == ["<b>x</b>", "Derde punt"]


def test_poll_response_is_escaped(small: Rendered) -> None:
    quotes = [text(q) for q in small.tree.xpath("//div[@class='reactions']//blockquote")]
    assert any(XSS in q for q in quotes)
    assert any("Goed idee" in q for q in quotes)
    assert not small.tree.xpath("//img | //*[@onerror]")


def test_hidden_slides_and_notes_stay_out(small: Rendered) -> None:
    assert "GEHEIM" not in small.html
    assert "Verborgen inhoud" not in small.html
    assert "Intern" not in small.html


def test_hidden_slide_cannot_be_pulled_in(tmp_path: Path) -> None:
    root = write_small_event(tmp_path)
    md = root / "sessions" / "eerste.md"
    md.write_text(md.read_text().replace("slides: 3\n", "slides: 4\n"), encoding="utf-8")
    with pytest.raises(SourceError) as info:
        assemble(load_event(root))
    assert info.value.path == md.resolve()
    # The line of the ```slides block that asks for it.
    assert info.value.location == f"line {line_of(md, '```slides', 2)}"
    assert "no slide 4" in info.value.message
    assert "include_hidden" in info.value.message


@pytest.mark.parametrize(
    ("session_id", "old", "new", "words"),
    [
        ("stellingen", "question: 4\n", "question: 99\n", ["no question '99'", "1: Stelling 1"]),
        ("stellingen", "quote: all\n", "quote: [3]\n", ["response 3", "2 responses"]),
        ("stellingen", "  A: Optie A\n", "  D: Optie D\n", ["renames 'D'", "A, B, C"]),
        ("eerste", "slides: [2, 3]\n", "slides: [2, 9]\n", ["no slide 9", "slides read: 1, 2, 3"]),
    ],
)
def test_wrong_reference_names_the_insert(
    tmp_path: Path, session_id: str, old: str, new: str, words: list[str]
) -> None:
    root = write_small_event(tmp_path)
    md = root / "sessions" / f"{session_id}.md"
    text = md.read_text(encoding="utf-8")
    assert old in text
    md.write_text(text.replace(old, new), encoding="utf-8")
    changed = line_of(md, new.strip())
    with pytest.raises(SourceError) as info:
        assemble(load_event(root))
    error = info.value
    assert error.path == md.resolve()
    # The line of the block's opening fence, at most a few lines above the changed one.
    assert error.location is not None
    fence = int(error.location.removeprefix("line "))
    assert md.read_text(encoding="utf-8").splitlines()[fence - 1].startswith("```")
    assert 0 < changed - fence <= 4
    for word in words:
        assert word in error.message, str(error)


def test_unused_deck_is_refused(tmp_path: Path) -> None:
    root = write_small_event(tmp_path)
    yaml = root / "event.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert "\npolls:" in text
    yaml.write_text(
        text.replace("\npolls:", "\n  spare:\n    file: decks/rich.pptx\npolls:"),
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as info:
        assemble(load_event(root))
    assert info.value.path == yaml
    assert "deck 'spare' is declared but no session uses it" in info.value.message


def test_english_report_uses_english_labels(tmp_path: Path) -> None:
    root = write_small_event(tmp_path)
    yaml = root / "event.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("language: nl", "language: en"), encoding="utf-8"
    )
    report = assemble(load_event(root))
    tree = lxml.html.document_fromstring(render_page(environment(TEMPLATES), report, "screen"))
    assert tree.get("lang") == "en"
    assert text(tree.xpath("//a[contains(@class, 'skip-link')]")[0]) == "Skip to content"
    assert text(tree.xpath("//p[@class='download']/a")[0]).startswith(
        "Download the presentation by Anna de Vries ("
    )
    assert "Result: 14 Eens, 12 Oneens" in text(tree)
    assert "6 May 2021" in text(tree.xpath("//header")[0])


def test_slide_table(small: Rendered) -> None:
    eerste = session(small, "eerste")
    tables = eerste.xpath(".//table")
    assert tables, "the table slide shows a table"
    table = tables[-1]
    assert [text(th) for th in table.xpath(".//thead//th")] == ["Regio", "2019"]
    assert all(th.get("scope") == "col" for th in table.xpath(".//thead//th"))
    assert [[text(td) for td in tr.xpath("./td")] for tr in table.xpath(".//tbody/tr")] == [
        ["Noord", "12"],
        ["Zuid", "<i>8</i>"],
    ]


# --- Polls ---------------------------------------------------------------------------


def poll_sections(small: Rendered) -> list[Any]:
    return session(small, "stellingen").xpath(".//section[contains(@class, 'poll')]")


def test_poll_result_in_words(small: Rendered) -> None:
    first = poll_sections(small)[0]
    # Once, in running-text case, as the caption of the chart that is its table.
    (result,) = first.xpath(".//*[contains(@class, 'poll-result')]")
    assert result.tag == "caption"
    assert text(result) == "Uitslag: 14 eens, 12 oneens (26 stemmen)"
    third = poll_sections(small)[2]
    # labels: renames an option everywhere it is shown.
    assert "Optie A" in text(third)
    assert not third.xpath(".//th[normalize-space()='A']")


def test_poll_chart_is_one_figure_holding_its_table(small: Rendered) -> None:
    assert small.tree.xpath("//svg") == []
    figures = small.tree.xpath("//figure[@class='poll-figure']")
    assert len(figures) == 2  # the two questions with votes
    for figure in figures:
        (table,) = figure.xpath("./*")
        assert table.tag == "table" and "poll-chart" in table.get("class")
        # No second heading: the caption is the result sentence, nothing else names it.
        assert table.xpath("./caption[@class='poll-result']")
        assert not figure.xpath(".//figcaption | .//h3 | .//h4 | .//h5")
        # Each bar is an empty box; its length is the option's share.
        bars = table.xpath(".//span[@class='bar']")
        assert bars and all(not text(bar) for bar in bars)
    widths = [b.get("style") for b in figures[0].xpath(".//span[@class='bar']")]
    assert widths == [
        "width: calc((100% - 3.5em) * 0.538)",
        "width: calc((100% - 3.5em) * 0.462)",
    ]


def test_poll_table_headers_and_percentages(small: Rendered) -> None:
    tables = small.tree.xpath("//table[contains(@class, 'poll-chart')]")
    assert len(tables) == 2
    for table in tables:
        assert table.xpath("./caption")
        assert [th.get("scope") for th in table.xpath("./thead//th")] == ["col"] * 2
        rows = table.xpath("./tbody/tr")
        assert all(tr.xpath("./th[@scope='row']") for tr in rows)
        percents = [int(text(tr.xpath("./td")[1]).rstrip("%")) for tr in rows]
        assert sum(percents) == 100, percents
    thirds = [text(tr.xpath("./td")[1]) for tr in tables[1].xpath("./tbody/tr")]
    assert thirds == ["34%", "33%", "33%"]


def test_all_zero_votes_say_so_without_nan(small: Rendered) -> None:
    fourth = poll_sections(small)[3]
    assert "Op deze vraag is niet gestemd." in text(fourth)
    assert not fourth.xpath(".//svg | .//table")
    assert "nan" not in small.html.lower()


def test_question_without_votes_says_so(tmp_path: Path) -> None:
    # Mentimeter writes "No votes for this session" instead of the choices for a slide
    # nobody voted on; the report must still say nobody voted, not show a bare heading.
    root = write_small_event(tmp_path)
    md = root / "sessions" / "stellingen.md"
    md.write_text(
        md.read_text() + "\n```poll\npoll: menti\nquestion: Geen stemmen\n```\n", encoding="utf-8"
    )
    report = assemble(load_event(root))
    tree = lxml.html.document_fromstring(render_page(environment(TEMPLATES), report, "screen"))
    last = tree.xpath("//section[@id='stellingen']//section[contains(@class, 'poll')]")[-1]
    assert "Geen stemmen" in text(last)
    assert "Op deze vraag is niet gestemd." in text(last)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([14, 12], [54, 46]),
        ([1, 1, 1], [34, 33, 33]),
        ([17, 1], [94, 6]),
        ([0, 0, 0], [0, 0, 0]),
        ([5], [100]),
        ([0, 3], [0, 100]),
        ([], []),
    ],
)
def test_largest_remainder(counts: list[int], expected: list[int]) -> None:
    assert largest_remainder(counts) == expected


def test_largest_remainder_always_adds_up() -> None:
    rng = random.Random(20200903)
    for _ in range(500):
        counts = [rng.randint(0, 40) for _ in range(rng.randint(1, 7))]
        shares = largest_remainder(counts)
        total = sum(counts)
        assert all(isinstance(s, int) for s in shares)
        if total == 0:
            assert shares == [0] * len(counts)
            continue
        assert sum(shares) == 100, counts
        for count, share in zip(counts, shares, strict=True):
            assert abs(share - count * 100 / total) < 1, (counts, shares)


# --- Downloads -----------------------------------------------------------------------


def test_download_link_names_type_and_size(small: Rendered) -> None:
    links = small.tree.xpath("//p[@class='download']/a")
    # 'rich' says download: false, so only 'talk' is offered.
    assert [a.get("href") for a in links] == ["presentaties/talk.pptx"]
    # The size is the publication copy's, the file the link leads to.
    (download,) = small.report.downloads
    size = len(download.copy.data)
    # The speaker's name makes the link say where it leads on its own.
    expected = f"Download de presentatie van Anna de Vries (PPTX, {human_size(size, 'nl')})"
    assert text(links[0]) == expected
    assert re.search(r"\(PPTX, \d+ kB\)$", text(links[0]))
    assert "presentationml" in links[0].get("type")
    assert [d.deck.id for d in small.report.downloads] == ["talk"]


@pytest.mark.parametrize(
    ("size", "language", "shown"),
    [
        (512, "nl", "512 bytes"),
        (512, "en", "512 B"),
        (45_300, "nl", "45 kB"),
        (1_234_567, "nl", "1,2 MB"),
        (1_234_567, "en", "1.2 MB"),
    ],
)
def test_human_size(size: int, language: str, shown: str) -> None:
    assert human_size(size, language) == shown


# --- House style ---------------------------------------------------------------------


def test_house_style_override_changes_one_block(small: Rendered, tmp_path: Path) -> None:
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "report.html").write_text(
        '{% extends "default:report.html" %}{% block title %}HOUSE{% endblock %}',
        encoding="utf-8",
    )
    html = render_page(environment(TEMPLATES, overrides), small.report, "screen")
    tree = lxml.html.document_fromstring(html)
    assert tree.findtext(".//title") == "HOUSE"
    # Everything else is the default report.
    assert text(tree.xpath("//h1")[0]) == "Testdag & co"
    assert len(tree.xpath("//main//section[@class='session']")) == 4
    # Without the folder the default title stays.
    plain = lxml.html.document_fromstring(
        render_page(environment(TEMPLATES), small.report, "screen")
    )
    assert plain.findtext(".//title") == "Testdag & co"


def test_templates_are_strict_and_escaping(tmp_path: Path) -> None:
    env = environment(TEMPLATES)
    assert env.autoescape("x.html") is True
    assert env.from_string("{{ v }}").render(v="<b>") == "&lt;b&gt;"
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        env.from_string("{{ typo }}").render()


def test_print_rendering_has_no_skip_link(small: Rendered) -> None:
    html = render_page(environment(TEMPLATES), small.report, "print")
    tree = lxml.html.document_fromstring(html)
    assert not tree.xpath("//a[contains(@class, 'skip-link')]")
    assert "@page" in html
    assert len(tree.xpath("//h1")) == 1
