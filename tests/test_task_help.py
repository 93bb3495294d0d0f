"""`invoke TASK --help` shows that task's help, and `invoke --list` reads like a menu."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def invoke(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tasks.py").write_bytes((ROOT / "tasks.py").read_bytes())
    return tmp_path


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (("extract", "--help"), "Usage: invoke extract FILE"),
        (("extract", "-h"), "Usage: invoke extract FILE"),
        (("extract", "deck.pptx", "--help"), "Usage: invoke extract FILE"),
        (("new", "--help"), "Usage: invoke new SLUG [--from FOLDER]"),
        (("new", "-h"), "Usage: invoke new SLUG [--from FOLDER]"),
        (("preview", "--help"), "Usage: invoke preview [--event SLUG]"),
        (("build", "--help"), "Build the report"),
    ],
)
def test_help_after_a_task_shows_its_help(project: Path, args: tuple[str, ...], usage: str) -> None:
    done = invoke(project, *args)
    assert done.returncode == 0, done.stderr
    assert usage in done.stdout
    assert "Options:" in done.stdout
    assert "not found" not in done.stdout + done.stderr
    # Nothing ran: no event named "--help", no build.
    assert sorted(p.name for p in project.iterdir()) == ["tasks.py"]


def test_a_value_that_merely_starts_with_a_dash_still_reaches_the_task(project: Path) -> None:
    done = invoke(project, "extract", "--json", "missing.pptx")
    assert done.returncode == 1
    assert "missing.pptx: file not found" in done.stderr


def test_the_list_reads_like_a_menu(project: Path) -> None:
    listed = invoke(project, "--list").stdout
    lines = {
        line.split()[0]: line
        for line in listed.splitlines()[2:]
        if line[:2] == "  " and line[2] != " "
    }
    staff = ["new", "check", "preview", "build", "proofs", "publish", "extract", "clean"]
    developers = ["test", "lint", "bench"]
    assert set(lines) == set(staff + developers)
    for name in developers:
        assert "For developers:" in lines[name]
    for name in staff:
        assert "For developers" not in lines[name]
