"""Text clean-up shared by the readers."""

from __future__ import annotations

import re

from eventreport.textutil import BIDI_CONTROLS

# Soft line breaks come out of python-pptx and PDF text as vertical tabs or CR.
_BREAKS = str.maketrans({"\x0b": "\n", "\r": "\n", "\t": " "})
# Other C0/C1 controls (and stray U+FFFE/FFFF) break XML and HTML output downstream, or
# drive a terminal (ESC) when `invoke extract` prints them; bidi embeddings, overrides and
# isolates (U+202A-202E, U+2066-2069) can make text read differently from what it holds
# (a "Trojan source" trick). Direction marks (U+200E/200F) stay: they are harmless.
_CONTROLS = re.compile(f"[\\x00-\\x09\\x0c-\\x1f\\x7f-\\x9f\\ufffe\\uffff{BIDI_CONTROLS}]")
_SPACES = re.compile(r"\s+")
# Office writes characters XML cannot hold as _xHHHH_ (and a literal "_x" as _x005F_x).
_OFFICE_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


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


def unescape_office(text: str) -> str:
    """Office's _xHHHH_ escapes turned back into characters (`clean` then drops the
    control characters among them rather than showing "_x001B_")."""
    if "_x" not in text:
        return text
    return _OFFICE_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
