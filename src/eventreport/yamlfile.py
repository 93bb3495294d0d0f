"""YAML loading that remembers line numbers, so validation errors can point at a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import SourceError


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
                    f"the key {key!r} must be text; put it in quotes",
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
        f"'{key}' is given twice; keep one (YAML would silently use the last)",
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
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except SourceError as exc:
        raise SourceError(path, exc.message, _shift(exc.location, first_line)) from None
    except yaml.MarkedYAMLError as exc:
        message, mark = _plain(exc)
        line = (mark.line if mark else 0) + first_line
        raise SourceError(path, message, f"line {line}") from None
    except RecursionError:
        raise SourceError(path, "nests lists or sections too deeply to read; simplify it") from None
    if first_line != 1:
        _offset(data, first_line - 1)
    return data


def _plain(exc: yaml.MarkedYAMLError) -> tuple[str, yaml.Mark | None]:
    """The YAML parser's complaint in words a non-programmer can act on, and its line."""
    problem = exc.problem or exc.context or "not valid YAML"
    context = exc.context or ""
    if "\\t" in problem:  # PyYAML writes the tab as backslash-t
        return "a tab character; indent with spaces, never tabs", exc.problem_mark
    if "quoted scalar" in context:
        # The parser notices at the end of the file; the quote that was not closed is
        # where the person has to look.
        return (
            "a quotation mark opened here is not closed; close it at the end of the text",
            exc.context_mark,
        )
    if "mapping values are not allowed" in problem:
        return (
            "a ': ' inside a value; put the whole value in quotes, e.g. title: \"Stelling 1: ...\"",
            exc.problem_mark,
        )
    return (
        f"{problem}; check indentation, and put text containing ': ' or '#' in quotes",
        exc.problem_mark or exc.context_mark,
    )


def load_file(path: Path) -> Any:
    """Parse a YAML file, with a clear error when it is missing or unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(path, "file not found; every event folder needs one") from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            path, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    return load_text(text, path)


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
