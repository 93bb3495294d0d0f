"""The post-pass over WeasyPrint's structure tree: each step is shown to fail on the raw
output and to hold after it, by reading the tree (pikepdf, and poppler's pdfinfo)."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from a11y import pdf_checks

from eventreport.errors import RenderError
from eventreport.render import tagmap
from eventreport.render.pdf import finish, render_tagged, write_pdf
from eventreport.render.pdf_artifacts import DECORATIVE_ALT
from eventreport.render.tagmap import TagNotes

URL = "https://example.org/verslag"
LONG = "Een lange alinea die over de pagina doorloopt. " * 40

PAGE = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Proef</title>
<style>
  @page {{ size: A6; margin: 15mm 10mm;
    @top-center {{ content: "Lopende kop"; font-family: "DejaVu Sans"; }}
    @bottom-right {{ content: "Pagina " counter(page); font-family: "DejaVu Sans"; }} }}
  html {{ font-family: "DejaVu Sans"; font-size: 9pt; }}
  nav a::after {{ content: leader(".") " " target-counter(attr(href), page); }}
</style></head>
<body><main>
<h1>Proef</h1>
<nav><ol><li><a href="#deel">Deel</a></li></ol></nav>
<blockquote lang="en"><p>We need <span lang="fr">savoir-faire</span> here.</p></blockquote>
<table><caption>Uitslag</caption>
  <thead><tr><th scope="col">Antwoord</th><th scope="col">Aantal</th>
    <th scope="col">%</th></tr></thead>
  <tbody><tr><th scope="row">Eens</th><td>14</td><td>47%</td></tr>
         <tr><th scope="row">Oneens</th><td>12</td><td>40%</td></tr>
         <tr><th scope="row">Neutraal</th><td>4</td><td>13%</td></tr></tbody>
</table>
<section id="deel"><h2>Lang</h2><p>{LONG}<a href="{URL}">het volledige verslag
  van de bijeenkomst, dat hier over meer dan een regel loopt</a> eind.</p></section>
<div><img src="dot.png" alt="{DECORATIVE_ALT}" width="20" height="20"> Na het plaatje.</div>
</main></body></html>
"""

# A 1x1 white PNG, the decorative picture.
DOT = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8ffff3f0005fe02fea7d6a4aa0000000049454e44ae426082"
)


@dataclass(frozen=True)
class Pair:
    """WeasyPrint's raw PDF and the same file after the post-pass."""

    raw: Path
    done: Path
    notes: TagNotes


def render(folder: Path, html: str = PAGE) -> Pair:
    (folder / "dot.png").write_bytes(DOT)
    raw = folder / "raw.pdf"
    notes = render_tagged(html, folder, [], raw)
    done = folder / "done.pdf"
    shutil.copyfile(raw, done)
    finish(done, notes)
    return Pair(raw, done, notes)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    return render(tmp_path_factory.mktemp("tags"))


# --- Reading the tree ----------------------------------------------------------------


def elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Structure elements reachable from the root, in reading order."""

    def walk(node: pikepdf.Object) -> Iterator[pikepdf.Object]:
        k = node.get("/K")
        for kid in k if isinstance(k, pikepdf.Array) else [] if k is None else [k]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                yield kid
                yield from walk(kid)

    yield from walk(pdf.Root.StructTreeRoot)


def of_type(path: Path, kind: str) -> list[dict[str, object]]:
    """Each element of structure type `kind`: its /Lang, /Scope and pages."""
    with pikepdf.open(path) as pdf:
        pages = {p.obj.objgen: i + 1 for i, p in enumerate(pdf.pages)}
        found = []
        for element in elements(pdf):
            if pikepdf.Name("/" + kind) != element.S:
                continue
            attributes = element.get("/A")
            found.append(
                {
                    "lang": str(element["/Lang"]) if "/Lang" in element else None,
                    "scope": str(attributes["/Scope"])
                    if attributes is not None and "/Scope" in attributes
                    else None,
                    "pages": sorted(set(_pages(element, pages))),
                }
            )
        return found


def _pages(element: pikepdf.Object, pages: dict[tuple[int, int], int]) -> Iterator[int]:
    """Pages the element's content lies on."""
    k = element.get("/K")
    for kid in k if isinstance(k, pikepdf.Array) else [k]:
        if isinstance(kid, int):
            yield pages[element.Pg.objgen]
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield from _pages(kid, pages)
        elif isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid:
            yield pages[kid.Pg.objgen]


def orphans(path: Path) -> int:
    """Marked content the parent tree gives to elements outside the tree."""
    with pikepdf.open(path) as pdf:
        reachable = {e.objgen for e in elements(pdf)}
        count = 0
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        for i in range(1, len(nums), 2):
            owners = nums[i] if isinstance(nums[i], pikepdf.Array) else [nums[i]]
            count += sum(1 for o in owners if o is not None and o.objgen not in reachable)
        return count


