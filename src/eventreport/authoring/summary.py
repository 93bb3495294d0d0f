"""What `invoke new` tells the person who ran it: what was made, what was left, what next."""

from __future__ import annotations

from ..i18n import _, ngettext
from .new import NewEvent
from .text import one_line


def summary(made: NewEvent, shown: str) -> list[str]:
    """Lines to print; `shown` is the new folder as the person would type it."""
    draft = made.draft
    slug = draft.slug
    lines = [_("Made {folder}/:").format(folder=shown)]
    lines += [f"  {name}" for name in made.files]
    for deck in draft.decks:
        for left_out in (item for item in deck.left_out if item.said):
            numbers = ", ".join(str(n) for n in left_out.numbers)
            said = ngettext(
                "NOTE {file}: slide {numbers} is left out. {reason}",
                "NOTE {file}: slides {numbers} are left out. {reason}",
                len(left_out.numbers),
            )
            lines.append(
                "  " + said.format(file=deck.file, numbers=numbers, reason=left_out.reason)
            )
    for writeup in draft.writeups:
        if writeup.problem is not None:
            lines.append(
                "  "
                + _("NOTE {file} is kept in notes/{id}.md, not in the report: {problem}").format(
                    file=one_line(writeup.name), id=writeup.id, problem=writeup.problem
                )
            )
    if any(deck.author for deck in draft.decks):
        lines.append(
            "  "
            + _(
                "NOTE The decks name their authors in their document properties; event.yaml"
                " lists them under speakers: as comments, for you to check. None is in the"
                " report until you take them in."
            )
        )
    if made.set_aside:
        lines.append(_("Not used from the folder:"))
        lines += [f"  {one_line(item.name)}: {item.reason}" for item in made.set_aside]
    lines += [
        _(
            "Next: write the places marked TODO in event.yaml and sessions/ (the report shows"
            " them until you do), and watch the report while you edit:"
        ),
        f"  .venv/bin/invoke preview --event {slug}",
    ]
    return lines
