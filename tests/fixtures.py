"""Builders for small binary fixtures (pptx, xlsx, pdf), written into a test's tmp folder."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from openpyxl import Workbook
from PIL import Image
from pptx import Presentation
from pptx.util import Inches

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
"""Real-world files shared beside the project; read in place, never copied in."""

LINK_URL = "https://example.org/verslag"

# Layout indexes in python-pptx's default template.
_TITLE_SLIDE, _TITLE_AND_CONTENT, _TITLE_ONLY, _BLANK = 0, 1, 5, 6


def _png(path: Path) -> Path:
    Image.new("RGB", (40, 20), "navy").save(path)
    return path


def _numbered(paragraph: Any) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    etree.SubElement(ppr, f"{{{A}}}buAutoNum", type="arabicPeriod")


def _make_placeholder(shape: Any, kind: str) -> None:
    """Turn a text box into a placeholder of `kind` (python-pptx cannot add chrome ones)."""
    nv_pr = shape._element.find(f"./{{{P}}}nvSpPr/{{{P}}}nvPr")
    etree.SubElement(nv_pr, f"{{{P}}}ph", type=kind, idx="12")


def make_deck(folder: Path, name: str = "deck.pptx") -> Path:
    """Five slides covering what the pptx reader must handle (see test_readers.py)."""
    prs = Presentation()
    layouts = prs.slide_layouts

    # 1: title slide; the subtitle's layout switches bullets off.
    slide = prs.slides.add_slide(layouts[_TITLE_SLIDE])
    slide.shapes.title.text = "Welkom"
    slide.placeholders[1].text = "Kennisbijeenkomst 2020"

    # 2: bullets at levels 0-2 (inherited from the master), one numbered, a soft line
    # break, a hyperlink in a text box, speaker notes.
    slide = prs.slides.add_slide(layouts[_TITLE_AND_CONTENT])
    slide.shapes.title.text = "Agenda"
    body = slide.placeholders[1].text_frame
    body.text = "Opening"
    for text, level in (("Cijfers\ven trends", 0), ("Landelijk", 1), ("Per regio", 2)):
        paragraph = body.add_paragraph()
        paragraph.text, paragraph.level = text, level
    paragraph = body.add_paragraph()
    paragraph.text = "Afsluiting"
    _numbered(paragraph)
    box = slide.shapes.add_textbox(Inches(1), Inches(6.5), Inches(6), Inches(0.5))
    paragraph = box.text_frame.paragraphs[0]
    paragraph.add_run().text = "Lees het "
    run = paragraph.add_run()
    run.text = "volledige verslag"
    run.hyperlink.address = LINK_URL
    paragraph.add_run().text = "\tonline."
    slide.notes_slide.notes_text_frame.text = "Niet publiceren: voorlopige cijfers"

    # 3: a table with a merged header, a picture with and one without alt text.
    slide = prs.slides.add_slide(layouts[_TITLE_ONLY])
    slide.shapes.title.text = "Cijfers"
    table = slide.shapes.add_table(3, 3, Inches(0.5), Inches(1.5), Inches(5), Inches(1.5)).table
    for r, row in enumerate((("Regio", "2019", ""), ("Noord", "12", "14"), ("Zuid", "8", "9"))):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 1).merge(table.cell(0, 2))
    image = _png(folder / "grafiek.png")
    with_alt = slide.shapes.add_picture(str(image), Inches(6), Inches(1.5), Inches(2))
    with_alt._element.nvPicPr.cNvPr.set("descr", "Grafiek: aanmeldingen per jaar")
    without_alt = slide.shapes.add_picture(str(image), Inches(6), Inches(4), Inches(2))
    # python-pptx writes the image's file name as descr; a deck without alt text has none.
    del without_alt._element.nvPicPr.cNvPr.attrib["descr"]

    # 4: hidden.
    slide = prs.slides.add_slide(layouts[_TITLE_AND_CONTENT])
    slide.shapes.title.text = "Intern"
    slide.placeholders[1].text = "Niet voor publicatie"
    slide.element.set("show", "0")

    # 5: reading order: a group whose raw child offsets lie above the text box, but which
    # sits below it on the slide; side-by-side boxes a few EMU apart; slide-number chrome.
    slide = prs.slides.add_slide(layouts[_BLANK])
    right = slide.shapes.add_textbox(Inches(5), Inches(1) - 500, Inches(3), Inches(1))
    right.text_frame.text = "Rechts"
    left = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1))
    left.text_frame.text = "Links"
    group = slide.shapes.add_group_shape()
    for text, top in (("Groep boven", 0.2), ("Groep onder", 0.8)):
        child = group.shapes.add_textbox(Inches(1), Inches(top), Inches(3), Inches(0.5))
        child.text_frame.text = text
    group.top = Inches(4)
    middle = slide.shapes.add_textbox(Inches(1), Inches(2.5), Inches(3), Inches(1))
    middle.text_frame.text = "Midden"
    number = slide.shapes.add_textbox(Inches(9), Inches(7), Inches(1), Inches(0.5))
    number.text_frame.text = "5"
    _make_placeholder(number, "sldNum")

    path = folder / name
    prs.save(str(path))
    return path


SLIDESHOW = "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml"
MACRO_SLIDESHOW = "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml"


def as_slideshow(deck: Path, folder: Path, main_type: str = SLIDESHOW) -> Path:
    """A copy of `deck` whose main part has another type, as in PowerPoint's .ppsx/.ppsm."""
    out = folder / "show.ppsx"
    with zipfile.ZipFile(deck) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                old = b"application/vnd.openxmlformats-officedocument.presentationml.presentation"
                data = data.replace(old + b".main+xml", main_type.encode())
            dst.writestr(info, data)
    return out


