"""Hostile and broken decks: each gives one clear error that names the file and the part."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fixtures import CORPUS, make_deck, with_member

from eventreport.errors import ReadError
from eventreport.readers import read_deck
from eventreport.readers._zipguard import MIB, SafeZip

ROOT = Path(__file__).resolve().parents[1]
DECKS = CORPUS / "decks"
SLIDE = "ppt/slides/slide1.xml"


@pytest.fixture(scope="module")
def deck_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_deck(tmp_path_factory.mktemp("deck"))


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


def test_damaged_chart_part_names_the_part(tmp_path: Path) -> None:
    source = DECKS / "poi_scatter_chart.pptx"
    path = with_member(source, tmp_path / "chart.pptx", "ppt/charts/chart1.xml", b"<c:chartSpace")
    caught = error(path)
    assert caught.location == "part ppt/charts/chart1.xml"
    assert caught.message.startswith("this part is damaged")


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
