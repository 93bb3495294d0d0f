"""The personal-data scan: what it finds, what it lets pass, and what it stops.

A draft build warns; proofs and a publish refuse, `--force` or not, until each hit is
removed from its source or accepted in privacy.yaml, whose stale entries are reported.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import MentiQuestion, line_of, make_mentimeter, write_event

from eventreport.build import build
from eventreport.errors import SourceError
from eventreport.personal.detect import find, mask
from eventreport.personal.review import PersonalDataError
from eventreport.proofs.document import make_proofs
from eventreport.publish import PublishError, Settings, publish

# --- What is found -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Mail jan.jansen@example.nl gerust", "email", "jan.jansen@example.nl"),
        ("bel 06-12345678 na vijven", "phone", "06-12345678"),
        ("bel 06 1234 5678", "phone", "06 1234 5678"),
        ("vast: 020-1234567", "phone", "020-1234567"),
        ("of +31 6 12345678", "phone", "+31 6 12345678"),
        ("of 0031 6 12345678", "phone", "0031 6 12345678"),
        ("Londen: +44 20 7946 0958", "phone", "+44 20 7946 0958"),
        ("Brussel: +32 2 555 12 12", "phone", "+32 2 555 12 12"),
        ("BSN 111222333", "bsn", "111222333"),
        ("BSN 1234.56.782", "bsn", "1234.56.782"),
        ("IBAN NL91 ABNA 0417 1643 00 graag", "iban", "NL91 ABNA 0417 1643 00"),
        ("IBAN NL91ABNA0417164300", "iban", "NL91ABNA0417164300"),
        ("Duits: DE89 3704 0044 0532 0130 00.", "iban", "DE89 3704 0044 0532 0130 00"),
        ("Dorpsstraat 12, 1234 AB Ergens", "address", "12, 1234 AB"),
        ("postcode 2593 CE 334", "address", "2593 CE 334"),
    ],
)
def test_each_kind_is_found(text: str, kind: str, found: str) -> None:
    assert [(h.kind, h.text) for h in find(text)] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "BSN 123456789",  # fails the 11-test
        "IBAN NL91ABNA0417164301",  # wrong check digits
        "IBAN NL92 ABNA 0417 1643 00",
        "Op 3 september 2020 stemden 14 mensen eens en 12 oneens (54%).",
        "In 2019-2020 daalde het aantal meldingen van 1.320 naar 1.150.",
        "Bel de gratis lijn 0800-0188 of 0900-8844.",  # organisations' service numbers
        "Postcode 1234 AB zonder huisnummer.",
        "Zie pagina 12 van het rapport 2020/21, artikel 273f Sr.",
    ],
)
def test_what_only_looks_like_personal_data_is_not_flagged(text: str) -> None:
    assert find(text) == []


def test_masking_keeps_only_a_hint() -> None:
    assert mask("jan.jansen@example.nl") == "ja*.******@*******.nl"
    assert mask("111222333") == "1*******3"
    assert mask("NL91 ABNA 0417 1643 00") == "NL** **** **** **** 00"


# --- In builds, proofs and publishes -------------------------------------------------

ANSWERS = [
    "Mail me gerust: jan.jansen@example.nl",
    "Bel mij op 06-12345678",
    "Mijn BSN is 111222333, help",
    "Steun ons op NL91 ABNA 0417 1643 00",
    "Ongeldig: 123456789 en NL91ABNA0417164301",
    "Mooie bijeenkomst",
]


def _event(root: Path, writeup: str = "") -> Path:
    event = write_event(
        root / "sources" / "2021-03-04-signalen",
        """
        title: Signalen
        date: 2021-03-04
        place: online
        organiser: ZonMw
        language: nl
        lead: Een middag over signalen.
        speakers:
          anna:
            name: Anna de Vries
        polls:
          menti:
            file: polls/menti.xlsx
        proofs:
          reply_to: redactie@zonmw.nl
        sessions:
          - id: vragen
            title: Vragen uit de zaal
            speakers: [anna]
        """,
        {
            "vragen": "Wat de zaal zei.\n"
            + writeup
            + "\n```poll\npoll: menti\nquestion: 1\nquote: all\n```\n"
        },
    )
    make_mentimeter(
        event / "polls" / "menti.xlsx",
        [MentiQuestion("Wat neemt u mee?", type="open", responses=ANSWERS)],
    )
    return event


def _settings(root: Path) -> Settings:
    return Settings(base_url="https://verslagen.example.org/", folder=root / "publish")


ACCEPT_ALL = """
    accepted:
      - file: polls/menti.xlsx
        kind: email
        text: jan.jansen@example.nl
        by: Redactie
        reason: the respondent asked to be contacted in the report
      - file: polls/menti.xlsx
        kind: phone
        text: 06 1234 5678
        place: question 1, answer 2
        by: Redactie
        reason: same
      - file: polls/menti.xlsx
        kind: bsn
        text: "111222333"
        by: Redactie
        reason: a test number
      - file: polls/menti.xlsx
        kind: iban
        text: NL91ABNA0417164300
        by: Redactie
        reason: the foundation's donation account
    """


def test_a_publish_with_personal_data_in_quotes_refuses_even_when_forced(tmp_path: Path) -> None:
    event = _event(tmp_path)
    with pytest.raises(PublishError) as caught:
        publish(event, _settings(tmp_path), force=True)
    message = str(caught.value)
    assert "--force does not override this" in message
    assert "in 4 places" in message
    lines = [line.strip() for line in message.splitlines() if "polls/menti.xlsx" in line]
    assert len(lines) == 4
    kinds = ["e-mail address", "phone number", "BSN", "IBAN"]
    for number, (line, kind) in enumerate(zip(lines, kinds, strict=True), 1):
        assert f"polls/menti.xlsx: question 1, answer {number} (sheet 'Session 1'" in line
        assert kind in line
    # Masked, and the invalid BSN and IBAN of answer 5 are not flagged.
    assert "jan.jansen@example.nl" not in message and "ja*.******@*******.nl" in message
    assert "answer 5" not in message
    assert not (tmp_path / "publish" / event.name).exists()


def test_accepting_the_hits_lets_the_publish_through(tmp_path: Path) -> None:
    event = _event(tmp_path)
    (event / "privacy.yaml").write_text(textwrap.dedent(ACCEPT_ALL), encoding="utf-8")
    done = publish(event, _settings(tmp_path), force=True)
    page = (done.folder / "index.html").read_text(encoding="utf-8")
    assert "jan.jansen@example.nl" in page
    assert not [w for w in done.warnings if "privacy.yaml" in w]


def test_an_acceptance_that_matches_nothing_is_reported_as_stale(tmp_path: Path) -> None:
    event = _event(tmp_path)
    extra = """
      - file: polls/menti.xlsx
        kind: email
        text: oud.adres@example.nl
        by: Redactie
        reason: no longer in the export
    """
    privacy = event / "privacy.yaml"
    privacy.write_text(textwrap.dedent(ACCEPT_ALL) + textwrap.indent(textwrap.dedent(extra), "  "))
    done = publish(event, _settings(tmp_path), force=True)
    (stale,) = [w for w in done.warnings if "no longer occurs" in w]
    assert f"privacy.yaml: line {line_of(privacy, 'oud.adres') - 2}" in stale
    assert "ou*.*****@*******.nl" in stale and "oud.adres" not in stale


def test_an_acceptance_for_another_place_does_not_cover_this_one(tmp_path: Path) -> None:
    event = _event(tmp_path)
    (event / "privacy.yaml").write_text(
        textwrap.dedent(ACCEPT_ALL).replace("question 1, answer 2", "question 1, answer 3")
    )
    with pytest.raises(PublishError) as caught:
        publish(event, _settings(tmp_path), force=True)
    assert "in 1 place;" in str(caught.value) and "answer 2" in str(caught.value)


def test_a_draft_build_warns_and_proofs_refuse(tmp_path: Path) -> None:
    event = _event(tmp_path, "Vragen? Bel Anna op 020-1234567.\n")
    result = build(event, tmp_path / "build")
    warnings = [w for w in result.warnings if w.startswith("personal data")]
    assert len(warnings) == 5
    line = line_of(event / "sessions" / "vragen.md", "020-1234567")
    assert any(f"sessions/vragen.md: line {line}: phone number 02*-*****67" in w for w in warnings)
    with pytest.raises(PersonalDataError) as caught:
        make_proofs(event, tmp_path / "build")
    assert "the proofs would publish personal data in 5 places" in str(caught.value)
    assert not (tmp_path / "build" / event.name / "proofs").exists()


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("kind: adres\n    text: x", "kind 'adres' is not one the scan reports"),
        ("kind: bsn\n    text: '123456789'", "'text' holds no valid BSN"),
        ("kind: email\n    text: a@example.nl\n    tekst: x", "'tekst' is not a field"),
    ],
)
def test_a_wrong_acceptance_names_its_line(tmp_path: Path, entry: str, problem: str) -> None:
    event = _event(tmp_path)
    privacy = event / "privacy.yaml"
    privacy.write_text(
        "accepted:\n  - file: polls/menti.xlsx\n    by: R\n    reason: r\n    " + entry + "\n"
    )
    with pytest.raises(SourceError) as caught:
        build(event, tmp_path / "build")
    assert problem in caught.value.message
    assert caught.value.path == privacy
    assert caught.value.location is not None and caught.value.location.startswith("line ")


def test_an_acceptance_naming_a_missing_file_is_refused(tmp_path: Path) -> None:
    event = _event(tmp_path)
    (event / "privacy.yaml").write_text(
        "accepted:\n  - file: polls/oud.xlsx\n    kind: email\n    text: a@example.nl\n"
        "    by: R\n    reason: r\n"
    )
    with pytest.raises(SourceError) as caught:
        build(event, tmp_path / "build")
    assert "'polls/oud.xlsx' is not a file in the event folder" in caught.value.message
    assert caught.value.location == "line 2"
