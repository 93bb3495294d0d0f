"""Where the print page is cut, what each part's document holds, and which print styles
stop the cut (render/split.py, render/splitcss.py); the PDFs are in test_inparts.py."""

from __future__ import annotations

from html import escape

import pytest

from eventreport.render.split import (
    ANCHOR_SCHEME,
    BREAK,
    PAGE,
    PagePlan,
    nests_cleanly,
    plan,
    valid_page_name,
)
from eventreport.render.splitcss import style_problem

PAGE_HTML = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>T</title><style>{css}</style></head>
<body>
<header class="masthead" id="top"><h1>Titel &amp; zo</h1></header>
<main id="inhoud"><p class="lead">Inleiding.</p>
<nav class="toc"><ol><li><a href="#a">A</a></li><li><a href="#g">G</a></li>
<li><a href="#c">C</a></li></ol></nav>
<section class="session" id="a"><h2>A</h2><p>Naar <a href="#b">B</a> en <a href="#a">A</a>.</p>
<img src="x.png" alt="plaatje"><br/></section>
<section class="group" id="g" aria-labelledby="g-h"><h2 id="g-h">G</h2>
<section class="session" id="b"><h3>B</h3><p>Tekst B.</p></section>
<section class="session" id="c"><h3>C</h3><p><a href="#a">terug</a></p></section>
</section>
<div class="closing"><p>Tot ziens.</p></div>
</main>
<footer class="colophon"><h2 id="colofon">Colofon</h2></footer>
</body>
</html>
"""
CSS = ".toc a::after { content: leader('.') ' ' target-counter(attr(href), page); }"


def page(css: str = CSS) -> PagePlan:
    found = plan(PAGE_HTML.format(css=css))
    assert found is not None
    return found


def test_the_sessions_are_the_places_to_cut() -> None:
    found = page()
    html = found.html
    starts = [html[u.start : u.start + 40] for u in found.units]
    assert starts[0].startswith('<section class="session" id="a"')
    assert starts[1].startswith('<section class="group" id="g"')  # B begins its group
    assert starts[2].startswith('<section class="session" id="c"')
    assert [(u.first_in_group, u.last_in_group) for u in found.units] == [
        (False, False), (True, False), (False, True)
    ]  # fmt: skip
    assert found.units[2].end > html.index("</section>\n<div")  # the group's end tag
    assert found.unsupported is None


def test_each_part_is_a_document_of_its_own() -> None:
    found = page()
    parts = [[0], [1], [2]]
    front, first, second, last = (found.part_html(n, parts, {"a": 3, "g": 5, "c": 9})
                                  if n == 0 else found.part_html(n, parts)
                                  for n in range(4))  # fmt: skip
    for html in (front, first, second, last):
        assert nests_cleanly(html), html
        assert html.count("<main") == 1 and html.count("</main>") == 1
    # The front: cover and contents, whose links go to the parts, with their numbers.
    assert "<h1>" in front and 'id="inhoud"' in front and "<h2>A</h2>" not in front
    assert f'<a href="{ANCHOR_SCHEME}a" {PAGE}="3">' in front
    assert f'<a href="{ANCHOR_SCHEME}c" {PAGE}="9">' in front
    assert f"attr({PAGE})" in front and "target-counter" not in front
    # A part: the main element without its id (made once, in the front), no page break
    # of its own (it starts a document), a link within itself left as it is.
    assert "<main>" in first and "<h1>" not in first and f" {BREAK}" not in first
    assert f'<a href="{ANCHOR_SCHEME}b">B</a>' in first and '<a href="#a">A</a>' in first
    # A group cut after its first session: closed at the part's end ...
    assert second.count("<section") == second.count("</section>") == 2
    assert 'id="g"' in second
    # ... and opened again, without its id, where it goes on.
    assert '<section class="group" aria-labelledby="g-h">' in last
    assert 'id="g"' not in last and f'<a href="{ANCHOR_SCHEME}a">terug</a>' in last
    assert "Tot ziens" in last and "Colofon" in last  # what follows the sessions
    # No part draws the margins; the running header and numbers are drawn over them.
    assert all("@bottom-right { content: none !important; }" in h for h in (front, last))


def test_a_part_of_several_sessions_starts_each_on_a_new_page() -> None:
    found = page()
    one = found.part_html(1, [[0, 1, 2]])
    assert one.count(f" {BREAK}") == 2
    assert f'<section {BREAK} class="group" id="g"' in one
    assert f'<section {BREAK} class="session" id="c"' in one
    whole = found.whole_html()  # as the parts show it: every session on a new page
    assert whole.count(f" {BREAK}") == 3 and f'<section {BREAK} class="session" id="a"' in whole
    assert '<section class="session" id="b"' in whole


def test_the_furniture_has_a_page_for_each_page_by_its_name() -> None:
    drawn = page().furniture_html(["cover", "", "", "colophon"])
    assert drawn.count('<div style="page:') == 4
    assert (
        '<div style="page: cover;"><div style="visibility: hidden"><h1>Titel &amp; zo</h1>' in drawn
    )
    assert '<div style="page: auto; break-before: page;"></div>' in drawn
    assert '<div style="page: colophon; break-before: page;"></div>' in drawn
    assert "<section" not in drawn and "@page { background: none !important;" in drawn
    assert valid_page_name("colophon") and valid_page_name("")
    assert not valid_page_name('x"; } body { color: red') and not valid_page_name("1x")


_GROUP = PAGE_HTML[PAGE_HTML.index('<section class="group"') : PAGE_HTML.index("<div class")]


@pytest.mark.parametrize(
    "html",
    [
        PAGE_HTML.replace("</nav>", "</nav></div>"),  # an end tag closing nothing open
        PAGE_HTML.replace("<h2>A</h2>", "<h1>A</h1>"),  # two titles
        PAGE_HTML.replace("<main", "<div").replace("</main>", "</div>"),  # no main
        PAGE_HTML.replace(_GROUP, ""),  # one session: nothing to cut between
    ],
)
def test_a_page_not_shaped_as_the_templates_make_it_is_not_cut(html: str) -> None:
    assert plan(PAGE_HTML.format(css=CSS)) is not None
    assert plan(html.format(css=CSS)) is None


_SIDES = "it has a rule for the first, left, right or blank pages"


@pytest.mark.parametrize(
    ("css", "problem"),
    [
        (CSS, None),
        ("ol { counter-reset: item; } ol > li { counter-increment: item; }"
         " ol > li::before { content: counter(item) '.'; }", None),
        ("@page { @top-center { content: string(t); } } h1 { string-set: t content(); }", None),
        ("@page :first { margin: 0; }", _SIDES),
        ("@page cover:left { margin: 0; }", _SIDES),
        ("h2 { string-set: kop content(); }", "it sets a string on 'h2'"),
        ("@media print { h3 { string-set: kop content(); } }", "it sets a string on 'h3'"),
        ("@page { @top-center { content: string(kop); } }",
         "its page margins show a string set elsewhere than the title (kop)"),
        ("main { counter-reset: n; } h2::before { counter-increment: n; content: counter(n); }",
         "it counts across the document (n)"),
        ("@page { counter-increment: page 2; }", "it sets the page counter"),
        ("h2 { counter-reset: page; }", "it sets the page counter"),
        (".note { position: fixed; }", "it fixes an element to every page"),
        (".note { float: footnote; }", "it has footnotes"),
        ("a::after { content: target-counter(attr(href), page); }",
         "it numbers cross references outside the contents"),
        (".toc a::after { content: target-counter(attr(data-x), page); }",
         "it numbers cross references outside the contents"),
        ("@page { @bottom-center { content: element(voet); } }",
         "its page margins use element()"),
        ("@page { @bottom-center { content: counter(hoofdstuk); } }",
         "its page margins use counter()"),
        ("h2 { position: running(kop); }", "it uses running()"),
        ("h2 { content: target-text(attr(href)); }", "it uses target-text()"),
    ],
)  # fmt: skip
def test_a_style_that_needs_the_whole_document_stops_the_cut(css: str, problem: str | None) -> None:
    assert style_problem([css]) == problem


def test_a_style_attribute_counts_too() -> None:
    assert style_problem(["width: 50%"]) is None
    assert style_problem(["counter-increment: stap"]) == "it counts across the document (stap)"
    found = page()
    assert found.unsupported is None
    counted = plan(PAGE_HTML.format(css=CSS).replace("<h3>B", '<h3 style="counter-increment: x">B'))
    assert counted is not None and counted.unsupported == "it counts across the document (x)"


def test_a_contents_after_the_sessions_stops_the_cut() -> None:
    html = PAGE_HTML.format(css=CSS)
    nav = html[html.index("<nav") : html.index("</nav>") + 6]
    moved = html.replace(nav, "").replace('<div class="closing">', nav + '<div class="closing">')
    found = plan(moved)
    assert found is not None and found.unsupported == "its table of contents is not at its start"


def test_crafted_ids_and_links_stay_inside_their_attributes() -> None:
    # An override's ids may hold quotes, spaces, '&' or '>'; a link to one is rewritten
    # percent-encoded, its page number escaped, and the part still parses as written.
    crafted = 'b" onload="x& >ü'
    html = PAGE_HTML.format(css=CSS).replace('id="b"', f'id="{escape(crafted)}"')
    html = html.replace('href="#b"', 'href="#b%22%20onload%3D%22x%26%20%3E%C3%BC"')
    found = plan(html)
    assert found is not None
    second_part_ids = {
        name for name, at in found.ids.items() if found.part_of(at, [[0], [1], [2]]) == 2
    }
    assert crafted in second_part_ids
    part = found.part_html(1, [[0], [1], [2]])
    assert f'href="{ANCHOR_SCHEME}b%22%20onload%3D%22x%26%20%3E%C3%BC"' in part
    assert nests_cleanly(part)
    with_number = found.part_html(0, [[0], [1], [2]], {"a": 3, 'x"y': 4})
    assert nests_cleanly(with_number)


def test_a_link_to_no_element_is_left_for_the_engine_to_refuse() -> None:
    # As in one piece, where WeasyPrint reports "No anchor #nergens" and the build fails.
    found = page()
    html = found.html.replace('<a href="#b">B</a>', '<a href="#nergens">B</a>')
    again = plan(html)
    assert again is not None
    assert '<a href="#nergens">B</a>' in again.part_html(1, [[0], [1], [2]])
