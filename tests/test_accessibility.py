"""Accessible by proof: every page and PDF a build makes passes the checkers (tests/a11y.py),
the checkers can fail, the build refuses what cannot be accessible, and the legibility
rules hold in a real browser and in the PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import a11y
import fontpkg_atkinson_hyperlegible as atkinson  # type: ignore[import-untyped]
import lxml.html
import pikepdf
import pytest
import weasyprint
from a11y import (
    axe_run,
    axe_violations,
    browser,
    htmlcs_errors,
    pdf_checks,
    pdf_report,
    vnu_errors,
)
from conftest import SampleBuild, line_of, write_event
from fixtures import make_deck
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader
from test_render import SLUG, write_small_event

from eventreport.build import build
from eventreport.errors import SourceError
from eventreport.render.fonts import FILES

CI_MESSAGE = "run `bash scripts/setup.sh`"

# Text the rich build adds: Dutch ĳ/Ĳ (U+0133/U+0132), which Atkinson Hyperlegible lacks.
DUTCH = "Het \u0132sselmeer is vĳf keer zo groot."


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build using every part the templates know (test_render's event), plus a picture,
    a decorative picture and Dutch ĳ; the output folder."""
    base = tmp_path_factory.mktemp("rich")
    root = write_small_event(base / "sources")
    (root / "media").mkdir()
    Image.new("RGB", (240, 120), "navy").save(root / "media" / "zaal.png")
    Image.new("RGB", (240, 8), "gray").save(root / "media" / "lijn.png")
    md = root / "sessions" / "tweede.md"
    md.write_text(
        md.read_text(encoding="utf-8")
        + f"\n{DUTCH}\n\n![De zaal, blauw verlicht](media/zaal.png)\n\n"
        "![{decorative}](media/lijn.png)\n",
        encoding="utf-8",
    )
    build(root, base / "build")
    return base / "build" / SLUG


def page_of(out: Path) -> Path:
    return out / "index.html"


def pdf_of(out: Path) -> Path:
    return next(out.glob("*.pdf"))


# --- Every page and PDF the build makes passes ---------------------------------------


# As a reader meets the page: on a desktop, on a phone, and printed from the browser.
VIEWS = [(1280, "screen"), (390, "screen"), (1280, "print")]


@pytest.mark.parametrize(("width", "media"), VIEWS)
def test_sample_page_passes_axe_and_html_codesniffer(
    sample_build: SampleBuild, width: int, media: str
) -> None:
    assert axe_violations(sample_build.html, width, media) == []
    assert htmlcs_errors(sample_build.html, width, media) == []


def test_sample_pdf_passes_pdf_ua_and_outloud_without_warnings(sample_build: SampleBuild) -> None:
    checked = pdf_report(sample_build.pdf)
    assert checked.failures == []
    # Paint order follows the tag order now (print.css, pdf_lists.py): no ORD-001 either.
    assert checked.warnings == []


def test_pages_are_valid_html(sample_build: SampleBuild, rich: Path) -> None:
    assert vnu_errors(sample_build.html, page_of(rich)) == []


@pytest.mark.parametrize(("width", "media"), VIEWS)
def test_every_part_passes_axe_and_html_codesniffer(rich: Path, width: int, media: str) -> None:
    result = axe_run(page_of(rich), width, media)
    assert result["violations"] == []
    # The rules that matter most here did run (and passed) rather than not apply.
    passed = {rule["id"] for rule in result["passes"]}
    assert {"image-alt", "color-contrast", "target-size", "html-has-lang"} <= passed
    assert htmlcs_errors(page_of(rich), width, media) == []


def test_every_part_passes_pdf_checks(rich: Path) -> None:
    checked = pdf_report(pdf_of(rich))
    assert checked.failures == []
    assert checked.warnings == []


# --- The checks can fail -------------------------------------------------------------

