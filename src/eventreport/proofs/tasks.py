"""What the `invoke proofs` task does and prints: which options go together, and for each
kind of run the text to show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..assemble import assemble
from ..build import TEMPLATES
from ..errors import ReportError
from ..i18n import _, current, ngettext
from ..manifest import load_event
from ..model import Event
from ..proofstate.blocks import session_blocks
from ..proofstate.corrections import (
    Correction,
    Status,
    corrections_path,
    load_corrections,
    mark_corrections,
)
from ..proofstate.deliveries import delivered, load_deliveries
from ..proofstate.rounds import load_rounds, record_approval, statuses
from ..render.html import render_page
from ..templating import environment
from ..textutil import human_size
from .smtp import smtp_settings

if TYPE_CHECKING:
    # Making, sending and collecting proofs load the PDF engine and readers; --status,
    # --approve, --done and --reject need none of them (issue 17).
    from .collect import Collected
    from .document import Proof
    from .sending import Sent


class UsageError(ReportError):
    """Options of `invoke proofs` that do not go together."""


@dataclass(frozen=True)
class Options:
    """The options of one `invoke proofs` run."""

    speaker: str | None = None
    """Only this speaker's proof."""
    send: bool = False
    """Send the proofs and record the round."""
    dry_run: bool = False
    """With send: only show what would be sent."""
    status: bool = False
    """Show where every session stands."""
    approve: str | None = None
    """Record this session's approval."""
    by: str | None = None
    """Who approved it."""
    date: dt.date | None = None
    """The day to record (default today)."""
    collect: tuple[str, ...] = ()
    """Returned proofs (files or folders) to collect."""
    done: tuple[str, ...] = ()
    """Correction numbers to mark done."""
    reject: tuple[str, ...] = ()
    """Correction numbers to mark rejected."""
    note: str | None = None
    """With done/reject: the staff's note."""


def mode(o: Options, events: int) -> str:
    """The kind of run the options ask for; UsageError for options that have no effect
    together (an option is never silently ignored)."""
    asked = [
        name
        for name, given in (
            ("--status", o.status),
            ("--approve", o.approve is not None),
            ("--collect", bool(o.collect)),
            ("--done/--reject", bool(o.done or o.reject)),
        )
        if given
    ]
    if len(asked) > 1:
        raise UsageError(
            None,
            _("{options} are separate runs; give one at a time").format(
                options=_(" and ").join(asked)
            ),
        )
    chosen = asked[0] if asked else "make"
    allowed = {
        "make": {"--speaker", "--send", "--dry-run", "--date"},
        "--status": set(),
        "--approve": {"--by", "--date"},
        "--collect": {"--date"},
        "--done/--reject": {"--note", "--date"},
    }[chosen]
    given = {
        "--speaker": o.speaker is not None,
        "--send": o.send,
        "--dry-run": o.dry_run,
        "--by": o.by is not None,
        "--date": o.date is not None,
        "--note": o.note is not None,
    }
    for flag, present in given.items():
        if present and flag not in allowed:
            raise UsageError(None, _where_it_belongs(flag, chosen))
    if chosen == "make" and o.dry_run and not o.send:
        raise UsageError(None, _("--dry-run goes with --send: it shows what --send would send"))
    if chosen == "--approve" and not o.by:
        raise UsageError(None, _("--approve needs --by NAME: who approved it"))
    if chosen in ("--approve", "--done/--reject") and events > 1:
        raise UsageError(
            None, _("{option} is for one event: say which with --event").format(option=chosen)
        )
    return chosen


def _where_it_belongs(flag: str, chosen: str) -> str:
    home = {
        "--speaker": _("making or sending proofs"),
        "--send": _("making proofs (not with --status, --approve, --collect, --done)"),
        "--dry-run": "--send",
        "--by": "--approve",
        "--date": _("--send, --approve, --collect or --done/--reject"),
        "--note": _("--done or --reject"),
    }[flag]
    doing = _("making proofs") if chosen == "make" else chosen
    return _("{option} has no effect with {doing}; it goes with {home}").format(
        option=flag, doing=doing, home=home
    )


