"""Proofs by e-mail: addresses in event.yaml, one .eml per speaker, SMTP sending to a real
local server (aiosmtpd), a record per round so nobody gets the same proof twice, and the
addresses kept out of everything else the tools write."""

from __future__ import annotations

import datetime as dt
import email
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from a11y import axe_violations, require_browser
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import ROOT, SAMPLE, SAMPLE_SLUG, write_event
from pypdf import PdfReader

from eventreport.build import build
from eventreport.errors import ConfigError, MailError, SourceError
from eventreport.manifest import load_event
from eventreport.problems import ProblemsError
from eventreport.proofs.document import make_proofs
from eventreport.proofs.identity import KEY, decode
from eventreport.proofs.sending import send_proofs
from eventreport.proofs.smtp import smtp_settings
from eventreport.proofs.tasks import Options, UsageError, mode, show_sent, show_status
from eventreport.proofstate.deliveries import load_deliveries
from eventreport.proofstate.rounds import load_rounds
from eventreport.publish import Settings, publish

DAY = dt.date(2020, 9, 10)
SLUG = "2021-05-06-testdag"
EVENT = """
    title: Testdag over samenwerking
    date: 2021-05-06
    place: online
    organiser: ZonMw
    language: nl
    lead: Een korte inleiding.
    speakers:
      anna:
        name: Anna de Vries
        organisation: Fier
        email: anna.devries@example.org
      bram:
        name: Bram Jansen
        email: bram@example.net
      carla:
        name: Carla Pieters
    proofs:
      reply_to: redactie@example.org
      deadline: 2021-05-20
      sender: Team Communicatie
      sender_email: communicatie@example.org
    sessions:
      - id: welkom
        title: Welkom
        speakers: [anna]
      - id: praktijk
        title: Uit de praktijk
        speakers: [bram, carla]
"""
SESSIONS = {
    "welkom": "Goedemorgen allemaal. Fijn dat u er bent.\n",
    "praktijk": "Een voorbeeld uit de praktijk van de hulpverlening.\n",
}


def small_event(tmp: Path, yaml: str = EVENT) -> Path:
    return write_event(tmp / "sources" / SLUG, yaml, SESSIONS)


# --- A real SMTP server on 127.0.0.1 -----------------------------------------------------


@dataclass
class Inbox:
    """What the local server received; addresses in `refuse` get a 550 at RCPT TO."""

    refuse: set[str] = field(default_factory=set)
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 <" + address + ">: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    inbox: Inbox
    port: int

    def config(self, **more: Any) -> dict[str, Any]:
        return {"host": "127.0.0.1", "port": self.port, "security": "none", **more}


@pytest.fixture
def server() -> Iterator[Server]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Server(inbox, port)
    finally:
        controller.stop()


def _attachments(message: EmailMessage) -> dict[str, bytes]:
    found = {}
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[str(part.get_filename())] = payload
    return found


# --- event.yaml ----------------------------------------------------------------------------


def test_speaker_addresses_are_validated_with_their_line(tmp_path: Path) -> None:
    root = small_event(tmp_path)
    event = load_event(root)
    assert event.speakers["anna"].email == "anna.devries@example.org"
    assert event.speakers["carla"].email is None
    assert "anna.devries" not in repr(event.speakers["anna"])  # stays out of logs
    assert event.proofs is not None and event.proofs.sender_email == "communicatie@example.org"
    yaml = root / "event.yaml"
    for bad, said in (
        ("anna.devries-at-example.org", "is not one e-mail address; write it as"),
        ("a@example.org, b@example.org", "give one address per entry"),
        ("anna@exämple.org", "xn-- form"),
    ):
        yaml.write_text(
            EVENT.replace("anna.devries@example.org", bad).replace("\n    ", "\n"),
            encoding="utf-8",
        )
        # One problem; the session naming the speaker is noted under it, not failed again.
        with pytest.raises(ProblemsError, match=re.escape(said)) as caught:
            load_event(root)
        (problem,) = caught.value.problems
        line = next(i for i, t in enumerate(yaml.read_text().splitlines(), 1) if bad in t)
        assert problem.error.location == f"line {line}"
        assert "names this speaker; it was checked without them" in problem.unchecked[0]
    yaml.write_text(
        EVENT.replace("communicatie@example.org", "communicatie").replace("\n    ", "\n")
    )
    with pytest.raises(SourceError, match="'communicatie' is not one e-mail address"):
        load_event(root)


