"""Comments back from the speakers: proof PDFs annotated here with pypdf (every kind a PDF
reader makes), collected onto the line numbers printed in the proof's margin, recorded in
the corrections list, and hostile or foreign files refused clearly."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import SAMPLE, SAMPLE_SLUG
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)
from test_proofs import _artifact_figures

from eventreport.errors import ApprovalError, ProofFileError, SourceError
from eventreport.manifest import load_event
from eventreport.proofs.collect import collect
from eventreport.proofs.identity import KEY
from eventreport.proofs.returned import MAX_ANNOTATIONS, MAX_TEXT, read_returned
from eventreport.proofs.sending import send_proofs
from eventreport.proofs.tasks import Options, run, show_collected, show_status
from eventreport.proofstate.corrections import load_corrections, open_corrections
from eventreport.proofstate.rounds import require_approval

SENT = dt.date(2020, 9, 10)
BACK = dt.date(2020, 9, 15)
SPEAKER = "suze-hageman"
SESSION = "terugloop-meldingen"


@dataclass
class Sent:
    event_dir: Path
    out: Path
    pdf: Path


def _sent(tmp: Path) -> Sent:
    event_dir = tmp / "sources" / SAMPLE_SLUG
    shutil.copytree(SAMPLE, event_dir, ignore=shutil.ignore_patterns("proofs"))
    out = tmp / "build"
    send_proofs(event_dir, out, smtp=None, speaker=SPEAKER, today=SENT)
    return Sent(event_dir, out, out / SAMPLE_SLUG / "proofs" / f"{SPEAKER}.pdf")


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Sent:
    return _sent(tmp_path_factory.mktemp("collect"))


@pytest.fixture
def fresh(sent: Sent, tmp_path: Path) -> Sent:
    """A copy of the sent round whose corrections list this test may change."""
    event_dir = tmp_path / "sources" / SAMPLE_SLUG
    shutil.copytree(sent.event_dir, event_dir)
    return Sent(event_dir, sent.out, sent.pdf)


# --- Finding text and the printed line numbers, independently of the code under test ----


def find(pdf: Path, phrase: str) -> tuple[int, tuple[float, float, float, float]]:
    """The page and box (left, bottom, right, top) of the first place `phrase` is drawn."""
    doc = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(doc)):
            textpage = doc[index].get_textpage()
            hit = textpage.search(phrase, match_case=True).get_next()
            if hit:
                start, count = hit
                boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
                return index, (
                    min(b[0] for b in boxes),
                    min(b[1] for b in boxes),
                    max(b[2] for b in boxes),
                    max(b[3] for b in boxes),
                )
    finally:
        doc.close()
    raise AssertionError(f"{phrase!r} is not in {pdf}")


def printed_number(pdf: Path, page: int, box: tuple[float, float, float, float]) -> int:
    """The line number drawn in the margin beside `box`: the figures' baselines, counted
    over the pages before and down this one."""
    with pikepdf.open(pdf) as doc:
        baselines = [sorted({round(y, 2) for _, y in _artifact_figures(p)[0]}, reverse=True)
                     for p in doc.pages]  # fmt: skip
    before = sum(len(b) for b in baselines[:page])
    near = min(baselines[page], key=lambda y: abs(y - box[1]))
    assert abs(near - box[1]) < 4, (page, box, near)
    return before + baselines[page].index(near) + 1


# --- Annotating as a PDF reader would -------------------------------------------------------


def _floats(*values: float) -> ArrayObject:
    return ArrayObject([FloatObject(v) for v in values])


def _quad(box: tuple[float, float, float, float]) -> ArrayObject:
    x0, y0, x1, y1 = box
    return _floats(x0, y1, x1, y1, x0, y0, x1, y0)  # Acrobat's order: TL, TR, BL, BR


def annot(
    subtype: str, rect: tuple[float, float, float, float], **more: object
) -> DictionaryObject:
    entries = {
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject(subtype),
        NameObject("/Rect"): _floats(*rect),
    }
    for key, value in more.items():
        if isinstance(value, str):
            value = TextStringObject(value)
        entries[NameObject(f"/{key}")] = value  # type: ignore[assignment]
    return DictionaryObject(entries)


class Annotator:
    """Adds comments to a copy of a proof, placed on the text they are about."""

    def __init__(self, proof: Path) -> None:
        self.proof = proof
        self.writer = PdfWriter(clone_from=proof)

    def markup(self, subtype: str, phrase: str, text: str = "") -> DictionaryObject:
        page, box = find(self.proof, phrase)
        return self.writer.add_annotation(
            page, annot(subtype, box, QuadPoints=_quad(box), Contents=text)
        )

    def note(self, phrase: str, text: str, subtype: str = "/Text") -> DictionaryObject:
        # Clicked just right of the line's end, as a speaker puts a sticky note.
        page, box = find(self.proof, phrase)
        top = box[3] + 2
        rect = (box[2] + 4, top - 20, box[2] + 24, top)
        if subtype == "/FreeText":
            rect = (480, top - 30, 570, top)  # a text box in the right margin
        return self.writer.add_annotation(page, annot(subtype, rect, Contents=text))

    def replace(self, phrase: str, new: str) -> None:
        """Acrobat's "replace text": a caret holding the new text, and a strike-out over
        the old one grouped with it."""
        page, box = find(self.proof, phrase)
        caret = self.writer.add_annotation(
            page,
            annot("/Caret", (box[2] - 3, box[1] - 2, box[2] + 3, box[3]), Contents=new),
        )
        strike = annot(
            "/StrikeOut",
            box,
            QuadPoints=_quad(box),
            IRT=caret.indirect_reference,
            RT=NameObject("/Group"),
            IT=NameObject("/StrikeOutTextEdit"),
        )
        self.writer.add_annotation(page, strike)

    def reply(self, to: DictionaryObject, text: str, **more: object) -> None:
        page = next(
            i for i, p in enumerate(self.writer.pages)
            if any(a.get_object() is to for a in p.get("/Annots", []))
        )  # fmt: skip
        self.writer.add_annotation(
            page,
            annot("/Text", (0, 0, 20, 20), Contents=text, IRT=to.indirect_reference, **more),
        )

    def popup(self, parent: DictionaryObject) -> None:
        page = 0
        self.writer.add_annotation(
            page, annot("/Popup", (300, 300, 500, 400), Parent=parent.indirect_reference)
        )

    def save(self, target: Path) -> Path:
        with target.open("wb") as handle:
            self.writer.write(handle)
        return target


# --- Collecting -----------------------------------------------------------------------------


def test_every_kind_of_comment_lands_on_its_printed_line(fresh: Sent, tmp_path: Path) -> None:
    pdf = fresh.pdf
    a = Annotator(pdf)
    highlight = a.markup("/Highlight", "dark figure of crime", "bron erbij?")
    a.reply(highlight, "Zie het jaarverslag.")
    a.reply(highlight, "", State="Accepted", StateModel="Review")  # a review status only
    a.popup(highlight)
    a.note("dark figure of crime", "2020, niet 2021")
    a.markup("/StrikeOut", "Meldcode KNMG")
    a.markup("/Underline", "Prioritaire aandacht", "vet?")
    a.markup("/Squiggly", "slachtoffers die niet in")
    a.replace("verborgen vorm", "onzichtbare vorm")
    a.note("Prioritaire aandacht", "Kop klopt niet", subtype="/FreeText")
    returned = a.save(tmp_path / "hageman-opmerkingen.pdf")

    taken, refused = collect([returned], [fresh.event_dir], BACK)
    assert refused == []
    (item,) = taken
    comments = item.returned.comments
    assert item.speaker.id == SPEAKER and item.returned.mark.round == 1

    def line(phrase: str) -> int:
        page, box = find(pdf, phrase)
        return printed_number(pdf, page, box)

    found = {(c.kind, c.words or c.text): c for c in comments}
    expected = {
        ("highlight", "dark figure of crime"): ("bron erbij?", line("dark figure of crime")),
        ("note", "2020, niet 2021"): ("2020, niet 2021", line("dark figure of crime")),
        ("strike-out", "Meldcode KNMG"): ("", line("Meldcode KNMG")),
        ("underline", "Prioritaire aandacht"): ("vet?", line("Prioritaire aandacht")),
        ("squiggly", "slachtoffers die niet in"): ("", line("slachtoffers die niet in")),
        ("replace", "verborgen vorm"): ("onzichtbare vorm", line("verborgen vorm")),
        ("text box", "Kop klopt niet"): ("Kop klopt niet", line("Prioritaire aandacht")),
    }
    assert set(found) == set(expected)  # the popup and the review status are no comments
    for key, (text, number) in expected.items():
        comment = found[key]
        assert (comment.text, comment.line) == (text, number), key
        assert comment.session == SESSION, key
    assert found[("highlight", "dark figure of crime")].replies == ("Zie het jaarverslag.",)
    assert "dark figure of crime" in found[("note", "2020, niet 2021")].context
    assert [c.line for c in comments] == sorted(c.line or 0 for c in comments)

    recorded = load_corrections(load_event(fresh.event_dir))
    assert len(recorded) == 7 and {c.status for c in recorded} == {"open"}
    assert [c.number for c in recorded] == list(range(1, 8))
    replace = next(c for c in recorded if c.kind == "replace")
    assert (replace.words, replace.text, replace.speaker, replace.round) == (
        "verborgen vorm", "onzichtbare vorm", SPEAKER, 1,
    )  # fmt: skip
    assert replace.file == "hageman-opmerkingen.pdf" and replace.collected == BACK
    said = show_collected(taken, refused)
    assert "hageman-opmerkingen.pdf: Suze Hageman's proof, round 1: 7 comment(s)" in said
    assert f"line {line('verborgen vorm')}: replace “verborgen vorm” by “onzichtbare vorm”" in said
    assert "Added 7 to sources/" in said

    # The same file again (the speaker's reply forwarded twice): nothing is added.
    again, _ = collect([returned], [fresh.event_dir], BACK)
    assert all(not new for _, new in again[0].corrections)
    assert "(listed before)" in show_collected(again, [])
    assert len(load_corrections(load_event(fresh.event_dir))) == 7


def test_a_comment_in_the_margin_below_the_part_has_no_line(fresh: Sent, tmp_path: Path) -> None:
    a = Annotator(fresh.pdf)
    a.writer.add_annotation(0, annot("/Text", (540, 780, 560, 800), Contents="Mooi gemaakt!"))
    (item,), _ = collect([a.save(tmp_path / "x.pdf")], [fresh.event_dir], BACK)
    (comment,) = item.returned.comments
    assert (comment.page, comment.line, comment.session) == (1, None, None)
    assert "p. 1 no line: note: Mooi gemaakt!" in show_collected([item], [])


def test_a_proof_without_comments_says_so(fresh: Sent) -> None:
    (item,), refused = collect([fresh.pdf], [fresh.event_dir], BACK)
    assert refused == [] and item.returned.comments == ()
    said = show_collected([item], [])
    assert "no comments in it. If they approve, record it: invoke proofs --approve" in said
    assert not (fresh.event_dir / "proofs" / "corrections.yaml").exists()


def test_corrections_stay_open_until_marked_and_hold_back_the_final(
    fresh: Sent, tmp_path: Path
) -> None:
    a = Annotator(fresh.pdf)
    a.markup("/StrikeOut", "Meldcode KNMG", "weg ermee")
    a.note("dark figure of crime", "2020, niet 2021")
    folder = tmp_path / "terug"
    folder.mkdir()
    a.save(folder / "hageman.pdf")
    (folder / "lees mij.txt").write_text("geen pdf")
    text, failed = run(Options(collect=(str(folder),)), [fresh.event_dir], fresh.out, None, print)
    assert not failed and "2 comment(s)" in text
    status = show_status(fresh.event_dir, fresh.out)
    assert "Corrections: 2 open of 2" in status
    assert "#1 Suze Hageman, round 1, p. " in status and "2020, niet 2021" in status
    event = load_event(fresh.event_dir)
    with pytest.raises(ApprovalError, match=rf"{SESSION} \(.*\): corrections #1, #2 still open"):
        require_approval(event, {}, force=False)

    said, _ = run(Options(done=("1",), note="aangepast"), [fresh.event_dir], fresh.out, None, print)
    assert (
        said.startswith("#1 marked done: #1 Suze Hageman") and "1 correction(s) still open" in said
    )
    said, _ = run(Options(reject=("#2",)), [fresh.event_dir], fresh.out, None, print)
    assert "#2 marked rejected" in said and said.endswith("No corrections open.")
    assert open_corrections(event) == []
    done = load_corrections(event)
    assert [(c.status, c.note) for c in done] == [("done", "aangepast"), ("rejected", None)]
    assert "Corrections: 0 open of 2" in show_status(fresh.event_dir, fresh.out)
    with pytest.raises(SourceError, match="no correction number 9; there are numbers 1 to 2"):
        run(Options(done=("9",)), [fresh.event_dir], fresh.out, None, print)

    # The staff may edit the file instead; a wrong status is pointed out with its line.
    path = fresh.event_dir / "proofs" / "corrections.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Corrections from the speakers' returned proofs")
    path.write_text(text.replace("status: rejected", "status: open"), encoding="utf-8")
    assert [c.number for c in open_corrections(event)] == [2]
    path.write_text(text.replace("status: rejected", "status: klaar"), encoding="utf-8")
    with pytest.raises(SourceError, match="status 'klaar' is not one of open, done, rejected"):
        load_corrections(event)


# --- Files that are not (this round's) proofs ------------------------------------------


def _refused(path: Path, event_dir: Path) -> str:
    taken, refused = collect([path], [event_dir], BACK)
    assert taken == [] and len(refused) == 1
    assert isinstance(refused[0], ProofFileError)
    return str(refused[0])


def test_a_pdf_that_is_not_a_proof_is_refused(fresh: Sent, tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "Iets anders"})
    other = tmp_path / "brief.pdf"
    writer.write(other)
    said = _refused(other, fresh.event_dir)
    assert said.endswith("is not one of the proofs made by invoke proofs (it carries no proof"
                         " identifier). If it is one, the program that saved it dropped the"
                         " identifier (printing to PDF does); ask the speaker to add their"
                         " comments to the PDF they were sent and save that")  # fmt: skip
    assert "brief.pdf" in said


def _with_mark(source: Path, target: Path, change: Callable[[str], str]) -> Path:
    with pikepdf.open(source) as pdf:
        pdf.docinfo[pikepdf.Name(KEY)] = change(str(pdf.docinfo[pikepdf.Name(KEY)]))
        pdf.save(target)
    return target


def test_a_proof_of_another_event_is_refused(fresh: Sent, tmp_path: Path) -> None:
    other = _with_mark(
        fresh.pdf, tmp_path / "ander.pdf", lambda m: m.replace(SAMPLE_SLUG, "2021-01-01-anders")
    )
    said = _refused(other, fresh.event_dir)
    assert "is a proof of the event '2021-01-01-anders', not of " + SAMPLE_SLUG in said


def test_a_damaged_identifier_is_refused(fresh: Sent, tmp_path: Path) -> None:
    for name, change in (
        ("kapot.pdf", lambda m: m[: len(m) // 2]),
        ("nep.pdf", lambda m: m.replace('"pages":', '"pages":-')),
        ("ander-soort.pdf", lambda m: m.replace('"eventreport-proof":1', '"eventreport-proof":9')),
    ):
        said = _refused(_with_mark(fresh.pdf, tmp_path / name, change), fresh.event_dir)
        assert "is not a proof eventreport can read: its proof identifier is" in said, name


def test_pages_removed_are_refused(fresh: Sent, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=fresh.pdf)
    writer.remove_page(len(writer.pages) - 1)
    target = tmp_path / "korter.pdf"
    writer.write(target)
    pages = len(PdfReader(fresh.pdf).pages)
    assert f"has {pages - 1} pages where the proof had {pages}" in _refused(target, fresh.event_dir)


def test_an_older_or_unsent_round_is_refused(sent: Sent, tmp_path: Path) -> None:
    event_dir = tmp_path / "sources" / SAMPLE_SLUG
    shutil.copytree(sent.event_dir, event_dir)
    round1 = shutil.copy(sent.pdf, tmp_path / "ronde1.pdf")
    session = event_dir / "sessions" / f"{SESSION}.md"
    text = session.read_text(encoding="utf-8")
    session.write_text(text.replace("dark figure of crime", "dark number"), encoding="utf-8")
    out = tmp_path / "build"
    from eventreport.proofs.document import make_proofs

    (unsent,) = make_proofs(event_dir, out, speaker=SPEAKER, today=BACK)
    assert unsent.round == 2
    said = _refused(unsent.pdf, event_dir)
    assert "is Suze Hageman's proof of round 2, which was never recorded as sent to them" in said

    send_proofs(event_dir, out, smtp=None, speaker=SPEAKER, today=BACK)
    said = _refused(Path(round1), event_dir)
    assert (
        "is Suze Hageman's proof of round 1, but round 2 was sent to them on 2020-09-15:"
        " its line numbers are different" in said
    )


# --- Hostile files ----------------------------------------------------------------------------


def test_hostile_files_get_clear_errors(fresh: Sent, tmp_path: Path) -> None:
    big = tmp_path / "groot.pdf"
    with big.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(60 * 1024 * 1024)  # sparse: no disk needed
    assert "is 60 MB, more than the 50 MB a returned proof can be" in _refused(big, fresh.event_dir)

    word = tmp_path / "opmerkingen.pdf"
    word.write_bytes(b"PK\x03\x04 a .docx renamed")
    assert "is not a PDF" in _refused(word, fresh.event_dir)

    locked = tmp_path / "beveiligd.pdf"
    writer = PdfWriter(clone_from=fresh.pdf)
    writer.encrypt(user_password="geheim", owner_password="eigenaar", algorithm="AES-128")
    writer.write(locked)
    assert "is protected with a password; ask the speaker to save it without one" in _refused(
        locked, fresh.event_dir
    )

    broken = tmp_path / "kapot.pdf"
    data = fresh.pdf.read_bytes()
    broken.write_bytes(data[:200] + b"\x00garbage" * 50)
    said = _refused(broken, fresh.event_dir)
    assert "is damaged and cannot be read" in said or "carries no proof identifier" in said

    missing = tmp_path / "weg.pdf"
    with pytest.raises(ProofFileError, match="does not exist; check the name and folder"):
        collect([missing], [fresh.event_dir], BACK)


def test_thousands_of_annotations_are_refused(fresh: Sent, tmp_path: Path) -> None:
    with pikepdf.open(fresh.pdf) as pdf:
        page = pdf.pages[1]
        one = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text,
                Rect=[500, 500, 520, 520], Contents="x",
            )
        )  # fmt: skip
        page.obj.Annots = pdf.make_indirect(pikepdf.Array([one] * (MAX_ANNOTATIONS + 1)))
        pdf.save(tmp_path / "veel.pdf")
    said = _refused(tmp_path / "veel.pdf", fresh.event_dir)
    assert f"holds more than {MAX_ANNOTATIONS} annotations" in said


def test_huge_texts_are_cut_and_huge_markings_refused(fresh: Sent, tmp_path: Path) -> None:
    a = Annotator(fresh.pdf)
    a.note("dark figure of crime", "lang " * 100_000)
    (item,), _ = collect([a.save(tmp_path / "lang.pdf")], [fresh.event_dir], BACK)
    (comment,) = item.returned.comments
    assert len(comment.text) < MAX_TEXT + 100
    assert comment.text.endswith(f"[… {500_000 - MAX_TEXT} more characters left out]")

    b = Annotator(fresh.pdf)
    page, box = find(fresh.pdf, "Meldcode KNMG")
    b.writer.add_annotation(
        page, annot("/Highlight", box, QuadPoints=_floats(*([100.0, 100.0] * 4 * 600)))
    )
    said = _refused(b.save(tmp_path / "vlakken.pdf"), fresh.event_dir)
    assert "has a marking of more than 500 pieces" in said

    c = Annotator(fresh.pdf)
    c.writer.add_annotation(
        page, annot("/Highlight", (0, 0, 1, 1), QuadPoints=_floats(*([1e30] * 8)))
    )
    said = _refused(c.save(tmp_path / "ver.pdf"), fresh.event_dir)
    assert "is damaged and cannot be read" in said and "off any page" in said


def test_one_refused_file_does_not_stop_the_others(fresh: Sent, tmp_path: Path) -> None:
    a = Annotator(fresh.pdf)
    a.note("dark figure of crime", "2020, niet 2021")
    good = a.save(tmp_path / "goed.pdf")
    bad = tmp_path / "slecht.pdf"
    bad.write_text("geen pdf")
    text, failed = run(
        Options(collect=(str(bad), str(good))), [fresh.event_dir], fresh.out, None, print
    )
    assert failed
    assert "goed.pdf: Suze Hageman's proof, round 1: 1 comment(s)" in text
    assert "REFUSED " in text and "slecht.pdf: is not a PDF" in text
    assert len(load_corrections(load_event(fresh.event_dir))) == 1


def test_read_returned_on_the_proof_itself(sent: Sent) -> None:
    returned = read_returned(sent.pdf)
    assert returned.mark.speaker == SPEAKER and returned.comments == ()


def test_a_page_that_inflates_far_beyond_a_proof_page_is_refused(
    fresh: Sent, tmp_path: Path
) -> None:
    a = Annotator(fresh.pdf)
    a.note("dark figure of crime", "2020, niet 2021")
    noted = a.save(tmp_path / "noted.pdf")
    with pikepdf.open(noted) as pdf:
        page, _ = find(fresh.pdf, "dark figure of crime")
        # 20 MB of spaces, a few kB once compressed: a decompression bomb in miniature.
        bomb = pikepdf.Stream(pdf, b" " * (20 * 1024 * 1024))
        pdf.pages[page].contents_add(bomb)
        pdf.save(tmp_path / "bom.pdf", compress_streams=True)
    assert (tmp_path / "bom.pdf").stat().st_size < 2 * 1024 * 1024
    said = _refused(tmp_path / "bom.pdf", fresh.event_dir)
    assert f"page {page + 1} holds far more drawing than a proof page" in said