def run(
    options: Options,
    events: list[Path],
    out_root: Path,
    smtp_config: Any,
    progress: Callable[[str], None],
) -> tuple[str, bool]:
    """Do what the options ask for every event; returns the text to print and whether
    something failed that the staff must act on (a refused e-mail or file)."""
    chosen = mode(options, len(events))
    day = options.date or dt.date.today()
    if chosen == "--collect":
        from .collect import collect

        taken, refused = collect([Path(p) for p in options.collect], events, day)
        return show_collected(taken, refused), bool(refused)
    if chosen == "--done/--reject":
        return mark(events[0], options), False
    if chosen == "--approve":
        assert options.approve is not None and options.by is not None
        return approve_session(events[0], options.approve, options.by, options.date), False
    if chosen == "--status":
        return "\n\n".join(show_status(folder, out_root) for folder in events), False
    smtp = smtp_settings(smtp_config) if options.send else None
    texts, failed = [], False
    for folder in events:
        if options.send:
            from .sending import send_proofs

            sent = send_proofs(
                folder,
                out_root,
                smtp=smtp,
                speaker=options.speaker,
                today=options.date,
                dry_run=options.dry_run,
                progress=progress,
            )
            texts.append(show_sent(sent, day))
            failed = failed or any(o.state == "refused" for o in sent.outcomes)
        else:
            texts.append(
                make(folder, out_root, speaker=options.speaker, day=options.date, progress=progress)
            )
    return "\n\n".join(texts), failed


def make(
    folder: Path,
    out_root: Path,
    *,
    speaker: str | None,
    day: dt.date | None,
    progress: Callable[[str], None],
) -> str:
    from .document import make_batch

    batch = make_batch(folder, out_root, speaker=speaker, today=day, progress=progress)
    lines = _made(batch.event, batch.proofs, batch.round, day)
    if batch.proofs:
        lines.append(
            _(
                "Not sent: --send e-mails them (or records that you send them yourself);"
                " --send --dry-run shows what it would do."
            )
        )
    return "\n".join(lines)


def _made(event: Event, made: list[Proof], number: int, day: dt.date | None) -> list[str]:
    if not made:
        return [_("No speaker has a session, so there are no proofs to make.")]
    lines = [
        _("Proofs, round {round}, in build/{slug}/proofs/:").format(round=number, slug=event.slug)
    ]
    settings = event.proofs
    today = day or dt.date.today()
    if settings is not None and settings.deadline is not None and settings.deadline < today:
        lines.insert(
            0,
            _(
                "WARNING the deadline in event.yaml ({deadline}) is before the proofs' date"
                " ({today}); set a new 'deadline:' under 'proofs:'."
            ).format(deadline=settings.deadline.isoformat(), today=today.isoformat()),
        )
    for proof in made:
        since = (
            _("first round")
            if proof.since is None
            else ngettext(
                "{n} change since round {round}", "{n} changes since round {round}", proof.changes
            ).format(n=proof.changes, round=proof.since)
        )
        files = ".pdf / .html / .txt" + (" / .eml" if proof.eml else "")
        lines.append(f"  {proof.speaker.id}{files}  ({proof.speaker.name}; {since})")
    without = [p.speaker.name for p in made if p.eml is None]
    if without:
        lines.append(
            "  "
            + _(
                "No e-mail address in event.yaml for: {names} (add 'email:' to a speaker to"
                " have their proof e-mailed)."
            ).format(names=", ".join(without))
        )
    return lines


