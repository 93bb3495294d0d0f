"""`invoke TASK --help` shows the task's help, also for a task that takes a value without
a flag in front of it (`invoke extract FILE`, `invoke new SLUG`).

invoke 3.0 hands a `--help` that follows such a task to the task as that value
(pyinvoke/invoke#982, open): `invoke extract --help` then looked for a file called
"--help". Until invoke's parser does it itself, `--help` and `-h` there mean what they
mean after any other task: show its help, run nothing.
"""

from __future__ import annotations

from typing import Any

from invoke.parser.parser import ParseMachine
from invoke.program import Program

from .i18n import _

HELP_FLAGS = ("--help", "-h")


def help_after_task_names() -> None:
    """Teach invoke's parser the above, once."""
    original = ParseMachine.handle
    if getattr(original, "help_after_task_names", False):
        return

    def handle(self: Any, token: str) -> None:
        context = self.context
        if (
            token in HELP_FLAGS
            and context is not None
            and context.missing_positional_args
            and not self.waiting_for_flag_value
        ):
            # As invoke does for `--help` after a task without such a value: the help
            # flag names the task, and the program prints its help instead of running it.
            self.initial.flags["--help"].value = context.name
            for argument in context.missing_positional_args:
                argument.set_value("", cast=False)  # given, so the parser asks no more
            return
        original(self, token)

    handle.help_after_task_names = True  # type: ignore[attr-defined]
    ParseMachine.handle = handle  # type: ignore[method-assign]


def list_heading_in_language() -> None:
    """`invoke --list` opens with "Available tasks:" in the chosen language (i18n.py)."""
    original = Program.task_list_opener
    if getattr(original, "in_language", False):
        return

    def opener(self: Any, extra: str = "") -> str:
        text: str = original(self, extra)
        # Only invoke's plain heading: a scoped or nested list keeps its own wording.
        return _("Available tasks") if text == "Available tasks" else text

    opener.in_language = True  # type: ignore[attr-defined]
    Program.task_list_opener = opener  # type: ignore[method-assign]
