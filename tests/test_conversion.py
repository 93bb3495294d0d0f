"""Decks in the other formats speakers bring (.ppt, .pps, .odp), converted by LibreOffice
in its sandbox and read as PowerPoint; what a crafted one cannot make it do."""

from __future__ import annotations

import http.server
import io
import shutil
import subprocess
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import olefile
import pytest
from fixtures import (
    CORPUS,
    make_deck,
    make_keynote,
    make_odp,
    slide_texts,
    with_libreoffice,
)
from PIL import Image
from pptx import Presentation

from eventreport.errors import ReadError
from eventreport.model import DeckSource
from eventreport.publication import offered_copy
from eventreport.readers import read_deck, read_source
from eventreport.readers.decks import convert, libreoffice
from eventreport.readers.decks.cache import DeckCache

DECKS = CORPUS / "decks"


@pytest.fixture(scope="module")
def pptx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reader's test deck (tests/fixtures.py: make_deck), made with python-pptx."""
    return make_deck(tmp_path_factory.mktemp("convert"))


@pytest.mark.parametrize("kind", ["ppt", "pps"])
def test_powerpoint_97_files_read_as_their_pptx(pptx: Path, kind: str) -> None:
    # LibreOffice saves our own PPTX as PowerPoint 97-2003 (.ppt) and as a show (.pps).
    old = with_libreoffice(pptx, kind, f"deck.{kind}")
    assert old.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    deck = read_deck(old)
    original = read_deck(pptx)
    assert (deck.source, deck.format, deck.converted) == (old, "pptx", "ppt")
    assert [(s.number, s.title) for s in deck.slides] == [
        (s.number, s.title) for s in original.slides
    ]
    # The hidden slide stays hidden through both conversions.
    assert [s.number for s in deck.slides] == [1, 2, 3, 5]
    assert slide_texts(deck.slides[1])[:4] == ["Opening", "Cijfers\nen trends", "Landelijk",
                                               "Per regio"]  # fmt: skip
    hidden = read_deck(old, include_hidden=True).slide(4)
    assert hidden is not None and (hidden.title, hidden.hidden) == ("Intern", True)


def test_the_corpus_odp_gives_the_titles_of_its_own_pdf_export() -> None:
    odp = read_deck(DECKS / "docling_odf_presentation_01.odp")
    pdf = read_deck(DECKS / "docling_odf_presentation_01.odp.pdf")
    assert odp.converted == "odp"
    assert [s.title for s in odp.slides] == [s.title for s in pdf.slides]
    assert [s.title for s in odp.slides] == ["Test Table Slide", "Second slide title", None]
    assert slide_texts(odp.slides[1]) == [
        "A rectangle shape with this text inside.",
        "Let’s introduce a list",
        "With foo",
        "Bar",
        "And baz things",
    ]


def test_an_odp_made_here_reads_its_text(tmp_path: Path) -> None:
    path = make_odp(tmp_path / "dia.odp", [("Welkom", ["Een punt", "Nog een punt"])])
    deck = read_source(path)
    assert isinstance(deck, type(read_deck(path)))
    assert slide_texts(read_deck(path).slides[0]) == ["Welkom", "Een punt", "Nog een punt"]


def test_a_keynote_09_package_reads_its_text(tmp_path: Path) -> None:
    # Keynote '09 XML, written here by code (tests/fixtures.py: make_keynote); LibreOffice
    # cannot write Keynote files, and no Keynote 6+ (.iwa) file could be made or found.
    path = make_keynote(tmp_path / "praatje.key", ["Keynote titel", "Eerste punt"])
    deck = read_deck(path)
    assert (deck.format, deck.converted) == ("pptx", "key")
    assert [slide_texts(s) for s in deck.slides] == [["Keynote titel", "Eerste punt"]]


