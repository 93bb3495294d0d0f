"""Publication copies: the offered deck holds what a reader may see and nothing else.

Real decks from ../shared/corpus/ (hidden slides, notes, comment authors, embedded
workbooks, a slideshow) and crafted ones (macros, comments, hidden shapes, photos with
EXIF, PDF scripts, attachments and hidden layers) go through the cleaners; each copy must
still open, hold every visible slide's text, and no orphaned or dangling part.
"""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import write_event
from fixtures import CORPUS, make_deck
from lxml import etree  # type: ignore[import-untyped]
from PIL import Image
from pptx import Presentation
from pptx.util import Inches

from eventreport.build import build
from eventreport.errors import ReadError
from eventreport.model import DeckSource
from eventreport.publication import offered_copy
from eventreport.publication.pdf import clean_pdf, passes_pdf_ua
from eventreport.publication.pictures import without_metadata
from eventreport.publication.pptx import MAIN_TYPE, clean_pptx
from eventreport.readers import read_deck
from eventreport.readers.zipguard import MIB

DECKS = CORPUS / "decks"
APACHECON = DECKS / "poi_apachecon_performance_up.pptx"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
# Corpus decks with hidden slides, speaker notes, comment authors, embedded workbooks,
# linked files on a drive, and slideshow (PPSX) content.
CORPUS_DECKS = [
    "poi_apachecon_performance_up.pptx",
    "pandoc_speaker_notes.pptx",
    "poi_aes2011_maloney_talk.pptx",
    "poi_aascu_charts_talk.pptx",
    "poi_stress022_ppsx_as_pptx.pptx",
    "docling_powerpoint_sample.pptx",
]


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def package_problems(data: bytes) -> list[str]:
    """Orphaned parts, relationships to missing parts, ids no relationship defines, parts
    without a content type, and relationship files in a prefixed namespace (LibreOffice
    refuses those)."""
    parts = members(data)
    problems: list[str] = []
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {e.get("PartName").lstrip("/") for e in types.iter(f"{{{TYPES}}}Override")}
    defaults = {e.get("Extension").lower() for e in types.iter(f"{{{TYPES}}}Default")}

    def rels(part: str) -> dict[str, tuple[str, bool]]:
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels_name not in parts:
            return {}
        root = etree.fromstring(parts[rels_name])
        if root.prefix is not None:
            problems.append(f"{rels_name}: prefixed namespace")
        found = {}
        for rel in root.iter(f"{{{RELS}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target")
            if not external:
                target = posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
                if target not in parts:
                    problems.append(f"{part}: {rel.get('Id')} leads to missing {target}")
            found[rel.get("Id")] = (target, external)
        return found

    reached: set[str] = set()
    queue = [""]
    while queue:
        for target, external in rels(queue.pop()).values():
            if not external and target not in reached:
                reached.add(target)
                queue.append(target)
    for name, content in parts.items():
        if name == "[Content_Types].xml" or "_rels/" in name:
            continue
        if name not in reached:
            problems.append(f"orphan {name}")
        ext = posixpath.splitext(name)[1].lstrip(".").lower()
        if name not in overrides and ext not in defaults:
            problems.append(f"no content type for {name}")
        if name.endswith(".xml"):
            defined = rels(name)
            for element in etree.fromstring(content).iter():
                for key, value in element.attrib.items():
                    if key.startswith(f"{{{R}}}") and value and value not in defined:
                        problems.append(f"{name}: {key} names no relationship ({value})")
    return problems


def all_text(data: bytes) -> str:
    """Every member's bytes as text, inflated: what anyone unzipping the copy can read."""
    return "\n".join(b.decode("utf-8", "replace") for b in members(data).values())


def slide_texts(deck_path: Path, **options: bool) -> list[str]:
    deck = read_deck(deck_path, **options)
    return [t for s in deck.slides for t in [s.title or "", *_block_texts(s)] if t]


def _block_texts(slide: object) -> list[str]:
    texts = []
    for block in slide.blocks:  # type: ignore[attr-defined]
        texts += [getattr(block, "text", "")]
        texts += [item.text for item in getattr(block, "items", ())]
        texts += [cell for row in getattr(block, "rows", ()) for cell in row]
    return [t for t in texts if t]


