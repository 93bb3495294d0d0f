"""The build cache (issue 17, docs/speed.md): a rebuild does only what changed inputs need,
gives the same bytes as a build without the cache, and never serves a stale result.

What was made again is seen by counting the calls of the real functions that make each
result (read_deck, read_poll, offered_copy, the PDF render), wrapped, not replaced.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SAMPLE_SLUG, copy_sample
from pypdf import PdfReader
from test_build import change_bullet, change_poll

from eventreport import assemble as assemble_module
from eventreport import build as build_module
from eventreport.build import build
from eventreport.cache import digest
from eventreport.cache.store import Store

SAMPLE_DECKS = ("hageman", "bekken", "koraal", "pluryn", "sonderman", "aussems-addink")


class Made:
    """Counts what a build made itself: decks and polls read, copies made, PDFs rendered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: Counter[str] = Counter()
        self._wrap(monkeypatch, assemble_module, "read_deck", lambda a, k: f"deck {a[0].name}")
        self._wrap(monkeypatch, assemble_module, "read_poll", lambda a, k: f"poll {a[0].name}")
        self._wrap(monkeypatch, assemble_module, "offered_copy", lambda a, k: f"copy {a[0].id}")
        self._wrap(monkeypatch, build_module, "_write_pdf", lambda a, k: "pdf")

    def _wrap(
        self,
        monkeypatch: pytest.MonkeyPatch,
        module: Any,
        name: str,
        label: Callable[[tuple[Any, ...], dict[str, Any]], str],
    ) -> None:
        real = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.counts[label(args, kwargs)] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)

    def take(self) -> set[str]:
        """What was made since the last call."""
        made = set(self.counts)
        self.counts.clear()
        return made


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Made:
    return Made(monkeypatch)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def built(tmp_path: Path, made: Made) -> Iterator[tuple[Path, Path]]:
    """A copy of the sample, built once with the cache in `build/.cache`."""
    event_dir = copy_sample(tmp_path / "sources")
    out_root = tmp_path / "build"
    build(event_dir, out_root)
    assert "pdf" in made.take()
    yield event_dir, out_root


# --- Nothing changed: nothing written --------------------------------------------------


def test_an_unchanged_rebuild_reads_and_writes_nothing_and_says_so(
    built: tuple[Path, Path], made: Made
) -> None:
    event_dir, out_root = built
    before, files = stamps(out_root / SAMPLE_SLUG), tree(out_root)
    steps: list[str] = []
    result = build(event_dir, out_root, progress=steps.append)
    assert result.unchanged
    assert steps == ["nothing changed since the last build: the output is up to date"]
    assert made.take() == set()
    # Not a byte rewritten, not a file touched (same inode, same modification time).
    assert stamps(out_root / SAMPLE_SLUG) == before
    assert tree(out_root) == files
    assert result.outputs[1].pages == len(
        PdfReader(out_root / SAMPLE_SLUG / f"{SAMPLE_SLUG}.pdf").pages
    )
    assert [o.path.name for o in result.outputs[:2]] == ["index.html", f"{SAMPLE_SLUG}.pdf"]


def test_an_unchanged_rebuild_repeats_the_warnings(tmp_path: Path) -> None:
    event_dir = copy_sample(tmp_path / "sources")
    (event_dir / "sessions" / "extra.md").write_text("Vergeten tekst.\n", encoding="utf-8")
    first = build(event_dir, tmp_path / "build")
    again = build(event_dir, tmp_path / "build")
    assert again.unchanged
    assert again.warnings == first.warnings and len(first.warnings) == 1


def test_output_changed_by_hand_is_rebuilt(built: tuple[Path, Path], made: Made) -> None:
    event_dir, out_root = built
    page = out_root / SAMPLE_SLUG / "index.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"Kennisbijeenkomst", b"Iets anders"))
    result = build(event_dir, out_root)
    assert not result.unchanged
    assert page.read_bytes() == good
    # Everything came from the cache: only the output had changed.
    assert made.take() == set()


def test_an_extra_or_missing_output_file_is_rebuilt(built: tuple[Path, Path]) -> None:
    event_dir, out_root = built
    (out_root / SAMPLE_SLUG / "fonts" / "OFL.txt").unlink()
    assert not build(event_dir, out_root).unchanged
    (out_root / SAMPLE_SLUG / "stray.txt").write_text("x", encoding="utf-8")
    assert not build(event_dir, out_root).unchanged
    assert not (out_root / SAMPLE_SLUG / "stray.txt").exists()
    assert build(event_dir, out_root).unchanged


