"""Personal data in a text: e-mail addresses, phone numbers, BSNs, IBANs, home addresses.

Numbers count only when they are what they look like: a BSN passes the 11-test, an IBAN its
check digits (python-stdnum), a phone number is a valid number for its country
(phonenumbers, read as Dutch unless it starts with + or 00). A postcode alone is not
flagged; with a house number before or after it, it is an address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from stdnum import iban
from stdnum.nl import bsn

from ..i18n import N_

Kind = Literal["email", "phone", "bsn", "iban", "address"]
KINDS: dict[Kind, str] = {
    "email": N_("e-mail address"),
    "phone": N_("phone number"),
    "bsn": N_("BSN (citizen service number)"),
    "iban": N_("IBAN (bank account number)"),
    "address": N_("postcode with house number"),
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# 9 digits, as one run or grouped (123456782, 1234.56.782, 123 456 782).
_BSN = re.compile(r"(?<![\d.,-])(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}[ .-]\d{3}[ .-]\d{3})(?![\d])")
# A country code, check digits, then 11 to 30 letters or digits, maybe in groups of four.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}", re.IGNORECASE)
# Dutch postcodes: 4 digits not starting with 0, 2 capitals (SA, SD and SS are not used).
_POSTCODE = r"[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}"
_NUMBER = r"\d{1,5}(?: ?[a-zA-Z]\b)?(?:-\d{1,4})?"
_ADDRESS = re.compile(
    rf"\b(?:{_POSTCODE},? {_NUMBER}\b(?![.,]?\d)|{_NUMBER},? {_POSTCODE})\b(?! ?[-/:]?\d)"
)
_REGION = "NL"
# Free, paid and shared-cost service numbers (0800, 0900, 0909) belong to organisations.
_SERVICE = {
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST,
}


@dataclass(frozen=True)
class Hit:
    """One piece of personal data found in a text."""

    kind: Kind
    """What it is."""
    text: str
    """As written."""
    key: str
    """The same data however it is written (spaces, dashes, case), to match acceptances."""

    @property
    def masked(self) -> str:
        """The text with all but a few of its letters and digits hidden."""
        return mask(self.text)


def find(text: str) -> list[Hit]:
    """Every piece of personal data in `text`, in the order they appear."""
    hits: list[tuple[int, Hit]] = []
    taken: list[tuple[int, int]] = []

    def claim(start: int, end: int, hit: Hit) -> None:
        if not any(start < b and a < end for a, b in taken):
            taken.append((start, end))
            hits.append((start, hit))

    for match in _EMAIL.finditer(text):
        claim(match.start(), match.end(), Hit("email", match.group(), match.group().lower()))
    for match in _IBAN.finditer(text):
        found = _iban(match.group())
        if found is not None:
            claim(match.start(), match.start() + len(found), Hit("iban", found, _compact(found)))
    for match in _BSN.finditer(text):
        if bsn.is_valid(_compact(match.group())) and len(set(_compact(match.group()))) > 1:
            claim(match.start(), match.end(), Hit("bsn", match.group(), _compact(match.group())))
    for match in _ADDRESS.finditer(text):
        claim(match.start(), match.end(), Hit("address", match.group(), _address(match.group())))
    for number in phonenumbers.PhoneNumberMatcher(
        text, _REGION, leniency=phonenumbers.Leniency.VALID
    ):
        if phonenumbers.number_type(number.number) in _SERVICE:
            continue
        key = phonenumbers.format_number(number.number, phonenumbers.PhoneNumberFormat.E164)
        claim(number.start, number.end, Hit("phone", number.raw_string, key))
    return [hit for _, hit in sorted(hits, key=lambda pair: pair[0])]


def key_of(kind: Kind, text: str) -> str | None:
    """How `find` would file `text` as `kind`, or None when it finds no such thing in it."""
    return next((hit.key for hit in find(text) if hit.kind == kind), None)


def mask(text: str) -> str:
    """'ja*.******@*******.nl': separators stay, and the first and last two letters or
    digits (one each for short texts), enough to find it again and no more."""
    shown = 2 if sum(c.isalnum() for c in text) >= 10 else 1
    positions = [i for i, c in enumerate(text) if c.isalnum()]
    keep = set(positions[:shown] + positions[-shown:])
    return "".join(c if i in keep or not c.isalnum() else "*" for i, c in enumerate(text))


def _iban(candidate: str) -> str | None:
    """The longest start of `candidate` that is a valid IBAN, as written, or None."""
    letters = [i for i, c in enumerate(candidate) if c != " "]
    for length in range(min(len(letters), 34), 14, -1):
        written = candidate[: letters[length - 1] + 1]
        if iban.is_valid(_compact(written)):
            return written
    return None


def _address(text: str) -> str:
    """'1234AB-12' however the address was written."""
    postcode = re.search(_POSTCODE, text)
    assert postcode is not None  # the pattern that found `text` holds one
    number = text[: postcode.start()] + text[postcode.end() :]
    return f"{_compact(postcode.group())}-{_compact(number)}"


def _compact(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()
