"""The house style: one file for every event, an event's own on top, colours that read."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pikepdf
import pytest
from conftest import TEMPLATES, line_of, write_event
from lxml import html as lxml_html
from test_render import SLUG, write_small_event

from eventreport.build import build
from eventreport.contrast import nearest_passing, ratio, shown
from eventreport.errors import SourceError
from eventreport.house import load_house
from eventreport.model import Colours
from eventreport.wording import breakable, running_case

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<rect width="10" height="10"/></svg>'
)


def house_file(folder: Path, text: str, files: dict[str, str | bytes] | None = None) -> Path:
    """`folder/house.yaml` (dedented) and any files beside it; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "house.yaml").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for name, content in (files or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def house_error(folder: Path, overrides: Path | None = None) -> SourceError:
    with pytest.raises(SourceError) as caught:
        load_house(folder, overrides)
    return caught.value


# --- WCAG contrast -------------------------------------------------------------------


def test_ratio_follows_wcag() -> None:
    assert ratio("#000000", "#ffffff") == pytest.approx(21)
    assert ratio("#fff", "#ffffff") == pytest.approx(1)
    # WebAIM's figures for the grey that is just enough for text on white.
    assert shown(ratio("#767676", "#ffffff")) == "4.54:1"
    assert shown(ratio("#777777", "#ffffff")) == "4.47:1"


def test_nearest_passing_keeps_the_hue_and_moves_as_little_as_needed() -> None:
    fix = nearest_passing("#8fb3d0", [("#ffffff", 3.0)])
    assert fix is not None
    assert 3.0 <= ratio(fix, "#ffffff") < 3.1  # passes, by the smallest step
    red, green, blue = (int(fix[i : i + 2], 16) for i in (1, 3, 5))
    assert blue > green > red  # still the same light blue family, darker
    # Already passing: itself. Impossible (white text on white): none.
    assert nearest_passing("#1f5f8b", [("#ffffff", 3.0)]) == "#1f5f8b"
    assert nearest_passing("#808080", [("#ffffff", 7), ("#000000", 7)]) is None


def test_the_project_house_passes_and_defaults_pass_too() -> None:
    house = load_house(TEMPLATES)
    assert house.name == "Voorbeeldinstituut"
    assert house.logo is not None and house.logo.path == TEMPLATES / "logo.svg"
    assert house.logo.alt and house.contact and house.licence
    # No house file at all: the neutral defaults, which pass the same checks.
    empty = load_house(TEMPLATES / "parts")
    assert empty.name == "" and empty.logo is None and empty.colours == Colours()


def test_a_colour_below_the_threshold_is_refused_with_its_ratio(tmp_path: Path) -> None:
    folder = house_file(
        tmp_path / "templates",
        """
        name: Proef
        colours:
          accent: "#8fb3d0"
        """,
    )
    error = house_error(folder)
    assert error.path == folder / "house.yaml" and error.location == "line 3"
    assert "colour 'accent' #8fb3d0 reaches 2.20:1 on white (#ffffff)" in error.message
    assert "below the 3:1 that WCAG 2.2 AA asks for chart bars and rules" in error.message
    suggested = re.search(r"the nearest shade that passes is (#[0-9a-f]{6})", error.message)
    assert suggested and ratio(suggested.group(1), "#ffffff") >= 3
    assert ratio(suggested.group(1), "#f4f7fa") >= 3  # where else it is used, too


def test_text_is_checked_on_the_tint_as_well(tmp_path: Path) -> None:
    folder = house_file(tmp_path / "t", 'colours:\n  tint: "#b0b0b0"\n')
    error = house_error(folder)
    # Links pass on white; on this tint they do not, and the tint's line is named.
    assert error.location == "line 2"
    assert "colour 'link' #0b4f7a reaches 4.01:1 on the tint colour (#b0b0b0)" in error.message


def test_a_failing_colour_stops_the_build_and_keeps_the_old_output(tmp_path: Path) -> None:
    root = write_small_event(tmp_path / "sources")
    out = tmp_path / "build"
    build(root, out)
    before = (out / SLUG / "index.html").read_bytes()
    house_file(root / "templates", 'colours:\n  link: "#4a90d9"\n')
    with pytest.raises(SourceError) as caught:
        build(root, out)
    assert caught.value.path == root / "templates" / "house.yaml"
    assert "colour 'link' #4a90d9 reaches 3.34:1 on white" in caught.value.message
    assert "4.5:1" in caught.value.message
    assert (out / SLUG / "index.html").read_bytes() == before


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "colour:\n  accent: '#000'\n",
            1,
            "'colour' is not a field of house.yaml; did you mean 'colours'?",
        ),
        ("colours:\n  accent: blue\n", 2, "colour 'accent' is 'blue'; write it as \"#rrggbb\""),
        ("colours:\n  accent: #1f5f8b\n", 2, "(YAML reads # as the start of a comment)"),
        ("colours:\n  acent: '#1f5f8b'\n", 2, "did you mean 'accent'?"),
        ("contact: iemand\n", 1, "'iemand' is not an e-mail address"),
        ("website: www.example.org\n", 1, "must start with https://"),
        ("logo: logo.svg\n", 1, "'logo' needs 'file:' and 'alt:'"),
        ("logo:\n  file: logo.svg\n", 2, "logo needs 'alt:'"),
        (
            "logo:\n  file: logo.svg\n  alt: X\n  decorative: true\n",
            3,
            "a decorative logo has no alt",
        ),
        ("logo:\n  file: ../elders.svg\n  alt: X\n", 2, "lies outside templates/"),
        ("logo:\n  file: geen.svg\n  alt: X\n", 2, "'geen.svg' does not exist"),
        ("logo:\n  file: logo.jpg\n  alt: X\n", 2, "is not an SVG or PNG file"),
        ("logo:\n  file: kapot.svg\n  alt: X\n", 2, "is not a readable SVG file"),
        ("logo:\n  file: kapot.png\n  alt: X\n", 2, "is not a picture the report can show"),
    ],
)
def test_mistakes_name_file_line_and_what_to_do(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    folder = house_file(
        tmp_path / "templates",
        text,
        {"logo.svg": SVG, "logo.jpg": b"\xff\xd8\xff", "kapot.svg": "<svg", "kapot.png": b"PNG?"},
    )
    (tmp_path / "elders.svg").write_text(SVG, encoding="utf-8")
    error = house_error(folder)
    assert error.path == folder / "house.yaml"
    assert error.location == f"line {line}", error
    assert message in error.message, error.message


def test_a_logo_that_links_outside_its_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "geheim.svg").write_text(SVG, encoding="utf-8")
    folder = house_file(tmp_path / "templates", "logo:\n  file: logo.svg\n  alt: X\n")
    (folder / "logo.svg").symlink_to(tmp_path / "geheim.svg")
    assert "lies outside templates/" in house_error(folder).message


