"""The project's promises: README and CI agree, the tasks list and fail cleanly."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE_SLUG

TASKS = ("build", "extract", "test", "lint", "clean")


def invoke(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `invoke` from the project root with this interpreter, as a user would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def readme_test_command() -> list[str]:
    """The lines of the first fenced shell block under a README heading about tests."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    heading = next(
        i for i, line in enumerate(lines) if line.startswith("#") and "test" in line.lower()
    )
    start = next(i for i in range(heading + 1, len(lines)) if lines[i].startswith("```"))
    assert lines[start].strip() in ("```sh", "```bash", "```shell", "```console"), lines[start]
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
    return [line for line in lines[start + 1 : end] if line.strip()]


def test_readme_test_command_is_what_ci_runs() -> None:
    command = readme_test_command()
    assert command, "the README shows no test command"
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    for line in command:
        assert line.strip() in ci_lines, line


def test_ci_script_is_strict() -> None:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text


def task_docstrings() -> dict[str, str]:
    """Each task's help, as `@doc(_("..."))` above it gives it (i18n.doc; in English)."""
    tree = ast.parse((ROOT / "tasks.py").read_text(encoding="utf-8"))
    return {
        node.name: _doc_text(node)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name in TASKS
    }


def _doc_text(node: ast.FunctionDef) -> str:
    for decorator in node.decorator_list:
        match decorator:
            case ast.Call(func=ast.Name("doc"), args=[ast.Call(args=[ast.Constant(str(text))])]):
                return text
    return ast.get_docstring(node) or ""


def test_invoke_list_shows_every_task_with_its_docstring() -> None:
    result = invoke("--list")
    assert result.returncode == 0, result.stderr
    listing = re.sub(r"\s+", " ", result.stdout)
    docs = task_docstrings()
    assert sorted(docs) == sorted(TASKS)
    for name in TASKS:
        first_line = docs[name].splitlines()[0]
        assert first_line, f"task {name} has no docstring"
        # invoke wraps long help text; compare with whitespace collapsed.
        help_text = re.sub(r"\s+", " ", first_line)
        assert f" {name} {help_text}" in listing, name


def test_build_of_an_unknown_event_names_the_known_ones() -> None:
    result = invoke("build", "--event", "nope")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "'nope'" in result.stderr
    assert SAMPLE_SLUG in result.stderr


def test_extract_of_a_text_file_fails_cleanly(tmp_path: Path) -> None:
    notes = tmp_path / "aantekeningen.txt"
    notes.write_text("Dit is geen presentatie.\n", encoding="utf-8")
    result = invoke("extract", str(notes))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "aantekeningen.txt" in result.stderr


def test_extract_of_a_missing_file_fails_cleanly(tmp_path: Path) -> None:
    result = invoke("extract", str(tmp_path / "weg.pptx"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "weg.pptx" in result.stderr


def test_extract_shows_a_deck(tmp_path: Path) -> None:
    deck = ROOT / "sources" / SAMPLE_SLUG / "decks" / "hageman-meldingen-slachtoffers.pptx"
    result = invoke("extract", str(deck))
    assert result.returncode == 0, result.stderr
    assert "Meldcode KNMG" in result.stdout
    assert "Wat ontbreekt nog?" in result.stdout
