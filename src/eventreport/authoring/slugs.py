"""Ids from file names and titles: lower-case letters, digits and '-', never anything else."""

from __future__ import annotations

from slugify import slugify

from ..manifest import ID

MAX_LENGTH = 40
"""Ids name files and anchors; a whole sentence of a title makes an unwieldy link."""


def slug(text: str, fallback: str) -> str:
    """`text` as an id (accents dropped, other scripts spelled in Latin letters), or
    `fallback` when nothing usable is left (a name of only punctuation)."""
    made = slugify(text, max_length=MAX_LENGTH, word_boundary=True, save_order=True)
    return made if ID.match(made) else fallback


class Ids:
    """Hands out ids that are unique among those handed out: a second 'talk' is 'talk-2'."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self._taken = set(taken or ())

    def new(self, text: str, fallback: str) -> str:
        """A fresh id made from `text` (see `slug`)."""
        base = slug(text, fallback)
        made, number = base, 2
        while made in self._taken:
            made = f"{base}-{number}"
            number += 1
        self._taken.add(made)
        return made
