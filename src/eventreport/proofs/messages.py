"""Each speaker's proof as a complete e-mail (RFC 5322), written as an .eml file.

Plain text and HTML in the event's language, the PDF proof and the HTML proof attached,
From the proof settings' sender, Reply-To where corrections go. The file is the same on
every rebuild of the same proof: its Date is SOURCE_DATE_EPOCH when set, else midnight UTC
of the proof's date (as the published files are stamped), and its Message-ID is derived
from the event, round, speaker and the PDF's bytes. Sending puts the real time in Date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from lxml import html as lxml_html

from ..model import Event, ProofSettings, Speaker
from ..textutil import source_time

WORDS = {
    "nl": {"subject": "Proef ter controle, ronde {round}: {title}", "file": "proef-ronde"},
    "en": {"subject": "Proof to check, round {round}: {title}", "file": "proof-round"},
}


def subject(event: Event, number: int) -> str:
    """The subject line: the event and the round."""
    return _one_line(WORDS[event.language]["subject"].format(round=number, title=event.title))


def attachment_names(event: Event, number: int, speaker: Speaker) -> dict[str, str]:
    """The names the speaker sees for the attached proofs, by kind ("pdf", "html")."""
    stem = f"{WORDS[event.language]['file']}-{number}-{speaker.id}"
    return {"pdf": f"{stem}.pdf", "html": f"{stem}.html"}


def sender(event: Event, settings: ProofSettings) -> Address:
    """The From address: the proof settings' sender (default: the organiser) and address."""
    name = _one_line(settings.sender or event.organiser)
    return _address(name, settings.sender_email or settings.reply_to)


def build_message(
    event: Event,
    settings: ProofSettings,
    speaker: Speaker,
    number: int,
    day: dt.date,
    text: str,
    html: str,
    pdf: Path,
    html_proof: Path,
) -> EmailMessage:
    """The e-mail carrying `speaker`'s proof of round `number` (they must have an address)."""
    assert speaker.email is not None
    from_address = sender(event, settings)
    pdf_bytes = pdf.read_bytes()
    message = EmailMessage(policy=SMTP)
    message["From"] = from_address
    message["To"] = _address(_one_line(speaker.name), speaker.email)
    message["Reply-To"] = _address(_one_line(settings.sender or event.organiser), settings.reply_to)
    message["Subject"] = subject(event, number)
    message["Date"] = format_datetime(source_time(day))
    digest = hashlib.sha256(
        "\n".join(
            [event.slug, str(number), speaker.id, hashlib.sha256(pdf_bytes).hexdigest()]
        ).encode("utf-8")
    ).hexdigest()
    message["Message-ID"] = f"<proof.{digest[:32]}@{from_address.domain}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    names = attachment_names(event, number, speaker)
    message.add_attachment(pdf_bytes, "application", "pdf", filename=names["pdf"])
    message.add_attachment(
        standalone(html_proof.read_text(encoding="utf-8")).encode("utf-8"),
        "text",
        "html",
        filename=names["html"],
    )
    # Last: turning the message into a multipart moves every Content-* header into a part.
    message["Content-Language"] = event.language
    # The email package draws random MIME boundaries; fixed ones keep rebuilds identical.
    for index, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"=_proof_{digest[:24]}_{index}")
    return message


def standalone(page: str) -> str:
    """The HTML proof as an attachment: links into the build folder (a deck to download)
    lead nowhere from a mail program, so they become plain text; the fonts it names
    fall back to the reader's own."""
    tree = lxml_html.document_fromstring(page)
    for link in tree.iter("a"):
        href = link.get("href", "")
        if href and not href.startswith(("#", "mailto:", "https:", "http:")):
            del link.attrib["href"]
    return str(lxml_html.tostring(tree, doctype="<!DOCTYPE html>", encoding="unicode"))


def _address(name: str, address: str) -> Address:
    user, _, domain = address.rpartition("@")
    return Address(display_name=name, username=user, domain=domain)


def _one_line(text: str) -> str:
    # A header is one line: a title or name written over several YAML lines must not
    # break it (or add headers of its own).
    return " ".join(text.split())
