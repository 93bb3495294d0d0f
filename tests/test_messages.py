"""Messages in Dutch and English (issue 14): the catalogs are complete and keep every
placeholder, the compiled catalog is the `.po` file's, the language is chosen as
docs/translating.md says, and real runs speak Dutch when asked."""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import ROOT
from test_check import SLUG, three_mistakes
from test_check import project as project

from eventreport.errors import ReadError, SourceError
from eventreport.i18n import ENVIRONMENT, LOCALE, _, current, language_of, use
from eventreport.preview.page import error_page, with_preview
from eventreport.readers.decks import libreoffice

PO = LOCALE / "nl" / "LC_MESSAGES" / "eventreport.po"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/eventreport.po"))
"""Every language's catalog (Dutch, and any a translator adds)."""


def catalog(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.id, tuple) else [message.string]


def plain(text: object) -> object:
    """A message's id or text as one hashable value (a .mo file gives lists for plurals)."""
    return tuple(text) if isinstance(text, (list, tuple)) else text


def fields(text: str) -> set[str]:
    """The named placeholders of a `str.format` text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages marked in the code now, as `pybabel extract` finds them."""
    pot = tmp_path_factory.mktemp("pot") / "eventreport.pot"
    cwd = Path.cwd()
    os.chdir(ROOT)  # pybabel reads its settings from pyproject.toml in the working folder
    try:
        CommandLineInterface().run(["pybabel", "-q", "extract", "-o", str(pot)])
    finally:
        os.chdir(cwd)
    return catalog(pot)


def test_the_extraction_finds_the_marked_messages(extracted: Catalog) -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    assert "Build stopped" in ids  # tasks.py
    assert "{n} problem in the sources, by file and line:" in ids  # problems.py, ngettext
    assert "Build the report (HTML page and PDF) for one event, or for every event." in ids
    assert len(ids) > 100


def test_the_catalogs_are_found() -> None:
    assert PO in CATALOGS


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_message_in_the_code_has_a_translation(extracted: Catalog, po: Path) -> None:
    dutch = catalog(po)
    missing = []
    for message in extracted:
        if not message.id:
            continue
        found = dutch.get(message.id)
        if found is None or "fuzzy" in found.flags or not all(forms(found)):
            missing.append(message.id)
    assert not missing, (
        "messages without a translation; run `pybabel extract && pybabel update`,"
        f" translate them in {po.relative_to(ROOT)}, then `pybabel compile`: {missing}"
    )


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_no_translation_drops_or_renames_a_placeholder(po: Path) -> None:
    wrong = []
    for message in catalog(po):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            wanted = fields(message.id[0]) | fields(message.id[1])
            for number, form in enumerate(forms(message)):
                got = fields(form)
                # The singular form may say "the problem" for {n} = 1; nothing else may go.
                allowed = [wanted, wanted - {"n"}] if number == 0 else [wanted]
                if got not in allowed:
                    wrong.append((message.id, form))
        elif fields(message.string) != fields(message.id):
            wrong.append((message.id, message.string))
    assert not wrong


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_translation_formats_with_its_placeholders(po: Path) -> None:
    # A stray brace ("{naam") would only fail when that message is shown.
    for message in catalog(po):
        for form in forms(message) if message.id else []:
            form.format(**dict.fromkeys(fields(form), "x"))


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_the_compiled_catalog_is_the_po_files(po: Path) -> None:
    # The .mo is committed (a fresh clone needs no compile step); it must be this .po's.
    with po.with_suffix(".mo").open("rb") as file:
        compiled = read_mo(file)
    wanted = [m for m in catalog(po) if m.id and "fuzzy" not in m.flags]
    expected = {plain(m.id): plain(m.string) for m in wanted}
    got = {plain(m.id): plain(m.string) for m in compiled if m.id}
    assert got == expected, "run `pybabel compile` after editing the .po file"


