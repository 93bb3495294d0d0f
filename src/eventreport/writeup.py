"""A session's Markdown: safe HTML for the prose, typed inserts for decks, polls and verse."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Literal, cast
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import ReportError, SourceError
from .i18n import _
from .model import (
    DownloadInsert,
    MarkdownPart,
    PollInsert,
    PollOrder,
    SlidesInsert,
    SourcePart,
    VersePart,
)
from .pictures import picture_problem
from .problems import Problems, block_note
from .safepath import OutsideError, inside
from .yamlfile import Mapping, load_text

# Raw HTML off: the write-up is shown as text, never injected as markup. markdown-it's own
# link validation would print a javascript: or file: link as literal text without a word;
# every address is let through here and then checked by `_check_links`, which says where.
_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
_MD.validateLink = lambda url: True  # type: ignore[method-assign]
LINK_SCHEMES = ("https://", "http://", "mailto:")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)

DIRECTIVES = ("slides", "download", "poll", "verse")
SHOW_CHOICES = ("list", "table", "box", "image")
POLL_OPTIONS = (
    "poll", "question", "questions", "quote", "labels", "heading", "order", "session"
)  # fmt: skip
_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")
MAX_RANGE = 1000  # a typo such as 1-999999999 must not try to list a billion slides


class _SkippedEntryError(Exception):
    """A block uses a deck or poll whose entry was skipped for its own mistake."""


class WriteupParser:
    """Parses one session file; knows the event's deck and poll ids to check references.

    Each heading, link, picture and block is checked on its own: with `problems`, every
    mistake is recorded there and the block it is in is left out; without, the mistakes
    of one parse are raised together at its end.
    """

    def __init__(
        self,
        path: Path,
        root: Path,
        heading_base: int,
        decks: Sequence[str],
        polls: Sequence[str],
        problems: Problems | None = None,
    ) -> None:
        self.path = path
        self.root = root
        self.heading_base = heading_base
        self.decks = decks
        self.polls = polls
        self.problems = Problems() if problems is None else problems
        self._raises = problems is None

    def fail(self, line: int, message: str) -> SourceError:
        return SourceError(self.path, message, f"line {line}")

    def parse(self, text: str) -> tuple[SourcePart, ...]:
        tokens = _MD.parse(text)
        self._check_headings(tokens)
        self._check_links(tokens)
        parts: list[SourcePart] = []
        pending: list[Token] = []
        lines = text.split("\n")
        for token in tokens:
            kind = token.info.strip().split(" ")[0] if token.type == "fence" else ""
            if token.type == "fence" and not self._fence_ok(token, kind, lines):
                continue
            if kind not in DIRECTIVES:
                pending.append(token)
                continue
            self._flush(pending, parts)
            pending = []
            line = token.map[0] + 1 if token.map else 0
            try:
                parts.append(self._directive(kind, token))
            except _SkippedEntryError:
                pass  # noted under the mistake of the deck or poll it uses
            except ReportError as exc:
                # Left out; the deck it may name is then not "unused" for certain.
                self.problems.add(exc, skips=("block", f"{self.path}:{line}"))
        self._flush(pending, parts)
        if self._raises:
            self.problems.raise_if_any()
        return tuple(parts)

    def render_inline_block(self, text: str, line: int) -> str:
        """Markdown for a standalone text (the closing paragraph, at `line` of event.yaml)
        as safe HTML. It may not show pictures: they belong in a session."""
        tokens = _MD.parse(text)
        self._check_links(tokens, line - 1)
        for token in tokens:
            if any(child.type == "image" for child in token.children or []):
                self.problems.add(
                    self.fail(
                        line,
                        _(
                            "the closing text shows a picture; put pictures in a session's"
                            " Markdown file, where they get their description checked and copied"
                        ),
                    )
                )
                break
        if self._raises:
            self.problems.raise_if_any()
        return self._render(tokens)

    def _fence_ok(self, token: Token, kind: str, lines: list[str]) -> bool:
        """Whether a fenced block can be read; its mistake, if any, is recorded."""
        line = token.map[0] + 1 if token.map else 0
        near = difflib.get_close_matches(kind.lower(), DIRECTIVES, n=1, cutoff=0.75)
        if kind not in DIRECTIVES and near:
            # Left alone it would be printed as a code block, instructions and all.
            self.problems.add(
                self.fail(
                    line,
                    _(
                        "```{kind} is not a kind of block; did you mean ```{near}?"
                        " (blocks: {kinds})"
                    ).format(kind=kind, near=near[0], kinds=", ".join(DIRECTIVES)),
                ),
                skips=("block", f"{self.path}:{line}"),
            )
            return False
        if kind in DIRECTIVES:
            end = token.map[1] if token.map else 0
            closing = lines[end - 1].strip() if 0 < end <= len(lines) else ""
            if end <= line or not closing.startswith(token.markup):
                # Everything after it is inside the block: nothing more to check there.
                self.problems.add(
                    self.fail(
                        line,
                        _(
                            "the ```{kind} block opened here is not closed; end it with"
                            " {fence} on a line of its own"
                        ).format(kind=kind, fence=token.markup),
                    ),
                    skips=("block", f"{self.path}:{line}"),
                )
                return False
        return True

    # --- prose -----------------------------------------------------------------------

    def _flush(self, tokens: list[Token], parts: list[SourcePart]) -> None:
        if tokens:
            # Pictures first: one refused is taken out of the HTML.
            assets = tuple(a for t in tokens for a in self._images(t))
            parts.append(MarkdownPart(html=self._render(tokens), assets=assets))

    def _render(self, tokens: list[Token]) -> str:
        return str(_MD.renderer.render(tokens, _MD.options, {}))

    def _check_links(self, tokens: list[Token], offset: int = 0) -> None:
        """Links go to web pages, e-mail addresses or places in the report; anything else
        (javascript:, file:, data:) could run code or point at the build machine."""
        for token in tokens:
            for child in token.children or []:
                href = str(child.attrGet("href") or "") if child.type == "link_open" else ""
                if _SCHEME.match(href) and not href.lower().startswith(LINK_SCHEMES):
                    line = (token.map[0] + 1 if token.map else 1) + offset
                    self.problems.add(
                        self.fail(
                            line,
                            _(
                                "the link to '{address}' is not a web or e-mail address; links"
                                " may start with {schemes} (or # for a place in the report)"
                            ).format(address=href[:80], schemes=", ".join(LINK_SCHEMES)),
                        )
                    )
                    # Kept out of the page a check renders, which would refuse it again.
                    child.attrSet("href", "#")

    def _check_headings(self, tokens: list[Token]) -> None:
        # The session title is the "#"; sub-headings may go one level deeper at a time so
        # the report's outline (and the PDF's bookmarks) never skips a level.
        previous = 1
        for token in tokens:
            if token.type not in ("heading_open", "heading_close"):
                continue
            level = int(token.tag[1])
            line = token.map[0] + 1 if token.map else 0
            if token.type == "heading_open":
                if level == 1:
                    self.problems.add(
                        self.fail(
                            line,
                            _(
                                "a '#' heading here would compete with the session's title;"
                                " use '##' for a sub-heading"
                            ),
                        )
                    )
                elif level > previous + 1:
                    self.problems.add(
                        self.fail(
                            line,
                            _(
                                "heading level {level} follows level {previous}, skipping one;"
                                " use {marks} here"
                            ).format(level=level, previous=previous, marks="#" * (previous + 1)),
                        )
                    )
                previous = level
            shifted = self.heading_base + level - 1
            if shifted > 6:
                if token.type == "heading_open":
                    self.problems.add(self.fail(line, _("headings nest too deep; use fewer '#'")))
                shifted = 6
            token.tag = f"h{shifted}"

    def _images(self, token: Token) -> list[str]:
        """The pictures `token` shows that can be copied; each one is checked on its own."""
        found: list[str] = []
        for child in token.children or []:
            if child.type != "image":
                continue
            try:
                found.append(self._image(child, token.map[0] + 1 if token.map else 0))
            except ReportError as exc:
                self.problems.add(exc)
                # Kept out of the page a check renders, which would refuse it again.
                child.attrSet("src", "")
        return found

    def _image(self, child: Token, line: int) -> str:
        """The picture's path inside the event folder, checked."""
        # markdown-it percent-encodes the address; the file name on disk is not.
        src = unquote(str(child.attrGet("src") or ""))
        alt = "".join(c.content for c in child.children or []).strip()
        # A picture that only decorates says so with "{decorative}" (the HTML page
        # then gives it alt="" and the PDF makes it an artifact; render/pdf_tags.py).
        # An empty description is refused rather than read as "decorative": it is
        # far more often forgotten than meant.
        if not alt:
            raise self.fail(
                line,
                _(
                    "the picture '{file}' has no description; write one between the"
                    " brackets: ![what the picture shows](...) so screen-reader users get it,"
                    " or ![{{decorative}}](...) if it shows nothing a reader needs"
                ).format(file=src),
            )
        relative = PurePosixPath(src)
        # No '..' even where it would stay inside: the name is also where the copy
        # goes, next to the page.
        if _SCHEME.match(src) or relative.is_absolute() or ".." in relative.parts:
            raise self.fail(
                line,
                _(
                    "the picture '{file}' must be a file inside the event folder,"
                    " e.g. media/photo.jpg (nothing is fetched from elsewhere)"
                ).format(file=src),
            )
        try:
            file = inside(self.root, src)
        except OutsideError as exc:
            raise self.fail(line, _("the picture {problem}").format(problem=exc)) from None
        if not file.is_file():
            raise self.fail(
                line, _("the picture '{file}' does not exist in the event folder").format(file=src)
            )
        if problem := picture_problem(file):
            raise self.fail(
                line, _("the picture '{file}' {problem}").format(file=src, problem=problem)
            )
        return str(relative)

    # --- fenced inserts --------------------------------------------------------------

    def _directive(self, kind: str, token: Token) -> SourcePart:
        line = (token.map[0] + 1) if token.map else 0
        if kind == "verse":
            return self._verse(token.content, line)
        options = self._options(token.content, line, kind)
        if kind == "slides":
            return SlidesInsert(
                deck=self._ref(options, "deck", self.decks, line, kind),
                slides=self._numbers(options, "slides", line),
                show=cast(Literal["list", "table", "box", "image"], self._choice(options, line)),
                line=line,
            )
        if kind == "download":
            self._only(options, {"deck"}, line, kind)
            return DownloadInsert(
                deck=self._ref(options, "deck", self.decks, line, kind), line=line
            )
        self._only(options, set(POLL_OPTIONS), line, kind)
        poll = self._ref(options, "poll", self.polls, line, kind)
        questions = self._questions(options, line)
        quote = self._quote(options, line)
        if quote and quote != "all" and (questions == "all" or len(questions) > 1):
            raise self.fail(
                options.line_of("quote"),
                _(
                    "'quote:' with response numbers needs a single 'question:'; with several"
                    " questions write 'quote: all' or 'quote: none', or use one block per question"
                ),
            )
        return PollInsert(
            poll=poll,
            questions=questions,
            quote=quote,
            labels=self._labels(options, line),
            heading=self._flag(options, "heading", True),
            line=line,
            order=self._order(options),
            session=self._session(options),
        )

    def _options(self, body: str, line: int, kind: str) -> Mapping:
        data = load_text(body, self.path, first_line=line + 1) if body.strip() else None
        if not isinstance(data, Mapping):
            raise self.fail(
                line,
                _("a ```{kind}``` block holds 'key: value' lines, e.g. {example}").format(
                    kind=kind, example=_EXAMPLE[kind]
                ),
            )
        return data

    def _only(self, options: Mapping, allowed: set[str], line: int, kind: str) -> None:
        for key in options:
            if key not in allowed:
                raise self.fail(
                    options.line_of(key),
                    _("'{key}' is not an option of a ```{kind}``` block; use {allowed}").format(
                        key=key, kind=kind, allowed=", ".join(sorted(allowed))
                    ),
                )

    def _ref(self, options: Mapping, key: str, known: Sequence[str], line: int, kind: str) -> str:
        value = options.get(key)
        if value is None:
            raise self.fail(
                line,
                _("a ```{kind}``` block needs '{key}:', e.g. {example}").format(
                    kind=kind, key=key, example=_EXAMPLE[kind]
                ),
            )
        if self.problems.skipped(key, str(value), block_note(kind, self.path, line)):
            raise _SkippedEntryError
        if str(value) not in known:
            # Those with mistakes of their own are declared too.
            listed = ", ".join([*known, *self.problems.skipped_names(key)]) or _(
                "none are declared"
            )
            raise self.fail(
                options.line_of(key),
                _(
                    "{kind} '{id}' is not declared in event.yaml under '{kind}s' (known: {known});"
                    " fix the id or declare it"
                ).format(kind=key, id=value, known=listed),
            )
        return str(value)

    def _numbers(self, options: Mapping, key: str, line: int) -> tuple[int, ...]:
        self._only(options, {"deck", "slides", "show"}, line, "slides")
        value = options.get(key)
        where = options.line_of(key)
        numbers: list[int] = []
        items: list[Any] = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, int) and not isinstance(item, bool) and item > 0:
                numbers.append(item)
            elif isinstance(item, str) and (match := _RANGE.match(item)):
                low, high = int(match[1]), int(match[2])
                if low < 1 or high < low:
                    raise self.fail(
                        where,
                        _("'{item}' is not a range of slides; write e.g. 4-6").format(item=item),
                    )
                if high - low >= MAX_RANGE:
                    raise self.fail(
                        where,
                        _(
                            "'{item}' spans more than {most} slides; no deck is that"
                            " long, so check the numbers"
                        ).format(item=item, most=MAX_RANGE),
                    )
                numbers.extend(range(low, high + 1))
            else:
                raise self.fail(
                    where, _("'slides:' takes a slide number (4), a range (4-6) or a list ([4, 6])")
                )
        return tuple(numbers)

    def _flag(self, options: Mapping, key: str, default: bool) -> bool:
        value = options.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(
                options.line_of(key),
                _("'{key}:' takes true or false, not '{value}'").format(key=key, value=value),
            )
        return value

    def _choice(self, options: Mapping, line: int) -> str:
        show = options.get("show", "list")
        if show not in SHOW_CHOICES:
            raise self.fail(
                options.line_of("show"),
                _("show '{show}' is not known; use one of {choices}").format(
                    show=show, choices=", ".join(SHOW_CHOICES)
                ),
            )
        return str(show)

    def _questions(self, options: Mapping, line: int) -> tuple[str, ...] | Literal["all"]:
        if "question" in options and "questions" in options:
            raise self.fail(
                options.line_of("questions"),
                _("use either 'question:' (one question) or 'questions:' (several), not both"),
            )
        if "questions" not in options:
            return (self._question(options, line),)
        value = options["questions"]
        if value == "all":
            return "all"
        items = value if isinstance(value, list) else [value]
        if not items or any(
            isinstance(i, bool) or not isinstance(i, str | int) or str(i).strip() == ""
            for i in items
        ):
            raise self.fail(
                options.line_of("questions"),
                _(
                    "'questions:' takes all, or a list of question numbers or exact titles,"
                    " e.g. [1, 3]"
                ),
            )
        return tuple(str(i) for i in items)

    def _question(self, options: Mapping, line: int) -> str:
        value = options.get("question")
        if value is None or isinstance(value, bool) or str(value).strip() == "":
            raise self.fail(
                line,
                _("a ```poll``` block needs 'question:', the question's number or exact title"),
            )
        return str(value)

    def _order(self, options: Mapping) -> PollOrder | None:
        value = options.get("order")
        if value is None:
            return None
        if value in ("export", "votes"):
            return cast(Literal["export", "votes"], value)
        items = value if isinstance(value, list) else None
        if items and all(isinstance(i, str | int) and not isinstance(i, bool) for i in items):
            return tuple(str(i) for i in items)
        said = _(
            "'order:' takes export (as in the poll tool), votes (most votes first), or a list"
            " of options, e.g. [Eens, Oneens]"
        )
        if items and any(isinstance(i, bool) for i in items):
            said = _(
                "'order:' takes export (as in the poll tool), votes (most votes first), or a list"
                " of options, e.g. [Eens, Oneens] (YAML reads yes/no/true/false as a switch: put"
                " such an option in quotes)"
            )
        raise self.fail(options.line_of("order"), said)

    def _session(self, options: Mapping) -> int | None:
        value = options.get("session")
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        raise self.fail(
            options.line_of("session"),
            _(
                "'session:' takes the number of a session in the export, e.g. 1 for the sheet"
                " 'Session 1'"
            ),
        )

    def _quote(self, options: Mapping, line: int) -> tuple[int, ...] | Literal["all"]:
        value = options.get("quote", "none")
        where = options.line_of("quote")
        if value in ("none", None):
            return ()
        if value == "all":
            return "all"
        items = value if isinstance(value, list) else [value]
        if all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in items):
            return tuple(items)
        raise self.fail(where, _("'quote:' takes none, all, or response numbers such as [1, 3]"))

    def _labels(self, options: Mapping, line: int) -> tuple[tuple[str, str], ...]:
        value = options.get("labels")
        if value is None:
            return ()
        if not isinstance(value, Mapping) or not all(
            isinstance(v, str | int) for v in value.values()
        ):
            raise self.fail(
                options.line_of("labels"),
                _("'labels:' takes lines 'as exported: as shown', indented below it"),
            )
        return tuple((str(k), str(v)) for k, v in value.items())

    def _verse(self, body: str, line: int) -> VersePart:
        title: str | None = None
        lines = body.split("\n")
        if "---" in (ln.strip() for ln in lines):
            cut = [ln.strip() for ln in lines].index("---")
            header = load_text("\n".join(lines[:cut]), self.path, first_line=line + 1)
            if not isinstance(header, Mapping) or set(header) - {"title"}:
                raise self.fail(line, _("above '---' a ```verse``` block takes only 'title: ...'"))
            title = str(header["title"]) if header.get("title") else None
            lines = lines[cut + 1 :]
        stanzas: list[tuple[str, ...]] = []
        current: list[str] = []
        for text in [*lines, ""]:
            if text.strip():
                current.append(text.rstrip())
            elif current:
                stanzas.append(tuple(current))
                current = []
        if not stanzas:
            raise self.fail(line, _("this ```verse``` block is empty; write the lines inside it"))
        return VersePart(stanzas=tuple(stanzas), title=title)


_EXAMPLE = {
    "slides": "'deck: hageman' and 'slides: 3'",
    "download": "'deck: hageman'",
    "poll": "'poll: menti' and 'question: 1'",
}
