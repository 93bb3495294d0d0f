"""Who was sent which proof round, and how: `sources/<event>/proofs/sent.json`.

One entry per speaker and round, written as soon as their proof is out (the mail server
accepted it, or the staff send it themselves), so a repeated `--send` of the same round
sends nobody the same proof twice. Addresses are not kept here: event.yaml holds them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from ..errors import SourceError
from ..model import Event
from ..yamlfile import read_inside
from .rounds import Round, proofs_dir, record_round

How = Literal["e-mail", "hand"]
MAX_FILE = 16 * 1024 * 1024  # thousands of rounds' worth; more is not a file we wrote
SENT_FILE = "sent.json"


@dataclass(frozen=True)
class Delivery:
    """One speaker's proof of one round, sent."""

    round: int
    """The round."""
    speaker: str
    """The speaker's id."""
    sessions: tuple[str, ...]
    """Their sessions in that proof."""
    on: dt.date
    """The day it was sent."""
    how: How
    """"e-mail" (sent by this program) or "hand" (the staff send it themselves)."""
    message_id: str | None = None
    """The e-mail's Message-ID, so a reply can be matched to it."""


def sent_path(event: Event) -> Path:
    return proofs_dir(event) / SENT_FILE


def load_deliveries(event: Event) -> list[Delivery]:
    """Every delivery on record, oldest first."""
    path = sent_path(event)
    if not path.is_file():
        return []
    if path.stat().st_size > MAX_FILE:
        raise SourceError(path, f"is larger than {MAX_FILE // 2**20} MiB; {_RESTORE}")
    try:
        data = json.loads(read_inside(event.root, path, MAX_FILE))
        found = [
            Delivery(
                round=_number(entry["round"]),
                speaker=str(entry["speaker"]),
                sessions=tuple(str(s) for s in entry["sessions"]),
                on=dt.date.fromisoformat(entry["on"]),
                how=_how(entry["how"]),
                message_id=str(entry["message_id"]) if entry.get("message_id") else None,
            )
            for entry in data["sent"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise SourceError(path, f"not a record of sent proofs ({exc}); {_RESTORE}") from None
    return found


def record_delivery(event: Event, delivery: Delivery, blocks: dict[str, list[str]]) -> Round:
    """Record that `delivery` went out: its sessions as sent into the round's file, then
    the delivery itself; returns the round as now recorded."""
    recorded = record_round(event, delivery.round, blocks, list(delivery.sessions), delivery.on)
    entries = [*load_deliveries(event), delivery]
    payload = {
        "sent": [
            {**asdict(d), "sessions": list(d.sessions), "on": d.on.isoformat()} for d in entries
        ]
    }
    path = sent_path(event)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return recorded


def delivered(
    speaker: str, sessions: tuple[str, ...], number: int, rounds: list[Round], sent: list[Delivery]
) -> Delivery | None:
    """How `speaker` got round `number`, or None if they did not. A round recorded before
    deliveries were (a plain `--send`) counts as sent by hand to every speaker in it."""
    for entry in sent:
        if entry.round == number and entry.speaker == speaker:
            return entry
    if any(entry.round == number for entry in sent):
        return None
    legacy = next((r for r in rounds if r.number == number), None)
    if legacy is not None and any(s in legacy.blocks for s in sessions):
        return Delivery(number, speaker, sessions, legacy.sent, "hand")
    return None


def _number(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"round {value!r} is not a round number")
    return value


def _how(value: object) -> How:
    if value == "e-mail":
        return "e-mail"
    if value == "hand":
        return "hand"
    raise ValueError(f"'how' is {value!r}, not e-mail or hand")


_RESTORE = "restore it from version control rather than editing it by hand"
