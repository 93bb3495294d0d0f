"""The first half of every build: read and check all of an event's sources, in one pass.

event.yaml, the session files, the house style, every deck and poll export and every
insert are read; each mistake is recorded (problems.py) and reading goes on, so a build,
a check and the preview list every problem at once instead of stopping at the first.
Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .assemble import assemble
from .cache import Cache
from .errors import ReportError
from .manifest import load_event
from .model import Event, HouseStyle, Report
from .problems import Problems
from .readers.decks.cache import DeckCache

if TYPE_CHECKING:
    from jinja2 import Environment

MEDIA = ("screen", "print")


@dataclass(frozen=True)
class Read:
    """An event's sources, read and checked."""

    report: Report | None
    """The report (partial where entries were skipped); None when event.yaml itself
    cannot be read."""
    env: Environment | None
    """The templates, the event's own first; None with `report`."""
    problems: Problems
    """Every mistake found."""

    def checked(self) -> tuple[Report, Environment]:
        """The report and its templates, or every problem found raised at once."""
        self.problems.raise_if_any()
        assert self.report is not None and self.env is not None  # else a problem was raised
        return self.report, self.env


def read_event(
    event_dir: Path,
    templates: Path,
    progress: Callable[[str], None] = lambda _: None,
    *,
    render: bool = False,
    cache: Cache | None = None,
    prepare: Callable[[Event, HouseStyle], None] | None = None,
) -> Read:
    """Read everything in `event_dir` (with the house style and templates of `templates`).

    The page is rendered in memory, for screen and print, when `render` is asked for or
    something is already wrong: a template's mistake is then listed with the others. A
    build leaves it out when all is well, as it renders the page itself next. `prepare`
    is called with the event and its house style while slides are still being drawn: a
    build gets ready there what it needs first once they are.
    """
    problems = Problems()
    try:
        event = load_event(event_dir, problems)
    except ReportError as exc:
        # event.yaml cannot be read (or is no list of settings): nothing else can be.
        problems.add(exc)
        return Read(None, None, problems)
    # What LibreOffice and PDFium make of decks is kept as files beside the cache's entries.
    files = DeckCache(cache.folder / "slides") if cache and cache.folder is not None else None
    # The house style and the templates after the decks, not before: the slides
    # LibreOffice draws start as soon as can be, and this is done while it draws.
    styled: list[tuple[HouseStyle, Environment]] = []

    def meanwhile() -> None:
        styled.append(_style(event_dir, templates, problems))
        if prepare is not None:
            prepare(event, styled[0][0])

    report = assemble(event, progress, cache, files, problems, meanwhile)
    house, env = styled[0] if styled else _style(event_dir, templates, problems)
    report = replace(report, house=house)
    from .render.html import render_page

    if render or len(problems):
        try:
            for medium in MEDIA:
                render_page(env, report, medium)
        except ReportError as exc:
            # One template mistake is enough: the other medium would meet it again, and
            # one that runs until its time limit would take that time twice.
            problems.add(exc)
    return Read(report, env, problems)


def _style(event_dir: Path, templates: Path, problems: Problems) -> tuple[HouseStyle, Environment]:
    """The house style and the templates, with the page's compiled when they are ours."""
    from .house import load_house
    from .templating import environment, precompile

    house = problems.attempt(lambda: load_house(templates, event_dir / "templates"), HouseStyle())
    env = environment(templates, event_dir / "templates")
    if not (event_dir / "templates").exists():
        # An event's own templates compile when the page renders, within its time limit.
        precompile(env, templates)
    return house, env