def test_a_huge_logo_is_refused(tmp_path: Path) -> None:
    folder = house_file(
        tmp_path / "templates",
        "logo:\n  file: logo.svg\n  alt: X\n",
        {"logo.svg": SVG.replace("</svg>", "<!--" + "x" * 2_100_000 + "--></svg>")},
    )
    assert "larger than 2 MB" in house_error(folder).message


def test_an_event_overrides_field_by_field_but_cannot_pick_fonts(tmp_path: Path) -> None:
    event = house_file(
        tmp_path / "event" / "templates",
        """
        name: Ander Instituut
        colours:
          accent: "#7a2e8c"
        logo:
          file: eigen.svg
          decorative: true
        """,
        {"eigen.svg": SVG},
    )
    house = load_house(TEMPLATES, event)
    assert house.name == "Ander Instituut"
    assert house.colours.accent == "#7a2e8c"
    assert house.colours.link == load_house(TEMPLATES).colours.link  # kept from the house
    assert house.contact == "verslagen@example.org"
    assert house.logo is not None and house.logo.path == event / "eigen.svg"
    assert house.logo.alt == ""
    (event / "house.yaml").write_text("typeface:\n  name: X\n  regular: x.ttf\n")
    error = house_error(TEMPLATES, event)
    assert error.location == "line 1" and "set it in templates/house.yaml" in error.message


