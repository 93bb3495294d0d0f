"""What the `invoke proofs` task prints: each function returns the text to show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ..assemble import assemble
from ..build import TEMPLATES
from ..manifest import load_event
from ..proofstate.blocks import session_blocks
from ..proofstate.rounds import record_approval, statuses
from ..render.html import render_page
from ..templating import environment
from .document import make_proofs


def make(
    folder: Path,
    out_root: Path,
    *,
    speaker: str | None,
    send: bool,
    day: dt.date | None,
    progress: Callable[[str], None],
) -> str:
    made = make_proofs(folder, out_root, speaker=speaker, today=day, send=send, progress=progress)
    if not made:
        return "No speaker has a session, so there are no proofs to make."
    lines = [f"Proofs, round {made[0].round}, in build/{folder.name}/proofs/:"]
    settings = load_event(folder).proofs
    today = day or dt.date.today()
    if settings is not None and settings.deadline is not None and settings.deadline < today:
        lines.insert(
            0,
            f"WARNING the deadline in event.yaml ({settings.deadline.isoformat()}) is before"
            f" the proofs' date ({today.isoformat()}); set a new 'deadline:' under 'proofs:'.",
        )
    for proof in made:
        since = (
            "first round"
            if proof.since is None
            else f"{proof.changes} change(s) since round {proof.since}"
        )
        lines.append(f"  {proof.speaker.id}.pdf / .html / .txt  ({proof.speaker.name}; {since})")
    if send:
        lines.append(f"Round {made[0].round} recorded in sources/{folder.name}/proofs/.")
    else:
        lines.append("Not recorded as sent: add --send when you send these to the speakers.")
    return "\n".join(lines)


def show_status(folder: Path, out_root: Path) -> str:
    event = load_event(folder)
    report = assemble(event)
    page = render_page(environment(TEMPLATES, folder / "templates"), report, "screen")
    by_session = {s.session: s for s in statuses(event, session_blocks(page))}
    rows = [("Speaker", "Session", "Status", "Round", "Date / by")]
    for person in event.speakers.values():
        for session in (s for s in event.sessions if person.id in s.speakers):
            st = by_session[session.id]
            round_no = str(st.last_round.number) if st.last_round else "-"
            if st.approval is not None:
                when = f"{st.approval.on.isoformat()} {st.approval.by}"
            elif st.last_round is not None:
                when = f"sent {st.last_round.sent.isoformat()}"
            else:
                when = ""
            rows.append((person.name, session.id, st.state, round_no, when))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    text = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    text.insert(1, "  ".join("-" * w for w in widths))
    waiting = {s.session for s in by_session.values() if s.state != "approved"}
    text.append(
        f"\n{len(event.sessions) - len(waiting)} of {len(event.sessions)} sessions approved."
        + (
            " The final version (invoke publish / build --final) waits for the rest."
            if waiting
            else ""
        )
    )
    return "\n".join(text)


def approve_session(folder: Path, session: str, by: str, day: dt.date | None) -> str:
    event = load_event(folder)
    approval = record_approval(event, session, by, day or dt.date.today())
    which = f"round {approval.round}" if approval.round else "no recorded round"
    lines = [
        f"Recorded: '{session}' approved by {approval.by} on {approval.on.isoformat()} ({which})."
    ]
    speakers = [
        event.speakers[s].name for s in next(x for x in event.sessions if x.id == session).speakers
    ]
    if speakers and by not in speakers:
        lines.append(
            f"  NB: {by} is not a speaker of this session ({', '.join(speakers)}); recorded anyway."
        )
    report = assemble(event)
    page = render_page(environment(TEMPLATES, folder / "templates"), report, "screen")
    status = next(s for s in statuses(event, session_blocks(page)) if s.session == session)
    if status.state == "changed":
        lines.append(
            f"  NB: the text changed after round {approval.round} was sent, so this approval"
            " does not count yet: send a new round (invoke proofs --send) for it to see."
        )
    return "\n".join(lines)
