"""Proof rounds and approvals, kept in the event's sources so they travel with it.

- `proofs/round-N.json` is written by `invoke proofs --send`: per session, its text blocks
  as sent, so the next round can show what changed since the speaker last saw it.
- `proofs/approvals.yaml` is written by `invoke proofs --approve` or by hand: per session,
  who approved it, when, and which round they approved.
A session is approved only while its text still equals the round that was approved.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from ..errors import ApprovalError, SourceError
from ..i18n import _
from ..model import Event
from ..yamlfile import Mapping, load_inside, read_inside
from .corrections import open_corrections

State = Literal["draft", "sent", "approved", "changed"]
_ROUND_FILE = re.compile(r"^round-(\d+)\.json$")


@dataclass(frozen=True)
class Round:
    """One recorded proof round."""

    number: int
    """1, 2, ... in the order they were sent."""
    sent: dt.date
    """Day the round was sent."""
    blocks: dict[str, list[str]]
    """Session id to its text blocks as sent (only the sessions in this round)."""


@dataclass(frozen=True)
class Approval:
    """A speaker's approval of a session."""

    by: str
    """Who approved it."""
    on: dt.date
    """When."""
    round: int | None
    """The round they approved; None when approved without a recorded round."""


@dataclass(frozen=True)
class Status:
    """Where one session stands."""

    session: str
    """Session id."""
    state: State
    """draft (never sent), sent, approved, or changed (approved, but edited since)."""
    last_round: Round | None
    """The latest round that included the session."""
    approval: Approval | None
    """The approval on record, if any."""


def proofs_dir(event: Event) -> Path:
    return event.root / "proofs"


