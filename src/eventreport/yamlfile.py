"""YAML loading that remembers line numbers, so validation errors can point at a line."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import SourceError
from .i18n import _
from .limits import MIB, YAML_BYTES, YAML_DEPTH, YAML_NODES
from .safepath import OutsideError, inside
from .textutil import without_bidi_controls


class Mapping(dict[str, Any]):
    """A YAML mapping that knows the line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """1-based line of `key`, or of the mapping when the key is absent."""
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader (no Python objects, no aliases to code) that keeps line numbers."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Mapping:  # type: ignore[override]
        result = Mapping()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise SourceError(
                    None,
                    _("the key {key} must be text; put it in quotes").format(key=repr(key)),
                    f"line {key_node.start_mark.line + 1}",
                )
            if key in result:
                raise _duplicate(key, key_node)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result


def _duplicate(key: str, node: yaml.Node) -> SourceError:
    return SourceError(
        None,
        _("'{key}' is given twice; keep one (YAML would silently use the last)").format(key=key),
        f"line {node.start_mark.line + 1}",
    )


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,
)


# Dates stay text here: PyYAML turns 2021-02-30 into a bare ValueError without a line, so
# the caller parses dates itself and can say where the bad one is.
def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    assert isinstance(node, yaml.ScalarNode)
    return str(loader.construct_scalar(node))


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def load_text(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse YAML text from `path`; lines in errors count from `first_line`."""
    # PyYAML refuses control characters itself (with the line, below); bidi controls it
    # would keep, and they could make a title read other than it is.
    try:
        data = _load(without_bidi_controls(text))
    except SourceError as exc:
        raise SourceError(path, exc.message, _shift(exc.location, first_line)) from None
    except yaml.MarkedYAMLError as exc:
        message, mark = _plain(exc)
        line = (mark.line if mark else 0) + first_line
        raise SourceError(path, message, f"line {line}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        raise SourceError(
            path,
            _(
                "holds a control character ({character}) that text files do not;"
                " the file may be damaged or saved in another format: save it again as UTF-8"
                " text, or remove the character"
            ).format(character=f"U+{exc.character:04X}"),
            f"line {line}",
        ) from None
    except yaml.YAMLError as exc:
        raise SourceError(
            path, _("not valid YAML ({problem}); check the file").format(problem=exc)
        ) from None
    except RecursionError:
        raise SourceError(
            path, _("nests lists or sections too deeply to read; simplify it")
        ) from None
    if first_line != 1:
        _offset(data, first_line - 1)
    return data


def _load(text: str) -> Any:
    loader = _LineLoader(text)  # checks the characters at once (yaml.reader.ReaderError)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document that nests too deeply or whose aliases (`*name`) expand it past
    YAML_NODES values: an alias bomb is a few lines that would build a billion values."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if depth > YAML_DEPTH:
            raise SourceError(
                None,
                _(
                    "lists or sections nest more than {most} levels deep here (or an alias"
                    " refers to itself); simplify it"
                ).format(most=YAML_DEPTH),
                f"line {node.start_mark.line + 1}",
            )
        known = sizes.get(id(node))
        if known is not None:
            return known
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        if total > YAML_NODES:
            raise SourceError(
                None,
                _(
                    "the values here expand to more than {most} (through aliases such as"
                    " *name, which repeat a whole block); a real event needs far fewer. Write the"
                    " values out, without aliases"
                ).format(most=YAML_NODES),
                f"line {node.start_mark.line + 1}",
            )
        sizes[id(node)] = total
        return total

    size(root, 0)


def _plain(exc: yaml.MarkedYAMLError) -> tuple[str, yaml.Mark | None]:
    """The YAML parser's complaint in words a non-programmer can act on, and its line."""
    problem = exc.problem or exc.context or _("not valid YAML")
    context = exc.context or ""
    if "\\t" in problem:  # PyYAML writes the tab as backslash-t
        return _("a tab character; indent with spaces, never tabs"), exc.problem_mark
    if "quoted scalar" in context:
        # The parser notices at the end of the file; the quote that was not closed is
        # where the person has to look.
        return (
            _("a quotation mark opened here is not closed; close it at the end of the text"),
            exc.context_mark,
        )
    if "mapping values are not allowed" in problem:
        return (
            _(
                "a ': ' inside a value; put the whole value in quotes,"
                ' e.g. title: "Stelling 1: ..."'
            ),
            exc.problem_mark,
        )
    return (
        _("{problem}; check indentation, and put text containing ': ' or '#' in quotes").format(
            problem=problem
        ),
        exc.problem_mark or exc.context_mark,
    )


def load_file(path: Path) -> Any:
    """Parse a YAML file, with a clear error when it is missing, unreadable or too big."""
    return load_text(read_text(path, YAML_BYTES), path)


def read_inside(root: Path, path: Path, limit: int = YAML_BYTES) -> str:
    """`read_text` for a file the event folder `root` holds, through the folder's door
    (safepath.inside): a link to a file elsewhere is refused, never read."""
    try:
        inside(root, path.relative_to(root).as_posix())
    except (OutsideError, ValueError) as exc:
        raise SourceError(path, str(exc) if isinstance(exc, OutsideError) else
                          _("lies outside the event folder")) from None  # fmt: skip
    return read_text(path, limit)


def load_inside(root: Path, path: Path) -> Any:
    """`load_file` for a YAML file of the event folder `root`, through its door."""
    return load_text(read_inside(root, path), path)


def read_text(path: Path, limit: int) -> str:
    """A text file of the sources as str: UTF-8 (a byte order mark is dropped), a regular
    file of at most `limit` bytes (a named pipe or a device would never end)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(path, _("is not a regular file; name a text file"))
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise SourceError(path, _("file not found; check the name and folder")) from None
    except OSError as exc:
        raise SourceError(
            path,
            _("cannot be read ({reason}); check that you may read it").format(reason=exc.strerror),
        ) from None
    if len(data) > limit:
        raise SourceError(
            path,
            _(
                "is larger than {size} MiB, far more than such a text needs; check that"
                " it is the right file"
            ).format(size=limit // MIB),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            path, _("not UTF-8 text (byte {byte}); save it as UTF-8").format(byte=exc.start)
        ) from None


def _shift(location: str | None, first_line: int) -> str | None:
    if location is None or not location.startswith("line "):
        return location
    return f"line {int(location[5:]) + first_line - 1}"


def _offset(data: Any, by: int) -> None:
    if isinstance(data, Mapping):
        data.line += by
        data.key_lines = {k: v + by for k, v in data.key_lines.items()}
        for value in data.values():
            _offset(value, by)
    elif isinstance(data, list):
        for value in data:
            _offset(value, by)