# --- Mentimeter ------------------------------------------------------------------------

Rows = Sequence[Sequence[Any]]

STATEMENT = "Stelling 1: We moeten meer samenwerken"


def menti_block(
    heading: str,
    kind: str,
    title: str,
    respondents: Any,
    *,
    label: str = "Question",
    date: str = "2020-09-03",
    session: int = 2,
) -> list[list[Any]]:
    """The label rows of one Mentimeter block, then the blank row under them."""
    return [
        [heading],
        ["Date", date],
        ["Session", session],
        ["Type", kind],
        [label, title],
        ["Respondents", respondents],
        [],
    ]


def menti_session_2() -> list[list[Any]]:
    """The last session: choices with text counts, open answers, a content slide, a quiz."""
    return [
        *menti_block("Question 1", "choices", STATEMENT, "26"),
        ["Choices", "Votes"],
        ["Eens", "14"],
        ["Oneens", "12"],
        [],
        *menti_block("Question 2", "open", "Wat neemt u mee?", 3),
        ["Responses"],
        ["Meer samenwerking met de zorg"],
        ["<b>Signaleren</b> & doorverwijzen"],
        ["Question 7"],  # an answer that looks like a block heading
        [],
        *menti_block("Slide 3", "slide", "Pauze", 0, label="Title", date=""),
        ["No votes for this session"],
        [],
        *menti_block("Question 4", "quiz", "Wie zong Toxic?", 2),
        ["Choices", "Votes", "Correct answer"],
        ["Britney", 1, "True"],
        ["Beyonce", 1.0, "False"],
        [],
        ["Position", "Name", "Emoji", "Score"],
        [1, "Willy", ":bug:", 928],
    ]


def menti_session_1() -> list[list[Any]]:
    """An earlier session (before a reset) with other numbers."""
    return [
        *menti_block("Question 1", "choices", STATEMENT, 1, session=1),
        ["Choices", "Votes"],
        ["Eens", 1],
        ["Oneens", 0],
    ]


def menti_voters(date_header: str = "Date") -> list[list[Any]]:
    return [
        ["Note: there are more sheets in this document"],
        [
            "Each session is found on its own sheet below. There is a session for each "
            "time you have renewed these questions."
        ],
        [date_header, "Session", "Voter", f"{STATEMENT}:", "Wie zong Toxic?: Name"],
        ["2020-09-03", 2, 1, "Eens", "Willy"],
    ]


