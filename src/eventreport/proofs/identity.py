"""What a proof PDF carries about itself: which event, round and speaker it is for, and
where each numbered line sits, so a copy a speaker returns with comments is recognised and
each comment lands on the line number printed in its margin.

It is one JSON text in the document information dictionary, under a key of our own:
readers show it nowhere, and PDF editors that save comments into the file (Acrobat,
Edge, Preview) keep that dictionary. A PDF printed or exported anew loses it, and with it
the comments' places, so such a file is refused rather than guessed at.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from .linenumbers import Line

KEY = "/EventreportProof"
VERSION = 1
# Bounds for reading the mark back from a returned (untrusted) file: a proof of a long
# session has a few hundred lines; these leave room and refuse what no proof holds.
MAX_MARK_CHARS = 2_000_000
MAX_LINES = 20_000
MAX_PAGES = 2_000


@dataclass(frozen=True)
class MarkLine:
    """One numbered line as the proof printed it."""

    number: int
    """The number in the margin."""
    page: int
    """0-based page index."""
    top: float
    """Top of the line, PDF points from the page's bottom."""
    bottom: float
    """Bottom of the line."""
    session: str
    """The session the line belongs to."""


@dataclass(frozen=True)
class ProofMark:
    """Which proof a PDF is, and its line map."""

    event: str
    """The event's slug."""
    round: int
    """The proof round."""
    speaker: str
    """The speaker's id."""
    pages: int
    """Pages of the proof as made (a returned copy must have as many)."""
    lines: tuple[MarkLine, ...]
    """Its numbered lines, in number order."""


def stamp(pdf: Path, event: str, number: int, speaker: str, lines: list[Line]) -> ProofMark:
    """Write the mark of this proof (its lines numbered 1, 2, ... in order) into the PDF's
    document information; returns it."""
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        mark = ProofMark(
            event,
            number,
            speaker,
            len(doc.pages),
            tuple(
                MarkLine(n, line.page, round(line.top, 2), round(line.bottom, 2), line.session)
                for n, line in enumerate(lines, 1)
            ),
        )
        doc.docinfo[pikepdf.Name(KEY)] = pikepdf.String(encode(mark))
        doc.save(pdf, deterministic_id=True)
    return mark


def encode(mark: ProofMark) -> str:
    sessions = list(dict.fromkeys(line.session for line in mark.lines))
    index = {sid: i for i, sid in enumerate(sessions)}
    payload = {
        "eventreport-proof": VERSION,
        "event": mark.event,
        "round": mark.round,
        "speaker": mark.speaker,
        "pages": mark.pages,
        "sessions": sessions,
        # [page, top, bottom, session index] per line; the number is the position + 1.
        "lines": [[ln.page, ln.top, ln.bottom, index[ln.session]] for ln in mark.lines],
    }
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":"))


def decode(text: str) -> ProofMark:
    """The mark in `text`; ValueError saying what is wrong when it is not one of ours."""
    if len(text) > MAX_MARK_CHARS:
        raise ValueError("its proof identifier is far too long")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("its proof identifier is damaged") from None
    if not isinstance(data, dict) or data.get("eventreport-proof") != VERSION:
        raise ValueError("its proof identifier is of an unknown kind")
    event, number, speaker = data.get("event"), data.get("round"), data.get("speaker")
    pages, sessions, lines = data.get("pages"), data.get("sessions"), data.get("lines")
    if not (
        _short_text(event)
        and _short_text(speaker)
        and _count(number, 10_000)
        and _count(pages, MAX_PAGES)
        and isinstance(sessions, list)
        and all(_short_text(s) for s in sessions)
        and isinstance(lines, list)
        and len(lines) <= MAX_LINES
    ):
        raise ValueError("its proof identifier is damaged")
    assert isinstance(sessions, list) and isinstance(lines, list)
    assert isinstance(number, int) and isinstance(pages, int)
    marked: list[MarkLine] = []
    for n, entry in enumerate(lines, 1):
        if not (
            isinstance(entry, list)
            and len(entry) == 4
            and _count(entry[0], pages - 1, low=0)
            and all(_coordinate(v) for v in entry[1:3])
            and _count(entry[3], len(sessions) - 1, low=0)
        ):
            raise ValueError("its proof identifier is damaged")
        marked.append(MarkLine(n, entry[0], float(entry[1]), float(entry[2]), sessions[entry[3]]))
    return ProofMark(str(event), number, str(speaker), pages, tuple(marked))


def _short_text(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def _count(value: Any, high: int, low: int = 1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _coordinate(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) < 100_000
    )
