"""The report's PDF, made by the PDF engine's process (`render/engine.py`): in one piece,
or for a large report in parts joined afterwards (`render/inparts.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..limits import PDF_PART_BYTES, PDF_WHOLE_BYTES
from .engine import PdfEngine
from .rendered import Rendered

if TYPE_CHECKING:
    from .split import PagePlan


def make_pdf(
    engine: PdfEngine | None, html: str, base: Path, allowed: list[Path], target: Path
) -> Rendered:
    """Render the print page `html` (links relative to `base`, reading only files under
    `base` and `allowed`) into `target` as PDF/UA-1; `engine` is the build's worker (None:
    one is started for this PDF)."""
    if engine is None:
        with PdfEngine() as started:
            return make_pdf(started, html, base, allowed, target)
    if cut := in_parts(html):
        from .inparts import make_in_parts

        return make_in_parts(engine, *cut, base, allowed, target)
    done = engine.run("whole", target, html=html, base=str(base), allowed=[str(p) for p in allowed])
    return Rendered(int(done["pages"]), [Path(p) for p in done["fetched"]])


def in_parts(html: str) -> tuple[PagePlan, list[list[int]]] | None:
    """Where to cut a page too large to render whole (and the parts after the front);
    None for a page rendered in one piece: small enough, or shaped or styled in a way
    the cut does not allow (render/split.py)."""
    if len(html) <= PDF_WHOLE_BYTES:
        return None
    from .split import plan

    found = plan(html)
    if found is None or found.unsupported is not None:
        return None
    parts = found.cut(PDF_PART_BYTES)
    return (found, parts) if len(parts) > 1 else None
