"""What a build keeps between runs: each deck and poll export as read, each publication
copy, the typeface's files and the finished PDF, each under a key of everything it was
made from (docs/speed.md).

| result            | its key (besides the program: digest.program_digest)             |
|-------------------|-------------------------------------------------------------------|
| a deck as read    | the file's bytes, include_hidden, notes                           |
| a poll export     | the file's bytes, the tool event.yaml names                       |
| publication copy  | the deck's bytes, its title, include_hidden, notes                |
| a font file       | the font's name and bytes                                         |
| the PDF           | the print page's text, SOURCE_DATE_EPOCH; then the bytes of every |
|                   | file the PDF engine fetched for it (checked again before use)     |
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..hashing import file_digest
from ..i18n import _, ngettext
from ..model import Deck, DeckSource, OfferedCopy, PollExport, PollSource
from ..readers.decks.cache import DeckCache
from . import codec
from .digest import key, program_digest, source_date_epoch
from .store import Entry, Store

if TYPE_CHECKING:
    from ..render.rendered import Rendered

T = TypeVar("T")


class Cache:
    """Results kept in `folder` (build/.cache); None as the folder keeps nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        """Where the results are kept; None: nowhere."""
        self.store = Store(folder) if folder is not None else None
        self.hits: list[str] = []
        """What was used from the cache in this build, e.g. "deck koraal"."""

    def deck(self, source: DeckSource, read: Callable[[], Deck]) -> Deck:
        """The deck `read` returns, or what it returned before for the same bytes."""
        return self._kept(
            f"deck {source.id}",
            lambda: (file_digest(source.path), source.include_hidden, source.notes),
            read,
            lambda deck: (codec.dump(deck), {}),
            lambda entry: codec.load_deck(entry.payload, source.path),
        )

    def poll(self, source: PollSource, read: Callable[[], PollExport]) -> PollExport:
        """The export `read` returns, or what it returned before for the same bytes."""
        return self._kept(
            f"poll {source.id}",
            lambda: (file_digest(source.path), source.tool),
            read,
            lambda export: (codec.dump(export), {}),
            lambda entry: codec.load_poll(entry.payload, source.path),
        )

    def copy(
        self, source: DeckSource, make: Callable[[], OfferedCopy], files: DeckCache
    ) -> OfferedCopy:
        """The publication copy `make` returns, or the one it made before. The copy's file
        stays where `make` wrote it, in `files` (a deck with a video is never held in
        memory); the entry names it and its sha256, and is used only while both hold."""
        return self._kept(
            f"copy {source.id}",
            lambda: (file_digest(source.path), source.title, source.include_hidden, source.notes),
            make,
            lambda copy: (codec.dump_copy(copy, files.folder), {}),
            lambda entry: codec.load_copy(entry.payload, files.folder),
        )

    def font(self, name: str, source: Path, make: Callable[[], bytes]) -> bytes:
        """The font file `make` returns for `source`, or the one it made before."""
        return self._kept(
            f"font {name}",
            lambda: (name, file_digest(source)),
            make,
            lambda data: (None, {"font": data}),
            lambda entry: entry.blobs["font"],
        )

    def _kept(
        self,
        what: str,
        inputs: Callable[[], tuple[object, ...]],
        make: Callable[[], T],
        dump: Callable[[T], tuple[Any, dict[str, bytes]]],
        load: Callable[[Entry], T],
    ) -> T:
        """`make()`, or its result kept under the key of `what`'s kind and `inputs()`."""
        if self.store is None:
            return make()
        kind = what.split()[0]
        k = key(kind, program_digest(), *inputs())
        entry = self.store.get(kind, k)
        if entry is not None:
            try:
                value = load(entry)
            except Exception:  # cattrs raises groups of its own; any error is a miss
                pass
            else:
                self.hits.append(what)
                return value
        value = make()
        payload, blobs = dump(value)
        self.store.put(kind, k, payload, blobs)
        return value

    def pdf(self, html: str, roots: list[Path], target: Path, make: Callable[[], Rendered]) -> int:
        """Write the PDF of `html` to `target` and return its pages: made by `make`, or
        the one made before from the same page, when every file the engine fetched for
        it (under one of `roots`) still has the same bytes."""
        if self.store is None:
            return make().pages
        k = key("pdf", program_digest(), _text_digest(html), source_date_epoch())
        entry = self.store.get("pdf", k)
        if entry is not None and "pdf" in entry.blobs and _same_files(entry.payload, roots):
            target.write_bytes(entry.blobs["pdf"])
            self.hits.append("pdf")
            return int(entry.payload["pages"])
        rendered = make()
        fetched = _fetched(rendered.fetched, roots)
        if fetched is not None:
            payload = {"pages": rendered.pages, "fetched": fetched}
            self.store.put("pdf", k, payload, {"pdf": target.read_bytes()})
        return rendered.pages

    def summary(self) -> str | None:
        """What this build took from the cache, in words; None when nothing."""
        # The fonts are not the user's; they would only make the line longer.
        kinds = [h.split()[0] for h in self.hits if not h.startswith("font")]
        if not kinds:
            return None
        # Always in the same order, whatever the build met first.
        parts = [_NAMES[k](kinds.count(k)) for k in _NAMES if k in kinds]
        return _("unchanged since an earlier build, taken from build/.cache: {what}").format(
            what=", ".join(parts)
        )

    def prune(self) -> None:
        """Keep the cache within its size (limits.CACHE_BYTES)."""
        if self.store is not None:
            self.store.prune()


_NAMES: dict[str, Callable[[int], str]] = {
    "deck": lambda n: ngettext("{n} deck as read", "{n} decks as read", n).format(n=n),
    "poll": lambda n: ngettext("{n} poll export as read", "{n} poll exports as read", n).format(
        n=n
    ),
    "copy": lambda n: ngettext("{n} publication copy", "{n} publication copies", n).format(n=n),
    "pdf": lambda n: ngettext("{n} PDF", "{n} PDFs", n).format(n=n),
}


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fetched(paths: list[Path], roots: list[Path]) -> list[list[Any]] | None:
    """[root number, path under it, sha256] for each fetched file; None when one lies
    under no root (then the PDF is not kept: it could not be checked next time)."""
    found = []
    for path in sorted(set(paths)):
        root = next((i for i, r in enumerate(roots) if path.is_relative_to(r)), None)
        if root is None or not path.is_file():
            return None
        found.append([root, path.relative_to(roots[root]).as_posix(), file_digest(path)])
    return found


def _same_files(payload: Any, roots: list[Path]) -> bool:
    try:
        for root, relative, digest in payload["fetched"]:
            path = (roots[root] / relative).resolve()
            if not path.is_relative_to(roots[root]) or file_digest(path) != digest:
                return False
        return isinstance(payload["pages"], int)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False
