"""Importing a library without the optional extras it would load for nothing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without(*optional: str) -> Iterator[None]:
    """Inside the block, the modules `optional` import as if they were not installed.

    For a library that loads an optional extra at import only to support it when present:
    openpyxl imports numpy (0.05-0.1 s) to accept numpy numbers written into a sheet,
    which reading a poll export never does. A module already loaded is left as it is, and
    afterwards every module imports normally again.
    """
    hidden = [name for name in optional if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # Python's "not importable"
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
