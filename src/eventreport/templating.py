"""The one Jinja environment: escaping on, strict about typos, house style first."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .errors import RenderError, SourceError
from .i18n import _
from .labels import LABELS
from .limits import (
    TEMPLATE_BYTES,
    TEMPLATE_NUMBER,
    TEMPLATE_OUTPUT,
    TEMPLATE_SECONDS,
    TimeLimitError,
    deadline,
)
from .model import ListItem
from .render.activecontent import css_problem, page_problem
from .safepath import OutsideError, inside
from .textutil import human_size, long_date
from .wording import breakable, running_case
from .yamlfile import read_text


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


class FolderLoader(BaseLoader):
    """Templates from one folder, through the door of `door` (safepath.inside; for an
    event's overrides the event folder, so a templates/ folder that is itself a link to
    elsewhere is refused too): a link to a file elsewhere, or a name with '..', is not
    loaded."""

    def __init__(self, folder: Path, door: Path | None = None) -> None:
        self.folder = folder
        self.door = door if door is not None else folder
        self.prefix = folder.relative_to(self.door).as_posix() if door is not None else ""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            path = inside(self.door, f"{self.prefix}/{template}" if self.prefix else template)
        except OutsideError as exc:
            # Not "not found": the next loader would then quietly serve the default, and
            # the folder's owner would never learn that their file was refused.
            raise SecurityError(str(exc)) from None
        if not path.is_file():
            raise TemplateNotFound(template)
        try:
            source = read_text(path, TEMPLATE_BYTES)
        except SourceError as exc:
            raise TemplateNotFound(f"{template} ({exc.message})") from None
        mtime = path.stat().st_mtime
        return source, str(path), lambda: path.is_file() and path.stat().st_mtime == mtime


class ReportSandbox(SandboxedEnvironment):
    """Jinja's sandbox (no Python internals, no code), plus bounds on numbers: a template
    from an event folder may not ask for a gigabyte of text (`'x' * 10**9`)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _number(right) and abs(right) > 64:
            raise SecurityError(f"'** {right}': powers above 64 are not allowed in templates")
        if operator == "*":
            _check_numbers((left, right))
            repeated = isinstance(left, str | list | tuple) or isinstance(right, str | list | tuple)
            if (
                repeated
                and len(left if not _number(left) else right) * (right if _number(right) else left)
                > TEMPLATE_NUMBER
            ):
                raise SecurityError(f"repeating text or a list past {TEMPLATE_NUMBER} items")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _check_numbers((*args, *kwargs.values()))
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(str(value.__self__))
        return wrapped


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_numbers(values: tuple[Any, ...]) -> None:
    for value in values:
        if _number(value) and abs(value) > TEMPLATE_NUMBER:
            raise SecurityError(f"the number {value} is larger than templates may use")


# Widths and precisions in %-style and {}-style format strings.
_WIDTHS = re.compile(r"%[-#0 +]*(\d+)(?:\.(\d+))?|\{[^{}]*:[^{}\d]*(\d+)(?:\.(\d+))?")


def _check_format(text: str) -> None:
    for match in _WIDTHS.finditer(text):
        _check_numbers(tuple(int(g) for g in match.groups() if g))


