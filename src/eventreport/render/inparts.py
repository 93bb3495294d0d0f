"""A large report's PDF made in parts, each in a process of its own, then joined.

Peak memory is then what one part takes (`limits.PDF_PART_BYTES` of the page), not what
the whole report takes. The order (each step a job of `render/jobs.py`):

1. the sessions' parts, one after the other: each tells its pages, which of them every
   id is on, its bookmarks and its pages' names;
2. the front (cover and contents), whose contents list the page numbers just learnt; its
   own length moves them, so it is made again until the numbers it lists are the
   numbers it gives (twice at most, in practice);
3. the furniture: the running header and page numbers of every page, by the page names;
4. the join (`render/join.py`).

`render/split.py` says where the page is cut and why the cut changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..errors import RenderError
from .engine import PdfEngine
from .rendered import Rendered
from .split import PagePlan, valid_page_name

FRONT_TRIES = 4
"""How often the front is made before its page numbers must have settled."""


def make_in_parts(
    engine: PdfEngine,
    plan: PagePlan,
    parts: list[list[int]],
    base: Path,
    allowed: list[Path],
    target: Path,
) -> Rendered:
    """Render the page `plan` in the parts `parts` (units of each part after the front)
    and join them into `target`; as `report_pdf.make_pdf` otherwise."""
    common = {"base": str(base), "allowed": [str(p) for p in allowed], "named": str(target)}
    with tempfile.TemporaryDirectory(prefix=".parts-", dir=target.parent) as folder:
        made = Path(folder)
        files = [made / f"part-{number}.pdf" for number in range(len(parts) + 1)]
        body: list[dict[str, Any]] = []
        for number in range(1, len(parts) + 1):
            html = plan.part_html(number, parts)
            body.append(engine.run("part", files[number], html=html, **common))
        front = _front(engine, plan, parts, files[0], body, common)
        facts = [front, *body]
        names = [name for fact in facts for name in fact["names"]]
        if not all(valid_page_name(name) for name in names):
            raise RenderError(target, "a page name in the print style is not a plain name")
        furniture = made / "furniture.pdf"
        html = plan.furniture_html(names)
        drawn = engine.run("part", furniture, html=html, furniture=True, **common)
        pages = engine.run(
            "join",
            target,
            parts=[str(f) for f in files],
            furniture=str(furniture),
            continued=[_continued(plan, parts, k) for k in range(len(parts))],
            bookmarks=[page for fact in facts for page in fact["bookmarks"]],
            named=str(target),
        )["pages"]
    fetched = {Path(p) for fact in [*facts, drawn] for p in fact["fetched"]}
    return Rendered(int(pages), sorted(fetched))


def _front(
    engine: PdfEngine,
    plan: PagePlan,
    parts: list[list[int]],
    target: Path,
    body: list[dict[str, Any]],
    common: dict[str, Any],
) -> dict[str, Any]:
    """The front part, made until the page numbers in its contents are right."""
    listed = plan.front_targets(parts)
    front: dict[str, Any] = {"pages": 2, "anchors": {}}  # a cover and a page of contents
    numbers: dict[str, int] | None = None
    for _ in range(FRONT_TRIES):
        found = _page_numbers(front, body, listed)
        if found == numbers:
            return front
        numbers = found
        html = plan.part_html(0, parts, numbers)
        front = engine.run("part", target, html=html, **common)
    if _page_numbers(front, body, listed) == numbers:
        return front
    raise RenderError(
        Path(str(common["named"])),
        "the table of contents' page numbers did not settle (each try moved them again);"
        " please report this",
    )


def _page_numbers(
    front: dict[str, Any], body: list[dict[str, Any]], listed: set[str]
) -> dict[str, int]:
    """The page number (from 1) of each id in `listed`, with the front `front`."""
    numbers: dict[str, int] = {}
    offset = 0
    for fact in [front, *body]:
        for name, page in fact["anchors"].items():
            if name in listed:
                numbers.setdefault(name, offset + page + 1)
        offset += int(fact["pages"])
    return numbers


def _continued(plan: PagePlan, parts: list[list[int]], boundary: int) -> int:
    """How many levels of elements go on over the cut after part `boundary` (0: the
    front): `<main>` always, and a group whose sessions are cut apart."""
    if boundary == 0:
        return 1
    nxt = plan.units[parts[boundary][0]]
    return 2 if nxt.group is not None and not nxt.first_in_group else 1
