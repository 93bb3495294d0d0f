"""Hostile and broken decks: each gives one clear error that names the file and the part."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fixtures import CORPUS, make_deck, with_member
from lxml import etree  # type: ignore[import-untyped]
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.util import Inches

from eventreport.errors import ReadError
from eventreport.model import ChartBlock, DiagramBlock, DiagramItem, ListBlock, ListItem
from eventreport.readers import read_deck
from eventreport.readers.decks.pptx_chart import MAX_DECK_POINTS, MAX_POINTS
from eventreport.readers.zipguard import MIB, SafeZip

ROOT = Path(__file__).resolve().parents[1]
DECKS = CORPUS / "decks"
SLIDE = "ppt/slides/slide1.xml"
CHART = "ppt/charts/chart1.xml"
SAVE = "open the file in PowerPoint and save it again, or get the file again"
NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "dgm": "http://schemas.openxmlformats.org/drawingml/2006/diagram",
}
_DGM = NS["dgm"]
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WHOLE = "which is not a whole number of 0 or more"
CRAFTED = (
    "the file may be crafted to exhaust memory. Ask the speaker for the file again, or open "
    "the file in PowerPoint and save it again"
)
PER_REGIO = ListBlock((ListItem("Per regio", 1),))


@pytest.fixture(scope="module")
def deck_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_deck(tmp_path_factory.mktemp("deck"))


def _smartart(slide: Any) -> None:
    """A SmartArt frame on `slide` whose data part holds "Eerst" and "Daarna", joined to
    the document point in the reverse of their srcOrd (python-pptx cannot add SmartArt)."""
    dgm = f'xmlns:dgm="{_DGM}" xmlns:a="{NS["a"]}"'
    points = "".join(
        f'<dgm:pt modelId="{m}"><dgm:t><a:bodyPr/><a:p><a:r><a:t>{t}</a:t></a:r></a:p></dgm:t>'
        "</dgm:pt>"
        for m, t in (("n2", "Daarna"), ("n1", "Eerst"))
    )
    data = (
        f'<dgm:dataModel {dgm}><dgm:ptLst><dgm:pt modelId="d" type="doc"/>{points}'
        '</dgm:ptLst><dgm:cxnLst><dgm:cxn modelId="c2" srcId="d" destId="n2" srcOrd="1"/>'
        '<dgm:cxn modelId="c1" srcId="d" destId="n1" srcOrd="0"/></dgm:cxnLst>'
        "</dgm:dataModel>"
    ).encode()
    part = slide.part
    target = Part(
        PackURI("/ppt/diagrams/data1.xml"), CONTENT_TYPE.DML_DIAGRAM_DATA, part.package, data
    )
    rel_id = part.relate_to(target, RELATIONSHIP_TYPE.DIAGRAM_DATA)
    frame = etree.fromstring(
        f'<p:graphicFrame xmlns:p="{NS["p"]}" xmlns:a="{NS["a"]}" xmlns:r="{_R}">'
        '<p:nvGraphicFramePr><p:cNvPr id="20" name="SmartArt"/><p:cNvGraphicFramePr/>'
        '<p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x="914400" y="914400"/>'
        '<a:ext cx="4572000" cy="2743200"/></p:xfrm><a:graphic>'
        f'<a:graphicData uri="{_DGM}"><dgm:relIds xmlns:dgm="{_DGM}" r:dm="{rel_id}" '
        'r:lo="" r:qs="" r:cs=""/></a:graphicData></a:graphic></p:graphicFrame>'
    )
    slide.shapes._spTree.append(frame)


@pytest.fixture(scope="module")
def chart_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated: slide 1 a text box (a level-1 entry) above a column chart (chart1.xml:
    two series over three years), slide 2 a bar chart with two-level categories
    (chart2.xml), slide 3 SmartArt (ppt/diagrams/data1.xml)."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    slide.shapes.title.text = "Aanmeldingen"
    box = slide.shapes.add_textbox(Inches(1), Inches(1.2), Inches(6), Inches(0.3))
    box.text_frame.text = "Per regio"
    box.text_frame.paragraphs[0].level = 1
    data = CategoryChartData()
    data.categories = ["2019", "2020", "2021"]
    data.add_series("Noord", (12, 14, 9))
    data.add_series("Zuid", (8, 9, 11))
    slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1.6), Inches(6), Inches(4), data
    )
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    data = CategoryChartData()
    for region, towns in (("Noord", ("Assen", "Emmen")), ("Zuid", ("Breda",))):
        category = data.add_category(region)
        for town in towns:
            category.add_sub_category(town)
    data.add_series("Deelnemers", (5, 7, 3))
    slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(1), Inches(1), Inches(6), Inches(4), data
    )
    _smartart(prs.slides.add_slide(prs.slide_layouts[6]))
    path = tmp_path_factory.mktemp("charts") / "charts.pptx"
    prs.save(str(path))
    return path


def edited(
    source: Path, target: Path, member: str, xpath: str, values: dict[str, str | None]
) -> Path:
    """A copy of the generated `source` with attributes set (None: removed) on every
    element `xpath` finds in one member; the path must find something, or the test would
    prove nothing."""
    with zipfile.ZipFile(source) as archive:
        root = etree.fromstring(archive.read(member))
    found = root.xpath(xpath, namespaces=NS)
    assert found, f"{xpath} matches nothing in {member}"
    for element in found:
        for name, value in values.items():
            if value is None:
                del element.attrib[name]
            else:
                element.set(name, value)
    return with_member(source, target, member, etree.tostring(root, xml_declaration=True))


def error(path: Path) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_deck(path)
    assert str(caught.value).startswith(f"{path}: ")
    return caught.value


def test_part_declaring_a_huge_size_is_refused_before_inflating(
    deck_file: Path, tmp_path: Path
) -> None:
    # 70 MiB of spaces deflate to about 70 kB: the shape of a zip bomb.
    bomb = b'<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
    path = with_member(deck_file, tmp_path / "bom.pptx", SLIDE, bomb + b" " * (70 * MIB))
    assert path.stat().st_size < 2 * MIB
    caught = error(path)
    assert caught.location == f"part {SLIDE}"
    assert "declares 70 MiB when inflated" in caught.message
    assert "zip bomb" in caught.message
    assert caught.message.endswith("open the file in PowerPoint and save it again")


def test_part_that_understates_its_size_is_refused(deck_file: Path, tmp_path: Path) -> None:
    path = with_member(deck_file, tmp_path / "lies.pptx", SLIDE, b"<x>" + b" " * 100_000 + b"</x>")
    data = bytearray(path.read_bytes())
    # Rewrite the member's uncompressed size to 10 bytes in the local header and in the
    # central directory, as a crafted file does to slip past a check of declared sizes.
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SLIDE)
    data[info.header_offset + 22 : info.header_offset + 26] = (10).to_bytes(4, "little")
    name = SLIDE.encode()
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    caught = error(path)
    assert caught.location == f"part {SLIDE}"
    assert "cannot be unpacked" in caught.message


def test_inflated_parts_add_up_to_a_limit() -> None:
    path = DECKS / "poi_apachecon_performance_up.pptx"
    with SafeZip(path, max_total=100_000) as archive, pytest.raises(ReadError) as caught:
        for number in range(1, 49):
            archive.read(f"ppt/slides/slide{number}.xml")
    assert "brings the parts read to more than 100000 bytes" in caught.value.message
    assert caught.value.location is not None and caught.value.location.startswith(
        "part ppt/slides/slide"
    )


def test_too_many_members(deck_file: Path) -> None:
    with zipfile.ZipFile(deck_file) as archive:
        count = len(archive.infolist())
    with pytest.raises(ReadError, match=f"the zip holds {count} members, more than 10;"):
        SafeZip(deck_file, max_members=10)


@pytest.mark.parametrize(
    ("doctype", "reference"),
    [
        # Billion laughs: each entity expands to ten of the one before.
        (
            b'<!DOCTYPE p:sld [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
            b"&c;",
        ),
        # An external entity that would read a file of the machine into the slide.
        (b'<!DOCTYPE p:sld [<!ENTITY x SYSTEM "file:///etc/passwd">]>', b"&x;"),
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_xml_with_entities_is_refused(
    deck_file: Path, tmp_path: Path, doctype: bytes, reference: bytes
) -> None:
    with zipfile.ZipFile(deck_file) as archive:
        original = archive.read(SLIDE)
    start = original.index(b"<p:sld")
    slide = original[:start] + doctype + original[start:].replace(b"Welkom", reference, 1)
    path = with_member(deck_file, tmp_path / "entity.pptx", SLIDE, slide)
    caught = error(path)
    assert caught.location == f"part {SLIDE}"
    assert caught.message.startswith("the part declares a DTD with entities")
    assert "root:" not in str(caught)  # nothing of /etc/passwd made it into the message


def test_damaged_chart_part_names_the_part(chart_deck: Path, tmp_path: Path) -> None:
    path = with_member(chart_deck, tmp_path / "chart.pptx", CHART, b"<c:chartSpace")
    caught = error(path)
    assert caught.location == f"part {CHART}"
    assert caught.message.startswith("this part is damaged")


def test_generated_chart_deck_reads_as_built(chart_deck: Path) -> None:
    # The cases below damage this deck; undamaged, it reads completely.
    first, second, third = read_deck(chart_deck).slides
    assert first.title == "Aanmeldingen"
    assert first.blocks[0] == PER_REGIO
    chart = first.blocks[1]
    assert isinstance(chart, ChartBlock)
    assert chart.categories == ("2019", "2020", "2021")
    assert [(s.name, s.values) for s in chart.series] == [
        ("Noord", (12.0, 14.0, 9.0)),
        ("Zuid", (8.0, 9.0, 11.0)),
    ]
    bars = second.blocks[0]
    assert isinstance(bars, ChartBlock)
    assert bars.categories == ("Noord Assen", "Noord Emmen", "Zuid Breda")
    assert third.blocks == (DiagramBlock((DiagramItem("Eerst"), DiagramItem("Daarna"))),)


@pytest.mark.parametrize(
    ("member", "xpath", "attribute", "value", "problem"),
    [
        ("ppt/presentation.xml", "//p:sldSz", "cy", "abc", f'<p:sldSz> has cy="abc", {WHOLE}'),
        (CHART, "//c:ser[1]/c:order", "val", "abc", f'<c:order> has val="abc", {WHOLE}'),
        (CHART, "(//c:val//c:pt)[1]", "idx", "abc", f'<c:pt> has idx="abc", {WHOLE}'),
        (CHART, "(//c:val//c:pt)[1]", "idx", "-1", f'<c:pt> has idx="-1", {WHOLE}'),
        (CHART, "(//c:val//c:ptCount)[1]", "val", "3.0", f'<c:ptCount> has val="3.0", {WHOLE}'),
        (
            "ppt/charts/chart2.xml",
            "(//c:lvl/c:pt)[1]",
            "idx",
            "eerste",
            f'<c:pt> has idx="eerste", {WHOLE}',
        ),
        (
            "ppt/charts/chart2.xml",
            "(//c:lvl/c:pt)[2]",
            "idx",
            "9" * 200,
            f'<c:pt> has idx="{"9" * 40}…", {WHOLE}',
        ),
        (SLIDE, "//a:pPr[@lvl]", "lvl", "1.5", f'<a:pPr> has lvl="1.5", {WHOLE}'),
        (SLIDE, "//p:sp[2]//a:off", "y", "1,5cm", '<a:off> has y="1,5cm", which is not a position'),
        # The title's position comes from the master: the error names that part.
        (
            "ppt/slideMasters/slideMaster1.xml",
            "//p:sp[.//p:ph[@type='title']]/p:spPr/a:xfrm/a:off",
            "x",
            "links",
            '<a:off> has x="links", which is not a position',
        ),
        (
            "ppt/diagrams/data1.xml",
            "//dgm:cxn[1]",
            "srcOrd",
            "eerst",
            f'<dgm:cxn> has srcOrd="eerst", {WHOLE}',
        ),
    ],
    ids=[
        "slide-size",
        "series-order",
        "point-index",
        "negative-index",
        "point-count",
        "category-level-index",
        "huge-index",
        "paragraph-level",
        "shape-offset",
        "master-offset",
        "smartart-order",
    ],
)
def test_damaged_number_in_the_xml_names_the_part(
    chart_deck: Path,
    tmp_path: Path,
    member: str,
    xpath: str,
    attribute: str,
    value: str,
    problem: str,
) -> None:
    path = edited(chart_deck, tmp_path / "damaged.pptx", member, xpath, {attribute: value})
    caught = error(path)
    assert caught.location == f"part {member}"
    assert caught.message == f"{problem}; {SAVE}"


def test_point_index_is_required(chart_deck: Path, tmp_path: Path) -> None:
    path = edited(chart_deck, tmp_path / "no-idx.pptx", CHART, "(//c:val//c:pt)[1]", {"idx": None})
    caught = error(path)
    assert caught.location == f"part {CHART}"
    assert caught.message == f"<c:pt> has no idx value; {SAVE}"


def test_positions_in_universal_measures_are_read(chart_deck: Path, tmp_path: Path) -> None:
    # ST_Coordinate allows "20cm": the text box then sits below the chart (at 1.6 in).
    path = edited(chart_deck, tmp_path / "cm.pptx", SLIDE, "//p:sp[2]//a:off", {"y": "20cm"})
    blocks = read_deck(path).slides[0].blocks
    assert isinstance(blocks[0], ChartBlock)
    assert blocks[1] == PER_REGIO


@pytest.mark.parametrize(
    ("xpath", "attribute", "value", "spans"),
    [
        ("(//c:val//c:ptCount)[1]", "val", str(MAX_POINTS + 1), MAX_POINTS + 1),
        ("(//c:val//c:ptCount)[1]", "val", "2000000000", 2_000_000_000),
        # A single point far out makes the gap before it as long.
        ("(//c:cat//c:pt)[1]", "idx", "5000000", 5_000_001),
    ],
    ids=["just-over", "two-billion", "far-index"],
)
def test_crafted_point_count_is_refused_before_allocating(
    chart_deck: Path, tmp_path: Path, xpath: str, attribute: str, value: str, spans: int
) -> None:
    path = edited(chart_deck, tmp_path / "count.pptx", CHART, xpath, {attribute: value})
    caught = error(path)
    assert caught.location == f"part {CHART}"
    assert caught.message == (
        f"a chart series spans {spans} data points, more than the {MAX_POINTS} any real chart "
        f"holds; {CRAFTED}"
    )


def test_the_deck_s_charts_share_one_point_limit(tmp_path: Path) -> None:
    # Each chart stays under the per-series limit; together they pass the deck's.
    prs = Presentation()
    data = CategoryChartData()
    data.categories = ["a", "b"]
    data.add_series("s", (1, 2))
    per_chart = 2 * MAX_POINTS  # its category cache and its value cache
    charts = MAX_DECK_POINTS // per_chart + 1
    for _ in range(charts):
        prs.slides.add_slide(prs.slide_layouts[6]).shapes.add_chart(
            XL_CHART_TYPE.COLUMN_CLUSTERED, 0, 0, Inches(4), Inches(3), data
        )
    path = tmp_path / "many.pptx"
    prs.save(str(path))
    for number in range(1, charts + 1):
        member = f"ppt/charts/chart{number}.xml"
        path = edited(
            path,
            tmp_path / f"many{number}.pptx",
            member,
            "//c:cat//c:ptCount | //c:val//c:ptCount",
            {"val": str(MAX_POINTS)},
        )
    caught = error(path)
    assert caught.location == f"part ppt/charts/chart{charts}.xml"
    assert caught.message == (
        f"the deck's charts span more than {MAX_DECK_POINTS} data points; {CRAFTED}"
    )


def extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "extract", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_extract_task_gives_the_message_and_exit_code_1() -> None:
    path = DECKS / "tika_protected_passtika.pptx"
    done = extract("--file", str(path))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert (
        f"{path}: encrypted or legacy Office file: it is password-protected; open it in "
        "PowerPoint or Excel and save it as .pptx without a password"
    ) in done.stderr
