"""Text from untrusted files made fit for a line of YAML or Markdown that a person edits."""

from __future__ import annotations

import re

from ..textutil import without_controls

# What a YAML file may hold (PyYAML refuses the rest while reading): a title taken from a
# crafted deck must not make the drafted event.yaml unreadable.
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def one_line(text: str, limit: int = 200) -> str:
    """`text` on one line: controls and characters YAML refuses dropped, every run of
    white space (line breaks too) one space, at most `limit` characters."""
    flat = " ".join(_NOT_YAML.sub("", without_controls(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def readable(text: str) -> str:
    """A readable multi-line text (a write-up): controls dropped, line breaks kept as '\\n'."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_YAML.sub("", without_controls(text))
