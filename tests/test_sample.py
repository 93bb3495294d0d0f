"""The sample event's build holds every paragraph of the published seed report, in order."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from conftest import SAMPLE, SEED, SampleBuild, normalise

from eventreport.readers import read_deck

# The website's chrome and the slider's navigation: not part of the report.
CHROME = {"inhoud", "naar boven", "gerelateerde links"}
CHROME_PREFIXES = ("direct naar:",)
SLIDER = re.compile(r"^\.*\s*lees verder op de volgende slide$")
DOWNLOAD = re.compile(r"^download (de )?presentatie$")


def seed_paragraphs() -> list[str]:
    """The seed's body as paragraphs: blocks between blank lines; each line of a bullet
    list, of the spoken-word piece and of any other multi-line block counts on its own."""
    body = SEED.read_text(encoding="utf-8")
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", body):
        for line in block.splitlines():
            text = line.strip().removeprefix("•").strip()
            if normalise(text):
                paragraphs.append(text)
    return paragraphs


def is_chrome(paragraph: str) -> bool:
    text = normalise(paragraph)
    return text in CHROME or text.startswith(CHROME_PREFIXES) or bool(SLIDER.match(text))


def report_paragraphs() -> list[str]:
    return [p for p in seed_paragraphs() if not is_chrome(p) and not DOWNLOAD.match(normalise(p))]


def main_without_toc(tree: Any) -> Any:
    """`main` without the table of contents, which repeats every heading up front."""
    main = copy.deepcopy(tree.xpath("//main")[0])
    for nav in main.xpath(".//nav"):
        nav.drop_tree()
    return main


@pytest.fixture(scope="module")
def report_text(sample_tree: Any) -> str:
    """The report's text: `main`, and the colophon in `footer` (it holds the credits)."""
    parts = [main_without_toc(sample_tree), *sample_tree.xpath("//footer")]
    return normalise(" ".join(p.text_content() for p in parts))


def test_seed_is_split_sensibly() -> None:
    paragraphs = seed_paragraphs()
    assert len(paragraphs) > 100
    chrome = [p for p in paragraphs if is_chrome(p)]
    assert len(chrome) == 6  # Inhoud, 2 slider lines, Gerelateerde links, Naar boven, Direct naar
    assert "Meldcode KNMG" in paragraphs
    assert "Ik sta hier voor u zonder mijn achternaam" in paragraphs


def test_every_seed_paragraph_is_in_the_report(report_text: str) -> None:
    missing = [p for p in report_paragraphs() if normalise(p) not in report_text]
    assert missing == []


def test_download_lines_are_download_links(sample_tree: Any) -> None:
    wanted = [p for p in seed_paragraphs() if DOWNLOAD.match(normalise(p))]
    assert len(wanted) == 6
    links = sample_tree.xpath("//main//p[@class='download']/a")
    assert len(links) == len(wanted)
    for link in links:
        assert normalise(link.text_content()).startswith("download de presentatie van ")
    # Each link names its speakers, so no two read the same in a list of links.
    assert len({normalise(link.text_content()) for link in links}) == len(links)


def test_spoken_word_keeps_every_line(sample_tree: Any) -> None:
    (verse,) = sample_tree.xpath("//section[@id='hartenkreet']//div[@class='verse']")
    shown = [
        normalise(line)
        for p in verse.xpath("./p")
        for line in p.text_content().split("\n")
        if line.strip()
    ]
    seed = SEED.read_text(encoding="utf-8").splitlines()
    start = seed.index("Spoken words Mohini Awadhpersad") + 1
    end = next(i for i, line in enumerate(seed) if line.strip() == "19 juli 2018") + 1
    lines = [normalise(x) for x in seed[start:end] if normalise(x) and not is_chrome(x)]
    assert shown == lines
    assert len(verse.xpath("./p")) >= 8  # stanzas stay stanzas


def test_sections_follow_the_seed_order(sample_tree: Any, report_text: str) -> None:
    main = main_without_toc(sample_tree)
    headings = [
        h.text_content()
        for h in main.xpath(
            ".//section[@class='group']/h2 | .//section[contains(@class, 'session')]/*[1]"
        )
    ]
    assert len(headings) == 11  # 10 sessions and one group
    seed = normalise(SEED.read_text(encoding="utf-8"))
    in_seed = [seed.find(normalise(h)) for h in headings]
    in_report = [report_text.find(normalise(h)) for h in headings]
    assert -1 not in in_seed and -1 not in in_report
    assert in_seed == sorted(in_seed)
    assert in_report == sorted(in_report)


def test_subheadings_follow_the_seed_order(sample_tree: Any) -> None:
    main = main_without_toc(sample_tree)
    headings = [normalise(h.text_content()) for h in main.xpath(".//h2 | .//h3 | .//h4")]
    seed = [normalise(p) for p in report_paragraphs()]
    # Headings that are seed paragraphs appear in the seed's order (the poll's open
    # questions "Stelling N: toelichting" are the export's own titles, not the seed's).
    positions = [seed.index(h) for h in headings if h in seed]
    assert len(positions) > 20
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("statement", "agree", "disagree"),
    [("Stelling 1:", 14, 12), ("Stelling 2:", 4, 18), ("Stelling 3:", 17, 1)],
)
def test_statement_results(sample_tree: Any, statement: str, agree: int, disagree: int) -> None:
    (poll,) = [
        s
        for s in sample_tree.xpath("//section[contains(@class, 'poll')]")
        if s.xpath("./h3")
        and s.xpath("./h3")[0].text_content().startswith(statement)
        and not s.xpath("./h3")[0].text_content().endswith("toelichting")
    ]
    (caption,) = poll.xpath(".//figure//caption[@class='poll-result']")
    total = agree + disagree
    assert normalise(caption.text_content()) == (
        f"uitslag: {agree} eens, {disagree} oneens ({total} stemmen)"
    )
    rows = [
        [normalise(c.text_content()) for c in tr.xpath("./th | ./td")]
        for tr in caption.getparent().xpath("./tbody/tr")
    ]
    assert [r[:2] for r in rows] == [["eens", str(agree)], ["oneens", str(disagree)]]
    assert not poll.xpath(".//svg")


def test_pdf_deck_slide_title_comes_from_the_pdf_reader(sample_tree: Any) -> None:
    deck = read_deck(SAMPLE / "decks" / "sonderman-sekse-gerichte-benadering.pdf")
    assert deck.format == "pdf"
    slide = deck.slide(2)
    assert slide is not None
    assert slide.title == "Leefklimaat, effectmeting en conclusie"
    (box,) = sample_tree.xpath(
        "//section[@id='sekse-gerichte-benadering']//div[@class='slide-box']"
    )
    assert normalise(box.xpath("./h4")[0].text_content()) == normalise(slide.title)


def test_no_site_chrome(sample_build: SampleBuild, sample_tree: Any) -> None:
    # The page's own back-to-top link is ours; the seed's website chrome is not copied.
    page = copy.deepcopy(sample_tree)
    for own in page.xpath("//p[@class='to-top']"):
        own.drop_tree()
    text = normalise(page.text_content())
    assert "naar boven" not in text
    assert "gerelateerde links" not in text
    assert "lees verder op de volgende slide" not in text
    assert "Naar boven" not in sample_build.html.read_text(encoding="utf-8")
    assert len(sample_tree.xpath("//p[@class='to-top']/a[@href='#top']")) == 1