# --- The messages ---------------------------------------------------------------------------


def test_each_speaker_with_an_address_gets_a_complete_message(tmp_path: Path) -> None:
    root = small_event(tmp_path)
    made = {p.speaker.id: p for p in make_proofs(root, tmp_path / "build", today=DAY)}
    assert made["carla"].eml is None  # no address: no message, the staff send by hand
    assert made["anna"].eml is not None
    raw = made["anna"].eml.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # SMTP line ends
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    assert message["From"] == "Team Communicatie <communicatie@example.org>"
    assert message["To"] == "Anna de Vries <anna.devries@example.org>"
    assert message["Reply-To"] == "Team Communicatie <redactie@example.org>"
    assert message["Subject"] == "Proef ter controle, ronde 1: Testdag over samenwerking"
    assert message["Date"] == "Thu, 10 Sep 2020 00:00:00 +0000"
    assert message["Message-ID"] == made["anna"].message_id
    assert re.fullmatch(r"<proof\.[0-9a-f]{32}@example\.org>", str(message["Message-ID"]))
    assert message["Content-Language"] == "nl"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    text = plain.get_content()
    assert text.startswith("Beste Anna de Vries,") and "ronde 1" in text
    assert "vóór 20 mei 2021 naar redactie@example.org" in text
    assert "notitie, een markering, een doorhaling" in text  # how to comment in the PDF
    page = html.get_content()
    assert '<html lang="nl">' in page and "<li>Welkom</li>" in page
    assert 'href="mailto:redactie@example.org"' in page
    files = _attachments(message)
    assert set(files) == {"proef-ronde-1-anna.pdf", "proef-ronde-1-anna.html"}
    assert files["proef-ronde-1-anna.pdf"] == made["anna"].pdf.read_bytes()
    assert b"Goedemorgen allemaal" in files["proef-ronde-1-anna.html"]
    # The HTML proof travels alone: no link into the build folder is left in it.
    assert not re.search(rb'href="(?!#|mailto:|https?:)', files["proef-ronde-1-anna.html"])


def test_messages_are_the_same_on_a_rebuild_and_follow_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = small_event(tmp_path)
    first = make_proofs(root, tmp_path / "a", speaker="anna", today=DAY)[0]
    again = make_proofs(root, tmp_path / "b", speaker="anna", today=DAY)[0]
    assert first.eml is not None and again.eml is not None
    assert first.eml.read_bytes() == again.eml.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    stamped = make_proofs(root, tmp_path / "c", speaker="anna", today=DAY)[0]
    assert stamped.eml is not None
    assert b"Date: Sun, 13 Sep 2020 12:26:40 +0000" in stamped.eml.read_bytes()


def test_english_event_gets_an_english_message(tmp_path: Path) -> None:
    root = small_event(tmp_path, EVENT.replace("language: nl", "language: en"))
    (proof,) = make_proofs(root, tmp_path / "build", speaker="bram", today=DAY)
    assert proof.eml is not None
    message = email.message_from_bytes(proof.eml.read_bytes(), policy=default)
    assert message["Subject"] == "Proof to check, round 1: Testdag over samenwerking"
    assert {str(p.get_filename()) for p in message.iter_attachments()} == {
        "proof-round-1-bram.pdf",
        "proof-round-1-bram.html",
    }


def test_a_title_over_several_lines_cannot_add_headers(tmp_path: Path) -> None:
    yaml = EVENT.replace(
        "title: Testdag over samenwerking",
        'title: "Testdag\\nBcc: iedereen"',  # an address here would stop the proofs (privacy)
    )
    root = small_event(tmp_path, yaml)
    (proof,) = make_proofs(root, tmp_path / "build", speaker="anna", today=DAY)
    assert proof.eml is not None
    message = email.message_from_bytes(proof.eml.read_bytes(), policy=default)
    assert message["Bcc"] is None
    assert message["Subject"] == "Proef ter controle, ronde 1: Testdag Bcc: iedereen"