def copy_of(path: Path, tmp: Path, **options: bool) -> tuple[bytes, Path]:
    cleaned = clean_pptx(path, title="Publicatie", **options)
    out = tmp / "copy.pptx"
    out.write_bytes(cleaned.data)
    return cleaned.data, out


# --- Real decks ---------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_DECKS)
def test_corpus_deck_copies_keep_the_visible_slides_and_nothing_private(
    name: str, tmp_path: Path
) -> None:
    data, out = copy_of(DECKS / name, tmp_path)
    assert package_problems(data) == []
    parts = members(data)
    # Only the title is left of the document properties.
    assert not [p for p in parts if p.startswith("docProps/") and p != "docProps/core.xml"]
    core = etree.fromstring(parts["docProps/core.xml"])
    assert [etree.QName(e).localname for e in core] == ["title"]
    assert core[0].text == "Publicatie"
    private = ("notesSlide", "notesMaster", "comment", "thumbnail", "printerSettings",
               "customXml", "vbaProject", "embeddings/", "tags/", "revisionInfo")  # fmt: skip
    assert not [p for p in parts if any(word in p for word in private)]
    # It opens in python-pptx (which refuses slideshow content) with every visible slide,
    # and its text is the visible slides' text.
    visible = read_deck(DECKS / name)
    assert len(Presentation(str(out)).slides) == len(visible.slides)
    assert slide_texts(out, include_hidden=True) == slide_texts(DECKS / name)
    assert all(s.notes == "" for s in read_deck(out, notes=True).slides)
    # A rebuild gives the same bytes.
    assert clean_pptx(DECKS / name, title="Publicatie").data == data


def test_apachecon_copy_has_no_hidden_slide_notes_or_author(tmp_path: Path) -> None:
    original = all_text(APACHECON.read_bytes())
    assert "SE Toolkit" in original and "Hello crowd, welcome. Introduce self." in original
    data, _ = copy_of(APACHECON, tmp_path)
    text = all_text(data)
    assert "SE Toolkit" not in text  # hidden slide 13
    assert "sunfreeware" not in text  # its link
    assert "Further Reading" not in text  # hidden slide 48
    assert "Hello crowd" not in text
    assert "Monitoring: Ganglia" in text  # slide 14, visible
    # The author and last editor were in docProps; slide 1 itself names the speaker.
    assert "<dc:creator>" not in text and "lastModifiedBy" not in text
    props = members(data)["docProps/core.xml"].decode()
    assert "Sander Temme" not in props
    deck = read_deck(APACHECON)
    copied = read_deck(tmp_path / "copy.pptx", include_hidden=True)
    assert len(copied.slides) == 46 == len(deck.slides)


def test_include_hidden_and_notes_keep_them_in_the_copy(tmp_path: Path) -> None:
    data, out = copy_of(APACHECON, tmp_path, include_hidden=True, notes=True)
    assert package_problems(data) == []
    text = all_text(data)
    assert "SE Toolkit" in text
    assert "Hello crowd, welcome. Introduce self." in text
    deck = read_deck(out, include_hidden=True, notes=True)
    assert len(deck.slides) == 48
    assert [s.number for s in deck.slides if s.hidden] == [13, 48]
    assert "Sander Temme" not in members(data)["docProps/core.xml"].decode()


def test_slideshow_content_goes_out_as_a_presentation(tmp_path: Path) -> None:
    data, _ = copy_of(DECKS / "poi_stress022_ppsx_as_pptx.pptx", tmp_path)
    types = members(data)["[Content_Types].xml"].decode()
    assert MAIN_TYPE in types and "slideshow" not in types
    # Old PowerPoint put a picture's file path (with a user name) where alt text goes.
    assert "Documents and Settings" not in all_text(data)


def test_embedded_workbooks_and_linked_files_are_left_out(tmp_path: Path) -> None:
    deck = DECKS / "poi_aascu_charts_talk.pptx"
    assert "ECLS-B%20table.xls" in all_text(deck.read_bytes())
    data, out = copy_of(deck, tmp_path)
    assert package_problems(data) == []
    assert not [p for p in members(data) if "embeddings" in p]
    assert "file:///" not in all_text(data)
    assert "externalData" not in all_text(data)
    # The embedded worksheet on slide 10 became the picture it showed.
    slide = Presentation(str(out)).slides[9]
    assert any(shape.shape_type == 13 for shape in slide.shapes)  # MSO_SHAPE_TYPE.PICTURE
    assert not any(shape.shape_type == 7 for shape in slide.shapes)  # EMBEDDED_OLE_OBJECT


