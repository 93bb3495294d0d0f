"""What the PDF engine's process does for a build (`render/worker.py` runs each job in a
child of its own). A job is a JSON object from `render/engine.py`; its answer one too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Dictionary, Name
from weasyprint.matrix import Matrix

from .join import join
from .pdf import finish, render_part, write_pdf
from .structtree import StructTree


def whole(job: dict[str, Any]) -> dict[str, Any]:
    """The report's PDF in one render: the page's HTML in `html`, the folder its links are
    relative to in `base`, the other folders it may read in `allowed`, the file `target`."""
    rendered = write_pdf(job["html"], Path(job["base"]), _paths(job["allowed"]),
                         Path(job["target"]))  # fmt: skip
    return {"pages": rendered.pages, "fetched": [str(p) for p in rendered.fetched]}


def part(job: dict[str, Any]) -> dict[str, Any]:
    """One part of a report made in parts (`render/inparts.py`), as `whole` with `named`
    (the report's PDF, for errors). Answers what the join needs to know of it: its pages,
    each id's page, each page's bookmarks and page name."""
    facts: dict[str, Any] = {}
    target = Path(job["target"])
    notes, fetched = render_part(job["html"], Path(job["base"]), _paths(job["allowed"]),
                                 target, Path(job["named"]), _noting(facts))  # fmt: skip
    facts["pages"] = finish(target, notes)
    facts["fetched"] = [str(p) for p in fetched]
    if job.get("furniture"):
        _all_artifacts(target)
    return facts


def _noting(facts: dict[str, Any]) -> Any:
    """A WeasyPrint finisher noting, from the laid-out document, what `part` answers."""

    def finisher(document: Any, pdf: Any) -> None:
        anchors: dict[str, int] = {}
        bookmarks = []
        for number, page in enumerate(document.pages):
            for name in page.anchors:
                anchors.setdefault(name, number)
            # In PDF points from the page's foot, as WeasyPrint writes its outline.
            matrix = Matrix(a=0.75, d=-0.75, f=page.height * 0.75)
            marks = []
            for level, label, (x, y), state in page.bookmarks:
                x, y = matrix.transform_point(x, y)
                marks.append([level, label, x, y, state])
            bookmarks.append(marks)
        facts["anchors"] = anchors
        facts["bookmarks"] = bookmarks
        facts["names"] = [page._page_box.page_type.name for page in document.pages]

    return finisher


def _all_artifacts(target: Path) -> None:
    """Make every mark on the furniture's pages an artifact: they are drawn over the
    joined pages, where nothing of theirs belongs in the structure tree."""
    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        tree = StructTree(pdf)
        for page, mcid, _ in list(tree.owned_mcids()):
            tree.make_artifacts(page, {mcid: Dictionary(Type=Name.Layout)})
        tree.write_artifacts()
        pdf.save(target, deterministic_id=True)


def joined(job: dict[str, Any]) -> dict[str, Any]:
    """The parts in `parts` joined into `target` with the margins of `furniture` (see
    render/join.py for `continued` and `bookmarks`)."""
    bookmarks = [[tuple(mark) for mark in page] for page in job["bookmarks"]]
    pages = join(_paths(job["parts"]), Path(job["furniture"]), Path(job["target"]),
                 job["continued"], bookmarks, Path(job["named"]))  # fmt: skip
    return {"pages": pages}


def _paths(names: list[str]) -> list[Path]:
    return [Path(name) for name in names]


JOBS = {"whole": whole, "part": part, "join": joined}
