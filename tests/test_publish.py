"""Publishing: stable links, versions, a manifest, the newsletter block, atomic swaps."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from a11y import axe_violations, htmlcs_errors, pdf_checks, require_browser, vnu_errors
from conftest import SAMPLE, SAMPLE_SLUG
from lxml import html as lxml_html
from pypdf import PdfReader

from eventreport.manifest import load_event
from eventreport.proofstate.rounds import record_approval
from eventreport.publish import PublishError, Settings, publish
from eventreport.textutil import human_size

BASE = "https://verslagen.example.org/"


def _sample(tmp: Path) -> Path:
    event_dir = tmp / "sources" / SAMPLE_SLUG
    shutil.copytree(SAMPLE, event_dir, ignore=shutil.ignore_patterns("proofs"))
    return event_dir


def _settings(tmp: Path) -> Settings:
    return Settings(base_url=BASE, folder=tmp / "publish")


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _edit(event_dir: Path) -> None:
    welkom = event_dir / "sessions" / "welkom.md"
    text = welkom.read_text(encoding="utf-8")
    assert "Samen werken maakt samen sterk." in text
    welkom.write_text(text.replace("Samen werken maakt samen sterk.", "Samen staan we sterk."))


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_publish_writes_the_set_with_a_manifest(tmp_path: Path) -> None:
    event_dir = _sample(tmp_path)
    done = publish(event_dir, _settings(tmp_path), force=True)
    folder = tmp_path / "publish" / SAMPLE_SLUG
    assert done.folder == folder and done.version == 1 and done.changed
    for name in ("index.html", f"{SAMPLE_SLUG}.pdf", "manifest.json", "newsletter.html",
                 "newsletter.txt", "CHANGELOG.txt", "presentaties/hageman.pptx"):  # fmt: skip
        assert (folder / name).is_file(), name
    assert not (folder / "proofs").exists()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    pdf = folder / f"{SAMPLE_SLUG}.pdf"
    assert manifest["version"] == 1
    assert manifest["language"] == "nl" and manifest["date"] == "2020-09-03"
    assert manifest["url"] == f"{BASE}{SAMPLE_SLUG}/"
    assert manifest["pdf"]["url"] == f"{BASE}{SAMPLE_SLUG}/{SAMPLE_SLUG}.pdf"
    assert manifest["pdf"]["bytes"] == pdf.stat().st_size
    assert manifest["pdf"]["size"] == human_size(pdf.stat().st_size, "nl")
    assert manifest["pdf"]["pages"] == len(PdfReader(pdf).pages)
    assert manifest["pdf"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert manifest["published"] == "2020-09-03T00:00:00Z"  # from the sources, not the clock
    assert {d["file"] for d in manifest["downloads"]} >= {"presentaties/sonderman.pdf"}
    assert any("--force" in w for w in done.warnings)
    # Everything outside the document is linked absolutely, so a saved copy still works:
    # the decks from the PDF and the page, and the page's link to its PDF.
    site = f"{BASE}{SAMPLE_SLUG}/"
    uris = _pdf_uris(pdf)
    assert f"{site}presentaties/hageman.pptx" in uris
    assert all(u.startswith(("https://", "http://", "mailto:")) for u in uris), uris
    page = lxml_html.parse(str(folder / "index.html")).getroot()
    hrefs = [a.get("href") for a in page.iter("a")]
    assert f"{site}{SAMPLE_SLUG}.pdf" in hrefs and f"{site}presentaties/hageman.pptx" in hrefs
    assert all(h.startswith(("https://", "http://", "mailto:", "#")) for h in hrefs), hrefs
    # The sample's base_url is a placeholder (example.org), and publish says so.
    assert any("is a placeholder" in w and "invoke.yaml" in w for w in done.warnings)


def test_a_real_site_address_gets_no_placeholder_warning(tmp_path: Path) -> None:
    event_dir = _sample(tmp_path)
    event = load_event(event_dir)
    for session in event.sessions:
        record_approval(event, session.id, "Test Persoon", dt.date(2020, 9, 12))
    settings = Settings(base_url="https://www.zonmw.nl/verslagen/", folder=tmp_path / "publish")
    assert publish(event_dir, settings).warnings == ()


def test_republishing_the_same_sources_changes_nothing(tmp_path: Path) -> None:
    event_dir = _sample(tmp_path)
    publish(event_dir, _settings(tmp_path), force=True)
    first = _tree(tmp_path / "publish" / SAMPLE_SLUG)
    again = publish(event_dir, _settings(tmp_path), force=True)
    assert again.version == 1 and not again.changed
    assert _tree(tmp_path / "publish" / SAMPLE_SLUG) == first


def test_an_edit_bumps_the_version_and_keeps_the_url_and_the_old_file(tmp_path: Path) -> None:
    event_dir = _sample(tmp_path)
    folder = tmp_path / "publish" / SAMPLE_SLUG
    one = publish(event_dir, _settings(tmp_path), force=True)
    first_pdf = (folder / f"{SAMPLE_SLUG}.pdf").read_bytes()
    _edit(event_dir)
    two = publish(event_dir, _settings(tmp_path), force=True)
    assert two.version == 2 and two.changed
    assert two.manifest["pdf"]["url"] == one.manifest["pdf"]["url"]
    assert two.manifest["pdf"]["sha256"] != one.manifest["pdf"]["sha256"]
    assert (folder / "versions" / f"{SAMPLE_SLUG}-v1.pdf").read_bytes() == first_pdf
    assert two.manifest["versions"] == [
        {"file": f"versions/{SAMPLE_SLUG}-v1.pdf",
         "url": f"{BASE}{SAMPLE_SLUG}/versions/{SAMPLE_SLUG}-v1.pdf"}
    ]  # fmt: skip
    log = (folder / "CHANGELOG.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split()[0] for line in log] == ["v1", "v2"]
    assert two.manifest["pdf"]["sha256"] in log[1]
    assert "Samen staan we sterk." in (folder / "index.html").read_text(encoding="utf-8")
    # Each PDF's colophon names its own version.
    assert "Versie 2" in _last_page(folder / f"{SAMPLE_SLUG}.pdf")
    assert "Versie 1" in _last_page(folder / "versions" / f"{SAMPLE_SLUG}-v1.pdf")
    assert "Versie 2" in (folder / "index.html").read_text(encoding="utf-8")


def _last_page(pdf: Path) -> str:
    return PdfReader(pdf).pages[-1].extract_text()


def _pdf_uris(pdf: Path) -> list[str]:
    return [
        str(a.get_object()["/A"]["/URI"])
        for page in PdfReader(pdf).pages
        for a in page.get("/Annots") or []
        if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]
    ]


def test_a_failure_midway_leaves_the_earlier_publish_intact(tmp_path: Path) -> None:
    event_dir = _sample(tmp_path)
    publish(event_dir, _settings(tmp_path), force=True)
    folder = tmp_path / "publish" / SAMPLE_SLUG
    before = _tree(folder)
    _edit(event_dir)

    def disk_full(stage: Path) -> None:
        assert (stage / "manifest.json").is_file()  # the new set was complete by now
        raise OSError(28, "No space left on device")

    with pytest.raises(PublishError) as caught:
        publish(event_dir, _settings(tmp_path), force=True, before_swap=disk_full)
    assert "No space left on device" in str(caught.value)
    assert "the published version 1 is unchanged" in str(caught.value)
    assert _tree(folder) == before
    assert sorted(p.name for p in (tmp_path / "publish").iterdir()) == [
        f".{SAMPLE_SLUG}.lock",
        SAMPLE_SLUG,
    ]


def test_a_broken_source_stops_publishing_and_says_so(tmp_path: Path) -> None:
    event_dir = _sample(tmp_path)
    publish(event_dir, _settings(tmp_path), force=True)
    before = _tree(tmp_path / "publish" / SAMPLE_SLUG)
    (event_dir / "sessions" / "welkom.md").write_text("```slides\ndeck: nope\nslides: 1\n```\n")
    with pytest.raises(PublishError) as caught:
        publish(event_dir, _settings(tmp_path), force=True)
    assert caught.value.path is not None and caught.value.path.name == "welkom.md"
    assert "deck 'nope'" in str(caught.value) and "unchanged" in str(caught.value)
    assert _tree(tmp_path / "publish" / SAMPLE_SLUG) == before


def test_publish_refuses_unapproved_sessions_unless_forced(tmp_path: Path) -> None:
    event_dir = _sample(tmp_path)
    with pytest.raises(PublishError, match="not every session is approved") as caught:
        publish(event_dir, _settings(tmp_path))
    assert "welkom (Een digitaal welkom): no proof sent yet" in str(caught.value)
    assert "nothing was published" in str(caught.value)
    assert not (tmp_path / "publish" / SAMPLE_SLUG).exists()
    event = load_event(event_dir)
    for session in event.sessions:
        record_approval(event, session.id, "Test Persoon", dt.date(2020, 9, 12))
    done = publish(event_dir, _settings(tmp_path))
    assert not [w for w in done.warnings if "--force" in w] and done.version == 1


def test_newsletter_block_links_to_the_published_pdf(tmp_path: Path) -> None:
    event_dir = _sample(tmp_path)
    done = publish(event_dir, _settings(tmp_path), force=True)
    folder = done.folder
    tree = lxml_html.parse(str(folder / "newsletter.html"))
    assert tree.getroot().get("lang") == "nl"
    (pdf_link,) = tree.xpath("//a[@type='application/pdf']")
    href = pdf_link.get("href")
    assert href == done.manifest["pdf"]["url"]
    # Through base_url the link lands on the published file itself.
    assert href.startswith(BASE)
    relative = href[len(BASE) :]
    assert (folder.parent / relative).resolve() == (folder / f"{SAMPLE_SLUG}.pdf").resolve()
    size = human_size((folder / f"{SAMPLE_SLUG}.pdf").stat().st_size, "nl")
    assert pdf_link.text_content() == f"Lees het verslag (PDF, {size})"
    assert pdf_link.get("hreflang") == "nl"
    # E-mail-safe: styles inline, no style sheet, layout in a presentation table.
    assert not tree.xpath("//style | //link[@rel='stylesheet']")
    assert tree.xpath("//table[@role='presentation']")
    text = (folder / "newsletter.txt").read_text(encoding="utf-8")
    assert href in text and f"Lees het verslag (PDF, {size}" in text


def test_published_pages_pass_wcag_and_the_pdf_passes_pdf_ua(tmp_path: Path) -> None:
    require_browser()
    done = publish(_sample(tmp_path), _settings(tmp_path), force=True)
    assert axe_violations(done.folder / "newsletter.html") == []
    assert axe_violations(done.folder / "index.html") == []
    assert pdf_checks(done.folder / f"{SAMPLE_SLUG}.pdf") == []
    assert vnu_errors(done.folder / "newsletter.html", done.folder / "index.html") == []
    assert htmlcs_errors(done.folder / "index.html") == []
    found = htmlcs_errors(done.folder / "newsletter.html")
    assert [f for f in found if not f.startswith(NEWSLETTER_ACCEPTED)] == []
    assert found, "the accepted finding is still there; if not, drop it from the list"


# The e-mail block keeps its table layout (e-mail programs drop style sheets and position
# with tables). HTML_CodeSniffer's F92/ARIA4 reads a role="presentation" table holding a
# heading and links as hiding them; the role only takes away the table's own semantics,
# its content stays as it is (axe and Chromium's tree agree), so that one is accepted.
NEWSLETTER_ACCEPTED = ("WCAG2AA.Principle1.Guideline1_3.1_3_1.F92,ARIA4:",)


def test_source_date_epoch_sets_every_timestamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # 2020-09-13T12:26:40Z
    done = publish(_sample(tmp_path), _settings(tmp_path), force=True)
    assert done.manifest["published"] == "2020-09-13T12:26:40Z"
    info = PdfReader(done.folder / f"{SAMPLE_SLUG}.pdf").metadata
    assert info is not None and info.modification_date is not None
    assert info.modification_date.replace(tzinfo=dt.UTC) == dt.datetime(
        2020, 9, 13, 12, 26, 40, tzinfo=dt.UTC
    )


def test_two_publishes_from_different_folders_give_identical_bytes(tmp_path: Path) -> None:
    one = publish(_sample(tmp_path / "a"), _settings(tmp_path / "a"), force=True)
    two = publish(_sample(tmp_path / "b"), _settings(tmp_path / "b"), force=True)
    assert _tree(one.folder) == _tree(two.folder)
