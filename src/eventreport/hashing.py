"""The sha256 of a file, for everything that keys or checks a result by the bytes it came
from (the build cache, the deck cache, publication copies)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_digest(path: Path) -> str:
    """sha256 of the file's bytes, read in pieces (a deck with a video is gigabytes)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
