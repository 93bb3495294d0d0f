"""Importing WeasyPrint without running a compiler for each library name it tries.

WeasyPrint loads GObject, Pango, HarfBuzz and fontconfig through cffi, trying several
names for each, one per platform ('libgobject-2.0-0', 'gobject-2.0', ...,
'libgobject-2.0.so.0'). For every name the dynamic loader cannot open as it is, cffi
asks `ctypes.util.find_library`, which on Linux runs `ldconfig -p` and then gcc and ld
to search their paths. On Debian 12 that is 22 lookups and 16 gcc runs per import: a
third of a second, half of WeasyPrint's import (docs/speed.md), taken from LibreOffice
and the reading while a build starts.

The loader already searches what matters for a library installed to be loaded
(LD_LIBRARY_PATH, ld.so.cache, the system folders), and it takes the Linux name
WeasyPrint tries in its turn. So the import first runs with `find_library` answering
"not found" at once; only when that import fails (a library only a compiler's search
path holds) is it imported again with the real search, as WeasyPrint would by itself.
"""

from __future__ import annotations

import ctypes.util
import sys


def import_weasyprint() -> None:
    """Import WeasyPrint, without the compiler runs when the loader finds its libraries."""
    if "weasyprint" in sys.modules:
        return
    real = ctypes.util.find_library
    ctypes.util.find_library = _not_found
    try:
        import weasyprint
    except OSError:
        # Forget what the failed import left half made; the real search runs below.
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
    else:
        return
    finally:
        ctypes.util.find_library = real
    import weasyprint  # noqa: F401


def _not_found(name: str) -> None:
    return None
