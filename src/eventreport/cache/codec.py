"""The readers' results as JSON and back, into the model's own frozen classes.

cattrs walks the dataclasses' type hints both ways: each block of a slide is told apart
by its `type`, each value is read as the type its field declares, and a payload
that does not fit (a missing field, a literal no class has) raises, which the cache takes
as a miss. Paths are not kept: the same bytes may lie at another path next time, so the
caller puts the file's present path back.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from ..hashing import file_digest
from ..model import Block, Deck, OfferedCopy, PlacedText, PollExport


@cache
def _converter() -> Any:
    # Imported here: only a build that uses the cache needs cattrs.
    import cattrs
    from cattrs.strategies import configure_union_passthrough

    converter = cattrs.Converter(forbid_extra_keys=True)
    # Chart values are numbers or text or blank, as JSON has them.
    configure_union_passthrough(float | str | None, converter)
    # A slide's blocks by their `type` (a literal with a default, which cattrs's own
    # guess does not use).
    blocks = {cls.__dataclass_fields__["type"].default: cls for cls in Block.__args__}
    converter.register_structure_hook(
        Block, lambda data, _: converter.structure(data, blocks[data["type"]])
    )
    converter.register_unstructure_hook(Path, lambda _: "")
    converter.register_structure_hook(Path, lambda _value, _type: Path())
    return converter


def dump(value: Deck | PollExport) -> Any:
    """`value` as JSON data, without its path."""
    return _converter().unstructure(value)


def load_deck(data: Any, path: Path) -> Deck:
    """JSON data from `dump` as the deck read from `path`; raises when it does not fit."""
    deck: Deck = _converter().structure(data, Deck)
    return replace(deck, source=path)


def load_poll(data: Any, path: Path) -> PollExport:
    """JSON data from `dump` as the export read from `path`; raises when it does not fit."""
    export: PollExport = _converter().structure(data, PollExport)
    return replace(export, source=path)


def dump_copy(copy: OfferedCopy, folder: Path) -> Any:
    """A publication copy's description as JSON data: its file by its place in `folder`
    (the deck cache, where it was made) and its sha256."""
    converter = _converter()
    return {
        "file": copy.path.relative_to(folder).as_posix(),
        "sha256": file_digest(copy.path),
        "suffix": copy.suffix,
        "removed": list(copy.removed),
        "texts": converter.unstructure(copy.texts),
        "accessible": copy.accessible,
    }


def load_copy(data: Any, folder: Path) -> OfferedCopy:
    """A publication copy from `dump_copy`'s data; raises when the data does not fit, or
    when its file is gone from `folder` or no longer has the bytes it was made with."""
    converter = _converter()
    keys = {"file", "sha256", "suffix", "removed", "texts", "accessible"}
    if not isinstance(data, dict) or set(data) != keys:
        raise ValueError("not a publication copy")
    name = converter.structure(data["file"], str)
    path = (folder / name).resolve()
    if ".." in Path(name).parts or not path.is_relative_to(folder.resolve()):
        raise ValueError("the copy's file lies outside the cache")
    if not path.is_file() or file_digest(path) != converter.structure(data["sha256"], str):
        raise ValueError("the copy's file is gone or changed")
    return OfferedCopy(
        path=path,
        suffix=converter.structure(data["suffix"], str),
        removed=converter.structure(data["removed"], tuple[str, ...]),
        texts=converter.structure(data["texts"], tuple[PlacedText, ...]),
        accessible=converter.structure(data["accessible"], bool | None),
    )