# --- Byte for byte the same -------------------------------------------------------------


def test_the_same_bytes_without_cache_from_a_cold_cache_and_from_a_warm_one(
    tmp_path: Path, made: Made
) -> None:
    event_dir = copy_sample(tmp_path / "sources")
    shared = tmp_path / "cache"
    build(event_dir, tmp_path / "none", cache=False)
    build(event_dir, tmp_path / "cold", cache=shared)
    made.take()
    steps: list[str] = []
    # Another output folder: no record of a build there, so this one is made, from the cache.
    build(event_dir, tmp_path / "warm", cache=shared, progress=steps.append)
    assert made.take() == set()
    assert any("6 decks as read, 1 poll export as read, 6 publication copies, 1 PDF" in s
               for s in steps), steps  # fmt: skip
    without = tree(tmp_path / "none" / SAMPLE_SLUG)
    assert tree(tmp_path / "cold" / SAMPLE_SLUG) == without
    assert tree(tmp_path / "warm" / SAMPLE_SLUG) == without
    assert not (tmp_path / "none" / ".cache").exists()


# --- Each input invalidates exactly what depends on it ------------------------------------


def _edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


DECK_FILE = "decks/hageman-meldingen-slachtoffers.pptx"
CHANGES: dict[str, tuple[Callable[[Path], None], set[str]]] = {
    "a session's text": (
        lambda e: _edit_text(e / "sessions" / "welkom.md", "Diana", "Diana (voorzitter)"),
        {"pdf"},
    ),
    "one deck": (
        lambda e: change_bullet(e / DECK_FILE, "Meldcode KNMG", "Meldcode KNMG (herzien)"),
        {"deck hageman-meldingen-slachtoffers.pptx", "copy hageman", "pdf"},
    ),
    "the poll export": (
        lambda e: change_poll(e / "polls" / "mentimeter-resultaten.xlsx", 14, 15),
        {"poll mentimeter-resultaten.xlsx", "pdf"},
    ),
    "a deck's option (notes)": (
        lambda e: _edit_text(
            e / "event.yaml", f"file: {DECK_FILE}", f"file: {DECK_FILE}\n    notes: true"
        ),
        {"deck hageman-meldingen-slachtoffers.pptx", "copy hageman"},
    ),
    # The title is the copy's own (its document properties) and the page's link text; the
    # print page, and so the PDF, stay as they were.
    "a deck's title": (
        lambda e: _edit_text(
            e / "event.yaml", f"file: {DECK_FILE}", f"file: {DECK_FILE}\n    title: Cijfers"
        ),
        {"copy hageman"},
    ),
    "a template of the event's own": (
        lambda e: (
            (e / "templates").mkdir()
            or (e / "templates" / "print.css").write_text(
                '{% include "default:print.css" %}\nh2 { letter-spacing: 0.01em; }\n',
                encoding="utf-8",
            )
        ),
        {"pdf"},
    ),
    "an acceptance in privacy.yaml (no output changes)": (
        lambda e: (e / "privacy.yaml").write_text(
            (e / "privacy.yaml").read_text(encoding="utf-8") + "\n# nagekeken\n", encoding="utf-8"
        ),
        set(),
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_remakes_exactly_what_depends_on_it(
    built: tuple[Path, Path], made: Made, change: str
) -> None:
    event_dir, out_root = built
    alter, expected = CHANGES[change]
    alter(event_dir)
    result = build(event_dir, out_root)
    assert not result.unchanged
    assert made.take() == expected
    # ... and what came out is what a build without any cache makes of the same sources.
    build(event_dir, out_root.parent / "fresh", cache=False)
    assert tree(out_root / SAMPLE_SLUG) == tree(out_root.parent / "fresh" / SAMPLE_SLUG)


def test_source_date_epoch_remakes_the_pdf_only(
    built: tuple[Path, Path], made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_dir, out_root = built
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert not build(event_dir, out_root).unchanged
    assert made.take() == {"pdf"}
    build(event_dir, out_root.parent / "fresh", cache=False)
    assert tree(out_root / SAMPLE_SLUG) == tree(out_root.parent / "fresh" / SAMPLE_SLUG)


def test_a_file_the_pdf_fetched_remakes_it_though_the_page_is_the_same(
    tmp_path: Path, made: Made
) -> None:
    # A picture's name stays, its bytes change: the print page is the same text, so only
    # the check of the files WeasyPrint fetched can tell the PDF is stale.
    event_dir = copy_sample(tmp_path / "sources")
    picture = event_dir / "media" / "zaal.png"
    picture.parent.mkdir()
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 220, 240)).save(picture)
    _edit_text(event_dir / "sessions" / "welkom.md", "Diana", "![De zaal](media/zaal.png)\n\nDiana")
    build(event_dir, tmp_path / "build")
    made.take()
    Image.new("RGB", (40, 30), (20, 120, 40)).save(picture)
    build(event_dir, tmp_path / "build")
    assert made.take() == {"pdf"}
    build(event_dir, tmp_path / "fresh", cache=False)
    assert tree(tmp_path / "build" / SAMPLE_SLUG) == tree(tmp_path / "fresh" / SAMPLE_SLUG)


def test_another_program_remakes_everything(
    built: tuple[Path, Path], made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As after an upgrade of eventreport or of any library: every key changes.
    event_dir, out_root = built
    monkeypatch.setattr(digest, "program_digest", lambda: "another program")
    import eventreport.cache.results as results
    import eventreport.cache.uptodate as uptodate

    monkeypatch.setattr(results, "program_digest", lambda: "another program")
    monkeypatch.setattr(uptodate, "program_digest", lambda: "another program")
    build(event_dir, out_root)
    assert made.take() == {
        *(f"deck {p.name}" for p in (event_dir / "decks").iterdir()),
        *(f"copy {d}" for d in SAMPLE_DECKS),
        "poll mentimeter-resultaten.xlsx",
        "pdf",
    }


def test_the_program_digest_follows_the_code_and_the_libraries() -> None:
    first = digest.program_digest()
    assert first == digest.program_digest()  # once per process
    digest.program_digest.cache_clear()
    try:
        assert digest.program_digest() == first
    finally:
        digest.program_digest.cache_clear()
    # Its parts: every source file of the package and the installed distributions.
    assert digest.key("a", 1) != digest.key("a", "1")


# --- Damaged, crafted and interrupted entries ---------------------------------------------


def _entries(out_root: Path, kind: str) -> list[Path]:
    return sorted((out_root / ".cache" / kind).rglob("*.json"))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "cut short": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    "empty": lambda p: p.write_bytes(b""),
    "not JSON": lambda p: p.write_bytes(b"\x80\x81 garbage"),
    "payload edited": lambda p: p.write_text(
        p.read_text(encoding="utf-8").replace("Meldcode KNMG", "Meldcode XXXX"), encoding="utf-8"
    ),
    "payload edited, digest made to fit": lambda p: _refit(p),
    "another entry's content": lambda p: p.write_bytes(
        next(q for q in p.parent.parent.rglob("*.json") if q != p).read_bytes()
    ),
    "a named pipe": lambda p: (p.unlink(), os.mkfifo(p)),
    "a link elsewhere": lambda p: (p.unlink(), p.symlink_to("/etc/hostname")),
}


def _refit(path: Path) -> None:
    # A well-formed entry whose payload no longer fits the model: structure fails, a miss.
    from eventreport.cache.store import _json_digest

    entry = json.loads(path.read_text(encoding="utf-8"))
    entry["payload"]["slides"][0]["blocks"] = [{"type": "no such block"}]
    entry["sha256"] = _json_digest(entry["payload"])
    path.write_text(json.dumps(entry), encoding="utf-8")


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_deck_entry_is_made_again(
    built: tuple[Path, Path], made: Made, damage: str
) -> None:
    event_dir, out_root = built
    expected = tree(out_root / SAMPLE_SLUG)
    entries = _entries(out_root, "deck")
    assert len(entries) == len(SAMPLE_DECKS)
    hageman = next(p for p in entries if "Meldcode KNMG" in p.read_text(encoding="utf-8"))
    DAMAGE[damage](hageman)
    # Another output folder, so the build runs and meets the entry.
    build(event_dir, out_root.parent / "again", cache=out_root / ".cache")
    assert made.take() == {"deck hageman-meldingen-slachtoffers.pptx"}
    assert tree(out_root.parent / "again" / SAMPLE_SLUG) == expected


def test_a_damaged_blob_is_made_again(built: tuple[Path, Path], made: Made) -> None:
    event_dir, out_root = built
    expected = tree(out_root / SAMPLE_SLUG)
    pdf_entry = _entries(out_root, "pdf")[0]
    blob = json.loads(pdf_entry.read_text(encoding="utf-8"))["blobs"]["pdf"]
    (out_root / ".cache" / "blobs" / blob[:2] / blob).write_bytes(b"%PDF-1.7 not the one")
    build(event_dir, out_root.parent / "again", cache=out_root / ".cache")
    assert made.take() == {"pdf"}
    assert tree(out_root.parent / "again" / SAMPLE_SLUG) == expected


def test_an_interrupted_build_leaves_whole_entries(
    tmp_path: Path, made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stopped (Ctrl-C) in the PDF step: the decks read before stay usable, the half-made
    # output never appears, and the next build uses the entries and gives the same bytes.
    event_dir = copy_sample(tmp_path / "sources")
    out_root = tmp_path / "build"

    def stopped(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "_write_pdf", stopped)
        with pytest.raises(KeyboardInterrupt):
            build(event_dir, out_root)
    assert not (out_root / SAMPLE_SLUG).exists()
    assert not list((out_root / ".cache").rglob(".*.partial"))
    made.take()
    build(event_dir, out_root)
    assert made.take() == {"pdf"}
    build(event_dir, tmp_path / "fresh", cache=False)
    assert tree(out_root / SAMPLE_SLUG) == tree(tmp_path / "fresh" / SAMPLE_SLUG)


def test_a_cache_that_cannot_be_written_only_slows_the_build(tmp_path: Path) -> None:
    event_dir = copy_sample(tmp_path / "sources")
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    build(event_dir, tmp_path / "build", cache=blocked)
    build(event_dir, tmp_path / "fresh", cache=False)
    assert tree(tmp_path / "build" / SAMPLE_SLUG) == tree(tmp_path / "fresh" / SAMPLE_SLUG)


def test_pruning_removes_what_was_used_longest_ago(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for number in range(6):
        store.put("deck", f"{number:064x}", {"n": number}, {"b": bytes([number]) * 1000})
        os.utime(store._path("deck", f"{number:064x}"), ns=(number * 10**9, number * 10**9))
        blob = next((tmp_path / "blobs").rglob("*"), None)
        assert blob is not None
    for blob in (tmp_path / "blobs").rglob("*"):
        if blob.is_file():
            os.utime(blob, ns=(0, 0))
    store.get("deck", f"{0:064x}")  # used just now: kept
    removed = store.prune(limit=2500)
    assert removed > 0
    assert store.get("deck", f"{0:064x}") is not None
    assert store.get("deck", f"{1:064x}") is None
    total = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    assert total <= 2500


# --- Preview: the page alone -----------------------------------------------------------


def test_the_page_alone_without_the_pdf(tmp_path: Path, made: Made) -> None:
    event_dir = copy_sample(tmp_path / "sources")
    result = build(event_dir, tmp_path / "build", pdf=False)
    assert made.take() == {
        *(f"deck {p.name}" for p in (event_dir / "decks").iterdir()),
        *(f"copy {d}" for d in SAMPLE_DECKS),
        "poll mentimeter-resultaten.xlsx",
    }
    out = tmp_path / "build" / SAMPLE_SLUG
    assert not (out / f"{SAMPLE_SLUG}.pdf").exists()
    assert [o.path.name for o in result.outputs[:1]] == ["index.html"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f"{SAMPLE_SLUG}.pdf" not in page
    # A full build after it is a real one, and it links the PDF.
    full = build(event_dir, tmp_path / "build")
    assert not full.unchanged and made.take() == {"pdf"}
    assert f"{SAMPLE_SLUG}.pdf" in (out / "index.html").read_text(encoding="utf-8")


# --- The command line -------------------------------------------------------------------


def test_invoke_build_says_nothing_changed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "tasks.py", project / "tasks.py")
    copy_sample(project / "sources")
    invoke = [sys.executable, "-m", "invoke", "build"]
    first = subprocess.run(invoke, cwd=project, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(invoke, cwd=project, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert (
        f"Nothing changed since the last build: build/{SAMPLE_SLUG}/ is up to date." in again.stdout
    )
    assert "reading deck" not in again.stdout
    subprocess.run([sys.executable, "-m", "invoke", "clean"], cwd=project, check=True,
                   capture_output=True)  # fmt: skip
    assert not (project / "build").exists()
