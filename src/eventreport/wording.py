"""Small text shaping for the templates: answers in running-text case, breakable titles."""

from __future__ import annotations

import re
from functools import cache

import pyphen
from markupsafe import Markup, escape

# The words poll answers start with that running text writes in lower case ("14 eens,
# 12 oneens"). Only these: an answer that starts with any other word may be a name
# ("Britney", "Amsterdam UMC") and keeps its capital. The write-up's `labels:` can
# rename any answer.
ANSWER_WORDS = {
    "nl": {
        "eens", "oneens", "ja", "nee", "misschien", "neutraal", "helemaal", "mee", "niet",
        "weet", "geen", "goed", "slecht", "voldoende", "onvoldoende", "zeer", "redelijk",
        "matig", "vaak", "soms", "nooit", "altijd", "wel", "beetje", "deels", "gedeeltelijk",
        "anders", "overig", "overige", "tevreden", "ontevreden", "belangrijk", "onbelangrijk",
        "akkoord", "twijfel", "zeker",
    },
    "en": {
        "yes", "no", "maybe", "agree", "disagree", "neutral", "strongly", "somewhat", "not",
        "don't", "never", "always", "sometimes", "often", "rarely", "other", "good", "bad",
        "satisfied", "dissatisfied", "unsatisfied", "very", "fairly", "partly", "important",
        "unimportant", "unsure", "undecided",
    },
}  # fmt: skip
_FIRST_WORD = re.compile(r"^([^\W\d_][^\W\d_']*(?:'[^\W\d_]+)?)")
# Between two letters, a slash or a dash may end a line ("mensenhandel/​loverboys"): a
# browser breaks there only when told, and otherwise splits the word anywhere.
_JOINT = re.compile(r"(?<=[^\W\d_])([/–—])(?=[^\W\d_])")


def running_case(label: str, language: str) -> str:
    """A poll answer as running text writes it: 'Eens' -> 'eens', 'Ja, zeker' -> 'ja, zeker';
    names and abbreviations ('Britney', 'LVB') keep their capitals."""
    found = _FIRST_WORD.match(label)
    if not found:
        return label
    word = found.group(1)
    if (
        word[0].isupper()
        and word[1:] == word[1:].lower()
        and word.lower() in ANSWER_WORDS.get(language, set())
    ):
        return label[0].lower() + label[1:]
    return label


def breakable(text: str, language: str) -> Markup:
    """`text` escaped for a heading on screen: a line-break opportunity (<wbr>) after a
    slash or dash between two words, and soft hyphens in long words.

    A browser hyphenates (`hyphens: auto`) only where it has the language's patterns, and
    the Chromium this is tested in has none: without these it splits a word that does not
    fit anywhere ("mensenhandel/loverbo|ys"). WeasyPrint hyphenates by itself.
    """
    words = _LONG_WORD.sub(
        lambda m: _hyphenator(language).inserted(m.group(0), hyphen="\xad"), text
    )
    return Markup(_JOINT.sub(r"\1<wbr>", str(escape(words))))


# Words of 12 letters and more: shorter ones fit a phone's line even in a large heading.
_LONG_WORD = re.compile(r"[^\W\d_]{12,}")


def prepare_language(language: str) -> None:
    """Load the hyphenation patterns of `language` now (a fifth of a second for Dutch),
    rather than at the first long word of a render."""
    _hyphenator(language)


@cache
def _hyphenator(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=language, left=4, right=4)