def test_the_proof_pdf_says_which_proof_it_is(tmp_path: Path) -> None:
    root = small_event(tmp_path)
    (proof,) = make_proofs(root, tmp_path / "build", speaker="bram", today=DAY)
    mark = decode(str(PdfReader(proof.pdf).metadata[KEY]))
    assert (mark.event, mark.round, mark.speaker) == (SLUG, 1, "bram")
    assert mark.pages == len(PdfReader(proof.pdf).pages)
    assert mark.lines and {line.session for line in mark.lines} == {"praktijk"}


# --- Sending --------------------------------------------------------------------------------


def test_send_delivers_one_message_each_and_records_the_round(
    tmp_path: Path, server: Server
) -> None:
    root = small_event(tmp_path)
    smtp = smtp_settings(server.config())
    sent = send_proofs(root, tmp_path / "build", smtp=smtp, today=DAY)
    by_to = {rcpt[0]: message for _, rcpt, message in server.inbox.received}
    assert sorted(by_to) == ["anna.devries@example.org", "bram@example.net"]
    assert all(frm == "communicatie@example.org" for frm, _, _ in server.inbox.received)
    proofs = {p.speaker.id: p for p in sent.batch.proofs}
    for speaker, address in (("anna", "anna.devries@example.org"), ("bram", "bram@example.net")):
        files = _attachments(by_to[address])
        assert files[f"proef-ronde-1-{speaker}.pdf"] == proofs[speaker].pdf.read_bytes()
        assert by_to[address]["Message-ID"] == proofs[speaker].message_id
        assert by_to[address]["Date"] != "Thu, 10 Sep 2020 00:00:00 +0000"  # sent now
    states = {o.proof.speaker.id: o.state for o in sent.outcomes}
    assert states == {"anna": "e-mailed", "bram": "e-mailed", "carla": "by hand"}
    event = load_event(root)
    (recorded,) = load_rounds(event)
    assert recorded.number == 1 and set(recorded.blocks) == {"welkom", "praktijk"}
    how = {(d.round, d.speaker): d.how for d in load_deliveries(event)}
    assert how == {(1, "anna"): "e-mail", (1, "bram"): "e-mail", (1, "carla"): "hand"}
    said = show_sent(sent, DAY)
    assert "E-mailed, and recorded:\n  Anna de Vries <anna.devries@example.org>" in said
    assert "Recorded as sent by you (send these yourself):\n  Carla Pieters" in said

    # The same round again: nobody gets a second copy.
    again = send_proofs(root, tmp_path / "build", smtp=smtp, today=DAY)
    assert len(server.inbox.received) == 2
    assert {o.state for o in again.outcomes} == {"already sent"}
    assert "nothing was sent again" in show_sent(again, DAY)
    assert len(load_rounds(event)) == 1

    # An edit makes the next round, which goes to that session's speaker only: the others'
    # text is the one they have.
    (root / "sessions" / "welkom.md").write_text("Goedemorgen, welkom allemaal.\n")
    nxt = send_proofs(root, tmp_path / "build", smtp=smtp, today=DAY)
    assert nxt.batch.round == 2 and len(server.inbox.received) == 3
    _, rcpt, message = server.inbox.received[-1]
    assert rcpt == ["anna.devries@example.org"]
    assert message["Subject"].startswith("Proef ter controle, ronde 2")
    states = {o.proof.speaker.id: o.state for o in nxt.outcomes}
    assert states == {"anna": "e-mailed", "bram": "unchanged", "carla": "unchanged"}
    assert (
        "unchanged since the round they have, so not sent:\n  Bram Jansen (they have round 1)"
        in (show_sent(nxt, DAY))
    )
    _, second = load_rounds(event)
    assert set(second.blocks) == {"welkom"}