def make_workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    """An .xlsx with these sheets, in this order, rows from row 1."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row) or [None])
    workbook.save(path)
    return path


def make_mentimeter(folder: Path, name: str = "menti.xlsx", **changes: Rows) -> Path:
    """A Mentimeter results export; keyword arguments replace sheets by name."""
    sheets: dict[str, Rows] = {
        "Voters": menti_voters(),
        "Session 1": menti_session_1(),
        "Session 2": menti_session_2(),
    }
    sheets.update({k.replace("_", " "): v for k, v in changes.items()})
    return make_workbook(folder / name, sheets)


# --- PDF -------------------------------------------------------------------------------

PDF_HTML = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Dia's</title>
<style>
  @page { size: A4 landscape; margin: 2cm }
  section + section { break-before: page }
  h1 { font-size: 28pt }
</style></head>
<body>
<section><h1>Eerste dia</h1><p>Regel een</p><p>Regel twee</p></section>
<section><h1>Tweede dia</h1><p>Slotwoord</p></section>
</body></html>
"""


def make_pdf_deck(folder: Path, name: str = "dias.pdf") -> Path:
    """Two landscape pages made with WeasyPrint."""
    from weasyprint import HTML

    path = folder / name
    HTML(string=PDF_HTML).write_pdf(path)
    return path


def encrypt_pdf(source: Path, target: Path, user_password: str) -> Path:
    """A copy of `source` encrypted with RC4 (AES would need the cryptography package)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="eigenaar", algorithm="RC4-128")
    with target.open("wb") as fh:
        writer.write(fh)
    return target


def truncated(source: Path, target: Path) -> Path:
    """The first half of `source`, like a download that stopped."""
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def zip_with(path: Path, members: dict[str, bytes]) -> Path:
    """A zip holding exactly these members."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def with_member(source: Path, target: Path, name: str, data: bytes) -> Path:
    """A copy of the zip `source` with one member's bytes replaced."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == name else src.read(info))
    return target


def without_member(source: Path, target: Path, name: str) -> Path:
    """A copy of the zip `source` without one member."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info))
    return target


# --- Poll exports of every kind (tests/test_polls.py, test_poll_formats.py) -------------

SCALE_TITLE = "Stelling 2: Hoe tevreden bent u?"
RANKING_TITLE = "Rangschik de thema's"
XSS_ANSWER = "<script>alert('x')</script> & <b>vet</b>"
EMOJI_ANSWER = "Top dag 👍🏽 🎉"
RTL_ANSWER = "شكراً على التنظيم"
LONG_WORD = "Kennisbijeenkomst" * 8
PERSON = "Anna de Vries"
EMAIL = "anna.devries@example.org"


def menti_all_types_session_1() -> list[list[Any]]:
    """Session 1 with one slide of every type in docs/poll-exports.md, in slide order.

    The scales and ranking blocks carry a header row and value columns whose layout is
    unverified; the reader takes only their statements from here (the numbers below are
    deliberately not the Voters sheet's, so a test can tell where values came from).
    """
    return [
        *menti_block("Question 1", "choices", STATEMENT, 4, session=1),
        ["Choices", "Votes"],
        ["Eens", 3],
        ["Oneens", "1"],
        [],
        *menti_block("Question 2", "choices_images", "Welke foto?", 4, session=1),
        ["Choices", "Votes"],
        ["zaal.jpg", 1],
        ["podium.jpg", 3],
        [],
        *menti_block("Question 3", "quiz", "Wie zong Toxic?", 4, session=1),
        ["Choices", "Votes", "Correct answer"],
        ["Britney", 3, "True"],
        ["Beyonce", 1, "False"],
        [],
        ["Position", "Name", "Emoji", "Score"],
        [1, PERSON, ":bug:", 928],
        [],
        *menti_block("Question 4", "scales", SCALE_TITLE, 4, session=1),
        ["Statements", "Average"],
        ["Over de zorg", 9.9],
        ["Over de politie", 9.9],
        [],
        *menti_block("Question 5", "ranking", RANKING_TITLE, 4, session=1),
        ["Items", "Score"],
        ["Preventie", 99],
        ["Nazorg", 99],
        ["Opsporing", 99],
        [],
        *menti_block("Question 6", "open", "Wat neemt u mee?", 4, session=1),
        ["Responses"],
        [XSS_ANSWER],
        [EMOJI_ANSWER],
        [RTL_ANSWER],
        [LONG_WORD],
        [],
        *menti_block("Question 7", "wordcloud", "Eén woord?", 4, session=1),
        ["Responses"],
        ["Samenwerking"],
        ["samenwerking "],
        ["Zorg"],
        ["Samenwerking"],
        [],
        *menti_block("Slide 8", "slide", "Pauze", 0, label="Title", date="", session=1),
        ["No votes for this session"],
        [],
        *menti_block("Question 9", "choices", "Welke thema's?", 4, session=1),
        ["Choices", "Votes"],
        ["Zorg", 3],
        ["Politie", 2],
        ["Onderwijs", 1],
        [],
        *menti_block("Question 10", "choices", "Stelling 2", 0, date="", session=1),
        ["No votes for this session"],
    ]


