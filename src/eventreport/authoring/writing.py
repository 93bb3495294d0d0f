"""The draft written out: event.yaml with comments that explain it, and the session files.

Values from files are written as quoted YAML strings and comments pass through
`one_line`, so a crafted title or file name cannot add a line of its own. The Markdown
names files only by the ids the draft gave them, never by their names in the folder.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable

from ..i18n import _, ngettext
from .draft import Draft, DraftDeck, DraftPoll, Suggestion
from .text import one_line

WIDTH = 90
QUESTION_LENGTH = 120

DISCUSSION_TITLE = "Discussie"


def quoted(text: str) -> str:
    """`text` as a double-quoted YAML string (JSON's quoting is YAML's too)."""
    return json.dumps(one_line(text, 1000), ensure_ascii=False)


def comment(text: str, indent: str = "") -> list[str]:
    """`text` as YAML comment lines."""
    wrapped = textwrap.wrap(
        one_line(text, 2000),
        WIDTH - 2 - len(indent),
        break_on_hyphens=False,  # an id or a file name stays whole on its line
        break_long_words=False,
    )
    return [f"{indent}# {line}" for line in wrapped]


def _suggested(key: str, value: Suggestion | None, placeholder: str, todo: str) -> list[str]:
    if value is None:
        return [*comment(todo), f"{key}: {quoted(placeholder)}"]
    return [*comment(value.comment), f"{key}: {quoted(value.value)}"]


def event_yaml(draft: Draft) -> str:
    """The new event's event.yaml."""
    lines = [
        *comment(
            (
                _(
                    "The sources of the event {slug}, drafted by `invoke new` from the files"
                    " in {folder}."
                )
                if draft.folder
                else _("The sources of the event {slug}, drafted by `invoke new`.")
            ).format(slug=draft.slug, folder=draft.folder)
        ),
        *comment(
            _(
                "Places marked TODO need a person: write them or check them, then delete the"
                " TODO. Every field is explained in docs/sources.md. To see the report while"
                " you edit, run:"
            )
        ),
        f"#   .venv/bin/invoke preview --event {draft.slug}",
        "",
        *_suggested(
            "title", draft.title, _("TODO The meeting's title"), _("TODO Write the title.")
        ),
        *comment(draft.date.comment),
        f"date: {draft.date.value}",
        *comment(
            _(
                "TODO Write where it took place: the venue and town (e.g. Den Haag, Nieuwspoort),"
                " or online."
            )
        ),
        "place: " + quoted(_("TODO The venue, or online")),
        *_suggested(
            "organiser",
            draft.organiser,
            _("TODO Who organised it"),
            _("TODO Write who organised it."),
        ),
        *comment(_("The language the report is written in: nl or en.")),
        "language: nl",
        *comment(
            _(
                "TODO Write the lead: a few sentences under the title on what the meeting was"
                " about, for whom, and what it brought."
            )
        ),
        "lead: >-",
        "  " + one_line(_("TODO The lead paragraph.")),
        "",
        *_speakers(draft),
        *_decks(draft.decks),
        *_polls(draft.polls),
        *_sessions(draft),
        *_notes(draft),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def _speakers(draft: Draft) -> list[str]:
    lines = comment(
        _(
            "Everyone named in a session, by id (lower-case letters, digits and '-'): name, and"
            " optionally role, organisation, and email (for their proof only)."
            " TODO Add the speakers."
        )
    )
    suggested = {d.author_id: d for d in draft.decks if d.author and d.author_id}
    if suggested:
        lines += comment(
            _(
                "The decks' document properties name the people below as their authors. Such a"
                " name is often whoever made the template, not the speaker, and a name is"
                " personal data: take one in only when that person spoke and agrees to be"
                " named, by deleting the '# ' in front of its two lines."
            )
        )
    lines.append("speakers:")
    for speaker_id, deck in suggested.items():
        lines += [
            f"#  {speaker_id}:  # "
            + _("the author of {file}").format(file=one_line(deck.name, 100)),
            f"#    name: {quoted(deck.author or '')}",
        ]
    return [*lines, ""]


def _decks(decks: tuple[DraftDeck, ...]) -> list[str]:
    if not decks:
        return [
            *comment(
                _(
                    "Slide decks, by id: put the file in decks/ and name it here, e.g."
                    " decks: {{hageman: {{file: decks/hageman.pptx}}}}."
                ).format()
            ),
            "decks:",
            "",
        ]
    lines = comment(
        _(
            "Slide decks, by id. The report offers a copy of each for download, without hidden"
            " slides, speaker notes, comments or the author (add download: false to offer none)."
        )
    )
    lines.append("decks:")
    for deck in decks:
        lines += comment(_("From {file}.").format(file=deck.name), "  ")
        lines += [
            f"  {deck.id}:",
            f"    file: {deck.file}",
            f"    title: {quoted(deck.title.value)}",
        ]
    return [*lines, ""]


def _polls(polls: tuple[DraftPoll, ...]) -> list[str]:
    if not polls:
        return []
    lines = [*comment(_("Poll exports, by id.")), "polls:"]
    for poll in polls:
        lines += comment(_("From {file}.").format(file=poll.name), "  ")
        lines += [f"  {poll.id}:", f"    file: {poll.file}"]
    return [*lines, ""]


def _sessions(draft: Draft) -> list[str]:
    lines = comment(
        _(
            "The programme, in order. TODO Put the sessions in the order they were held (the"
            " draft follows the file names) and name each one's speakers by their ids, e.g."
            " speakers: [suze-hageman]."
        )
    )
    lines.append("sessions:")
    for writeup in draft.writeups:
        if writeup.problem is None:
            lines += _session(writeup.id, writeup.title, None)
    for deck in draft.decks:
        lines += _session(deck.id, deck.title, deck)
    if draft.polls:
        lines += _session(
            draft.discussion_id,
            Suggestion(DISCUSSION_TITLE, _("TODO Check the title of the discussion.")),
            None,
        )
    if not draft.writeups and not draft.decks and not draft.polls:
        lines += _session("welkom", Suggestion("Welkom", _("TODO Write the title.")), None)
    return [*lines, ""]


def _session(session_id: str, title: Suggestion, deck: DraftDeck | None) -> list[str]:
    lines = [f"  - id: {session_id}", *comment(title.comment, "    ")]
    lines.append(f"    title: {quoted(title.value)}")
    if deck is not None and deck.author_id:
        lines += comment(
            _(
                "TODO Who spoke? The deck names {id} as its author (see speakers: above);"
                " check before you name them here."
            ).format(id=deck.author_id),
            "    ",
        )
    lines.append("    speakers: []")
    return lines


def _notes(draft: Draft) -> list[str]:
    kept = [w for w in draft.writeups if w.problem is not None]
    lines: list[str] = []
    for writeup in kept:
        lines += comment(
            _(
                "TODO {file} is kept in notes/{id}.md, not in the report: the build would stop"
                " on it ({problem}). Fix that, move the file into sessions/ and add a session"
                " for it."
            ).format(file=writeup.name, id=writeup.id, problem=writeup.problem)
        )
    if draft.set_aside:
        lines += comment(_("These files of the folder are not used, and nothing of them is here:"))
        for item in draft.set_aside:
            lines += comment(f"- {item.name}: {item.reason}")
    return lines


# --- Session files --------------------------------------------------------------------------


def session_files(draft: Draft) -> dict[str, str]:
    """Path in the event folder -> text, for every session file (and kept write-up)."""
    files: dict[str, str] = {}
    for writeup in draft.writeups:
        folder = "sessions" if writeup.problem is None else "notes"
        files[f"{folder}/{writeup.id}.md"] = writeup.text.rstrip("\n") + "\n"
    for deck in draft.decks:
        files[f"sessions/{deck.id}.md"] = deck_session(deck)
    if draft.polls:
        files[f"sessions/{draft.discussion_id}.md"] = discussion(draft.polls)
    if not draft.writeups and not draft.decks and not draft.polls:
        files["sessions/welkom.md"] = _paragraph(
            _(
                "TODO Write this session here, in Markdown: paragraphs, **bold**, lists, ## for a"
                " sub-heading. To show slides, put the deck in decks/, name it under decks: in"
                " event.yaml, and pull its slides in with a slides block; docs/sources.md shows"
                " how, and how to show poll results."
            )
        )
    return files


def deck_session(deck: DraftDeck) -> str:
    """A session that pulls in the deck's slides and offers it for download."""
    parts = [
        _paragraph(
            _(
                "TODO Write what the speaker told: the main points, what the audience asked, a"
                " quote or two. Below are the slides of {file} that have text; keep those"
                " that help a reader and delete the rest."
            ).format(file=deck.file)
        )
    ]
    block = [f"deck: {deck.id}"]
    if deck.shown:
        block += [f"slides: [{_ranges(deck.shown)}]", "show: list"]
    for left_out in deck.left_out:
        if len(left_out.numbers) == 1:
            said = _("Left out: slide {number}. {reason}").format(
                number=left_out.numbers[0], reason=left_out.reason
            )
        else:
            said = _("Left out: slides {numbers}. {reason}").format(
                numbers=_ranges(left_out.numbers), reason=left_out.reason
            )
        block += comment(said)
    if deck.shown:
        parts.append(_fence("slides", block))
    else:
        parts.append(
            _paragraph(
                _(
                    "TODO None of the slides of {file} can be shown as they are: see the"
                    " comments in event.yaml and docs/sources.md."
                ).format(file=deck.file)
            )
        )
        parts.append(_fence("download", [f"deck: {deck.id}", *block[1:]]))
        return "\n".join(parts)
    parts.append(_fence("download", [f"deck: {deck.id}"]))
    return "\n".join(parts)


def discussion(polls: tuple[DraftPoll, ...]) -> str:
    """The discussion session: every question of every poll export, results only."""
    parts = [
        _paragraph(
            _(
                "TODO Write what was discussed. Below are the results of every poll question;"
                " delete those the report does not need. What people typed is not quoted, as it"
                " may name people: to quote answers, read them (invoke extract on the export),"
                " then list the ones to show in the question's block, e.g. quote: [1, 3]."
            )
        )
    ]
    for poll in polls:
        for question in poll.questions:
            kind = ngettext(
                "{type}, {n} respondent", "{type}, {n} respondents", question.respondents
            ).format(type=question.type, n=question.respondents)
            title = one_line(question.title, QUESTION_LENGTH)
            parts.append(
                _fence(
                    "poll",
                    [
                        f"poll: {poll.id}",
                        f"question: {_question_id(question.id)}",
                        *comment(f"{title} ({kind})"),
                    ],
                )
            )
    return "\n".join(parts)


def _question_id(question_id: str) -> str:
    return question_id if question_id.isdigit() else quoted(question_id)


def _paragraph(text: str) -> str:
    return textwrap.fill(text, WIDTH, break_on_hyphens=False, break_long_words=False) + "\n"


def _fence(kind: str, lines: Iterable[str]) -> str:
    return "\n".join([f"```{kind}", *lines, "```"]) + "\n"


def _ranges(numbers: tuple[int, ...]) -> str:
    """[1, 2, 3, 5] as '1-3, 5': the slides: list as a person would write it."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(
        str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" if len(run) > 2 else
        f"{run[0]}, {run[1]}" for run in runs
    )  # fmt: skip