def test_a_refused_address_is_named_and_sent_once_it_is_fixed(
    tmp_path: Path, server: Server
) -> None:
    root = small_event(tmp_path)
    server.inbox.refuse.add("bram@example.net")
    smtp = smtp_settings(server.config())
    sent = send_proofs(root, tmp_path / "build", smtp=smtp, today=DAY)
    refused = [o for o in sent.outcomes if o.state == "refused"]
    assert [o.proof.speaker.id for o in refused] == ["bram"]
    assert "550 5.1.1" in refused[0].detail and "no such user" in refused[0].detail
    said = show_sent(sent, DAY)
    assert (
        "REFUSED by the mail server, not recorded:\n  Bram Jansen <bram@example.net>: 550" in said
    )
    event = load_event(root)
    assert {d.speaker for d in load_deliveries(event)} == {"anna", "carla"}
    assert [rcpt for _, rcpt, _ in server.inbox.received] == [["anna.devries@example.org"]]
    status = {
        line.split()[0]: " ".join(line.split())
        for line in show_status(root, tmp_path / "build").splitlines()[2:5]
    }
    assert status["Anna"].endswith("welkom sent 1 e-mailed 2020-09-10")
    assert status["Bram"].endswith("praktijk sent 1 not sent to this speaker")
    assert status["Carla"].endswith("praktijk sent 1 sent 2020-09-10")

    # The address fixed: the same round 1 goes to Bram alone.
    yaml = root / "event.yaml"
    yaml.write_text(yaml.read_text().replace("bram@example.net", "b.jansen@example.net"))
    fixed = send_proofs(root, tmp_path / "build", smtp=smtp, today=DAY)
    assert fixed.batch.round == 1
    assert [rcpt for _, rcpt, _ in server.inbox.received][1:] == [["b.jansen@example.net"]]
    assert {(d.round, d.speaker) for d in load_deliveries(event)} == {
        (1, "anna"),
        (1, "carla"),
        (1, "bram"),
    }


def test_dry_run_sends_and_records_nothing(tmp_path: Path, server: Server) -> None:
    root = small_event(tmp_path)
    sent = send_proofs(
        root, tmp_path / "build", smtp=smtp_settings(server.config()), today=DAY, dry_run=True
    )
    said = show_sent(sent, DAY)
    assert "Would e-mail:\n  Anna de Vries <anna.devries@example.org>" in said
    assert "Would record as sent by you" in said and "Dry run: nothing was sent" in said
    assert server.inbox.received == []
    assert not (root / "proofs").exists()


def test_login_uses_the_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logins: list[tuple[str, str]] = []

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"geheim", handled=False)

    inbox, port = Inbox(), _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=check, auth_require_tls=False
    )
    controller.start()
    try:
        root = small_event(tmp_path)
        smtp = smtp_settings(
            {
                "host": "127.0.0.1",
                "port": port,
                "security": "none",
                "user": "redactie",
                "password_env": "TEST_SMTP_PASSWORD",
            }
        )
        monkeypatch.delenv("TEST_SMTP_PASSWORD", raising=False)
        with pytest.raises(ConfigError, match="TEST_SMTP_PASSWORD is not set"):
            send_proofs(root, tmp_path / "build", smtp=smtp, speaker="anna", today=DAY)
        monkeypatch.setenv("TEST_SMTP_PASSWORD", "fout")
        with pytest.raises(MailError, match="refused the login of redactie") as caught:
            send_proofs(root, tmp_path / "build", smtp=smtp, speaker="anna", today=DAY)
        assert "Nothing was sent" in str(caught.value)
        monkeypatch.setenv("TEST_SMTP_PASSWORD", "geheim")
        send_proofs(root, tmp_path / "build", smtp=smtp, speaker="anna", today=DAY)
        assert logins[-1] == ("redactie", "geheim") and len(inbox.received) == 1
    finally:
        controller.stop()


