"""Whether a build would only write what is already there: then it writes nothing.

After each build, `.<slug>.built.json` beside the output folder records a key of all its
inputs and every file it wrote (name, size, sha256). The next build with the same key
finds the same files untouched and stops before reading anything. The key covers the
whole event folder and the templates (every name and every file's bytes, so a new
session file or an override added to templates/ counts too), the build's options, the
program (digest.program_digest), SOURCE_DATE_EPOCH and the working folder (messages name
files relative to it). A file changed or removed in the output, by hand or by a build
that stopped halfway, makes the next build a real one.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..hashing import file_digest
from .digest import key, program_digest, source_date_epoch, tree_digest
from .store import write_whole

# Files in the output that other commands make (proofs/) are not the build's.
SKIPPED = ("proofs",)


@dataclass(frozen=True)
class Written:
    """One file a build wrote, as recorded."""

    path: str
    """Where, relative to the output folder."""
    size: int
    """Its size in bytes."""
    sha256: str
    """Its content digest."""
    pages: int | None
    """The PDF's page count; None for other files."""


@dataclass(frozen=True)
class Record:
    """What the last build of an event wrote, and from what."""

    key: str
    """The key of all its inputs (`inputs_key`)."""
    written: tuple[Written, ...]
    """The files it wrote."""
    warnings: tuple[str, ...]
    """The warnings it gave, said again when nothing changed."""


def inputs_key(event_dir: Path, templates: Path, options: dict[str, Any]) -> str | None:
    """The key of everything a build of `event_dir` reads; None when it cannot be told
    (a folder too large to hash), and the build always runs."""
    event, shared = tree_digest(event_dir), tree_digest(templates)
    if event is None or shared is None:
        return None
    settings = sorted((name, repr(value)) for name, value in options.items())
    return key("build", program_digest(), str(event_dir), event, str(templates), shared,
               *settings, source_date_epoch(), Path.cwd())  # fmt: skip


def record_path(out_root: Path, slug: str) -> Path:
    """Where the record of the last build of `slug` into `out_root` is kept."""
    return out_root / f".{slug}.built.json"


def unchanged(out_root: Path, slug: str, inputs: str | None) -> Record | None:
    """The last build's record when its inputs had key `inputs` and everything it wrote
    is still there as written (and nothing else); else None."""
    if inputs is None:
        return None
    try:
        data = json.loads(record_path(out_root, slug).read_text(encoding="utf-8"))
        record = Record(
            str(data["key"]),
            tuple(
                Written(str(p), int(s), str(d), None if n is None else int(n))
                for p, s, d, n in data["written"]
            ),
            tuple(str(w) for w in data["warnings"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if record.key != inputs:
        return None
    folder = out_root / slug
    try:
        on_disk = _files(folder)
        if on_disk != {w.path for w in record.written}:
            return None
        for written in record.written:
            path = folder / written.path
            if path.stat().st_size != written.size or file_digest(path) != written.sha256:
                return None
    except OSError:
        return None
    return record


def remember(out_root: Path, slug: str, inputs: str | None, pages: dict[str, int],
             warnings: tuple[str, ...]) -> None:  # fmt: skip
    """Record what the build that just finished wrote to `out_root/slug`."""
    path = record_path(out_root, slug)
    if inputs is None:
        forget(out_root, slug)
        return
    folder = out_root / slug
    written = [
        [name, (folder / name).stat().st_size, file_digest(folder / name), pages.get(name)]
        for name in sorted(_files(folder))
    ]
    data = {"key": inputs, "written": written, "warnings": list(warnings)}
    with contextlib.suppress(OSError):  # without a record, the next build is a real one
        write_whole(path, json.dumps(data, ensure_ascii=False, indent=1).encode())


def forget(out_root: Path, slug: str) -> None:
    """Remove the record (before a build changes the output)."""
    with contextlib.suppress(OSError):
        record_path(out_root, slug).unlink()


def _files(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).parts[0] not in SKIPPED
    }
