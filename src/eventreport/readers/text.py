"""Text clean-up shared by the readers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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
# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan and their presentation forms.
_RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LETTER = re.compile(r"\w")


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


def right_to_left(text: str) -> bool:
    """True when most letters of `text` are in a right-to-left script."""
    letters = len(_LETTER.findall(text))
    return letters > 0 and len(_RIGHT_TO_LEFT.findall(text)) > letters / 2


class _TextOnly(HTMLParser):
    """The text of an HTML fragment: entities unescaped, each tag a word break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")


def plain(text: str) -> str:
    """A label or title a tool stored as HTML (Kahoot: `Realist<br>`, `Mbretit&nbsp;Lir`)
    as the words it shows: tags dropped, entities unescaped, white space collapsed. Text
    that only looks like markup ("< 18 jaar", "<Geen mening>") stays as it is."""
    if "<" not in text and "&" not in text:
        return text
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    words = one_line("".join(parser.parts))
    return words or text


def web_address(target: str) -> str:
    """A link target as a full address: a protocol-relative one (`//host/path`, as some
    exports write) gets https, which is what a browser would use on a published page."""
    return f"https:{target}" if target.startswith("//") else target