def test_a_house_typeface_is_copied_and_named(tmp_path: Path) -> None:
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not dejavu.is_file():
        pytest.skip("fonts-dejavu-core is not installed (scripts/setup.sh installs it)")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    shutil.copyfile(dejavu, templates / "DejaVuSans.ttf")
    (templates / "broken.ttf").write_bytes(b"not a font")
    text = (templates / "house.yaml").read_text(encoding="utf-8")
    (templates / "house.yaml").write_text(
        text + "typeface:\n  name: DejaVu Sans\n  regular: DejaVuSans.ttf\n", encoding="utf-8"
    )
    root = write_small_event(tmp_path / "sources")
    build(root, tmp_path / "build", templates)
    out = tmp_path / "build" / SLUG
    assert (out / "fonts" / "DejaVuSans.ttf").read_bytes() == dejavu.read_bytes()
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'font-family: "DejaVu Sans"; font-style: normal; font-weight: 400;' in html
    assert not (out / "fonts" / "AtkinsonHyperlegible-Regular.ttf").exists()
    (templates / "house.yaml").write_text(
        text + "typeface:\n  name: X\n  regular: broken.ttf\n", encoding="utf-8"
    )
    error = house_error(templates)
    assert error.location == f"line {line_of(templates / 'house.yaml', 'regular:')}"
    assert "'broken.ttf' is not a readable font" in error.message


# --- What readers see -----------------------------------------------------------------


def test_a_decorative_logo_is_skipped_in_the_page_and_an_artifact_in_the_pdf(
    tmp_path: Path,
) -> None:
    root = write_small_event(tmp_path / "sources")
    house_file(
        root / "templates", "logo:\n  file: eigen.svg\n  decorative: true\n", {"eigen.svg": SVG}
    )
    build(root, tmp_path / "build")
    out = tmp_path / "build" / SLUG
    tree = lxml_html.parse(str(out / "index.html")).getroot()
    (logo,) = tree.xpath("//header//img[@class='logo']")
    assert logo.get("alt") == "" and logo.get("src") == "huisstijl/logo.svg"
    assert (out / "huisstijl" / "logo.svg").read_text(encoding="utf-8") == SVG
    with pikepdf.open(out / f"{SLUG}.pdf") as pdf:
        figures = [
            o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/Figure"
        ]
        assert figures == []


def test_the_logo_on_the_cover_is_a_figure_with_its_alt(sample_build: object) -> None:
    pdf_path = sample_build.pdf  # type: ignore[attr-defined]
    with pikepdf.open(pdf_path) as pdf:
        first = pdf.pages[0].obj.objgen
        figures = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary)
            and o.get("/S") == "/Figure"
            and o.get("/Pg") is not None
            and o.Pg.objgen == first
        ]
        assert [str(f.Alt) for f in figures] == [load_house(TEMPLATES).logo.alt]  # type: ignore[union-attr]


def test_event_without_house_name_or_logo_still_builds(tmp_path: Path) -> None:
    root = write_event(
        tmp_path / "proef",
        """
        title: Proef
        date: 2021-05-06
        place: Utrecht
        organiser: Organisatie
        language: en
        lead: Inleiding.
        sessions:
          - id: welkom
            title: Welkom
        """,
        {"welkom": "Tekst.\n"},
    )
    empty = tmp_path / "templates"
    shutil.copytree(TEMPLATES, empty)
    (empty / "house.yaml").unlink()
    build(root, tmp_path / "build", empty)
    tree = lxml_html.parse(str(tmp_path / "build" / "proef" / "index.html")).getroot()
    assert tree.xpath("//header//img") == [] and tree.xpath("//p[@class='house']") == []
    colophon = " ".join(tree.xpath("//footer")[0].text_content().split())
    assert colophon.startswith("Colophon Meeting: Proef, 6 May 2021, Utrecht")


# --- Words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "language", "expected"),
    [
        ("Eens", "nl", "eens"),
        ("Helemaal mee eens", "nl", "helemaal mee eens"),
        ("Ja, zeker", "nl", "ja, zeker"),
        ("Britney", "nl", "Britney"),  # a name
        ("LVB", "nl", "LVB"),  # an abbreviation
        ("Amsterdam UMC", "nl", "Amsterdam UMC"),
        ("Agree", "en", "agree"),
        ("Agree", "nl", "Agree"),  # an English word in a Dutch report is left alone
        ("3 keer", "nl", "3 keer"),
    ],
)
def test_answers_in_running_text_case(label: str, language: str, expected: str) -> None:
    assert running_case(label, language) == expected


def test_a_title_breaks_after_slashes_and_at_syllables() -> None:
    made = str(breakable("Zorg voor slachtoffers van mensenhandel/loverboys & <meer>", "nl"))
    assert "mensen\xadhandel/<wbr>loverboys" in made
    assert "slacht\xadof\xadfers" in made
    assert "&amp; &lt;meer&gt;" in made  # escaped like any title
    assert "\xad" not in str(breakable("Korte titel", "nl"))