def test_an_unreachable_server_stops_cleanly(tmp_path: Path) -> None:
    root = small_event(tmp_path)
    smtp = smtp_settings({"host": "127.0.0.1", "port": _free_port(), "security": "none"})
    with pytest.raises(MailError, match=r"could not reach the mail server 127\.0\.0\.1") as caught:
        send_proofs(root, tmp_path / "build", smtp=smtp, today=DAY)
    assert "Nothing was sent" in str(caught.value)
    assert {d.speaker for d in load_deliveries(load_event(root))} == {"carla"}  # by hand


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ({"host": "smtp.example.org"}, "eventreport.smtp.port: 'None' is not a port number"),
        ({"host": "smtp.example.org", "port": "587"}, "'587' is not a port number"),
        ({"port": 587}, "eventreport.smtp.host: needs the mail server's name"),
        ({"host": "x", "port": 587, "password": "geheim"}, "a password does not belong in a file"),
        ({"host": "x", "port": 587, "usr": "a"}, "'usr' is not a setting; did you mean 'user'?"),
        ({"host": "x", "port": 587, "security": "ssl"}, "'ssl' is not one of starttls, tls, none"),
        ({"host": "x", "port": 587, "user": "a"}, "name the environment variable"),
        ({"host": "x", "port": 587, "user": "a", "password_env": "MY PASS"}, "not an environment"),
        ("smtp.example.org", "must hold host: and port:"),
    ],
)
def test_smtp_settings_are_checked(config: Any, said: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(said)) as caught:
        smtp_settings(config)
    assert str(caught.value).startswith("invoke.yaml: eventreport.smtp")


def test_no_settings_means_no_server() -> None:
    assert smtp_settings(None) is None and smtp_settings({}) is None
    settings = smtp_settings({"host": "smtp.example.org", "port": 587})
    assert settings is not None and settings.security == "starttls"


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (Options(by="Jan"), "--by has no effect with making proofs; it goes with --approve"),
        (Options(dry_run=True), "--dry-run goes with --send"),
        (Options(status=True, send=True), "--send has no effect with --status"),
        (Options(collect=("a.pdf",), speaker="anna"), "--speaker has no effect with --collect"),
        (Options(note="klaar"), "--note has no effect with making proofs"),
        (Options(status=True, collect=("a.pdf",)), "--status and --collect are separate runs"),
        (Options(approve="welkom"), "--approve needs --by NAME"),
        (Options(done=("3",), dry_run=True), "--dry-run has no effect with --done/--reject"),
    ],
)
def test_options_that_have_no_effect_are_refused(options: Options, said: str) -> None:
    with pytest.raises(UsageError, match=re.escape(said)):
        mode(options, 1)


def test_one_event_options_need_event_when_there_are_several() -> None:
    with pytest.raises(UsageError, match="--approve is for one event: say which with --event"):
        mode(Options(approve="welkom", by="Jan"), 2)
    with pytest.raises(UsageError, match="--done/--reject is for one event"):
        mode(Options(done=("1",)), 2)
    assert mode(Options(collect=("a.pdf",)), 2) == "--collect"  # the proof names its event
    assert mode(Options(send=True, dry_run=True), 2) == "make"


# --- The whole round through the task, as the staff run it -------------------------------


