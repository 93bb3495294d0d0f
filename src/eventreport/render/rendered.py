"""What making a PDF tells the build, without loading the PDF engine to say it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Rendered:
    """A PDF just written."""

    pages: int
    """Its page count."""
    fetched: list[Path] = field(default_factory=list)
    """Every file the engine read for it (the build cache checks them before reuse)."""