def test_a_converted_deck_is_kept_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_odp(tmp_path / "dia.odp", [("Welkom", ["Een punt"])])
    cache = DeckCache(tmp_path / "cache")
    first = read_deck(path, cache=cache)
    assert len(list((tmp_path / "cache").rglob("*.pptx"))) == 1

    def no_libreoffice(*args: object, **kwargs: object) -> None:
        raise AssertionError("LibreOffice ran again")

    monkeypatch.setattr(convert, "converted", no_libreoffice)
    assert read_deck(path, cache=cache) == first


def test_the_offered_copy_of_a_converted_deck_is_a_cleaned_pptx(tmp_path: Path) -> None:
    source = DeckSource(
        id="odf",
        path=DECKS / "docling_odf_presentation_01.odp",
        title="Een ODF-presentatie",
        include_hidden=False,
        notes=False,
        download=True,
    )
    copy = offered_copy(source)
    assert copy.suffix == ".pptx"
    prs = Presentation(io.BytesIO(copy.data))
    assert prs.core_properties.title == "Een ODF-presentatie"
    assert len(prs.slides) == 3
    assert "document information" in " ".join(copy.removed) or copy.removed


# --- Errors that name the file and say what to do ----------------------------------------------


def test_a_damaged_ppt_names_the_file(pptx: Path, tmp_path: Path) -> None:
    old = with_libreoffice(pptx, "ppt", "deck.ppt")
    broken = tmp_path / "kapot.ppt"
    shutil.copy(old, broken)
    with olefile.OleFileIO(str(broken), write_mode=True) as ole:
        size = ole.get_size("PowerPoint Document")
        ole.write_stream("PowerPoint Document", b"\xff" * size)
    with pytest.raises(ReadError) as caught:
        read_deck(broken)
    assert caught.value.path == broken
    assert "LibreOffice could not finish converting this PowerPoint 97-2003" in str(caught.value)
    assert "save it again as .pptx" in str(caught.value)


def test_without_libreoffice_the_message_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_odp(tmp_path / "dia.odp", [("Welkom", [])])
    monkeypatch.setattr(libreoffice.shutil, "which", lambda name: None)
    with pytest.raises(ReadError) as caught:
        read_deck(path)
    assert str(caught.value).startswith(f"{path}: LibreOffice is not installed")
    assert "bash scripts/setup.sh" in str(caught.value)
    assert "or save the deck as .pptx or PDF" in str(caught.value)


def test_without_the_sandbox_libreoffice_does_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_odp(tmp_path / "dia.odp", [("Welkom", [])])
    real = shutil.which
    monkeypatch.setattr(libreoffice.shutil, "which", lambda n: None if n == "bwrap" else real(n))
    with pytest.raises(ReadError, match="only inside a sandbox, and bubblewrap"):
        read_deck(path)


