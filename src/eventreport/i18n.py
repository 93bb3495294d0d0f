"""The language of every message a person reads: errors, warnings, progress, task help.

Not the report's own language (that is event.yaml's `language:`, labels.py): this is the
language of the person at the keyboard. It is chosen, first found wins, by

1. the environment variable INVOKE_EVENTREPORT_LANGUAGE (invoke's way to override a
   setting for one run; the test suite sets it to `en`),
2. `eventreport.language` in invoke.yaml,
3. the locale: the first of LC_ALL, LC_MESSAGES and LANG that is set (`nl_NL.UTF-8` gives
   Dutch; `C` or a language without a catalog gives English),
4. English.

Messages are looked up in gettext catalogs (`locale/<language>/LC_MESSAGES/eventreport.mo`,
made with Babel from the `.po` file a translator edits: docs/translating.md). A message is
marked `_("... {name} ...").format(name=...)` (a whole sentence with named placeholders)
or, where a number is counted, `ngettext(singular, plural, n).format(n=n, ...)`.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "eventreport"
ENGLISH = "en"
LANGUAGES = ("en", "nl")
"""The languages with a catalog (English is the messages' own language)."""
ENVIRONMENT = "INVOKE_EVENTREPORT_LANGUAGE"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

F = TypeVar("F", bound=Callable[..., object])

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = ENGLISH


def language_of(setting: object, environ: Mapping[str, str] | None = None) -> str:
    """The language to speak, from invoke.yaml's `eventreport.language` (`setting`, None
    or "" when unset) and the environment; an unknown language gives English."""
    env = os.environ if environ is None else environ
    for wanted in (env.get(ENVIRONMENT), setting):
        if wanted:
            return _known(str(wanted))
    for name in _LOCALE_VARIABLES:
        # As POSIX has it: the first one set decides, even when it says "C".
        if env.get(name):
            return _known(env[name])
    return ENGLISH


def _known(wanted: str) -> str:
    # "nl_NL.UTF-8", "nl-BE", "NL" -> "nl"
    code = wanted.strip().replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
    return code if code in LANGUAGES else ENGLISH


def use(language: str) -> None:
    """Speak `language` (one of LANGUAGES; anything else is English) from now on."""
    global _current, _language
    _language = _known(language)
    _current = gettext.translation(DOMAIN, localedir=LOCALE, languages=[_language], fallback=True)


def current() -> str:
    """The language messages are in now."""
    return _language


def _(message: str) -> str:
    """`message` in the chosen language (itself when it has no translation)."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    """The form of a counted message that fits `number`, in the chosen language."""
    return _current.ngettext(singular, plural, number)


def N_(message: str) -> str:  # noqa: N802  (gettext's own name for it)
    """Mark `message` for translation where it is defined (a table of names); it is
    translated with `_()` where it is shown."""
    return message


def doc(text: str) -> Callable[[F], F]:
    """Give a task its (translated) docstring, which `invoke --list` and --help show."""

    def give(function: F) -> F:
        function.__doc__ = text
        return function

    return give
