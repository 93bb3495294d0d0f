"""eventreport: a meeting's decks, polls and write-up into an accessible report."""

from __future__ import annotations

__version__ = "0.1.0"
