"""CSV files as spreadsheet and form tools write them: sniff the encoding and the delimiter.

Excel alone writes UTF-8 with or without a byte order mark, UTF-16 ("Unicode text"),
the Windows code page cp1252 (Dutch Excel's plain "CSV"), `;` or tab instead of `,`
(Dutch locale), and sometimes a first line `sep=;` naming the delimiter.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from charset_normalizer import from_bytes

from eventreport.errors import ReadError
from eventreport.limits import MIB, POLL_FILE_BYTES
from eventreport.readers.polls.sheet import Sheet

from ...i18n import _

DELIMITERS = ",;\t"
# A byte order mark settles the encoding; UTF-32's marks start like UTF-16's, so first.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What the detector may choose from when the bytes are not UTF-8: spreadsheet programs in
# Dutch and English locales write UTF-16 without a mark or the Windows code page. Given
# every code page, the detector calls short Dutch text cp775 or cp1251 (tried: "café").
_LEGACY = ["utf_16_le", "utf_16_be", "cp1252"]
_SEP_LINE = re.compile(r'"?sep=(.)"?[ \t]*', re.IGNORECASE)
_SNIFF_CHARS = 64_000


def decode(data: bytes, *, partial: bool = False) -> tuple[str, str] | None:
    """The text and the name of its encoding; None when no candidate fits.

    `partial` accepts a multi-byte character cut off at the end (a file's first bytes).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            decoder = codecs.getincrementaldecoder(codec)()
            try:
                return decoder.decode(data, final=not partial), codec
            except UnicodeDecodeError:
                return None
    try:
        # Text in a legacy code page with any accented letter is practically never valid
        # UTF-8, so a clean decode is a safe answer before any guessing.
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=not partial), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is None:
        return None
    return str(best), best.encoding


def looks_like_csv(head: bytes) -> bool:
    """True when a file's first bytes are text whose first line holds a delimiter."""
    if not head:
        return False
    decoded = decode(head, partial=True)
    if decoded is None:
        return False
    text = decoded[0]
    # Control characters other than tab and line ends mean a binary file.
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        return False
    lines = text.splitlines()
    if lines and _SEP_LINE.fullmatch(lines[0]):
        return True
    return bool(lines) and any(d in lines[0] for d in DELIMITERS)


def read_csv(path: Path) -> Sheet:
    """The file's rows, numbered as Excel shows them (a `sep=` line is not a row)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(POLL_FILE_BYTES + 1)
    except OSError as exc:
        raise ReadError(
            path, _("cannot open the file ({reason})").format(reason=exc.strerror)
        ) from None
    if len(data) > POLL_FILE_BYTES:
        raise ReadError(
            path,
            _(
                "the file is larger than {size} MiB, far more than a poll's"
                " results; check that it is the right file, or export the results again"
            ).format(size=POLL_FILE_BYTES // MIB),
        )
    decoded = decode(data)
    if decoded is None:
        raise ReadError(
            path,
            _(
                "cannot tell which text encoding this CSV file uses (tried UTF-8, UTF-16 and "
                "Windows-1252); open it in Excel and save it as 'CSV UTF-8'"
            ),
        )
    text = decoded[0].removeprefix("\ufeff")
    first, _newline, rest = text.partition("\n")
    if match := _SEP_LINE.fullmatch(first.rstrip("\r")):
        delimiter, body = match[1], rest
    else:
        delimiter, body = sniff_delimiter(text), text
    try:
        rows = tuple(
            tuple(r) for r in csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
        )
    except csv.Error as exc:
        raise ReadError(
            path,
            _("this CSV file cannot be read ({problem}); export it from the tool again").format(
                problem=exc
            ),
        ) from None
    return Sheet(None, rows)


def sniff_delimiter(text: str) -> str:
    """`,` `;` or tab, whichever the text's lines agree on."""
    sample = text[:_SNIFF_CHARS]
    header = sample.partition("\n")[0]
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in header:
        return found
    # The sniffer gives up on one-line files and on quoted line breaks; the header line,
    # which holds no free text, still shows the delimiter.
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
