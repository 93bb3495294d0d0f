"""The one Jinja environment: escaping on, strict about typos, house style first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from markupsafe import Markup

from .errors import RenderError
from .labels import LABELS
from .model import ListItem
from .textutil import human_size, long_date
from .wording import breakable, running_case


@dataclass
class Node:
    """A list item with the items nested below it, for rendering nested <ul>/<ol>."""

    item: ListItem
    children: list[Node]


def nest(items: tuple[ListItem, ...]) -> list[Node]:
    """Turn flat (text, level) list items into a tree; a jump of several levels nests once."""
    root: list[Node] = []
    stack: list[tuple[int, list[Node]]] = [(-1, root)]
    for item in items:
        while len(stack) > 1 and stack[-1][0] >= item.level:
            stack.pop()
        node = Node(item, [])
        stack[-1][1].append(node)
        stack.append((item.level, node.children))
    return root


def trusted(html: str) -> Markup:
    """The one place markup is marked safe: write-up HTML made by markdown-it with raw HTML
    off (writeup.py), and the stylesheets rendered from our own templates."""
    return Markup(html)


def css_string(text: str) -> str:
    """`text` as a quoted CSS string, for user text in generated stylesheets."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;@-–·/()'" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def environment(templates: Path, overrides: Path | None = None) -> Environment:
    """Templates from `overrides` first (a house style), then the defaults.

    An override can extend the default it replaces as "default:report.html".
    """
    default = FileSystemLoader(templates)
    loaders: list[FileSystemLoader | PrefixLoader] = []
    if overrides is not None and overrides.is_dir():
        loaders.append(FileSystemLoader(overrides))
    loaders += [PrefixLoader({"default": default}, delimiter=":"), default]
    env = Environment(
        loader=ChoiceLoader(loaders),
        # Escaping is on for everything but the stylesheets, which hold no user text.
        autoescape=select_autoescape(
            disabled_extensions=("css", "txt"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        nest=nest,
        trusted=trusted,
        long_date=long_date,
        human_size=human_size,
        css_string=css_string,
        running=running_case,
        breakable=breakable,
    )
    env.globals["all_labels"] = LABELS
    env.globals["templates_dir"] = str(templates)
    return env


def render(env: Environment, name: str, **context: Any) -> str:
    """Render template `name`; a mistake in a template (a house style's included) becomes a
    RenderError naming the template file and line instead of a traceback."""
    try:
        return env.get_template(name).render(**context)
    except TemplateSyntaxError as exc:
        where = Path(exc.filename) if exc.filename else Path(exc.name or name)
        raise RenderError(where, f"template error: {exc.message}", f"line {exc.lineno}") from None
    except TemplateNotFound as exc:
        path, line = _template_frame(exc, name)
        raise RenderError(
            path, f"template '{exc.name}' not found; check the name in extends/include", line
        ) from None
    except TemplateError as exc:
        path, line = _template_frame(exc, name)
        raise RenderError(path, f"template error: {exc}", line) from None


def _template_frame(exc: BaseException, name: str) -> tuple[Path, str | None]:
    """The innermost template file and line in `exc`'s traceback (Jinja puts them there)."""
    found: tuple[Path, str | None] = (Path(name), None)
    trace = exc.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and Path(filename).is_file():
            found = (Path(filename), f"line {trace.tb_lineno}")
        trace = trace.tb_next
    return found