def artifacts(path: Path) -> list[str]:
    """The properties of every /Artifact sequence in the page content, as text."""
    found = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in ("BDC", "BMC") and operands[0] == pikepdf.Name.Artifact:
                    props = operands[1] if len(operands) > 1 else pikepdf.Dictionary()
                    found.append(
                        " ".join(str(props.get(k, "")) for k in ("/Type", "/Subtype")).strip()
                    )
    return found


def struct_text(path: Path) -> str:
    """poppler's view of the tagged text: an independent reader of the tree."""
    return subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout


# --- Each gap: open in the raw output, closed after the post-pass --------------------


def test_inner_lang_becomes_lang(pair: Pair) -> None:
    assert pair.notes.lang(), "nothing noted: the hook into WeasyPrint's tagging broke"
    for path, expected in ((pair.raw, [None]), (pair.done, ["en"])):
        assert [q["lang"] for q in of_type(path, "BlockQuote")] == expected
        spans = [s["lang"] for s in of_type(path, "Span") if s["lang"]]
        assert spans == ([] if expected == [None] else ["fr"])


def test_header_cells_get_their_scope(pair: Pair) -> None:
    assert [c["scope"] for c in of_type(pair.raw, "TH")] == [None] * 6
    assert [c["scope"] for c in of_type(pair.done, "TH")] == ["/Column"] * 3 + ["/Row"] * 3
    assert "/Scope /Row" in struct_text(pair.done)


def test_running_header_and_page_numbers_are_artifacts(pair: Pair) -> None:
    pages = len(pikepdf.open(pair.raw).pages)
    assert pages >= 2
    # Raw: "Lopende kop" and "Pagina n" are tagged, by elements outside the tree.
    assert orphans(pair.raw) >= 2 * pages
    assert not [a for a in artifacts(pair.raw) if "Pagination" in a]
    assert orphans(pair.done) == 0
    done = artifacts(pair.done)
    assert done.count("/Pagination /Header") == pages
    assert done.count("/Pagination /Footer") == pages
    # Still drawn, only no longer read out as content.
    shown = subprocess.run(
        ["pdftotext", str(pair.done), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Lopende kop" in shown and f"Pagina {pages}" in shown
    assert "Lopende kop" not in struct_text(pair.done)


def test_paragraph_cut_by_a_page_break_is_one_element(pair: Pair) -> None:
    def long_paragraphs(path: Path) -> list[list[int]]:
        # Every P but the quote's, the first, is a piece of the long paragraph.
        return [p["pages"] for p in of_type(path, "P")[1:]]

    raw = long_paragraphs(pair.raw)
    assert len(raw) > 1 and all(len(p) == 1 for p in raw)  # one piece per page
    assert [len(s["pages"]) for s in of_type(pair.raw, "Sect")] == [1] * len(raw)
    done = long_paragraphs(pair.done)
    assert len(done) == 1 and len(done[0]) == len(raw)
    assert [len(s["pages"]) for s in of_type(pair.done, "Sect")] == [len(raw)]
    assert len(of_type(pair.done, "Part")) == 1


def uri(annotation: pikepdf.Object) -> str | None:
    action = annotation.get("/A")
    return str(action.URI) if action is not None and "/URI" in action else None


def links_to(pdf: pikepdf.Pdf, url: str) -> list[pikepdf.Object]:
    """Link elements with an annotation pointing at `url`."""
    return [
        e
        for e in elements(pdf)
        if pikepdf.Name.Link == e.S
        and any(
            isinstance(k, pikepdf.Dictionary) and "/Obj" in k and uri(k.Obj) == url for k in e.K
        )
    ]


def test_link_wrapped_over_lines_is_one_link(pair: Pair) -> None:
    with pikepdf.open(pair.raw) as pdf:
        lines = len(links_to(pdf, URL))  # one Link per line the link runs over
    assert lines >= 2
    with pikepdf.open(pair.done) as pdf:
        (link,) = links_to(pdf, URL)
        kinds = [str(k.get("/Type")) for k in link.K if isinstance(k, pikepdf.Dictionary)]
        assert kinds.count("/OBJR") == lines  # every line's annotation, one link
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                assert int(annotation.F) & 4  # printed, as on screen
                if uri(annotation) == URL:
                    slot = list(nums)[::2].index(int(annotation.StructParent))
                    assert nums[2 * slot + 1].objgen == link.objgen


def test_contents_leaders_are_artifacts_and_each_entry_one_link(pair: Pair) -> None:
    # WeasyPrint tags every leader dot, inside links nested in the entry's link (the
    # a::after pseudo-element), each with an annotation of its own.
    raw = struct_text(pair.raw)
    assert raw.count('"."') > 10
    with pikepdf.open(pair.raw) as pdf:
        nested = [e for e in elements(pdf) if pikepdf.Name.Link == e.S and e.P.S == e.S]
        assert nested
    done = struct_text(pair.done)
    assert '"."' not in done
    assert artifacts(pair.done).count("/Layout") > 10
    with pikepdf.open(pair.done) as pdf:
        links = [e for e in elements(pdf) if pikepdf.Name.Link == e.S]
        assert all(pikepdf.Name.Link != link.P.S for link in links)
    # The entry reads as its title and page number, one link.
    entry = done[done.index("Link") : done.index("Link") + 200]
    assert re.search(r'"Deel"\s+(Object \d+ 0\s+)*" \d+"', entry), entry


def pictures_drawn_in(path: Path) -> list[str]:
    """For each picture drawn (`Do`), the tag of the marked content around it."""
    found = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            open_tags: list[str] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in ("BDC", "BMC"):
                    open_tags.append(str(operands[0]))
                elif str(operator) == "EMC":
                    open_tags.pop()
                elif str(operator) == "Do":
                    found.append(open_tags[-1] if open_tags else "")
    return found


def test_decorative_picture_is_an_artifact(pair: Pair) -> None:
    assert [f for f in of_type(pair.raw, "Figure")]
    assert pictures_drawn_in(pair.raw) == ["/Figure"]
    assert of_type(pair.done, "Figure") == []
    assert pictures_drawn_in(pair.done) == ["/Artifact"]
    assert DECORATIVE_ALT not in struct_text(pair.done)
    assert "Na het plaatje" in struct_text(pair.done)  # the text beside it stays


def test_post_pass_is_conformant_and_changes_no_pixel(pair: Pair, tmp_path: Path) -> None:
    raw_failures = pdf_checks(pair.raw)
    assert any("TBL-002" in f for f in raw_failures), raw_failures  # a TH without /Scope
    assert pdf_checks(pair.done) == []
    for path in (pair.raw, pair.done):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / path.stem)], check=True
        )
    pictures = sorted(tmp_path.glob("raw-*.png"))
    assert pictures
    for picture in pictures:
        after = tmp_path / picture.name.replace("raw-", "done-")
        assert after.read_bytes() == picture.read_bytes(), picture.name


