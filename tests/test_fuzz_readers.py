"""Property-based fuzzing of the readers over mutated real files (issue 12).

Every deck and poll export comes from outside. Whatever bytes arrive, a reader either
returns its model or raises `ReadError` with a message for a person: never another
exception (which the task would show as a traceback). Mutations start from real files in
../shared/corpus/ and from our generated exports: bytes flipped, cut off or inserted in
the raw file, and the same inside one zip member, re-zipped so the damage reaches the XML
parsers rather than stopping at the zip's checksum.

The examples are derandomised so CI runs the same ones every time; raise FUZZ_EXAMPLES to
search longer by hand.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from fixtures import CORPUS, csv_bytes, gforms_rows, make_menti_all_types
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventreport.errors import ReadError
from eventreport.model import Deck, PollExport
from eventreport.readers import read_deck, read_poll

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

DECKS = [
    CORPUS / "decks" / "docling_powerpoint_sample.pptx",
    CORPUS / "decks" / "poi_smartart_simple.pptx",
    CORPUS / "decks" / "tika_powerpoint2010_slide.pdf",
]
POLLS = [
    CORPUS / "polls" / "kahoot_report_1.xlsx",
    CORPUS / "polls" / "wooclap_matisse_ga_rome_2025-results.xlsx",
]


@st.composite
def byte_edits(draw: st.DrawFn, size: int) -> list[tuple[str, int, int]]:
    """Up to 12 edits: (kind, position, byte) with kind flip, insert, delete or cut."""
    kinds = st.sampled_from(["flip", "flip", "insert", "delete", "cut"])
    edit = st.tuples(kinds, st.integers(0, max(size - 1, 0)), st.integers(0, 255))
    return draw(st.lists(edit, min_size=1, max_size=12))


def mutate(data: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    buffer = bytearray(data)
    for kind, position, value in edits:
        at = min(position, max(len(buffer) - 1, 0))
        if not buffer:
            break
        if kind == "flip":
            buffer[at] ^= value or 1
        elif kind == "insert":
            buffer[at:at] = bytes([value]) * (1 + value % 7)
        elif kind == "delete":
            del buffer[at : at + 1 + value % 16]
        else:
            del buffer[at:]
    return bytes(buffer)


def with_mutated_member(data: bytes, index: int, edits: list[tuple[str, int, int]]) -> bytes:
    """The zip `data` with member number `index` (of those holding XML) mutated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        infos = source.infolist()
        xml = [i for i in infos if i.filename.endswith((".xml", ".rels"))]
        chosen = xml[index % len(xml)].filename
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in infos:
                member = source.read(info)
                if info.filename == chosen:
                    member = mutate(member, edits)
                target.writestr(info.filename, member)
    return out.getvalue()


def read_any(path: Path, kind: str) -> object:
    """The reader's result, or the ReadError it raised; anything else propagates."""
    try:
        return read_deck(path) if kind == "deck" else read_poll(path)
    except ReadError as exc:
        assert str(exc).startswith(str(path.name)) or path.name in str(exc)
        return exc


@pytest.fixture(scope="module")
def menti(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_menti_all_types(tmp_path_factory.mktemp("fuzz") / "menti.xlsx")


def _check(tmp_path: Path, name: str, data: bytes, kind: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    found = read_any(path, kind)
    expected = Deck if kind == "deck" else PollExport
    assert isinstance(found, expected | ReadError)


@pytest.mark.parametrize("seed", DECKS, ids=lambda p: p.name)
@FUZZ
@given(data=st.data())
def test_mutated_deck_bytes_read_or_fail_cleanly(
    tmp_path: Path, seed: Path, data: st.DataObject
) -> None:
    original = seed.read_bytes()
    mutated = mutate(original, data.draw(byte_edits(len(original))))
    _check(tmp_path, seed.name, mutated, "deck")


@pytest.mark.parametrize("seed", [d for d in DECKS if d.suffix == ".pptx"], ids=lambda p: p.name)
@FUZZ
@given(data=st.data())
def test_mutated_deck_xml_reads_or_fails_cleanly(
    tmp_path: Path, seed: Path, data: st.DataObject
) -> None:
    original = seed.read_bytes()
    index = data.draw(st.integers(0, 200))
    mutated = with_mutated_member(original, index, data.draw(byte_edits(4000)))
    _check(tmp_path, seed.name, mutated, "deck")


@pytest.mark.parametrize("seed", POLLS, ids=lambda p: p.name)
@FUZZ
@given(data=st.data())
def test_mutated_workbook_xml_reads_or_fails_cleanly(
    tmp_path: Path, seed: Path, data: st.DataObject
) -> None:
    original = seed.read_bytes()
    index = data.draw(st.integers(0, 200))
    mutated = with_mutated_member(original, index, data.draw(byte_edits(4000)))
    _check(tmp_path, seed.name, mutated, "poll")


@FUZZ
@given(data=st.data())
def test_mutated_mentimeter_export_reads_or_fails_cleanly(
    tmp_path: Path, menti: Path, data: st.DataObject
) -> None:
    original = menti.read_bytes()
    index = data.draw(st.integers(0, 200))
    mutated = with_mutated_member(original, index, data.draw(byte_edits(4000)))
    _check(tmp_path, "menti.xlsx", mutated, "poll")


@FUZZ
@given(data=st.data())
def test_mutated_csv_export_reads_or_fails_cleanly(tmp_path: Path, data: st.DataObject) -> None:
    original = csv_bytes(gforms_rows())
    mutated = mutate(original, data.draw(byte_edits(len(original))))
    _check(tmp_path, "antwoorden.csv", mutated, "poll")