# --- Crafted decks -------------------------------------------------------------------


def _rewrite(source: Path, target: Path, edits: dict[str, bytes | None]) -> Path:
    """A copy of a zip with members replaced, added (new names) or removed (None)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename in edits:
                data = edits[info.filename]
                if data is not None:
                    dst.writestr(info.filename, data)
            else:
                dst.writestr(info, src.read(info))
        for name, data in edits.items():
            if name not in src.namelist() and data is not None:
                dst.writestr(name, data)
    return target


def _add_rel(rels: bytes, rel_id: str, kind: str, target: str) -> bytes:
    entry = f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"/>'.encode()
    return rels.replace(b"</Relationships>", entry + b"</Relationships>")


def test_macros_are_never_offered(tmp_path: Path) -> None:
    deck = make_deck(tmp_path)
    with zipfile.ZipFile(deck) as archive:
        types = archive.read("[Content_Types].xml")
        rels = archive.read("ppt/_rels/presentation.xml.rels")
    types = types.replace(
        MAIN_TYPE.encode(), b"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
    )
    assert b"macroEnabled" in types
    types = types.replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    vba = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
    pptm = _rewrite(deck, tmp_path / "macro.pptm", {
        "[Content_Types].xml": types,
        "ppt/_rels/presentation.xml.rels": _add_rel(rels, "rId99", vba, "vbaProject.bin"),
        "ppt/vbaProject.bin": b"Attribute VB_Name = \"Module1\"\nSub AutoOpen()\nEnd Sub",
    })  # fmt: skip
    copy = offered_copy(_source(pptm))
    assert copy.suffix == ".pptx"
    parts = members(copy.data)
    assert "ppt/vbaProject.bin" not in parts
    assert b"macroEnabled" not in parts["[Content_Types].xml"]
    assert b"vbaProject" not in parts["[Content_Types].xml"]
    assert package_problems(copy.data) == []
    out = tmp_path / "out.pptx"
    out.write_bytes(copy.data)
    assert len(Presentation(str(out)).slides) == 4


COMMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
AUTHORS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/commentAuthors"
MODERN = "http://schemas.microsoft.com/office/2018/10/relationships/comments"
MODERN_AUTHORS = "http://schemas.microsoft.com/office/2018/10/relationships/authors"


def test_comments_old_and_new_are_left_out(tmp_path: Path) -> None:
    deck = make_deck(tmp_path)
    with zipfile.ZipFile(deck) as archive:
        slide = archive.read("ppt/slides/slide1.xml")
        slide_rels = archive.read("ppt/slides/_rels/slide1.xml.rels")
        rels = archive.read("ppt/_rels/presentation.xml.rels")
    modern_ref = (
        b'<p:extLst><p:ext uri="{6950BFC3-D8DA-4A85-94F7-54DA5524770B}">'
        b'<p188:commentRel xmlns:p188="http://schemas.microsoft.com/office/powerpoint/2018/8/main"'
        b' r:id="rId90"/></p:ext></p:extLst></p:sld>'
    )
    slide = slide.replace(b"</p:sld>", modern_ref)
    slide_rels = _add_rel(slide_rels, "rId90", MODERN, "../comments/modernComment_100_1.xml")
    slide_rels = _add_rel(slide_rels, "rId91", COMMENT, "../comments/comment1.xml")
    rels = _add_rel(rels, "rId90", AUTHORS, "commentAuthors.xml")
    rels = _add_rel(rels, "rId91", MODERN_AUTHORS, "authors.xml")
    crafted = _rewrite(deck, tmp_path / "comments.pptx", {
        "ppt/slides/slide1.xml": slide,
        "ppt/slides/_rels/slide1.xml.rels": slide_rels,
        "ppt/_rels/presentation.xml.rels": rels,
        "ppt/comments/comment1.xml": f'<p:cmLst xmlns:p="{P}"><p:cm authorId="0"><p:text>'
        "Cliënt X herkenbaar, weghalen</p:text></p:cm></p:cmLst>".encode(),
        "ppt/comments/modernComment_100_1.xml": b"<p188:cmLst xmlns:p188='x'>Nieuwe opmerking"
        b" van Jan Jansen</p188:cmLst>",
        "ppt/commentAuthors.xml": f'<p:cmAuthorLst xmlns:p="{P}"><p:cmAuthor id="0" '
        'name="Jan Jansen" initials="JJ"/></p:cmAuthorLst>'.encode(),
        "ppt/authors.xml": b"<p188:authorLst xmlns:p188='x'>Jan Jansen</p188:authorLst>",
    })  # fmt: skip
    assert "Jan Jansen" in all_text(crafted.read_bytes())
    data, out = copy_of(crafted, tmp_path)
    text = all_text(data)
    assert "Jan Jansen" not in text and "Cliënt X" not in text and "commentRel" not in text
    assert package_problems(data) == []
    assert len(Presentation(str(out)).slides) == 4


def test_hidden_shapes_and_local_file_links_are_left_out(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    shown = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
    shown.text_frame.text = "Zichtbaar"
    secret = slide.shapes.add_textbox(Inches(1), Inches(3), Inches(4), Inches(1))
    secret.text_frame.text = "Verborgen dossiernummer"
    secret._element.nvSpPr.cNvPr.set("hidden", "1")
    run = shown.text_frame.paragraphs[0].add_run()
    run.text = " (bron)"
    run.hyperlink.address = "file:///C:/Users/jan.jansen/Documents/dossier.docx"
    web = shown.text_frame.add_paragraph().add_run()
    web.text = "verslag"
    web.hyperlink.address = "https://example.org/verslag"
    deck = tmp_path / "shapes.pptx"
    prs.save(str(deck))
    data, _ = copy_of(deck, tmp_path)
    text = all_text(data)
    assert "Zichtbaar" in text and "https://example.org/verslag" in text
    assert "Verborgen dossiernummer" not in text
    assert "jan.jansen" not in text
    assert package_problems(data) == []
    kept = all_text(clean_pptx(deck, title="x", include_hidden=True).data)
    assert "Verborgen dossiernummer" in kept
    # The report reads them as the copy keeps them: only with include_hidden.
    assert "Verborgen dossiernummer" not in slide_texts(deck)
    assert "Verborgen dossiernummer" in slide_texts(deck, include_hidden=True)


def _photo_with_exif(path: Path) -> Path:
    image = Image.new("RGB", (64, 48), "teal")
    exif = Image.Exif()
    exif[0x013B] = "Jan Jansen"  # Artist
    exif[0x010F] = "Telefoonmerk"  # Make
    image.save(path, exif=exif.tobytes(), comment=b"Opvanglocatie Zuid")
    return path


def test_photos_lose_their_exif_but_not_a_pixel(tmp_path: Path) -> None:
    photo = _photo_with_exif(tmp_path / "foto.jpg")
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.shapes.add_picture(str(photo), Inches(1), Inches(1))
    deck = tmp_path / "photo.pptx"
    prs.save(str(deck))
    data, _ = copy_of(deck, tmp_path)
    (media,) = [b for name, b in members(data).items() if name.startswith("ppt/media/")]
    assert b"Jan Jansen" not in media and b"Opvanglocatie" not in media
    cleaned = Image.open(io.BytesIO(media))
    assert dict(cleaned.getexif()) == {}
    assert cleaned.tobytes() == Image.open(photo).tobytes()


def test_png_text_chunks_go_and_other_files_stay_as_they_are(tmp_path: Path) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jan Jansen")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG", pnginfo=info)
    png = buffer.getvalue()
    assert b"Jan Jansen" in png
    cleaned = without_metadata(png)
    assert b"Jan Jansen" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).tobytes() == bytes([255, 0, 0]) * 64
    assert without_metadata(b"GIF89a...") == b"GIF89a..."
    assert without_metadata(png[:40]) == png[:40]  # cut short: left as it was


def test_a_media_part_that_inflates_past_its_header_is_refused(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.shapes.add_picture(str(_photo_with_exif(tmp_path / "f.jpg")), Inches(1), Inches(1))
    deck = tmp_path / "deck.pptx"
    prs.save(str(deck))
    with zipfile.ZipFile(deck) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("ppt/media/")]
    bomb = tmp_path / "bomb.pptx"
    with zipfile.ZipFile(deck) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                dst.writestr(name, b"\0" * (3 * MIB))
            else:
                dst.writestr(info, src.read(info))
    # The local header and the central directory both understate the member's size, as a
    # crafted file does to slip past a check of declared sizes.
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo(name)
    data[info.header_offset + 22 : info.header_offset + 26] = (10).to_bytes(4, "little")
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    bomb.write_bytes(bytes(data))
    with pytest.raises(ReadError) as caught:
        clean_pptx(bomb, title="x")
    assert caught.value.location == f"part {name}"
    assert "bomb.pptx" in str(caught.value)


# --- PDF decks -----------------------------------------------------------------------


def _crafted_pdf(path: Path) -> Path:
    """A one-page PDF with a script, an attachment, a comment, metadata and a hidden layer."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(720, 405))
    page = pdf.pages[0]
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                           BaseFont=pikepdf.Name.Helvetica)
    )  # fmt: skip
    layer = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="Intern"))
    page.obj.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=font), Properties=pikepdf.Dictionary(L1=layer)
    )
    page.obj.Contents = pdf.make_stream(
        b"BT /F1 24 Tf 72 300 Td (Zichtbare dia) Tj ET "
        b"/OC /L1 BDC BT /F1 24 Tf 72 200 Td (Geheim dossier 42) Tj ET EMC"
    )
    pdf.Root.OCProperties = pikepdf.Dictionary(
        OCGs=pikepdf.Array([layer]), D=pikepdf.Dictionary(OFF=pikepdf.Array([layer]))
    )
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert('hallo')")
    pdf.Root.OpenAction = script
    attachment = pikepdf.AttachedFileSpec(pdf, b"naam;bsn\nJan;111222333\n", filename="lijst.csv")
    pdf.attachments["lijst.csv"] = attachment
    comment = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[10, 10, 30, 30],
        Contents="Let op: cliënt herkenbaar", T="Jan Jansen",
    ))  # fmt: skip
    link = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 290, 300, 320],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI="https://example.org/dia"),
    ))  # fmt: skip
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([comment, link]))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Jan Jansen"]
    pdf.docinfo["/Author"] = "Jan Jansen"
    pdf.docinfo["/Producer"] = "Schrijfprogramma op C:\\Users\\jan.jansen"
    pdf.save(path)
    return path


