"""`invoke proofs --collect`: the comments of returned proofs into the corrections list.

Each file must be a proof of one of the events asked about, of the round its speaker was
sent last: an older round's line numbers point at text that has changed since. A file
that is refused does not stop the others; the task reports it and fails at the end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import ProofFileError, ReportError
from ..i18n import _
from ..manifest import load_event
from ..model import Event, Speaker
from ..proofstate.corrections import Correction, add_corrections, comment_key
from ..proofstate.deliveries import load_deliveries
from ..proofstate.rounds import load_rounds
from .returned import Comment, Returned, read_returned

MAX_FILES = 500  # files in one collect: fifteen replies, or a folder of a few rounds'


@dataclass(frozen=True)
class Collected:
    """One returned proof taken in."""

    returned: Returned
    """The file, its proof mark and comments."""
    event: Event
    """Its event."""
    speaker: Speaker
    """Whose proof it is."""
    corrections: tuple[tuple[Correction, bool], ...]
    """Each comment's correction as recorded, in the comments' order, with True when it
    is new to the list (False: the same file was collected before)."""


def returned_files(given: list[Path]) -> list[Path]:
    """The files to collect: each file given, and the PDFs directly inside each folder."""
    files: list[Path] = []
    for path in given:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
            if not found:
                raise ProofFileError(path, _("is a folder without PDF files in it"))
            files.extend(found)
        elif not path.exists():
            raise ProofFileError(path, _("does not exist; check the name and folder"))
        else:
            files.append(path)
        if len(files) > MAX_FILES:
            said = _("more than {most} files at once; collect fewer").format(most=MAX_FILES)
            raise ProofFileError(path, said)
    return list(dict.fromkeys(files))


def collect(
    files: list[Path], events: list[Path], today: dt.date
) -> tuple[list[Collected], list[ReportError]]:
    """Collect each file into its event's corrections; returns those taken in and the
    errors of those refused."""
    loaded: dict[str, Event] = {}
    taken: list[Collected] = []
    refused: list[ReportError] = []
    by_slug = {folder.name: folder for folder in events}
    for path in returned_files(files):
        try:
            returned = read_returned(path)
            slug = returned.mark.event
            if slug not in by_slug:
                names = ", ".join(sorted(by_slug))
                raise ProofFileError(
                    path,
                    (
                        _("is a proof of the event '{slug}', not of {names}")
                        if len(by_slug) > 1
                        else _(
                            "is a proof of the event '{slug}', not of {names}; collect it with"
                            " --event {slug}"
                        )
                    ).format(slug=slug, names=names),
                )
            if slug not in loaded:
                loaded[slug] = load_event(by_slug[slug])
            taken.append(_take(returned, loaded[slug], today))
        except ProofFileError as exc:
            refused.append(exc)
    return taken, refused


def _take(returned: Returned, event: Event, today: dt.date) -> Collected:
    mark, path = returned.mark, returned.path
    speaker = event.speakers.get(mark.speaker)
    if speaker is None:
        raise ProofFileError(
            path,
            _("is the proof of '{id}', who is no longer a speaker in event.yaml").format(
                id=mark.speaker
            ),
        )
    latest = _latest_round(event, speaker)
    if latest is None or mark.round > latest[0]:
        raise ProofFileError(
            path,
            _(
                "is {name}'s proof of round {round}, which was never recorded as"
                " sent to them (invoke proofs --send records it); their comments cannot be"
                " placed against a round on record"
            ).format(name=speaker.name, round=mark.round),
        )
    if mark.round < latest[0]:
        raise ProofFileError(
            path,
            _(
                "is {name}'s proof of round {round}, but round {latest} was sent"
                " to them on {day}: its line numbers are different. Ask them"
                " to put their comments in the proof of round {latest}, or copy these over"
                " yourself"
            ).format(
                name=speaker.name, round=mark.round, latest=latest[0], day=latest[1].isoformat()
            ),
        )
    corrections = [_correction(path, mark.speaker, mark.round, c, today) for c in returned.comments]
    recorded = add_corrections(event, corrections) if corrections else []
    return Collected(returned, event, speaker, tuple(recorded))


def _latest_round(event: Event, speaker: Speaker) -> tuple[int, dt.date] | None:
    """The last round sent to `speaker`, and when."""
    deliveries = load_deliveries(event)
    own = {s.id for s in event.sessions if speaker.id in s.speakers}
    with_deliveries = {d.round for d in deliveries}
    # Rounds recorded before deliveries were count for everyone in them.
    legacy = [
        (r.number, r.sent)
        for r in load_rounds(event)
        if r.number not in with_deliveries and own & set(r.blocks)
    ]
    found = [(d.round, d.on) for d in deliveries if d.speaker == speaker.id] + legacy
    return max(found) if found else None


def _correction(
    path: Path, speaker: str, round_: int, comment: Comment, today: dt.date
) -> Correction:
    return Correction(
        number=0,
        status="open",
        speaker=speaker,
        session=comment.session,
        round=round_,
        page=comment.page,
        line=comment.line,
        kind=comment.kind,
        words=comment.words,
        text=comment.text,
        replies=comment.replies,
        context=comment.context,
        file=path.name,
        collected=today,
        key=comment_key(
            speaker, round_, comment.identity, comment.kind, comment.text, comment.words
        ),
    )