def test_invoke_proofs_send_delivers_to_the_two_speakers_with_addresses(
    tmp_path: Path, server: Server
) -> None:
    project = tmp_path / "project"
    event_dir = project / "sources" / SAMPLE_SLUG
    shutil.copytree(SAMPLE, event_dir, ignore=shutil.ignore_patterns("proofs"))
    yaml = event_dir / "event.yaml"
    text = yaml.read_text(encoding="utf-8")
    for name, address in (("Suze Hageman", "s.hageman@example.org"),
                          ("Marleen Luimes", "m.luimes@example.org")):  # fmt: skip
        text = text.replace(f"    name: {name}\n", f"    name: {name}\n    email: {address}\n")
    yaml.write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "tasks.py", project / "tasks.py")
    (project / "invoke.yaml").write_text(
        "eventreport:\n  smtp:\n    host: 127.0.0.1\n"
        f"    port: {server.port}\n    security: none\n",
        encoding="utf-8",
    )

    def proofs(*args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        return subprocess.run(
            [sys.executable, "-m", "invoke", "proofs", "--send", "--date", "2020-09-10", *args],
            cwd=project, capture_output=True, text=True, timeout=300, env=env, check=False,
        )  # fmt: skip

    done = proofs()
    assert done.returncode == 0, done.stderr + done.stdout
    received = {rcpt[0]: message for _, rcpt, message in server.inbox.received}
    assert sorted(received) == ["m.luimes@example.org", "s.hageman@example.org"]
    folder = project / "build" / SAMPLE_SLUG / "proofs"
    for speaker, address in (("suze-hageman", "s.hageman@example.org"),
                             ("marleen-luimes", "m.luimes@example.org")):  # fmt: skip
        files = _attachments(received[address])
        pdf = files[f"proef-ronde-1-{speaker}.pdf"]
        assert pdf == (folder / f"{speaker}.pdf").read_bytes()
        assert f'"speaker":"{speaker}"' in str(PdfReader(folder / f"{speaker}.pdf").metadata[KEY])
    assert "E-mailed, and recorded:" in done.stdout and "Round 1 recorded" in done.stdout
    event = load_event(event_dir)
    assert [r.number for r in load_rounds(event)] == [1]
    emailed = {d.speaker for d in load_deliveries(event) if d.how == "e-mail"}
    assert emailed == {"suze-hageman", "marleen-luimes"}

    again = proofs("--speaker", "suze-hageman")
    assert again.returncode == 0, again.stderr
    assert "Already sent round 1, so not sent again:\n  Suze Hageman" in again.stdout
    assert len(server.inbox.received) == 2


# --- Addresses are personal data -----------------------------------------------------------


def _texts(path: Path) -> Iterator[bytes]:
    """The bytes of a file as stored, and for a PDF every stream decoded."""
    data = path.read_bytes()
    yield data
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    yield obj.read_bytes()


def test_addresses_appear_only_in_their_own_message(tmp_path: Path, server: Server) -> None:
    root = small_event(tmp_path)
    addresses = {"anna": b"anna.devries@example.org", "bram": b"bram@example.net"}
    out = tmp_path / "build"
    build(root, out)
    publish(root, Settings("https://verslagen.example.org/", tmp_path / "publish"), force=True)
    send_proofs(root, out, smtp=smtp_settings(server.config()), today=DAY)
    files = [p for p in [*out.rglob("*"), *(tmp_path / "publish").rglob("*")] if p.is_file()]
    assert any(p.suffix == ".eml" for p in files) and any(p.name == "index.html" for p in files)
    for path in files:
        for data in _texts(path):
            for speaker, address in addresses.items():
                if path.name == f"{speaker}.eml":
                    continue
                assert address not in data, (address, path)
    for speaker, address in addresses.items():
        own = (out / SLUG / "proofs" / f"{speaker}.eml").read_bytes()
        assert own.count(address) == 1  # the To line; never in the attachments
    # The record of what was sent names speakers, not addresses.
    for path in (root / "proofs").iterdir():
        for address in addresses.values():
            assert address not in path.read_bytes(), path


def test_build_never_imports_the_proofs_package() -> None:
    code = (
        "import sys, eventreport.build, eventreport.publish;"
        "print(sorted(m for m in sys.modules if m.split('.')[:2] == ['eventreport', 'proofs']))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert shown.stdout.strip() == "[]"


def test_the_mail_and_the_attached_html_proof_pass_wcag_checks(tmp_path: Path) -> None:
    require_browser()
    root = small_event(tmp_path)
    (proof,) = make_proofs(root, tmp_path / "build", speaker="anna", today=DAY)
    assert proof.eml is not None
    message = email.message_from_bytes(proof.eml.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("html",))
    assert body is not None
    mail = tmp_path / "mail.html"
    mail.write_text(body.get_content(), encoding="utf-8")
    assert axe_violations(mail) == []
    attached = tmp_path / "attached.html"
    attached.write_bytes(_attachments(message)["proef-ronde-1-anna.html"])
    assert axe_violations(attached) == []