@pytest.mark.parametrize(
    ("setting", "environ", "language"),
    [
        (None, {}, "en"),
        (None, {"LANG": "nl_NL.UTF-8"}, "nl"),
        (None, {"LANG": "nl_BE"}, "nl"),
        (None, {"LC_MESSAGES": "nl_NL.UTF-8", "LANG": "en_GB.UTF-8"}, "nl"),
        (None, {"LC_ALL": "C", "LANG": "nl_NL.UTF-8"}, "en"),  # the first one set decides
        (None, {"LC_ALL": "", "LANG": "nl_NL.UTF-8"}, "nl"),  # set but empty: not set
        (None, {"LANG": "fr_FR.UTF-8"}, "en"),  # no French catalog
        ("nl", {"LANG": "en_US.UTF-8"}, "nl"),
        ("en", {"LANG": "nl_NL.UTF-8"}, "en"),
        ("", {"LANG": "nl_NL.UTF-8"}, "nl"),
        ("nl", {ENVIRONMENT: "en"}, "en"),
        ("Dutch", {}, "en"),
    ],
)
def test_the_language_is_chosen_by_setting_then_locale(
    setting: str | None, environ: dict[str, str], language: str
) -> None:
    assert language_of(setting, environ) == language


def run_invoke(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`invoke ARGS` in `project` with the environment's language variables as given."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTEST") and k not in (ENVIRONMENT, "LC_ALL", "LC_MESSAGES", "LANG")
    }
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project, capture_output=True, text=True, timeout=300, env={**kept, **env},
        check=False,
    )  # fmt: skip


def test_the_task_list_is_dutch_for_a_dutch_locale(project: Path) -> None:
    listed = run_invoke(project, "--list", LANG="nl_NL.UTF-8")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("Beschikbare taken:")
    assert "Bouw het verslag (HTML-pagina en pdf)" in listed.stdout
    assert "Vind alle fouten in de bronnen in één keer" in listed.stdout
    helped = run_invoke(project, "extract", "--help", LANG="nl_NL.UTF-8")
    assert "Gebruik: invoke extract BESTAND [--json]" in helped.stdout
    assert "ook verborgen dia’s lezen" in helped.stdout


def test_invoke_yaml_chooses_the_language_over_the_locale(project: Path) -> None:
    settings = project / "invoke.yaml"
    settings.write_text(settings.read_text() + "  language: nl\n", encoding="utf-8")
    dutch = run_invoke(project, "--list", LANG="en_GB.UTF-8")
    assert dutch.stdout.startswith("Beschikbare taken:"), dutch.stdout
    settings.write_text(settings.read_text().replace("language: nl", "language: en"))
    english = run_invoke(project, "--list", LANG="nl_NL.UTF-8")
    assert english.stdout.startswith("Available tasks:"), english.stdout


def test_a_failed_build_and_check_speak_dutch(project: Path) -> None:
    three_mistakes(project)
    built = run_invoke(project, "build", "--event", SLUG, LANG="nl_NL.UTF-8")
    assert built.returncode == 1
    assert "Traceback" not in built.stdout + built.stderr
    assert f"{SLUG} bouwen" in built.stdout
    assert "  - event.yaml en de sessieteksten lezen" in built.stdout
    assert "Build gestopt, build/ is niet gewijzigd:" in built.stderr
    assert "3 problemen in de bronnen, per bestand en regel:" in built.stderr
    assert f"sources/{SLUG}/event.yaml: regel " in built.stderr
    # The three mistakes themselves, with their file and line (manifest.py, writeup.py).
    for said in (
        "'decks/slot.pptx' bestaat niet; controleer de naam en de map",
        "spreker 'piet' staat niet onder 'speakers' (bekend: anna); voeg de spreker daar toe",
        "deck 'dia' staat niet in event.yaml onder 'decks' (bekend: talk, slot)",
    ):
        assert said in built.stderr, (said, built.stderr)
    checked = run_invoke(project, "check", "--event", SLUG, LANG="nl_NL.UTF-8")
    assert checked.returncode == 1
    assert "3 problemen, per bestand en regel:" in checked.stdout
    assert (
        f"{SLUG} kan nog niet gebouwd worden: los de 3 problemen hierboven op en voer daarna"
        " invoke check opnieuw uit." in checked.stdout
    )


def test_a_proofs_run_speaks_dutch(project: Path) -> None:
    status = run_invoke(project, "proofs", "--status", LANG="nl_NL.UTF-8")
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.startswith("Spreker"), status.stdout
    assert "Verstuurd / goedgekeurd" in status.stdout
    assert "0 van 2 sessies goedgekeurd." in status.stdout
    assert (
        "De definitieve versie (invoke publish / build --final) wacht op de rest." in status.stdout
    )
    wrong = run_invoke(project, "proofs", "--dry-run", LANG="nl_NL.UTF-8")
    assert wrong.returncode == 1
    assert "Traceback" not in wrong.stdout + wrong.stderr
    assert "--dry-run hoort bij --send: het toont wat --send zou versturen" in wrong.stderr


