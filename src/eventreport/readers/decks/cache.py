"""Files made from decks, kept so that a rebuild does not make them again.

What LibreOffice and PDFium make from a deck (its conversion to PowerPoint, pictures of
its slides) costs seconds; a build keeps each in `build/.cache/slides/` under a key made
of everything it depends on: the sha256 of the deck's bytes, what was made and with
which settings, and the versions of the programs that made it (a new LibreOffice draws
anew). Deleting the folder costs only time. Each file is written whole to a temporary
name beside it and then renamed, so a stopped build never leaves half a picture to be
found by the next.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from eventreport.limits import MIB
from eventreport.workspace import output_error

FOLDER = Path(".cache") / "slides"
"""Where a build keeps the cache, inside its output root (build/)."""


class DeckCache:
    """Made files by key, in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: tuple[str, ...], suffix: str) -> Path:
        """Where the file made for `key` is kept (whether or not it is there yet)."""
        digest = hashlib.sha256("\0".join(key).encode("utf-8")).hexdigest()
        return self.folder / digest[:2] / f"{digest}{suffix}"

    def get(self, key: tuple[str, ...], suffix: str) -> Path | None:
        """The kept file for `key`, or None."""
        path = self.path(key, suffix)
        return path if path.is_file() else None

    def put(self, key: tuple[str, ...], suffix: str, data: bytes) -> Path:
        """Keep `data` as the file for `key`; returns where."""
        return self._write(key, suffix, lambda out: out.write(data))

    def put_file(self, key: tuple[str, ...], suffix: str, source: Path) -> Path:
        """Keep a copy of the file `source` as the file for `key`; returns where."""

        def copy(out: BinaryIO) -> None:
            with source.open("rb") as handle:
                shutil.copyfileobj(handle, out, MIB)

        return self._write(key, suffix, copy)

    @contextmanager
    def making(self, key: tuple[str, ...], suffix: str) -> Iterator[Path]:
        """A temporary file to write the file for `key` into; when the block ends
        without an error it becomes that file, in one step."""
        handle, temporary, path = self._temporary(key, suffix)
        os.close(handle)
        try:
            yield Path(temporary)
            Path(temporary).replace(path)
        finally:
            Path(temporary).unlink(missing_ok=True)

    def _temporary(self, key: tuple[str, ...], suffix: str) -> tuple[int, str, Path]:
        """A new temporary file beside the file for `key`: (handle, name, the file). A
        cache folder that cannot be written only slows the build: the cache moves to a
        temporary folder for the rest of this run."""
        path = self.path(key, suffix)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        except OSError as exc:
            fallback = temporary_cache().folder
            if self.folder == fallback:
                raise output_error(exc, self.folder) from None
            self.folder = fallback
            return self._temporary(key, suffix)
        return handle, name, path

    def _write(
        self, key: tuple[str, ...], suffix: str, write: Callable[[BinaryIO], object]
    ) -> Path:
        handle, temporary, path = self._temporary(key, suffix)
        try:
            with os.fdopen(handle, "wb") as out:
                write(out)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path


def build_cache(out_root: Path) -> DeckCache:
    """The cache of a build whose output root is `out_root` (build/); an output root
    that cannot be written is said so here, before anything is made."""
    try:
        out_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(exc, out_root) from None
    return DeckCache(out_root / FOLDER)


@functools.cache
def temporary_cache() -> DeckCache:
    """A cache for a command that makes no build (a look at the proofs' status): a
    temporary folder, removed when the program ends."""
    folder = tempfile.TemporaryDirectory(prefix="eventreport-cache-")
    cache = DeckCache(Path(folder.name))
    _KEEP.append(folder)  # removed by its finalizer when the program ends
    return cache


_KEEP: list[tempfile.TemporaryDirectory[str]] = []