def load_rounds(event: Event) -> list[Round]:
    """Every recorded round, oldest first."""
    rounds: list[Round] = []
    folder = proofs_dir(event)
    for path in sorted(folder.glob("round-*.json")) if folder.is_dir() else []:
        match = _ROUND_FILE.match(path.name)
        if not match:
            continue
        try:
            data = json.loads(read_inside(event.root, path))
            rounds.append(
                Round(
                    number=int(data["round"]),
                    sent=dt.date.fromisoformat(data["sent"]),
                    blocks={k: [str(t) for t in v] for k, v in data["sessions"].items()},
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SourceError(
                path,
                _(
                    "not a proof round file eventreport can read ({problem}); restore it from"
                    " version control rather than editing it by hand"
                ).format(problem=exc),
            ) from None
    return sorted(rounds, key=lambda r: r.number)


def load_approvals(event: Event) -> dict[str, Approval]:
    """Approvals on record, by session id."""
    path = proofs_dir(event) / "approvals.yaml"
    if not path.is_file():
        return {}
    data = load_inside(event.root, path)
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise SourceError(path, _("must list sessions, each with 'by:' and 'date:' below it"))
    approvals: dict[str, Approval] = {}
    for session_id, entry in data.items():
        line = f"line {data.line_of(session_id)}"
        if session_id not in {s.id for s in event.sessions}:
            said = _("'{id}' is not a session of this event").format(id=session_id)
            raise SourceError(path, said, line)
        if not isinstance(entry, Mapping) or "by" not in entry or "date" not in entry:
            said = _("'{id}' needs 'by:' and 'date:' below it").format(id=session_id)
            raise SourceError(path, said, line)
        try:
            on = dt.date.fromisoformat(str(entry["date"]))
        except ValueError:
            said = _("date '{value}' is not YYYY-MM-DD").format(value=entry["date"])
            raise SourceError(path, said, line) from None
        number = entry.get("round")
        if number is not None and not isinstance(number, int):
            raise SourceError(
                path, _("round '{value}' must be a number").format(value=number), line
            )
        approvals[session_id] = Approval(by=str(entry["by"]), on=on, round=number)
    return approvals


def statuses(event: Event, current: dict[str, list[str]]) -> list[Status]:
    """The status of every session, given its current text blocks."""
    rounds = load_rounds(event)
    approvals = load_approvals(event)
    by_number = {r.number: r for r in rounds}
    result: list[Status] = []
    for session in event.sessions:
        last = next((r for r in reversed(rounds) if session.id in r.blocks), None)
        approval = approvals.get(session.id)
        state: State
        if approval is not None:
            approved_round = by_number.get(approval.round) if approval.round else None
            unchanged = approved_round is None or approved_round.blocks.get(
                session.id
            ) == current.get(session.id)
            state = "approved" if unchanged else "changed"
        else:
            state = "sent" if last else "draft"
        result.append(Status(session.id, state, last, approval))
    return result


def require_approval(event: Event, current: dict[str, list[str]], force: bool) -> list[str]:
    """Refuse a final build while sessions are unapproved or corrections to them are still
    open; with `force`, return warnings."""
    waiting = [s for s in statuses(event, current) if s.state != "approved"]
    titles = {s.id: s.title for s in event.sessions}
    lines = [f"{s.session} ({titles[s.session]}): {_explain(s)}" for s in waiting]
    open_ones = open_corrections(event)
    for sid in dict.fromkeys(c.session for c in open_ones):
        numbers = ", ".join(f"#{c.number}" for c in open_ones if c.session == sid)
        what = f"{sid} ({titles[sid]})" if sid in titles else _("outside the sessions")
        lines.append(
            _("{what}: corrections {numbers} still open").format(what=what, numbers=numbers)
        )
    if not lines:
        return []
    if not force:
        raise ApprovalError(
            event.root / "proofs" / "approvals.yaml",
            _("not every session is approved and corrected, so the final version is not made:")
            + "\n    "
            + "\n    ".join(lines)
            + "\n  "
            + _(
                "Record approvals with 'invoke proofs --approve SESSION --by NAME', mark"
                " corrections with 'invoke proofs --done N' (or --reject N), or add --force to"
                " publish anyway (it will say so)."
            ),
        )
    return [_("--force: published although {reason}").format(reason=line) for line in lines]


def _explain(status: Status) -> str:
    if status.state == "draft":
        return _("no proof sent yet")
    if status.state == "changed" and status.approval:
        return _("approved by {name} on {day}, but edited since; send a new round").format(
            name=status.approval.by, day=status.approval.on.isoformat()
        )
    assert status.last_round is not None
    last = status.last_round
    return _("sent in round {round} on {day}, not approved yet").format(
        round=last.number, day=last.sent.isoformat()
    )


def record_round(
    event: Event, number: int, blocks: dict[str, list[str]], sessions: list[str], sent: dt.date
) -> Round:
    """Record `sessions` as they are now in round `number`'s file: a new round, or one
    sent in parts (to a speaker whose e-mail was refused before, or one made later)."""
    earlier = next((r for r in load_rounds(event) if r.number == number), None)
    folder = proofs_dir(event)
    folder.mkdir(exist_ok=True)
    payload: dict[str, Any] = {
        "round": number,
        "sent": (earlier.sent if earlier else sent).isoformat(),
        "sessions": {**(earlier.blocks if earlier else {}), **{s: blocks[s] for s in sessions}},
    }
    path = folder / f"round-{number}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return Round(number, dt.date.fromisoformat(payload["sent"]), payload["sessions"])


def record_approval(event: Event, session_id: str, by: str, on: dt.date) -> Approval:
    """Add or replace a session's approval, for the latest round that included it."""
    if session_id not in {s.id for s in event.sessions}:
        known = ", ".join(s.id for s in event.sessions)
        raise SourceError(
            event.root / "event.yaml",
            _("no session '{id}' (sessions: {known})").format(id=session_id, known=known),
        )
    last = next((r for r in reversed(load_rounds(event)) if session_id in r.blocks), None)
    approvals = load_approvals(event)
    approvals[session_id] = Approval(by=by, on=on, round=last.number if last else None)
    folder = proofs_dir(event)
    folder.mkdir(exist_ok=True)
    data = {
        sid: {"by": a.by, "date": a.on.isoformat(), **({"round": a.round} if a.round else {})}
        for sid, a in approvals.items()
    }
    path = folder / "approvals.yaml"
    header = "# Approvals per session: who approved which proof round, and when.\n"
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return approvals[session_id]