def show_sent(sent: Sent, day: dt.date) -> str:
    batch = sent.batch
    lines = _made(batch.event, batch.proofs, batch.round, day)
    if not batch.proofs:
        return "\n".join(lines)
    would = sent.dry_run
    if sent.server is not None:
        lines.append(_("Mail server: {server}.").format(server=sent.server.describe()))
    else:
        lines.append(
            _(
                "No mail server is set (eventreport.smtp in invoke.yaml), so nothing is e-mailed:"
                " you send each proof yourself (its .eml, or the .pdf, .html and .txt)."
            )
        )
    groups: dict[str, list[str]] = {}
    for outcome in sent.outcomes:
        proof = outcome.proof
        if outcome.state == "e-mailed":
            assert proof.eml is not None
            size = human_size(proof.eml.stat().st_size, current())
            entry = f"{proof.speaker.name} <{proof.speaker.email}> ({proof.eml.name}, {size})"
        elif outcome.state == "refused":
            entry = f"{proof.speaker.name} <{proof.speaker.email}>: {outcome.detail}"
        elif outcome.state in ("already sent", "unchanged"):
            entry = f"{proof.speaker.name} ({outcome.detail})"
        else:
            entry = f"{proof.speaker.name} ({proof.pdf.name})"
        groups.setdefault(outcome.state, []).append(entry)
    headings = {
        "e-mailed": _("Would e-mail:") if would else _("E-mailed, and recorded:"),
        "by hand": (
            _("Would record as sent by you (send these yourself):")
            if would
            else _("Recorded as sent by you (send these yourself):")
        ),
        "already sent": _("Already sent round {round}, so not sent again:").format(
            round=batch.round
        ),
        "unchanged": _("Their part is unchanged since the round they have, so not sent:"),
        "refused": _("REFUSED by the mail server, not recorded:"),
    }
    for state in ("e-mailed", "by hand", "already sent", "unchanged", "refused"):
        if state in groups:
            lines.append(headings[state])
            lines.extend(f"  {entry}" for entry in groups[state])
    if "refused" in groups:
        lines.append(
            "  "
            + _(
                "Check these addresses ('email:' under the speaker in event.yaml) and run"
                " --send again: only the proofs not yet sent go out."
            )
        )
    if would:
        lines.append(_("Dry run: nothing was sent or recorded."))
    elif set(groups) <= {"already sent", "unchanged"}:
        lines.append(
            _(
                "Round {round} was already sent to each of them: nothing was sent again."
                " Change the sources to make a next round."
            ).format(round=batch.round)
        )
    else:
        lines.append(
            _("Round {round} recorded in sources/{slug}/proofs/.").format(
                round=batch.round, slug=batch.event.slug
            )
        )
    return "\n".join(lines)


def show_status(folder: Path, out_root: Path) -> str:
    event = load_event(folder)
    report = assemble(event)
    page = render_page(environment(TEMPLATES, folder / "templates"), report, "screen")
    by_session = {s.session: s for s in statuses(event, session_blocks(page))}
    rounds, sent = load_rounds(event), load_deliveries(event)
    rows = [(_("Speaker"), _("Session"), _("Status"), _("Round"), _("Sent / approved"))]
    for person in event.speakers.values():
        own = tuple(s.id for s in event.sessions if person.id in s.speakers)
        for sid in own:
            st = by_session[sid]
            round_no = str(st.last_round.number) if st.last_round else "-"
            if st.approval is not None:
                when = _("approved {day} by {name}").format(
                    day=st.approval.on.isoformat(), name=st.approval.by
                )
            elif st.last_round is not None:
                got = delivered(person.id, own, st.last_round.number, rounds, sent)
                if not got:
                    when = _("not sent to this speaker")
                elif got.how == "e-mail":
                    when = _("e-mailed {day}").format(day=got.on.isoformat())
                else:
                    when = _("sent {day}").format(day=got.on.isoformat())
            else:
                when = ""
            rows.append((person.name, sid, st.state, round_no, when))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    text = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    text.insert(1, "  ".join("-" * w for w in widths))
    waiting = {s.session for s in by_session.values() if s.state != "approved"}
    total = len(event.sessions)
    approved = ngettext(
        "{done} of {n} session approved.", "{done} of {n} sessions approved.", total
    ).format(done=total - len(waiting), n=total)
    if waiting:
        approved += " " + _(
            "The final version (invoke publish / build --final) waits for the rest."
        )
    text.append("\n" + approved)
    corrections = load_corrections(event)
    still = [c for c in corrections if c.status == "open"]
    if corrections:
        said = (
            _("Corrections: {open} open of {n} (sources/{slug}/proofs/corrections.yaml):")
            if still
            else _(
                "Corrections: {open} open of {n} (sources/{slug}/proofs/corrections.yaml);"
                " none open."
            )
        )
        text.append("\n" + said.format(open=len(still), n=len(corrections), slug=event.slug))
        text.extend(f"  {_correction_line(c, event)}" for c in still)
        if still:
            text.append(
                "  "
                + _(
                    "When made in the sources: invoke proofs --done N; when not: invoke proofs"
                    ' --reject N --note "why".'
                )
            )
    return "\n".join(text)