def _bounded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` (a filter) refusing numbers past TEMPLATE_NUMBER and, for `format`,
    widths past it; Jinja calls filters directly, not through the sandbox's `call`."""

    @functools.wraps(function)  # keeps Jinja's pass_context/pass_environment marks
    def checked(*args: Any, **kwargs: Any) -> Any:
        _check_numbers((*args, *kwargs.values()))
        if name == "format" and args:
            _check_format(str(args[0]))
        return function(*args, **kwargs)

    return checked


def environment(templates: Path, overrides: Path | None = None) -> Environment:
    """Templates from `overrides` first (a house style), then the defaults.

    An override can extend the default it replaces as "default:report.html". An event's
    overrides come from outside (docs/security.md), so every template renders in the
    sandbox; ours run there too, so there is one code path to trust.
    """
    default = FolderLoader(templates)
    loaders: list[BaseLoader] = []
    if overrides is not None and overrides.is_dir():
        loaders.append(FolderLoader(overrides, door=overrides.parent))
    loaders += [PrefixLoader({"default": default}, delimiter=":"), default]
    env = ReportSandbox(
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
    env.filters = {name: _bounded(name, f) for name, f in env.filters.items()}
    env.globals["all_labels"] = LABELS
    env.globals["templates_dir"] = str(templates)
    return env


def precompile(env: Environment, templates: Path) -> None:
    """Compile the page's templates in `templates` (ours, trusted) ahead of their first
    use: Jinja keeps them compiled, and compiling is 0.1 s of the first render."""
    page = [templates / n for n in ("report.html", "base.html", "style.css", "print.css")]
    for path in [*page, *sorted((templates / "parts").glob("*.html"))]:
        if path.is_file():
            env.get_template(path.relative_to(templates).as_posix())


def render(env: Environment, name: str, **context: Any) -> str:
    """Render template `name`; a mistake in a template (a house style's included) becomes a
    RenderError naming the template file and line instead of a traceback, and so does one
    that breaks the sandbox's rules or the limits (limits.py)."""
    try:
        with deadline(TEMPLATE_SECONDS):
            template = env.get_template(name)
            text = _bounded_output(template.generate(**context))
    except TemplateSyntaxError as exc:
        where = Path(exc.filename) if exc.filename else Path(exc.name or name)
        said = _("template error: {problem}").format(problem=exc.message)
        raise RenderError(where, said, f"line {exc.lineno}") from None
    except (TemplateError, RecursionError, TimeLimitError, _TooLongError) as exc:
        path, line = _template_frame(exc, name)
        raise RenderError(path, _problem(exc), line) from None
    _check_output(template.filename or name, name, text)
    return text


def _problem(exc: BaseException) -> str:
    """What went wrong while rendering, and what to do, in words for the template's author."""
    if isinstance(exc, TemplateNotFound):
        return _("template '{name}' not found; check the name in extends/include").format(
            name=exc.name
        )
    if isinstance(exc, SecurityError):
        return _(
            "the template does what templates may not ({problem}); templates only lay out the"
            " report's text, see docs/security.md"
        ).format(problem=exc)
    if isinstance(exc, RecursionError):
        return _(
            "templates include or extend each other without end (a template that includes"
            " itself?); check the include and extends lines"
        )
    if isinstance(exc, TimeLimitError):
        return _(
            "rendering took more than {seconds} s (a loop without end, or loops"
            " nested too deep?); check the template's for-loops"
        ).format(seconds=TEMPLATE_SECONDS)
    if isinstance(exc, _TooLongError):
        return _(
            "the template wrote more than {size} MiB of text, far more than any report;"
            " check its loops"
        ).format(size=TEMPLATE_OUTPUT // 2**20)
    return _("template error: {problem}").format(problem=exc)


def _check_output(filename: str, name: str, text: str) -> None:
    """Refuse a page or stylesheet that would run code or load things from elsewhere on
    the readers' side (render/activecontent.py)."""
    suffix = Path(name).suffix
    problem = page_problem(text) if suffix == ".html" else None
    if suffix == ".css" and (css := css_problem(text)):
        problem = f"a stylesheet that {css}"
    if problem:
        raise RenderError(
            Path(filename),
            _(
                "the page made with this template (or one it includes or extends) holds"
                " {problem}; templates lay out the report's text and may not add scripts or"
                " load anything from elsewhere (docs/security.md)"
            ).format(problem=problem),
        )


class _TooLongError(Exception):
    pass


def _bounded_output(chunks: Any) -> str:
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > TEMPLATE_OUTPUT:
            raise _TooLongError
        parts.append(chunk)
    return "".join(parts)


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