def test_pdf_copy_keeps_the_page_and_drops_what_rides_along(tmp_path: Path) -> None:
    crafted = _crafted_pdf(tmp_path / "deck.pdf")
    with pikepdf.open(crafted) as pdf:
        before = _pdf_strings(pdf)
    secrets = ("Jan Jansen", "jan.jansen", "app.alert", "111222333", "cliënt", "Geheim")
    assert all(secret in before for secret in secrets)
    cleaned = clean_pdf(crafted, title="Sekse-gerichte benadering")
    lines = [t.text for t in cleaned.texts]
    assert "Zichtbare dia" in lines
    assert not [line for line in lines if "Geheim" in line]
    assert "https://example.org/dia" in lines
    with pikepdf.open(io.BytesIO(cleaned.data)) as pdf:
        everything = _pdf_strings(pdf)
        assert {str(k) for k in pdf.docinfo} == {"/Title"}
        assert str(pdf.docinfo.Title) == "Sekse-gerichte benadering"
        assert [str(a.Subtype) for a in pdf.pages[0].Annots] == ["/Link"]
        assert "/OpenAction" not in pdf.Root and "/OCProperties" not in pdf.Root
        assert len(pdf.attachments) == 0
    for secret in secrets:
        assert secret not in everything, secret
    assert clean_pdf(crafted, title="Sekse-gerichte benadering").data == cleaned.data