def menti_all_types_session_2() -> list[list[Any]]:
    """A reset: only the scales slide, answered by two voters."""
    return [
        *menti_block("Question 4", "scales", SCALE_TITLE, 2, session=2),
        ["Statements", "Average"],
        ["Over de zorg", 9.9],
        ["Over de politie", 9.9],
    ]


def menti_all_types_voters() -> list[list[Any]]:
    """Per-voter columns; "Stelling 2:" (a shorter title) must not swallow the scale's."""
    scale = f"{SCALE_TITLE}: "
    header = [
        "Date", "Session", "Voter", f"{STATEMENT}:", f"{scale}Over de zorg",
        f"{scale}Over de politie", "Stelling 2:", f"{RANKING_TITLE}: Preventie",
        f"{RANKING_TITLE}: Nazorg", f"{RANKING_TITLE}: Opsporing", "Wat neemt u mee?: 1",
        "Wie zong Toxic?: Name", "Wie zong Toxic?: Answer",
    ]  # fmt: skip
    return [
        ["Note: there are more sheets in this document"],
        ["Each session is found on its own sheet below."],
        header,
        ["2020-09-03", 1, 1, "Eens", 4, 1, None, 1, 2, 3, XSS_ANSWER, PERSON, "Britney"],
        ["2020-09-03", 1, 2, "Eens", "3", 2, None, 1, 3, 2, EMOJI_ANSWER, "Bob", "Britney"],
        ["2020-09-03", 1, 3, "Eens", 5, None, None, 2, 1, 3, RTL_ANSWER, "Cem", "Britney"],
        ["2020-09-03", 1, 4, "Oneens", 2, None, None, 1, 2, 3, LONG_WORD, "Dana", "Beyonce"],
        ["2020-09-03", 2, 1, None, 1, 5, None, None, None, None, None, None, None],
        ["2020-09-03", 2, 2, None, 1, 4, None, None, None, None, None, None, None],
    ]


def make_menti_all_types(path: Path) -> Path:
    """A Mentimeter export with every slide type and two sessions."""
    return make_workbook(
        path,
        {
            "Voters": menti_all_types_voters(),
            "Session 1": menti_all_types_session_1(),
            "Session 2": menti_all_types_session_2(),
        },
    )


MSFORMS_HEADERS = {
    "en": ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"],
    "nl": ["ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam",
           "Tijd van laatste wijziging"],
}  # fmt: skip


def make_msforms(path: Path, language: str = "en", above: int = 0) -> Path:
    """A Microsoft Forms responses workbook: rating, multi-select, open, choice and quiz
    columns; names and e-mail addresses in their own columns. `above` puts rows of notes
    above the header."""
    import datetime as dt

    header = [
        *MSFORMS_HEADERS[language], "Hoe was de dag?", "Welke sessies bezocht u?",
        "Wat neemt u mee?", "Komt u terug?", "Points - Komt u terug?",
        "Feedback - Komt u terug?", "Total points", "Quiz feedback",
    ]  # fmt: skip
    answers = [
        (4, "Plenair;Workshop A;", "Meer contact met de zorg", "Ja"),
        (5, "Plenair;", XSS_ANSWER, "Ja"),
        (3, "Workshop A;Workshop B;", "", "Nee"),
        (4, "Plenair;Workshop B;", EMOJI_ANSWER, "Ja"),
    ]
    rows: list[list[Any]] = [[f"Notitie {n}"] for n in range(above)] + [header]
    for number, (rating, sessions, open_text, back) in enumerate(answers, 1):
        start = dt.datetime(2024, 12, 3, 20, number)
        rows.append(
            [number, start, start + dt.timedelta(minutes=2), EMAIL if number == 1 else
             "anonymous", PERSON if number == 1 else "Anonymous", None, rating, sessions,
             open_text or None, back, 1, "", 1, ""]
        )  # fmt: skip
    return make_workbook(path, {"Form1": rows})


