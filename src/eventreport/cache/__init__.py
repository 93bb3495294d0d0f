"""The build cache in build/.cache: a rebuild does only what its changed inputs need.

`results.Cache` keeps each deck and poll export as read, each publication copy, the
typeface's files and the PDF, keyed by the bytes of what they were made from and the
program that made them (`digest.py`); `uptodate.py` lets a build whose inputs are all
unchanged stop before reading anything. Entries are plain JSON and blobs, written whole
or not at all and checked whole before use (`store.py`); deleting the folder only makes
the next build slower. docs/speed.md says what is kept and how it is checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .results import Cache

__all__ = ["Cache"]


def __getattr__(name: str) -> Any:
    # `Cache` brings in every reader; a build with nothing to do needs only `uptodate`,
    # which would otherwise wait a fifth of a second for them.
    if name == "Cache":
        from .results import Cache

        return Cache
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