def _pdf_strings(pdf: pikepdf.Pdf) -> str:
    """Every string and every (inflated) stream in the file, as text."""
    found = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            found.append(obj.read_bytes().decode("latin-1"))
        found.append(repr(obj))
    return "\n".join(found)


def test_pdf_attachment_annotation_of_a_real_deck_is_left_out() -> None:
    deck = DECKS / "tika_powerpoint2010_slide.pdf"
    with pikepdf.open(deck) as pdf:
        assert [str(a.Subtype) for a in pdf.pages[0].Annots] == ["/FileAttachment"]
    cleaned = clean_pdf(deck, title="x")
    with pikepdf.open(io.BytesIO(cleaned.data)) as pdf:
        assert len(pdf.pages[0].get("/Annots", [])) == 0
        assert not [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and "/EF" in o]
    assert "This is a pdf document" in [t.text for t in cleaned.texts]


def test_only_a_pdf_passing_pdf_ua_counts_as_accessible(sample_build) -> None:  # type: ignore[no-untyped-def]
    # The report's own PDF is PDF/UA-1; a beamer export is not.
    assert passes_pdf_ua(clean_pdf(sample_build.pdf, title="Verslag").data)
    assert not passes_pdf_ua(clean_pdf(DECKS / "beamer_conference_talk.pdf", title="x").data)