GFORMS_HEADERS = {
    "en": ("Timestamp", "Email Address"),
    "nl": ("Tijdstempel", "E-mailadres"),
}


def gforms_rows(language: str = "en") -> list[list[str]]:
    """Google Forms responses: a rating, checkboxes whose option holds ", ", an open
    question and a grid; every field is text, as in the real files."""
    timestamp, email = GFORMS_HEADERS[language]
    header = [
        timestamp, email, "Score", "Hoe was de dag?", "Komt u terug?", "Wat neemt u mee?",
        "Stellingen [Samenwerking is nodig]", "Stellingen [Er is genoeg geld]",
    ]  # fmt: skip
    answers = [
        ("4", "Ja, zeker", "Meer contact,\nmet de zorg", "5", "2"),
        ("5", "Ja, zeker, Misschien", "", "4", "1"),
        ("3", "Nee", RTL_ANSWER, "5", "2"),
        ("4", "Misschien", "Samen verder", "3", ""),
        ("2", "Ja, zeker", "", "5", "1"),
    ]
    rows = [header]
    for n, (rating, back, open_text, first, second) in enumerate(answers, 1):
        when = f"2024/12/03 8:4{n}:17 p.m. CET"
        rows.append([when, EMAIL, "0 / 0", rating, back, open_text, first, second])
    return rows


def csv_bytes(
    rows: Sequence[Sequence[str]],
    encoding: str = "utf-8",
    delimiter: str = ",",
    *,
    sep_line: bool = False,
    bom: bool = False,
) -> bytes:
    """`rows` as a CSV file's bytes, every field quoted as the form tools write them."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    if sep_line:
        buffer.write(f"sep={delimiter}\r\n")
    csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def slide_texts(slide: Any) -> list[str]:
    """A read slide's paragraphs and list entries, in order."""
    found: list[str] = []
    for block in slide.blocks:
        if block.type == "paragraph":
            found.append(block.text)
        elif block.type == "list":
            found += [item.text for item in block.items]
    return found


# --- Decks that real files misread (issue 15): made here, the real ones stay unseen -----

LECTURE_SECTIONS = ("Einleitung", "Grundbegriffe", "Ergebnisse", "Zusammenfassung")
LECTURE_AUTHOR = "Anna Schmidt"
LECTURE_TITLE = "Logik für Einsteiger"
LECTURE_ITEMS = (
    "Eine Aussage hat genau einen Wahrheitswert",
    "Eine Formel verbindet Aussagen durch Operatoren",
)
LECTURE_WRAPPED = (
    "Ein Beweis leitet eine Aussage Schritt für Schritt aus bereits bewiesenen Aussagen"
    " und den Axiomen der Logik her"
)
_LECTURE_CSS = """
@page { size: 160mm 120mm; margin: 0 }
html { font-family: "DejaVu Sans"; font-size: 11pt; line-height: 1.2 }
body { margin: 0 }
section { position: relative; height: 120mm; break-after: page }
.side { position: absolute; left: 0; top: 0; width: 34mm; height: 120mm; background: #dde }
.side p { position: absolute; left: 4mm; margin: 0; font-size: 7pt }
.head { position: absolute; left: 40mm; top: 3mm; margin: 0; font-size: 16pt;
        font-weight: bold }
.foot { position: absolute; top: 112mm; margin: 0; font-size: 7pt }
h1 { position: absolute; left: 40mm; top: 17mm; margin: 0; font-size: 14pt }
.body { position: absolute; left: 40mm; top: 32mm; width: 112mm; margin: 0; font-size: 10pt }
.body p { margin: 0 0 3mm }
ul { list-style: none; margin: 0; padding: 0 0 0 5mm }
li { margin: 0 }
li::before { content: ""; display: inline-block; width: 4pt; height: 4pt;
             background: #335; margin-left: -5mm; margin-right: calc(5mm - 4pt);
             vertical-align: 0.15em }
sup { vertical-align: 0.55em; font-size: 65%; line-height: 0 }
.title { position: absolute; left: 45mm; top: 40mm; margin: 0; font-size: 15pt }
.author { position: absolute; left: 45mm; top: 58mm; margin: 0 }
"""


