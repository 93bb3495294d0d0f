"""Content digests: of one file, of a whole folder, and of the program that reads them.

Every cache key is made of these, so a key changes whenever anything its result was made
from changes: the bytes of the inputs (never their names or dates), and the code and the
libraries that made it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from functools import cache
from pathlib import Path

from ..hashing import file_digest
from ..limits import CACHE_TREE_FILES

FORMAT = "eventreport-cache-1"
"""Changes when the cache's own layout changes; part of every key."""


def key(*parts: object) -> str:
    """One hex digest of `parts`, each written out with its type so ("1", 1) differ."""
    digest = hashlib.sha256()
    for part in parts:
        text = f"{type(part).__name__}:{part!s}".encode()
        digest.update(len(text).to_bytes(8, "big") + text)
    return digest.hexdigest()


def tree_digest(folder: Path) -> str | None:
    """One digest of every name and every regular file's bytes under `folder`.

    Links are not followed: a link is its target's name (what it leads to inside the
    folder is hashed where it lies; the door refuses the rest). Only regular files are
    opened, so a named pipe planted in an event folder cannot hang the build. None when
    the folder holds more than CACHE_TREE_FILES entries: such a folder is always rebuilt.
    """
    if not folder.is_dir():
        return key("missing", str(folder))
    entries: list[str] = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in [*dirs, *sorted(files)]:
            path = Path(top, name)
            entries.append(f"{path.relative_to(folder).as_posix()}\0{_entry(path)}")
            if len(entries) > CACHE_TREE_FILES:
                return None
    return key(*entries)


def _entry(path: Path) -> str:
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return f"link:{path.readlink()}"
        if stat.S_ISDIR(info.st_mode):
            return "folder"
        if not stat.S_ISREG(info.st_mode):
            return f"special:{stat.S_IFMT(info.st_mode)}"
        return f"file:{file_digest(path)}"
    except OSError as exc:
        # Unreadable: the build that needs it fails and records nothing.
        return f"unreadable:{exc.errno}"


@cache
def program_digest() -> str:
    """The code and libraries every cached result was made with: this package's source
    files, the Python version, the installed distributions (their names carry their
    versions) and Debian's package database (the PDF engine's Pango, HarfBuzz and the
    system's fonts come from there)."""
    package = Path(__file__).resolve().parents[1]
    sources = [
        f"{p.relative_to(package).as_posix()}\0{file_digest(p)}"
        for p in sorted(package.rglob("*.py"))
    ]
    distributions: set[str] = set()
    for entry in sys.path:
        try:
            found = Path(entry or ".").iterdir()
            distributions.update(p.name for p in found if p.name.endswith(".dist-info"))
        except OSError:
            continue
    try:
        dpkg = Path("/var/lib/dpkg/status").stat()
        system = f"{dpkg.st_size}:{dpkg.st_mtime_ns}"
    except OSError:
        system = "no dpkg"
    return key(FORMAT, sys.version, *sources, *sorted(distributions), system)


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH as set (the outputs' timestamps come from it), or ""."""
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip()
