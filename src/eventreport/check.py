"""`invoke check`: every problem in an event's sources, and its warnings, writing nothing.

It reads exactly as a build does (reading.py), and renders the page in memory as well, so
a mistake in a template is found too. Problems stop a build; warnings (a session file no
session uses, personal data, a placeholder address for publishing) do not, unless the
build or check is asked to be --strict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .build import TEMPLATES, unused_writeups
from .i18n import _, ngettext
from .personal.review import review
from .problems import Problem
from .publish import placeholder_warning
from .reading import read_event


@dataclass(frozen=True)
class Checked:
    """What a check found in one event."""

    slug: str
    """The event checked."""
    problems: tuple[Problem, ...]
    """Mistakes that stop a build, by file and line."""
    warnings: tuple[str, ...]
    """Things to look at that do not stop a build (unless --strict)."""

    def lines(self) -> list[str]:
        """The findings as a person reads them: problems first, warnings apart."""
        out: list[str] = []
        problems, warnings = len(self.problems), len(self.warnings)
        if problems:
            out.append(
                ngettext("{n} problem, by file and line:", "{n} problems, by file and line:",
                         problems).format(n=problems)
            )  # fmt: skip
            out += [f"  {line}" for problem in self.problems for line in problem.lines()]
        if warnings:
            out.append(
                ngettext("{n} warning (these do not stop a build):",
                         "{n} warnings (these do not stop a build):", warnings).format(n=warnings)
            )  # fmt: skip
            out += ["  " + _("WARNING {warning}").format(warning=w) for w in self.warnings]
        if problems:
            out.append(
                ngettext(
                    "{event} cannot be built yet: fix the {n} problem above, then run invoke"
                    " check again.",
                    "{event} cannot be built yet: fix the {n} problems above, then run invoke"
                    " check again.",
                    problems,
                ).format(event=self.slug, n=problems)
            )
        else:
            out.append(_("No problems: {event} is ready to build.").format(event=self.slug))
        return out


def check_event(
    event_dir: Path,
    templates: Path = TEMPLATES,
    progress: Callable[[str], None] = lambda _: None,
    base_url: str | None = None,
) -> Checked:
    """Read and check everything in `event_dir`, as a build would, writing nothing.

    `base_url` is the publishing address from invoke.yaml ("" when it is not set), to warn
    about; None leaves it unchecked.
    """
    event_dir, templates = event_dir.resolve(), templates.resolve()
    progress(_("reading event.yaml and the session texts"))
    read = read_event(event_dir, templates, progress, render=True)
    problems = read.problems
    warnings: list[str] = []
    if read.report is not None:
        # A session left out for a mistake would make its own file look unused.
        if not problems.any_skipped("session"):
            warnings += unused_writeups(read.report.event)
        progress(_("scanning what is published for personal data"))
        with problems.each():
            warnings += review(read.report).warnings()
    if base_url is not None:
        warnings += _address_warnings(base_url)
    return Checked(event_dir.name, problems.listed(), tuple(warnings))


def _address_warnings(base_url: str) -> list[str]:
    if not base_url.startswith(("https://", "http://")):
        return [
            _(
                "invoke.yaml: eventreport.base_url is not set to the site's address"
                " (https://...); invoke publish needs it, so set it before you publish"
            )
        ]
    return list(placeholder_warning(base_url))
