"""`invoke proofs --send`: make the round's proofs, e-mail them, record who got what.

Each speaker with an address gets their .eml through the mail server (when invoke.yaml
names one); each accepted message is recorded at once, so a refused address, a lost
connection or a second `--send` never sends anybody the same round twice. A speaker
without an address (or every speaker, without a mail server) is recorded as sent by the
staff themselves, who send the files by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP
from pathlib import Path
from typing import Literal

from ..build import TEMPLATES
from ..errors import MailError
from ..i18n import _
from ..proofstate.deliveries import Delivery, delivered, load_deliveries, record_delivery
from ..proofstate.rounds import Round, load_rounds
from .document import Batch, Proof, make_batch
from .messages import sender
from .smtp import Mailer, SmtpSettings

State = Literal["e-mailed", "by hand", "already sent", "unchanged", "refused"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one speaker's proof (or would, in a dry run)."""

    proof: Proof
    """The proof."""
    state: State
    """e-mailed, by hand, already sent (earlier in this round), unchanged (since a round
    they have, so not sent), or refused."""
    detail: str = ""
    """The server's reason for a refusal; how and when for one already sent."""


@dataclass(frozen=True)
class Sent:
    """The result of `--send` (or of `--send --dry-run`)."""

    batch: Batch
    """The proofs made."""
    outcomes: tuple[Outcome, ...]
    """One per proof, in the speakers' order."""
    server: SmtpSettings | None
    """The mail server used; None when there is none and everything goes by hand."""
    dry_run: bool
    """Nothing was sent or recorded."""


def send_proofs(
    event_dir: Path,
    out_root: Path,
    *,
    smtp: SmtpSettings | None,
    speaker: str | None = None,
    today: dt.date | None = None,
    dry_run: bool = False,
    templates: Path = TEMPLATES,
    progress: Callable[[str], None] = lambda _: None,
) -> Sent:
    """Make the proofs, then send and record them (with `dry_run`, only say what would be)."""
    batch = make_batch(
        event_dir, out_root, speaker=speaker, today=today, templates=templates, progress=progress
    )
    event, day = batch.event, today or dt.date.today()
    rounds, sent = load_rounds(event), load_deliveries(event)
    planned: list[Outcome] = []
    for proof in batch.proofs:
        earlier = delivered(proof.speaker.id, proof.sessions, batch.round, rounds, sent)
        seen = _unchanged_since(proof, batch, rounds, sent)
        if earlier is not None:
            how = _("by e-mail on {day}") if earlier.how == "e-mail" else _("by hand on {day}")
            planned.append(Outcome(proof, "already sent", how.format(day=earlier.on.isoformat())))
        elif seen is not None:
            planned.append(
                Outcome(proof, "unchanged", _("they have round {round}").format(round=seen))
            )
        elif smtp is not None and proof.eml is not None:
            planned.append(Outcome(proof, "e-mailed"))
        else:
            planned.append(Outcome(proof, "by hand"))
    if dry_run:
        return Sent(batch, tuple(planned), smtp, dry_run=True)

    done: list[Outcome] = []
    for outcome in planned:
        if outcome.state == "by hand":
            _record(batch, outcome.proof, day, "hand")
    mail = [o for o in planned if o.state == "e-mailed"]
    if mail:
        assert smtp is not None and batch.event.proofs is not None
        envelope = sender(batch.event, batch.event.proofs).addr_spec
        with Mailer(smtp) as mailer:
            for outcome in mail:
                proof = outcome.proof
                assert proof.eml is not None and proof.speaker.email is not None
                progress(_("e-mailing {name}").format(name=proof.speaker.name))
                try:
                    refusal = mailer.send(_read(proof.eml), envelope, proof.speaker.email)
                except MailError as exc:
                    raise MailError(exc.path, f"{exc.message}; {_so_far(done)}") from None
                if refusal is None:
                    _record(batch, proof, day, "e-mail")
                    done.append(outcome)
                else:
                    done.append(Outcome(proof, "refused", refusal))
    results = {id(o.proof): o for o in done}
    return Sent(batch, tuple(results.get(id(o.proof), o) for o in planned), smtp, dry_run=False)


def _unchanged_since(
    proof: Proof, batch: Batch, rounds: list[Round], sent: list[Delivery]
) -> int | None:
    """The round the speaker was last sent, when their sessions read the same now: a new
    round made for someone else's edit is no reason to send them the same text again."""
    for earlier in reversed([r for r in rounds if r.number < batch.round]):
        if delivered(proof.speaker.id, proof.sessions, earlier.number, rounds, sent):
            same = all(earlier.blocks.get(s) == batch.current.get(s) for s in proof.sessions)
            return earlier.number if same else None
    return None


def _record(batch: Batch, proof: Proof, day: dt.date, how: Literal["e-mail", "hand"]) -> None:
    delivery = Delivery(
        round=batch.round,
        speaker=proof.speaker.id,
        sessions=proof.sessions,
        on=day,
        how=how,
        message_id=proof.message_id if how == "e-mail" else None,
    )
    record_delivery(batch.event, delivery, batch.current)


def _read(eml: Path) -> EmailMessage:
    with eml.open("rb") as handle:
        return BytesParser(policy=SMTP).parse(handle)


def _so_far(done: list[Outcome]) -> str:
    sent = [o.proof.speaker.name for o in done if o.state == "e-mailed"]
    if not sent:
        return _("nothing was e-mailed in this run; run it again when the server is back")
    return _(
        "sent and recorded before that: {names}; run it again to send the rest"
        " (nobody gets theirs twice)"
    ).format(names=", ".join(sent))