def make_lecture_pdf(folder: Path, name: str = "vorlesung.pdf") -> Path:
    """A LaTeX-beamer-like lecture, 8 pages: a sidebar listing the sections on every
    page, a large running header ("Kapitel 1: Einleitung", then "Kapitel 2: ...") above
    everything, the author's name and the page number in the footer, bullets drawn as
    squares (not glyphs). Page 1 is the title slide (title, author), page 2 the contents
    (the sidebar's sections), page 3 two entries on neighbouring baselines, an entry
    that wraps, and Σ∗ with its star raised; page 8 closes with a section's name."""
    from weasyprint import HTML

    def page(number: int, chapter: str, inner: str) -> str:
        side = "".join(
            f'<p style="top: {30 + 6 * n}mm">{s}</p>' for n, s in enumerate(LECTURE_SECTIONS)
        )
        return (
            f'<section><div class="side">{side}</div><p class="head">{chapter}</p>{inner}'
            f'<p class="foot" style="left: 40mm">{LECTURE_AUTHOR}</p>'
            f'<p class="foot" style="left: 140mm; top: 105mm">{number} / 8</p></section>'
        )

    def bullets(items: Sequence[str]) -> str:
        return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"

    first, second = "Kapitel 1: Einleitung", "Kapitel 2: Ergebnisse"
    pages = [
        (first, f'<p class="title">{LECTURE_TITLE}</p><p class="author">{LECTURE_AUTHOR}</p>'),
        (first, f'<h1>Inhalt</h1><div class="body">{bullets(LECTURE_SECTIONS)}</div>'),
        (
            first,
            '<h1>Grundbegriffe</h1><div class="body">'
            f"{bullets([*LECTURE_ITEMS, LECTURE_WRAPPED])}"
            "<p>Σ<sup>∗</sup> ist die Menge aller Wörter.</p></div>",
        ),
        (first, '<h1>Aussagen</h1><div class="body"><p>Wahr oder falsch.</p></div>'),
        (second, '<h1>Wahrheitstafeln</h1><div class="body"><p>Vier Zeilen.</p></div>'),
        (second, '<h1>Normalformen</h1><div class="body"><p>Konjunktiv.</p></div>'),
        (second, '<h1>Beispiele</h1><div class="body"><p>Drei Formeln.</p></div>'),
        (second, '<h1>Zusammenfassung</h1><div class="body"><p>Danke.</p></div>'),
    ]
    body = "".join(page(n, chapter, inner) for n, (chapter, inner) in enumerate(pages, 1))
    html = f'<html lang="de"><head><style>{_LECTURE_CSS}</style></head><body>{body}</body></html>'
    path = folder / name
    HTML(string=html).write_pdf(path)
    return path


def make_pdf_with_unmapped_glyph(folder: Path, name: str = "glyph.pdf") -> Path:
    """One page showing "Summe ? und |x", where ? is a glyph its font names /foo: no list of
    glyph names knows it and the font has no ToUnicode map, so no Unicode is known."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    pdf = pikepdf.new()
    encoding = Dictionary(
        Type=Name.Encoding,
        BaseEncoding=Name.WinAnsiEncoding,
        Differences=Array([1, Name("/foo"), Name("/bar")]),
    )
    font = Dictionary(
        Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=encoding
    )
    page = pdf.add_blank_page(page_size=(720, 405))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=pdf.make_indirect(font)))
    page.obj.Contents = pdf.make_stream(b"BT /F1 24 Tf 72 300 Td (Summe \x01 und \x02x) Tj ET")
    path = folder / name
    pdf.save(path)
    return path


RTL_TITLE = "שני טורים"
RTL_RIGHT = ("הטור הימני נקרא ראשון", "שורה שנייה בטור הימני")
RTL_LEFT = ("הטור השמאלי נקרא אחרון", "שורה שנייה בטור השמאלי")


def make_rtl_pptx(folder: Path, name: str = "rtl.pptx") -> Path:
    """A Hebrew slide with a title and two columns; the left column's box comes first
    in the file, as when it was drawn first."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY])
    slide.shapes.title.text = RTL_TITLE
    for left, lines in ((Inches(0.5), RTL_LEFT), (Inches(5.2), RTL_RIGHT)):
        frame = slide.shapes.add_textbox(left, Inches(2), Inches(4.3), Inches(3)).text_frame
        frame.text = lines[0]
        frame.add_paragraph().text = lines[1]
        for paragraph in frame.paragraphs:
            paragraph._p.get_or_add_pPr().set("rtl", "1")
    path = folder / name
    prs.save(str(path))
    return path


