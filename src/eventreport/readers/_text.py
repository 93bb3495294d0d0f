"""Text clean-up shared by the readers."""

from __future__ import annotations

import re

# Soft line breaks come out of python-pptx and PDF text as vertical tabs or CR.
_BREAKS = str.maketrans({"\x0b": "\n", "\r": "\n", "\t": " "})
# Other C0/C1 controls (and stray U+FFFE/FFFF) break XML and HTML output downstream.
_CONTROLS = re.compile(r"[\x00-\x09\x0c-\x1f\x7f-\x9f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Normalise line breaks to '\\n' and drop control characters; trim the ends."""
    if text.isprintable():
        # Most slide text: nothing to normalise (a C-speed check, a third of the cost).
        return text.strip()
    text = text.replace("\r\n", "\n").translate(_BREAKS)
    return _CONTROLS.sub("", text).strip()


def one_line(text: str) -> str:
    """`clean`, then collapse every run of white space (line breaks too) to one space."""
    return _SPACES.sub(" ", clean(text))