def _correction_line(c: Correction, event: Event) -> str:
    name = event.speakers[c.speaker].name if c.speaker in event.speakers else c.speaker
    where = _("line {number}").format(number=c.line) if c.line is not None else _("no line")
    return _("#{number} {name}, round {round}, p. {page} {where}: {said}").format(
        number=c.number, name=name, round=c.round, page=c.page, where=where, said=_describe(c)
    )


def _describe(c: Correction) -> str:
    """A comment in one line: 'replace “2021” by “2020”', 'note: ...'."""
    text, words = _short(c.text), _short(c.words)
    if c.kind == "replace":
        said = f"replace “{words}” by “{text}”"
    elif c.kind == "insert":
        said = f"insert “{text}”"
    elif c.kind == "strike-out":
        said = f"delete “{words}”" + (f": {text}" if text else "")
    elif words:
        said = f"{c.kind} “{words}”" + (f": {text}" if text else "")
    else:
        said = f"{c.kind}: {text}" if text else c.kind
    if c.replies:
        said += f" (replies: {' / '.join(_short(r) for r in c.replies)})"
    return said


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def show_collected(taken: list[Collected], refused: list[ReportError]) -> str:
    lines: list[str] = []
    for item in taken:
        returned = item.returned
        head = f"{returned.path.name}: {item.speaker.name}'s proof, round {returned.mark.round}"
        if not returned.comments:
            lines.append(
                f"{head}: no comments in it. If they approve, record it: invoke proofs"
                f' --approve SESSION --by "{item.speaker.name}".'
            )
            continue
        lines.append(f"{head}: {len(returned.comments)} comment(s)")
        for comment, (correction, new) in zip(returned.comments, item.corrections, strict=True):
            where = f"line {comment.line}" if comment.line is not None else "no line"
            if comment.last_line not in (None, comment.line):
                where = f"lines {comment.line}-{comment.last_line}"
            lines.append(
                f"  #{correction.number} p. {comment.page} {where}: {_describe(correction)}"
                + ("" if new else " (listed before)")
            )
            if comment.context and not comment.words:
                lines.append(f"      on the line: “{_short(comment.context, 100)}”")
        added = sum(1 for _, new in item.corrections if new)
        if added:
            lines.append(f"  Added {added} to sources/{item.event.slug}/proofs/corrections.yaml.")
    for error in refused:
        lines.append(f"REFUSED {error}")
    if not taken and not refused:
        lines.append("No files to collect.")
    return "\n".join(lines)


def mark(folder: Path, options: Options) -> str:
    event = load_event(folder)
    lines = []
    for status, given in (("done", options.done), ("rejected", options.reject)):
        if not given:
            continue
        numbers = [_correction_number(n) for n in given]
        marked = mark_corrections(event, numbers, _status(status), options.note)
        for c in marked:
            lines.append(f"#{c.number} marked {status}: {_correction_line(c, event)}")
    still = [c for c in load_corrections(event) if c.status == "open"]
    lines.append(
        f"{len(still)} correction(s) still open in {corrections_path(event).name}."
        if still
        else "No corrections open."
    )
    return "\n".join(lines)


def _correction_number(text: str) -> int:
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdigit() or len(cleaned) > 9:
        raise UsageError(None, f"'{text}' is not a correction number (see invoke proofs --status)")
    return int(cleaned)


def _status(value: str) -> Status:
    return "done" if value == "done" else "rejected"


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
    still = [c for c in load_corrections(event) if c.status == "open" and c.session == session]
    if still:
        lines.append(
            f"  NB: corrections {', '.join(f'#{c.number}' for c in still)} to this session are"
            " still open; the final version waits until they are done or rejected."
        )
    return "\n".join(lines)