def make_rtl_pdf(folder: Path, name: str = "rtl.pdf") -> Path:
    """The same slide as a PDF page; the left column is drawn first."""
    from weasyprint import HTML

    def column(side: str, lines: Sequence[str]) -> str:
        return f'<div style="{side}: 15mm">' + "".join(f"<p>{t}</p>" for t in lines) + "</div>"

    html = (
        '<html lang="he" dir="rtl"><head><style>'
        "@page { size: 254mm 143mm; margin: 0 } body { margin: 0; font-family: 'DejaVu Sans' }"
        " div { position: absolute; top: 40mm; width: 100mm; font-size: 18pt }"
        " h1 { position: absolute; top: 10mm; right: 15mm; margin: 0; font-size: 28pt }"
        f"</style></head><body><h1>{RTL_TITLE}</h1>"
        f"{column('left', RTL_LEFT)}{column('right', RTL_RIGHT)}</body></html>"
    )
    path = folder / name
    HTML(string=html).write_pdf(path)
    return path


def make_kahoot(path: Path, title: str, question: str, options: Sequence[tuple[str, int]]) -> Path:
    """A Kahoot report workbook with one quiz question (the first option right)."""
    symbols = ("▲", "◆", "●", "■")
    answers: list[Any] = ["Answer options", None]
    marks: list[Any] = ["Is answer correct?", None]
    counts: list[Any] = ["Number of answers received", None]
    for n, (label, count) in enumerate(options):
        answers += [symbols[n], label]
        marks += ["✔" if n == 0 else "✘", None]
        counts += [count, None]
    sheet = [[title], ["1 Quiz", question], answers, marks, counts]
    return make_workbook(path, {"Overview": [[title]], "1 Quiz": sheet})


# --- Decks LibreOffice converts (issue 15) ------------------------------------------------

_ODP_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
    ' xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
    ' xmlns:xlink="http://www.w3.org/1999/xlink"'
    ' xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"'
    ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
    ' xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)
ODP_MIME = "application/vnd.oasis.opendocument.presentation"