def test_post_pass_is_reproducible(tmp_path: Path) -> None:
    # Run to run in one folder. (WeasyPrint names a picture after its absolute URL, so
    # a file with pictures built in another folder differs in those names.)
    first = render(tmp_path).done.read_bytes()
    assert render(tmp_path).done.read_bytes() == first


# --- The build refuses what cannot be made accessible --------------------------------


@pytest.mark.parametrize(
    ("html", "reported"),
    [
        ('<html lang="nl"><title>x</title><img src="dot.png">', "no required alt"),
        ("<html><title>x</title><p>Geen taal", 'Missing required "lang"'),
    ],
)
def test_any_weasyprint_error_fails_the_build(tmp_path: Path, html: str, reported: str) -> None:
    (tmp_path / "dot.png").write_bytes(DOT)
    with pytest.raises(RenderError) as info:
        write_pdf(html, tmp_path, [], tmp_path / "x.pdf")
    assert reported in info.value.message


def test_a_logged_error_from_deep_inside_weasyprint_counts(tmp_path: Path) -> None:
    # Any ERROR on the "weasyprint" logger or a child of it, not just known messages.
    def log_error(document: object, pdf: object) -> None:
        logging.getLogger("weasyprint.progress").error("something broke")

    import weasyprint

    original = weasyprint.HTML.write_pdf

    def write_pdf_logging(self: weasyprint.HTML, *args: object, **kwargs: object) -> object:
        return original(self, *args, finisher=log_error, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(weasyprint.HTML, "write_pdf", write_pdf_logging)
        with pytest.raises(RenderError, match="something broke"):
            write_pdf('<html lang="nl"><title>x</title><p>x', tmp_path, [], tmp_path / "x.pdf")


def test_a_weasyprint_without_the_hook_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if an upgrade renamed the private function: the wrapper lands on a stand-in
    # WeasyPrint never calls, nothing is noted, and the build stops instead of shipping
    # a PDF without the post-pass.
    monkeypatch.setattr(tagmap, "weasy_tags", SimpleNamespace(_build_box_tree=lambda *a: ()))
    with pytest.raises(RenderError, match="no structure was noted"):
        write_pdf('<html lang="nl"><title>x</title><p>x', tmp_path, [], tmp_path / "x.pdf")
