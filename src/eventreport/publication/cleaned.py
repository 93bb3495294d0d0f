"""What cleaning one deck gives: the copy's bytes, what went, and the text that stayed."""

from __future__ import annotations

from dataclasses import dataclass, field

from eventreport.model import PlacedText


@dataclass
class Cleaned:
    """The copy's bytes, what was left out, and the text that remains."""

    data: bytes = b""
    """The publication copy."""
    removed: list[str] = field(default_factory=list)
    """What was left out, in words, for the build's log."""
    texts: list[PlacedText] = field(default_factory=list)
    """Every text left in the copy, with its place, for the personal-data scan."""