BROKEN_PAGE = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">
<title>Kapot</title></head><body><main>
<h1>Kapot</h1><img src="zaal.png">
<p style="color:#aaa">Te licht.</p>
<p><a href="#a" style="font-size:8px">a</a><a href="#b" style="font-size:8px">b</a></p>
</main></body></html>"""


def test_axe_finds_a_missing_alt_low_contrast_and_small_targets(tmp_path: Path) -> None:
    Image.new("RGB", (20, 20), "navy").save(tmp_path / "zaal.png")
    page = tmp_path / "kapot.html"
    page.write_text(BROKEN_PAGE, encoding="utf-8")
    found = {line.split(" ")[0] for line in axe_violations(page)}
    assert {"image-alt", "color-contrast", "target-size"} <= found


def test_vnu_and_html_codesniffer_find_errors(tmp_path: Path) -> None:
    Image.new("RGB", (20, 20), "navy").save(tmp_path / "zaal.png")
    page = tmp_path / "kapot.html"
    page.write_text(BROKEN_PAGE.replace("<p>", '<p id="x">').replace("</main>", "</div></main>"))
    found = vnu_errors(page)
    assert any("“img” element must have an “alt” attribute" in f for f in found), found
    assert any("Stray end tag “div”" in f for f in found), found
    codes = htmlcs_errors(page)
    assert any(".H37:" in c for c in codes), codes  # the picture without alt text
    assert any(".G1," in c for c in codes), codes  # links to anchors that do not exist


@pytest.mark.parametrize(
    ("html", "options", "expected"),
    [
        # Untagged: no structure tree, no PDF/UA identification.
        ('<html lang="nl"><title>x</title><h1>Titel</h1><p>Tekst', {}, "page-validation"),
        # A heading level skipped (h1 -> h3), in an otherwise tagged PDF/UA-1 file.
        (
            '<html lang="nl"><title>x</title><h1>Titel</h1><h3>Te diep</h3><p>Tekst',
            {"pdf_variant": "pdf/ua-1", "pdf_tags": True},
            "page-validation",
        ),
        # A picture without alt text (WeasyPrint logs an error and writes it anyway).
        (
            '<html lang="nl"><title>x</title><h1>Titel</h1><img src="zaal.png">',
            {"pdf_variant": "pdf/ua-1", "pdf_tags": True},
            "page-validation",
        ),
    ],
)
def test_pdf_checks_fail_on_broken_pdfs(
    tmp_path: Path, html: str, options: dict[str, Any], expected: str
) -> None:
    Image.new("RGB", (20, 20), "navy").save(tmp_path / "zaal.png")
    pdf = tmp_path / "kapot.pdf"
    weasyprint.HTML(string=html, base_url=str(tmp_path) + "/").write_pdf(pdf, **options)
    failures = pdf_checks(pdf)
    assert any(f.startswith(expected) for f in failures), failures


def test_untagged_pdf_fails_outloud_too(tmp_path: Path) -> None:
    pdf = tmp_path / "kapot.pdf"
    weasyprint.HTML(string='<html lang="nl"><title>x</title><p>Tekst').write_pdf(pdf)
    assert any(f.startswith("outloud") for f in pdf_checks(pdf))


def test_missing_browser_fails_under_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(a11y, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=re.escape(CI_MESSAGE)):
        a11y.require_browser()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=re.escape(CI_MESSAGE)):
        a11y.require_browser()


@pytest.mark.parametrize(
    ("name", "check"),
    [("HTMLCS_JS", a11y.require_browser), ("VNU_JAR", a11y.require_vnu)],
)
def test_missing_second_opinions_fail_under_ci_and_skip_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, check: Any
) -> None:
    monkeypatch.setattr(a11y, name, tmp_path / "missing.js")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=re.escape(CI_MESSAGE)):
        check()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=re.escape(CI_MESSAGE)):
        check()


# --- The build refuses what cannot be made accessible --------------------------------

EVENT = """
    title: Proef
    date: 2021-05-06
    place: Utrecht
    organiser: ZonMw
    language: nl
    lead: Inleiding.
    sessions:
      - id: welkom
        title: Welkom
"""
DECK = """
    decks:
      cijfers:
        file: decks/cijfers.pptx