@pytest.fixture
def dutch() -> Iterator[None]:
    """Messages in Dutch in this process, for one test; English again after it."""
    use("nl")
    try:
        yield
    finally:
        use("en")


def test_the_preview_pages_speak_dutch(dutch: None) -> None:
    page = error_page("ev", ["sources/ev/event.yaml: regel 3: een fout"], 1)
    assert '<html lang="nl">' in page
    assert "<h1>Het verslag kan niet gebouwd worden</h1>" in page
    assert "Eén fout in de bronnen van ev, per bestand en regel:" in page
    assert "Verbeter ze en sla op" in page
    two = error_page("ev", ["a", "b"], 1)
    assert "2 fouten in de bronnen van ev, per bestand en regel:" in two
    shown = with_preview('<html lang="en"><body><main>Report</main></body></html>', 1)
    assert 'aria-label="Voorvertoning" lang="nl"' in shown
    assert ">Maak de pdf</a>" in shown


def test_english_is_back_after_dutch() -> None:
    # The fixture above must not leave this process in Dutch for the tests after it.
    assert current() == "en"
    assert "<h1>The report cannot be built</h1>" in error_page("ev", ["a"], 1)


def test_invoke_new_drafts_in_dutch_and_the_draft_checks_clean(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "tasks.py").write_bytes((ROOT / "tasks.py").read_bytes())
    slug = "2024-05-16-netwerkdag"
    made = run_invoke(project, "new", slug, LANG="nl_NL.UTF-8")
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"sources/{slug}/ opzetten" in made.stdout
    assert f"sources/{slug}/ gemaakt:" in made.stdout
    assert "Verder: vul de plekken met TODO in" in made.stdout
    event_yaml = (project / "sources" / slug / "event.yaml").read_text(encoding="utf-8")
    assert "# Plekken met TODO hebben een mens nodig" in event_yaml
    assert 'place: "TODO Schrijf waar' not in event_yaml  # the comment is a comment ...
    assert 'place: "TODO De locatie, of online"' in event_yaml  # ... the value a value
    checked = run_invoke(project, "check", "--event", slug, LANG="nl_NL.UTF-8")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"Geen problemen: {slug} kan gebouwd worden." in checked.stdout


def test_no_message_is_marked_inside_an_f_string() -> None:
    # pybabel does not look inside f-strings: a _() there would never reach the catalog.
    hidden = []
    for path in [ROOT / "tasks.py", *sorted((ROOT / "src" / "eventreport").rglob("*.py"))]:
        with tokenize.open(path) as file:
            for token in tokenize.generate_tokens(file.readline):
                text = token.string
                if token.type != tokenize.STRING:
                    continue
                prefix = text[: text.find(text[-1])].lower()  # f, rf, fr, ...
                if "f" in prefix and re.search(r"\b(_|ngettext|doc)\(", text):
                    hidden.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert not hidden


def test_the_place_in_an_error_is_shown_in_the_language(dutch: None) -> None:
    error = SourceError(Path("poll.xlsx"), "een fout", "sheet 'Session 1', row 14")
    assert str(error) == "poll.xlsx: blad 'Session 1', rij 14: een fout"
    assert str(SourceError(None, "x", "slide 4")) == "dia 4: x"
    # A place in another form is shown as it is; the English stays what problems.py sorts by.
    assert str(SourceError(None, "x", "row 3 above the results")) == "row 3 above the results: x"
    assert error.location == "sheet 'Session 1', row 14"


def test_libreoffice_says_in_dutch_what_it_could_not_finish(dutch: None, tmp_path: Path) -> None:
    # A real LibreOffice run on a file it cannot open: the message is whole Dutch, with
    # the phrase for what it was doing in Dutch too.
    junk = tmp_path / "kapot.pptx"
    junk.write_bytes(b"geen presentatie")
    what = _("drawing the slides as pictures")
    with libreoffice.converted_each([(junk, junk, 10)], ".pptx", "pdf", what=what) as made:
        [result] = made
    assert isinstance(result, ReadError)
    assert result.message.startswith(
        "LibreOffice kon het tekenen van de dia's als afbeeldingen niet afmaken: het gaf geen"
        " resultaat"
    )
    assert result.message.endswith("vraag de spreker het bestand nog eens te sturen")