def make_odp(
    path: Path,
    pages: Sequence[tuple[str, Sequence[str]]],
    *,
    macro_writes: Path | None = None,
    linked_picture: str | None = None,
) -> Path:
    """An OpenDocument presentation: a text box per page with its lines. `macro_writes`
    adds a Basic macro, bound to the document's opening, that writes that file;
    `linked_picture` adds a picture linked from that address (not stored in the file)."""
    frames = []
    for title, lines in pages:
        paragraphs = "".join(f"<text:p>{t}</text:p>" for t in (title, *lines))
        frames.append(
            f'<draw:page draw:name="{title}" draw:master-page-name="Standaard">'
            '<draw:frame svg:x="2cm" svg:y="1cm" svg:width="24cm" svg:height="12cm">'
            f"<draw:text-box>{paragraphs}</draw:text-box></draw:frame>"
            + (
                '<draw:frame svg:x="2cm" svg:y="14cm" svg:width="6cm" svg:height="4cm">'
                f'<draw:image xlink:href="{linked_picture}" xlink:type="simple"'
                ' xlink:show="embed" xlink:actuate="onLoad"/></draw:frame>'
                if linked_picture
                else ""
            )
            + "</draw:page>"
        )
    scripts = (
        "<office:scripts><office:event-listeners><script:event-listener script:language="
        '"ooo:script" script:event-name="dom:load" xlink:href="vnd.sun.star.script:'
        'Standard.Module1.Main?language=Basic&amp;location=document"/>'
        "</office:event-listeners></office:scripts>"
        if macro_writes
        else ""
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODP_NS}'
        f' office:version="1.3">{scripts}<office:body><office:presentation>'
        f"{''.join(frames)}</office:presentation></office:body></office:document-content>"
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODP_NS}'
        ' office:version="1.3"><office:automatic-styles><style:page-layout style:name="PM1">'
        '<style:page-layout-properties fo:page-width="28cm" fo:page-height="21cm"/>'
        "</style:page-layout></office:automatic-styles><office:master-styles>"
        '<style:master-page style:name="Standaard" style:page-layout-name="PM1"/>'
        "</office:master-styles></office:document-styles>"
    )
    members = {"content.xml": content, "styles.xml": styles}
    if macro_writes is not None:
        members["Basic/script-lc.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><library:libraries xmlns:library='
            '"http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">'
            '<library:library library:name="Standard" xlink:href="Basic/Standard/script-lb.xml/"'
            ' xlink:type="simple" library:link="false"/></library:libraries>'
        )
        members["Basic/Standard/script-lb.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><library:library xmlns:library='
            '"http://openoffice.org/2000/library" library:name="Standard" library:readonly='
            '"false" library:passwordprotected="false"><library:element library:name='
            '"Module1"/></library:library>'
        )
        members["Basic/Standard/Module1.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script='
            '"http://openoffice.org/2000/script" script:name="Module1" script:language='
            f'"StarBasic">Sub Main\nOpen "{macro_writes}" For Output As #1\nPrint #1, "ran"\n'
            "Close #1\nEnd Sub\n</script:module>"
        )
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
        for name in members
    )
    members["META-INF/manifest.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODP_MIME}"/>'
        f"{entries}</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODP_MIME)  # first, stored
        for name, text in members.items():
            archive.writestr(name, text, zipfile.ZIP_DEFLATED)
    return path


def with_libreoffice(deck: Path, target: str, name: str) -> Path:
    """`deck` saved by LibreOffice as `target` ("ppt", "pps", "odp"), beside it as `name`."""
    from eventreport.readers.decks.libreoffice import converted

    out = deck.parent / name
    with converted(deck, deck.suffix, target, shown_as=deck, what="saving a test deck") as made:
        out.write_bytes(made.read_bytes())
    return out


def make_keynote(path: Path, lines: Sequence[str]) -> Path:
    """A Keynote '09 package (index.apxl, the XML format of Keynote 2 to 5) with one slide
    holding a text box of these lines. Keynote 6 and later write protobuf (Index/*.iwa),
    which nothing here can make."""
    paragraphs = "".join(f"<sf:p>{line}</sf:p>" for line in lines)
    apxl = (
        '<?xml version="1.0" encoding="UTF-8"?><key:presentation'
        ' xmlns:key="http://developer.apple.com/namespaces/keynote2"'
        ' xmlns:sf="http://developer.apple.com/namespaces/sf"'
        ' xmlns:sfa="http://developer.apple.com/namespaces/sfa" key:version="92008102400"'
        ' sfa:ID="BGShow-0"><key:size sfa:w="1024" sfa:h="768"/>'
        '<key:slide-list sfa:ID="NSMutableArray-0"><key:slide sfa:ID="BGSlide-1" key:depth="1">'
        '<key:page sfa:ID="BGSlidePage-1"><sf:size sfa:w="1024" sfa:h="768"/>'
        '<sf:layers sfa:ID="NSMutableArray-1"><sf:layer sfa:ID="BGLayer-1">'
        '<sf:drawables sfa:ID="NSMutableArray-2"><sf:shape sfa:ID="BGShape-1">'
        '<sf:geometry sfa:ID="g1"><sf:naturalSize sfa:w="800" sfa:h="300"/>'
        '<sf:size sfa:w="800" sfa:h="300"/><sf:position sfa:x="100" sfa:y="50"/></sf:geometry>'
        '<sf:path><sf:bezier-path sfa:ID="bp1"><sf:bezier sfa:ID="b1"'
        ' sfa:path="M 0 0 L 800 0 L 800 300 L 0 300 Z"/></sf:bezier-path></sf:path>'
        '<sf:text sfa:ID="t1"><sf:text-storage sf:kind="textbox" sfa:ID="ts1"><sf:text-body>'
        f"{paragraphs}</sf:text-body></sf:text-storage></sf:text></sf:shape></sf:drawables>"
        "</sf:layer></sf:layers></key:page></key:slide></key:slide-list></key:presentation>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("index.apxl", apxl, zipfile.ZIP_DEFLATED)
    return path