def test_a_damaged_pdf_gives_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "kapot.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF")
    with pytest.raises(ReadError) as caught:
        clean_pdf(broken, title="x")
    assert "kapot.pdf" in str(caught.value)


# --- In a build ----------------------------------------------------------------------


def _source(path: Path, **options: bool) -> DeckSource:
    return DeckSource(
        id="deck", path=path, title="Deck", include_hidden=options.get("include_hidden", False),
        notes=options.get("notes", False), download=True,
    )  # fmt: skip


def test_a_build_offers_the_apachecon_copy_not_the_original(tmp_path: Path) -> None:
    event = write_event(
        tmp_path / "sources" / "2021-01-01-prestaties",
        """
        title: Prestaties
        date: 2021-01-01
        place: online
        organiser: ZonMw
        language: en
        lead: Tuning.
        speakers:
          sander:
            name: Sander Temme
        decks:
          talk:
            file: decks/apache.pptx
        sessions:
          - id: talk
            title: Performance
            speakers: [sander]
        """,
        {"talk": "Over prestaties.\n\n```download\ndeck: talk\n```\n"},
    )
    (event / "decks").mkdir()
    shutil.copyfile(APACHECON, event / "decks" / "apache.pptx")
    build(event, tmp_path / "build")
    offered = tmp_path / "build" / event.name / "presentaties" / "talk.pptx"
    data = offered.read_bytes()
    assert data != APACHECON.read_bytes()
    text = all_text(data)
    assert "Monitoring: Ganglia" in text and "SE Toolkit" not in text
    assert "Hello crowd" not in text
    assert "Sander Temme" not in members(data)["docProps/core.xml"].decode()
    html = (tmp_path / "build" / event.name / "index.html").read_text(encoding="utf-8")
    size = round(len(data) / 1000)
    # The file type and size sit in a quieter <span> inside the link (issue 16).
    assert re.search(rf'href="presentaties/talk.pptx"[^>]*>[^\n]*?\(PPTX, {size} kB\)', html)


def test_a_drawing_copy_keeps_the_other_slides_empty_and_carries_only_what_is_drawn(
    tmp_path: Path,
) -> None:
    # A talk of 34 slides full of charts: LibreOffice loads every slide it is given, so the
    # copy it draws slides 1 and 5 from holds the others without their content, but in
    # their places (a slide number still counts them).
    deck = CORPUS / "decks" / "poi_aascu_charts_talk.pptx"
    whole = tmp_path / "whole.pptx"
    drawing = tmp_path / "drawing.pptx"
    clean_pptx(deck, title="Dia's", into=whole)
    clean_pptx(deck, title="Dia's", into=drawing, drawn=[1, 5])
    shown = Presentation(str(whole)).slides
    slides = Presentation(str(drawing)).slides
    assert len(slides) == len(shown) == 34
    for place, (slide, original) in enumerate(zip(slides, shown, strict=True), 1):
        if place in (1, 5):
            assert slide._element.get("show") is None
            assert [s.shape_type for s in slide.shapes] == [s.shape_type for s in original.shapes]
        else:
            assert slide._element.get("show") == "0"
            assert len(slide.shapes) == 0
            assert slide.part.rels.keys() == {
                r for r, rel in slide.part.rels.items() if rel.reltype.endswith("/slideLayout")
            }
    with zipfile.ZipFile(whole) as a, zipfile.ZipFile(drawing) as b:
        charts = [n for n in a.namelist() if n.startswith("ppt/charts/")]
        kept = [n for n in b.namelist() if n.startswith("ppt/charts/")]
        assert len(kept) < len(charts)
        assert whole.stat().st_size > drawing.stat().st_size