"""


@pytest.mark.parametrize("show", ["box", "list"])
def test_slide_picture_without_alt_fails_naming_deck_and_slide(tmp_path: Path, show: str) -> None:
    root = write_event(
        tmp_path / "proef",
        EVENT + DECK,
        {"welkom": f"Tekst.\n\n```slides\ndeck: cijfers\nslides: 3\nshow: {show}\n```\n"},
    )
    (root / "decks").mkdir()
    make_deck(root / "decks", "cijfers.pptx")  # slide 3: one picture with, one without alt
    with pytest.raises(SourceError) as info:
        build(root, tmp_path / "build")
    md = root / "sessions" / "welkom.md"
    assert info.value.path == md
    assert info.value.location == f"line {line_of(md, '```slides')}"
    assert "deck 'cijfers' (cijfers.pptx), slide 3" in info.value.message
    assert "alternative text" in info.value.message


def test_slide_tables_alone_do_not_need_the_pictures_alt(tmp_path: Path) -> None:
    root = write_event(
        tmp_path / "proef",
        EVENT + DECK,
        {"welkom": "Tekst.\n\n```slides\ndeck: cijfers\nslides: 3\nshow: table\n```\n"},
    )
    (root / "decks").mkdir()
    make_deck(root / "decks", "cijfers.pptx")  # slide 3: a table, two pictures
    build(root, tmp_path / "build")
    page = lxml.html.parse(str(tmp_path / "build" / "proef" / "index.html")).getroot()
    (session,) = page.xpath("//section[@id='welkom']")
    (table,) = session.xpath(".//table")
    assert table.findtext("caption") == "Cijfers"  # the slide's title
    rows = [[c.text_content() for c in tr.xpath("./th | ./td")] for tr in table.xpath(".//tr")]
    # "2019" spans two columns on the slide; the cell it covers is empty.
    assert rows == [["Regio", "2019", ""], ["Noord", "12", "14"], ["Zuid", "8", "9"]]
    # Neither picture is drawn, nor the one alt text there is: nothing needed the other's.
    assert session.xpath(".//img | .//figure | .//*[contains(@class, 'slide-box')]") == []
    assert "Grafiek" not in session.text_content()


def test_markdown_picture_without_alt_names_file_and_line(tmp_path: Path) -> None:
    root = write_event(tmp_path / "proef", EVENT, {"welkom": "Tekst.\n\n![](media/x.png)\n"})
    (root / "media").mkdir()
    Image.new("RGB", (8, 8)).save(root / "media" / "x.png")
    with pytest.raises(SourceError) as info:
        build(root, tmp_path / "build")
    md = root / "sessions" / "welkom.md"
    assert (info.value.path, info.value.location) == (md, "line 3")
    assert "{decorative}" in info.value.message  # the way out is named


def test_decorative_picture_is_skipped_by_screen_readers(rich: Path) -> None:
    tree = lxml.html.parse(str(page_of(rich))).getroot()
    (decorative,) = tree.xpath("//img[@src='media/lijn.png']")
    assert decorative.get("alt") == ""
    (described,) = tree.xpath("//img[@src='media/zaal.png']")
    assert described.get("alt") == "De zaal, blauw verlicht"
    # In the PDF: a Figure for the described picture, none for the decorative one.
    with pikepdf.open(pdf_of(rich)) as pdf:
        alts = [
            str(obj.get("/Alt"))
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == pikepdf.Name.Figure
        ]
    assert "De zaal, blauw verlicht" in alts
    assert "{decorative}" not in alts


# --- Legibility -----------------------------------------------------------------------


def test_fonts_travel_with_the_page(rich: Path) -> None:
    for _, name in FILES:
        assert (rich / "fonts" / name).stat().st_size > 10_000
    assert "Open Font License" in (rich / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    html = page_of(rich).read_text(encoding="utf-8")
    urls = re.findall(r'url\("([^"]+)"\)', html)
    assert sorted(urls) == sorted(f"fonts/{name}" for _, name in FILES)


def test_the_copied_fonts_have_a_plain_zero(rich: Path) -> None:
    # The package's zero is slashed: an oval and a counter cut in two (three contours).
    # The copies' zero is the oval with its whole counter (two), and nothing else changed.
    for _, name in FILES:
        original = TTFont(atkinson.ROOT / "files" / name)
        copied = TTFont(rich / "fonts" / name)
        assert original["glyf"]["zero"].numberOfContours == 3
        assert copied["glyf"]["zero"].numberOfContours == 2
        assert copied["hmtx"]["zero"] == original["hmtx"]["zero"]
        glyphs = original["glyf"]
        # Every other outline is untouched (zero.tf, the tabular zero, is made of zero).
        same = [
            g
            for g in original.getGlyphOrder()
            if g != "zero"
            and not any(c.glyphName == "zero" for c in getattr(glyphs[g], "components", []))
        ]
        assert "zero.tf" not in same and len(same) > 300
        assert all(
            copied["glyf"][g].getCoordinates(copied["glyf"])[0]
            == original["glyf"][g].getCoordinates(original["glyf"])[0]
            for g in same
        )
        # The counter spans the slashed halves together: as wide and tall as both.
        glyf = copied["glyf"]
        points, ends, _ = glyf["zero"].getCoordinates(glyf)
        counter = points[ends[0] + 1 :]
        halves = original["glyf"]["zero"].getCoordinates(original["glyf"])[0][
            original["glyf"]["zero"].endPtsOfContours[0] + 1 :
        ]
        assert sorted(counter) == sorted(halves)


def test_browser_draws_the_page_in_atkinson_hyperlegible(rich: Path) -> None:
    tab = browser().new_page()
    try:
        tab.goto(page_of(rich).as_uri())
        loaded = tab.evaluate(
            """async () => { await document.fonts.ready;
                return [...document.fonts].filter(f => f.status === 'loaded')
                    .map(f => `${f.family} ${f.weight} ${f.style}`); }"""
        )
        family = tab.evaluate("getComputedStyle(document.body).fontFamily")
    finally:
        tab.close()
    assert "Atkinson Hyperlegible 400 normal" in loaded
    assert "Atkinson Hyperlegible 700 normal" in loaded  # headings
    assert family.startswith('"Atkinson Hyperlegible"')


def test_pdf_embeds_atkinson_and_falls_back_for_ij(rich: Path) -> None:
    fonts_of: dict[str, set[str]] = {}

    def note(text: str, cm: object, tm: object, font: Any, size: object) -> None:
        for char in text if font is not None else "":
            fonts_of.setdefault(char, set()).add(str(font["/BaseFont"]))

    for page in PdfReader(pdf_of(rich)).pages:
        page.extract_text(visitor_text=note)
    assert all("Atkinson-Hyperlegible" in f for f in fonts_of["a"]), fonts_of["a"]
    # ĳ and Ĳ come out as themselves (WeasyPrint once drew ĳ as "ó" from a split font)
    # and are drawn from DejaVu Sans.
    text = " ".join(page.extract_text() for page in PdfReader(pdf_of(rich)).pages)
    assert "\u0132sselmeer" in text and "vĳf" in text
    for char in "\u0132\u0133":
        assert fonts_of[char] and all("DejaVu" in f for f in fonts_of[char]), fonts_of[char]


def test_chart_bars_stand_out_from_the_page(rich: Path) -> None:
    # WCAG 1.4.11: the bars are the chart's graphics, at least 3:1 against white.
    tab = browser().new_page()
    try:
        tab.goto(page_of(rich).as_uri())
        bars = tab.evaluate(
            """[...document.querySelectorAll('.poll-chart .bar')].map(b =>
                getComputedStyle(b).backgroundColor)"""
        )
    finally:
        tab.close()
    assert bars
    for bar in bars:
        r, g, b = (int(v) for v in re.findall(r"\d+", bar)[:3])
        assert contrast(f"#{r:02x}{g:02x}{b:02x}", "#ffffff") >= 3


# What Chromium draws, as #rrggbb: an element's computed colour over its background,
# which is that of the first element up the tree whose background is not transparent
# (translucent ones composited in order; the canvas under them all is white).
COLOURS_JS = """
(selector) => {
  const parse = value => {
    const m = value.match(/^rgba?\\(([^)]*)\\)$/);
    if (!m) throw new Error(`unexpected colour syntax: ${value}`);
    const [r, g, b, a = 1] = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3]));
  const behind = element => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] === 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255]);
  };
  const hex = rgb => '#' + rgb.map(c => Math.round(c).toString(16).padStart(2, '0')).join('');
  return [...document.querySelectorAll(selector)].map(e => {
    const style = getComputedStyle(e), background = behind(e);
    return {
      element: `${e.tagName.toLowerCase()}.${e.className} ${e.textContent.trim().slice(0, 30)}`,
      text: hex(over(parse(style.color), background)),
      background: hex(background),
      border: hex(over(parse(style.borderTopColor), background)),
      focused: e.matches(':focus-visible'),
      outline: style.outlineStyle === 'none' ? null : hex(over(parse(style.outlineColor),
        e.parentElement ? behind(e.parentElement) : background)),
      outlineBackground: hex(e.parentElement ? behind(e.parentElement) : background),
    };
  });
}
"""

# Text on the page by kind; each must match something on the rich page.
TEXT_KINDS = {
    "body text": "main p, main li, main td, main th, main blockquote",
    "links": "a",
    "headings": "h1, h2, h3, h4",
    "slide boxes": ".slide-box, .slide-box *",
    "byline": ".byline",
    "meta": ".meta",
    "captions": "caption",
    "poll charts": ".poll-chart th, .poll-chart td",
    "file type and size": ".file-meta",
    "kicker and colophon": ".kicker, .colophon, .colophon *",
    "publisher": ".house-name",
}


def colours(tab: Any, selector: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = tab.evaluate(COLOURS_JS, selector)
    return found


def test_page_text_has_enough_contrast(rich: Path) -> None:
    tab = browser().new_page()
    try:
        tab.goto(page_of(rich).as_uri())
        drawn = {kind: colours(tab, selector) for kind, selector in TEXT_KINDS.items()}
        cells = colours(tab, "th, td")
    finally:
        tab.close()
    for kind, elements in drawn.items():
        assert elements, f"nothing on the page is {kind}"
        low = [
            (e["element"], e["text"], e["background"])
            for e in elements
            if contrast(e["text"], e["background"]) < 4.5
        ]
        assert low == [], kind
    # The slide box draws on its own background; that case is measured, not assumed.
    assert {e["background"] for e in drawn["slide boxes"]} == {"#f4f7fa"}
    assert cells
    for cell in cells:  # table borders as non-text contrast (WCAG 1.4.11)
        assert contrast(cell["border"], cell["background"]) >= 3, cell


FOCUSABLE = (".skip-link", ".toc a", ".download a", "main p a", ".links a")


def test_focus_ring_has_enough_contrast(rich: Path) -> None:
    # WCAG 1.4.11: the :focus-visible outline against what it is drawn on, which is the
    # parent's background (the outline sits 2px outside the element).
    tab = browser().new_page()
    try:
        tab.goto(page_of(rich).as_uri())
        rings = []
        for selector in FOCUSABLE:
            tab.focus(selector)
            rings.append(colours(tab, f"{selector}:focus")[0])
    finally:
        tab.close()
    assert len(rings) == len(FOCUSABLE)
    for ring in rings:
        assert ring["focused"] and ring["outline"] is not None, ring
        assert contrast(ring["outline"], ring["outlineBackground"]) >= 3, ring


def contrast(one: str, two: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        hex_ = colour.lstrip("#")
        hex_ = "".join(c * 2 for c in hex_) if len(hex_) == 3 else hex_
        channels = [int(hex_[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_keyboard_focus_is_visible(sample_build: SampleBuild) -> None:
    tab = browser().new_page()
    try:
        tab.goto(sample_build.html.as_uri())
        seen = []
        for _ in range(8):
            tab.keyboard.press("Tab")
            seen.append(
                tab.evaluate(
                    """() => { const e = document.activeElement, s = getComputedStyle(e);
                        const r = e.getBoundingClientRect();
                        return [e.tagName, e.className, s.outlineStyle,
                                parseFloat(s.outlineWidth), r.top >= 0 && r.height > 0]; }"""
                )
            )
    finally:
        tab.close()
    assert seen[0][:2] == ["A", "skip-link"]
    for tag, _, style, width, on_screen in seen:
        assert tag == "A" and style == "solid" and width >= 2 and on_screen, seen


def test_link_targets_are_at_least_24px(sample_build: SampleBuild, rich: Path) -> None:
    for page in (sample_build.html, page_of(rich)):
        tab = browser().new_page()
        try:
            tab.goto(page.as_uri())
            sizes = tab.evaluate(
                """() => [...document.querySelectorAll('.toc a, .download a, .links a')]
                    .map(a => { const r = a.getBoundingClientRect();
                                return [a.textContent.trim(), r.width, r.height]; })"""
            )
        finally:
            tab.close()
        assert sizes
        small = [s for s in sizes if s[1] < 24 or s[2] < 24]
        assert small == [], small


def test_printing_the_page_uses_the_print_stylesheet(rich: Path) -> None:
    tab = browser().new_page()
    try:
        tab.goto(page_of(rich).as_uri())
        tab.emulate_media(media="print")
        printed = tab.evaluate(
            """() => [getComputedStyle(document.querySelector('.skip-link')).display,
                      getComputedStyle(document.querySelector('.closing a'), '::after').content]"""
        )
    finally:
        tab.close()
    assert printed == ["none", '" (https://example.org/verslag)"']


def test_pdf_keeps_its_links_without_written_out_addresses(rich: Path) -> None:
    text = " ".join(page.extract_text() for page in PdfReader(pdf_of(rich)).pages)
    assert "het verslag" in text
    assert "(https://example.org/verslag)" not in text


def test_page_reflows_at_320_css_pixels(sample_build: SampleBuild, rich: Path) -> None:
    # WCAG 1.4.10: at 320 px wide (1280 px at 400% zoom) nothing needs sideways scrolling.
    for page in (sample_build.html, page_of(rich)):
        tab = browser().new_page(viewport={"width": 320, "height": 640})
        try:
            tab.goto(page.as_uri())
            wide = tab.evaluate(
                """() => [document.documentElement.scrollWidth,
                    [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > 320.5)
                        .map(e => e.tagName + '.' + e.className).slice(0, 5)]"""
            )
        finally:
            tab.close()
        assert wide == [320, []], (page, wide)