def _ours_running() -> list[str]:
    """Command lines of processes working in a private LibreOffice folder."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if "eventreport-lo-" in text:
            found.append(text)
    return found


def test_time_limit_stops_libreoffice_and_all_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_odp(tmp_path / "dia.odp", [("Welkom", [])])
    monkeypatch.setattr(libreoffice, "LIBREOFFICE_SECONDS", 0.2)
    # What another run on the machine (or an earlier one, killed) left is not this test's.
    running, folders = set(_ours_running()), set(_private_folders())
    with pytest.raises(ReadError) as caught:
        read_deck(path)
    assert "LibreOffice did not finish converting this OpenDocument presentation" in str(
        caught.value
    )
    assert "within 0 s, and was stopped" in str(caught.value)
    assert set(_ours_running()) - running == set()
    assert set(_private_folders()) - folders == set()


def _private_folders() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob("eventreport-lo-*"))


# --- What a crafted deck cannot make LibreOffice do -------------------------------------------


def test_a_macro_in_the_deck_does_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "macro-ran.txt"
    path = make_odp(tmp_path / "macro.odp", [("Welkom", [])], macro_writes=marker)
    assert slide_texts(read_deck(path).slides[0]) == ["Welkom"]
    assert not marker.exists()


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Notes every request; answers each with a small PNG."""

    requests: ClassVar[list[str]] = []

    def _answer(self) -> None:
        self.requests.append(f"{self.command} {self.path}")
        data = io.BytesIO()
        Image.new("RGB", (8, 8), (255, 0, 0)).save(data, "PNG")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(data.getvalue())

    # http.server looks the handlers up by these names.
    do_GET = do_HEAD = do_OPTIONS = _answer  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    """A web server on this machine that notes what is asked of it."""
    _Recorder.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _plain_libreoffice(deck: Path, folder: Path) -> Path:
    """`deck` converted to PowerPoint by LibreOffice outside the sandbox, as a program
    that runs it as it comes would: the behaviour the sandbox must prevent."""
    subprocess.run(
        [
            str(libreoffice.program()),
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pptx",
            "--outdir",
            str(folder),
            str(deck),
        ],
        capture_output=True,
        timeout=60,
        check=True,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return folder / f"{deck.stem}.pptx"


def _green_pictures(pptx: Path) -> list[str]:
    """Pictures in the package whose first pixel is the test's green."""
    found = []
    with zipfile.ZipFile(pptx) as archive:
        for name in (n for n in archive.namelist() if n.startswith("ppt/media/")):
            with Image.open(io.BytesIO(archive.read(name))) as picture:
                if picture.convert("RGB").getpixel((0, 0)) == (0, 200, 0):
                    found.append(name)
    return found


def test_a_linked_picture_is_not_fetched(tmp_path: Path, server: str) -> None:
    path = make_odp(tmp_path / "link.odp", [("Welkom", [])], linked_picture=f"{server}/p.png")
    _plain_libreoffice(path, tmp_path / "plain")
    assert _Recorder.requests, "plain LibreOffice fetches the picture while opening the deck"
    _Recorder.requests.clear()
    read_deck(path)
    assert _Recorder.requests == []


def test_a_picture_linked_from_another_file_is_not_taken_in(tmp_path: Path) -> None:
    outside = tmp_path / "elders" / "geheim.png"
    outside.parent.mkdir()
    Image.new("RGB", (16, 16), (0, 200, 0)).save(outside)
    path = make_odp(tmp_path / "file.odp", [("Welkom", [])], linked_picture=outside.as_uri())
    plain = _plain_libreoffice(path, tmp_path / "plain")
    assert _green_pictures(plain), "plain LibreOffice copies the linked file into the deck"
    cache = DeckCache(tmp_path / "cache")
    read_deck(path, cache=cache)
    (converted_pptx,) = (tmp_path / "cache").rglob("*.pptx")
    assert _green_pictures(converted_pptx) == []


def test_an_odp_zip_bomb_is_refused_before_libreoffice_sees_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_odp(tmp_path / "bom.odp", [("Welkom", [])])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("Pictures/groot.xml", b" " * (70 * 2**20), zipfile.ZIP_DEFLATED)

    def no_libreoffice(*args: object, **kwargs: object) -> None:
        raise AssertionError("LibreOffice was given the bomb")

    monkeypatch.setattr(convert, "converted", no_libreoffice)
    with pytest.raises(ReadError) as caught:
        read_deck(path)
    assert caught.value.path == path
    assert "zip bomb" in str(caught.value)


def test_a_deck_libreoffice_cannot_open_is_the_only_error_of_its_run(
    tmp_path: Path, pptx: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # LibreOffice goes on after a file it cannot open: one run, one error, one result.
    junk = tmp_path / "junk.pptx"
    junk.write_bytes(b"not a deck at all" * 100)
    runs: list[list[str]] = []
    real = libreoffice._run

    def noted(arguments: list[str], *args: object, **kwargs: object) -> tuple[int, str]:
        runs.append(arguments)
        return real(arguments, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(libreoffice, "_run", noted)
    decks = [(junk, junk, 0.0), (pptx, pptx, 0.0)]
    with libreoffice.converted_each(decks, ".pptx", "pdf", what="drawing") as made:
        assert isinstance(made[0], ReadError)
        assert str(made[0]).startswith(f"{junk}: LibreOffice could not finish drawing")
        assert isinstance(made[1], Path) and made[1].read_bytes().startswith(b"%PDF")
    assert len(runs) == 1
