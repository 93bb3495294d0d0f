"""Speaker proofs: one per speaker, draft notice on every page, rounds, changes, approval."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import page
import pikepdf
import pytest
from a11y import axe_violations, htmlcs_errors, pdf_checks, require_browser, vnu_errors
from conftest import SAMPLE, SAMPLE_SLUG
from lxml import html as lxml_html
from pypdf import PdfReader

from eventreport.build import build
from eventreport.errors import ApprovalError, SourceError
from eventreport.manifest import load_event
from eventreport.proofs.document import Proof, make_proofs
from eventreport.proofs.sending import send_proofs
from eventreport.proofstate.rounds import load_approvals, load_rounds, record_approval

SENT = dt.date(2020, 9, 10)


@dataclass
class Round1:
    event_dir: Path
    out: Path
    proofs: dict[str, Proof]


def _copy_sample(tmp: Path) -> Path:
    event_dir = tmp / "sources" / SAMPLE_SLUG
    shutil.copytree(SAMPLE, event_dir, ignore=shutil.ignore_patterns("proofs"))
    return event_dir


@pytest.fixture(scope="module")
def round1(tmp_path_factory: pytest.TempPathFactory) -> Round1:
    tmp = tmp_path_factory.mktemp("proofs")
    event_dir = _copy_sample(tmp)
    out = tmp / "build"
    made = send_proofs(event_dir, out, smtp=None, today=SENT).batch.proofs
    return Round1(event_dir, out, {p.speaker.id: p for p in made})


def _pdf_pages(path: Path) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(path).pages]


def _own_text(html_path: Path) -> str:
    tree = lxml_html.parse(str(html_path))
    return " ".join(s.text_content() for s in tree.xpath("//section[contains(@class, 'own')]"))


def test_one_proof_per_speaker_with_a_session(round1: Round1) -> None:
    event = load_event(round1.event_dir)
    with_sessions = {p for s in event.sessions for p in s.speakers}
    assert set(round1.proofs) == with_sessions
    for proof in round1.proofs.values():
        assert proof.pdf.is_file() and proof.html.is_file() and proof.message.is_file()
        assert proof.round == 1 and proof.since is None


def test_proof_holds_own_text_and_not_other_session_bodies(round1: Round1) -> None:
    hageman = round1.proofs["suze-hageman"]
    html = lxml_html.parse(str(hageman.html))
    text = html.getroot().text_content()
    assert "dark figure of crime" in text  # her own session, in full
    assert "Prioritaire aandacht (vanuit beleid)" in text  # her slides, from her deck
    # Another speaker's session body is condensed to its heading.
    assert "Sekse-gerichte benadering bij aanpak loverboys" in text
    assert "promotieonderzoek" not in text
    assert "Smekend trillend biddend" not in text
    assert len(html.xpath("//section[contains(@class, 'own')]")) == 1
    pdf_text = "\n".join(_pdf_pages(hageman.pdf))
    assert "dark figure of crime" in pdf_text
    assert "promotieonderzoek" not in pdf_text


def test_draft_notice_round_and_reply_address_on_every_page(round1: Round1) -> None:
    for proof in round1.proofs.values():
        pages = _pdf_pages(proof.pdf)
        assert pages
        for number, text in enumerate(pages, 1):
            flat = " ".join(text.split())
            assert "CONCEPT – niet verspreiden" in flat, (proof.pdf.name, number)
            assert "Ronde 1 · 10 september 2020" in flat, (proof.pdf.name, number)
            assert "kindermishandeling@zonmw.nl" in flat, (proof.pdf.name, number)
            assert "24 september 2020" in flat, (proof.pdf.name, number)


def test_every_proof_pdf_passes_pdf_ua1(round1: Round1) -> None:
    for proof in round1.proofs.values():
        report = page.validate_pdf(str(proof.pdf), profile="ua1")
        assert report.is_compliant, (proof.pdf.name, report.failures)


def test_every_proof_passes_the_pdf_and_wcag_checks(round1: Round1) -> None:
    # Watermark, line numbers and change marks must not cost the proof its accessibility.
    require_browser()
    for proof in round1.proofs.values():
        assert pdf_checks(proof.pdf) == [], proof.pdf.name
        assert axe_violations(proof.html) == [], proof.html.name
        assert htmlcs_errors(proof.html) == [], proof.html.name
    assert vnu_errors(*(p.html for p in round1.proofs.values())) == []


def test_proofs_are_set_in_one_typeface(round1: Round1) -> None:
    # Header, footer and text alike: no second typeface (the margins were DejaVu Sans, and
    # hyphenation drew U+2010 from it).
    for proof in round1.proofs.values():
        with pikepdf.open(proof.pdf) as pdf:
            fonts = {
                str(font.get("/BaseFont")).split("+")[-1]
                for pdf_page in pdf.pages
                for font in (pdf_page.Resources.get("/Font") or {}).values()
            }
        assert fonts and all(f.startswith("Atkinson-Hyperlegible") for f in fonts), fonts


def test_a_first_round_banner_says_only_that_everything_is_new(round1: Round1) -> None:
    for proof in round1.proofs.values():
        banner = " ".join(
            lxml_html.parse(str(proof.html)).xpath("//div[@class='proof-banner']")[0]
            .text_content().split()
        )  # fmt: skip
        assert "Eerste ronde: alles is nieuw." in banner
        assert "gemarkeerd" not in banner
        first_page = " ".join(_pdf_pages(proof.pdf)[0].split())
        assert "Eerste ronde: alles is nieuw." in first_page and "gemarkeerd" not in first_page


def test_marked_changes_pass_the_pdf_and_wcag_checks(round1: Round1, tmp_path: Path) -> None:
    require_browser()
    event_dir = _copy_sample(tmp_path)
    shutil.copytree(round1.event_dir / "proofs", event_dir / "proofs")
    session = event_dir / "sessions" / "pluryn.md"
    text = session.read_text(encoding="utf-8")
    session.write_text(text.replace("En dat lukt steeds beter.", "").replace("fijne", "goede"))
    (proof,) = make_proofs(event_dir, tmp_path / "build", speaker="marleen-luimes", today=SENT)
    assert proof.changes == 2
    assert pdf_checks(proof.pdf) == []
    assert axe_violations(proof.html) == []


def _artifact_figures(pdf_page: pikepdf.Page) -> tuple[list[tuple[float, float]], int]:
    """Where the grey (0.35 g) figures inside /Artifact content are placed (x, y of each
    figure's matrix), and how many fills they make. WeasyPrint's own artifacts (box
    borders, leaders) are drawn otherwise."""
    placed: list[tuple[float, float]] = []
    fills = 0
    inside, grey = False, False
    for operands, operator in pikepdf.parse_content_stream(pdf_page):
        name = str(operator)
        if name == "BMC" and operands and str(operands[0]) == "/Artifact":
            inside, grey = True, False
        elif name == "EMC":
            inside = False
        elif inside and name == "g":
            grey = abs(float(operands[0]) - 0.35) < 1e-6
        elif inside and grey and name == "cm":
            placed.append((float(operands[4]), float(operands[5])))
        elif inside and grey and name == "f":
            fills += 1
    return placed, fills


def _text_baselines(reader: PdfReader, index: int) -> list[float]:
    """Baselines (PDF points from the bottom) of the text drawn on a page."""
    found: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            found.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    reader.pages[index].extract_text(visitor_text=visit)
    return found


def test_line_numbers_sit_on_text_lines_inside_artifacts(round1: Round1) -> None:
    proof = round1.proofs["suze-hageman"]
    reader = PdfReader(proof.pdf)
    numbers = 0
    figures = 0
    with pikepdf.open(proof.pdf) as pdf:
        for index, pdf_page in enumerate(pdf.pages):
            placed, fills = _artifact_figures(pdf_page)
            assert fills == len(placed)  # one filled outline per figure
            figures += len(placed)
            baselines = sorted({round(y, 2) for _, y in placed})
            text = _text_baselines(reader, index)
            for baseline in baselines:
                assert any(abs(baseline - t) < 1.5 for t in text), (index + 1, baseline)
            # The numbers stand in the left margin, before the text column (25 mm).
            assert all(x < 25 / 25.4 * 72 for x, _ in placed)
            numbers += len(baselines)
    assert numbers > 40  # her session runs over more than a page of text
    # Numbered 1, 2, ... N: that many figures in all, and none drawn twice on one line.
    assert figures == sum(len(str(n)) for n in range(1, numbers + 1))


def test_cover_message_says_what_by_when_to_whom(round1: Round1) -> None:
    text = round1.proofs["mohini-awadhpersad"].message.read_text(encoding="utf-8")
    assert text.startswith("Beste Mohini Awadhpersad,")
    assert "Hartenkreet van ervaring tot professional - Be Positive" in text
    assert "vóór 24 september 2020 naar kindermishandeling@zonmw.nl" in text
    assert "ronde 1" in text and "Eerste ronde" in text


def test_send_records_the_round_in_the_sources(round1: Round1) -> None:
    (recorded,) = load_rounds(load_event(round1.event_dir))
    assert recorded.number == 1 and recorded.sent == SENT
    assert set(recorded.blocks) == {s.id for s in load_event(round1.event_dir).sessions}
    data = json.loads((round1.event_dir / "proofs" / "round-1.json").read_text(encoding="utf-8"))
    assert "Onderzoek CoMensha jeugdhulporganisaties" in data["sessions"]["terugloop-meldingen"]


def test_next_round_marks_exactly_the_edit_for_that_speaker(round1: Round1, tmp_path: Path) -> None:
    event_dir = _copy_sample(tmp_path)
    shutil.copytree(round1.event_dir / "proofs", event_dir / "proofs")
    session = event_dir / "sessions" / "pluryn.md"
    text = session.read_text(encoding="utf-8")
    assert "En dat lukt steeds beter." in text
    session.write_text(text.replace("En dat lukt steeds beter.", "En dat lukt nu heel goed."))

    made = {p.speaker.id: p for p in make_proofs(event_dir, tmp_path / "build", today=SENT)}
    luimes = made["marleen-luimes"]
    assert luimes.round == 2 and luimes.since == 1 and luimes.changes == 1
    tree = lxml_html.parse(str(luimes.html))
    inserted = [e.text_content() for e in tree.xpath("//section[contains(@class,'own')]//ins")]
    deleted = [e.text_content() for e in tree.xpath("//section[contains(@class,'own')]//del")]
    assert any("nu heel goed" in t for t in inserted), inserted
    assert any("steeds beter" in t for t in deleted), deleted
    assert "1 wijziging sinds ronde 1" in tree.getroot().text_content()
    # From the second round on, the banner says how changes are marked.
    banner = tree.xpath("//div[@class='proof-banner']")[0].text_content()
    assert "Wijzigingen sinds de vorige ronde zijn gemarkeerd" in banner
    pdf_text = " ".join(" ".join(_pdf_pages(luimes.pdf)).split())
    assert "1 wijziging sinds ronde 1" in pdf_text
    assert "nu heel goed" in pdf_text

    for speaker, proof in made.items():
        if speaker == "marleen-luimes":
            continue
        assert proof.changes == 0, speaker
        other = lxml_html.parse(str(proof.html))
        assert not other.xpath("//ins | //del"), speaker
        assert "Geen wijzigingen sinds ronde 1" in other.getroot().text_content()


def test_a_removed_list_item_is_shown_deleted(round1: Round1, tmp_path: Path) -> None:
    from pptx import Presentation

    event_dir = _copy_sample(tmp_path)
    shutil.copytree(round1.event_dir / "proofs", event_dir / "proofs")
    deck_path = next((event_dir / "decks").glob("hageman-*.pptx"))
    deck = Presentation(str(deck_path))
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in list(shape.text_frame.paragraphs):
                if paragraph.text == "Meldcode KNMG":
                    paragraph._p.getparent().remove(paragraph._p)
    deck.save(str(deck_path))
    made = make_proofs(event_dir, tmp_path / "build", speaker="suze-hageman", today=SENT)
    tree = lxml_html.parse(str(made[0].html))
    deleted = tree.xpath("//li[contains(@class, 'deleted')]/del")
    assert [d.text_content().split(": ", 1)[-1] for d in deleted] == ["Meldcode KNMG"]
    assert made[0].changes == 1


def test_final_build_refuses_unapproved_sessions_and_force_overrides(
    round1: Round1, tmp_path: Path
) -> None:
    event_dir = _copy_sample(tmp_path)
    shutil.copytree(round1.event_dir / "proofs", event_dir / "proofs")
    event = load_event(event_dir)
    for session in event.sessions:
        if session.id != "pluryn":
            record_approval(event, session.id, "Test Persoon", dt.date(2020, 9, 12))
    out = tmp_path / "build"
    with pytest.raises(ApprovalError) as caught:
        build(event_dir, out, final=True)
    message = str(caught.value)
    assert "pluryn (Pluryn in samenwerking" in message
    assert "sent in round 1 on 2020-09-10, not approved yet" in message
    assert "welkom" not in message
    assert not (out / SAMPLE_SLUG).exists()

    forced = build(event_dir, out, final=True, force=True)
    assert (out / SAMPLE_SLUG / "index.html").is_file()
    assert len(forced.warnings) == 1 and "--force" in forced.warnings[0]
    assert "pluryn" in forced.warnings[0]

    record_approval(load_event(event_dir), "pluryn", "Marleen Luimes", dt.date(2020, 9, 13))
    assert build(event_dir, out, final=True).warnings == ()


def test_an_edit_after_approval_needs_a_new_round(round1: Round1, tmp_path: Path) -> None:
    event_dir = _copy_sample(tmp_path)
    shutil.copytree(round1.event_dir / "proofs", event_dir / "proofs")
    event = load_event(event_dir)
    for session in event.sessions:
        record_approval(event, session.id, "Test Persoon", dt.date(2020, 9, 12))
    assert load_approvals(event)["welkom"].round == 1
    welkom = event_dir / "sessions" / "welkom.md"
    welkom.write_text(welkom.read_text(encoding="utf-8").replace("Samen werken", "Samenwerken"))
    with pytest.raises(ApprovalError, match=r"welkom .*edited since; send a new round"):
        build(event_dir, tmp_path / "build", final=True)


def test_english_event_gets_english_proofs(tmp_path: Path) -> None:
    event_dir = _copy_sample(tmp_path)
    yaml_path = event_dir / "event.yaml"
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8").replace("language: nl", "language: en")
    )
    (proof,) = make_proofs(event_dir, tmp_path / "build", speaker="ben-van-broeckhoven", today=SENT)
    first = " ".join(_pdf_pages(proof.pdf)[0].split())
    assert "DRAFT – do not distribute" in first and "Round 1" in first
    assert proof.message.read_text(encoding="utf-8").startswith("Dear Ben van Broeckhoven,")


def test_proofs_need_settings_and_a_known_speaker(tmp_path: Path) -> None:
    event_dir = _copy_sample(tmp_path)
    with pytest.raises(SourceError, match="no speaker 'suze' with a session"):
        make_proofs(event_dir, tmp_path / "build", speaker="suze")
    yaml_path = event_dir / "event.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    start = text.index("proofs:")
    end = text.index("\npolls:")
    yaml_path.write_text(text[:start] + text[end:])
    with pytest.raises(SourceError, match="'proofs:' section with 'reply_to:'"):
        make_proofs(event_dir, tmp_path / "build")


def test_a_report_build_keeps_the_proofs(round1: Round1, tmp_path: Path) -> None:
    out = tmp_path / "build"
    shutil.copytree(round1.out, out)
    before = sorted(p.name for p in (out / SAMPLE_SLUG / "proofs").iterdir())
    build(round1.event_dir, out)
    assert sorted(p.name for p in (out / SAMPLE_SLUG / "proofs").iterdir()) == before


def test_approving_says_when_it_may_not_be_what_was_meant(round1: Round1, tmp_path: Path) -> None:
    from eventreport.proofs.tasks import approve_session

    event_dir = _copy_sample(tmp_path)
    shutil.copytree(round1.event_dir / "proofs", event_dir / "proofs")
    said = approve_session(event_dir, "pluryn", "Marleen Luimes", dt.date(2020, 9, 12))
    assert said == "Recorded: 'pluryn' approved by Marleen Luimes on 2020-09-12 (round 1)."
    said = approve_session(event_dir, "pluryn", "Jan Jansen", dt.date(2020, 9, 12))
    assert "NB: Jan Jansen is not a speaker of this session (Marleen Luimes)" in said
    welkom = event_dir / "sessions" / "welkom.md"
    welkom.write_text(welkom.read_text(encoding="utf-8").replace("Samen werken", "Samenwerken"))
    said = approve_session(event_dir, "welkom", "Diana Monissen", dt.date(2020, 9, 12))
    assert "the text changed after round 1 was sent, so this approval does not count" in said


def test_a_past_deadline_is_pointed_out(tmp_path: Path) -> None:
    from eventreport.proofs.tasks import make

    event_dir = _copy_sample(tmp_path)
    late = make(event_dir, tmp_path / "build", speaker="marleen-luimes",
                day=dt.date(2020, 10, 1), progress=lambda _: None)  # fmt: skip
    assert late.startswith("WARNING the deadline in event.yaml (2020-09-24) is before")
    on_time = make(event_dir, tmp_path / "build", speaker="marleen-luimes",
                   day=SENT, progress=lambda _: None)  # fmt: skip
    assert "WARNING" not in on_time


def test_html_block_numbers_are_seen_and_heard(round1: Round1) -> None:
    # The cover message asks speakers to cite them, so screen readers must read them too.
    tree = lxml_html.parse(str(round1.proofs["suze-hageman"].html))
    marks = tree.xpath("//section[contains(@class,'own')]//span[@class='block-number']")
    assert len(marks) > 10
    assert [" ".join(m.text_content().split()) for m in marks[:2]] == ["blok 1:", "blok 2:"]
    assert not tree.xpath("//span[@class='block-number'][@aria-hidden]")
