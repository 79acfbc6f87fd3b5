"""How a reporter is recognised when they contact the line again: the phone numbers and emails of
a contact (its explicit reporter phone and email, and those written in "how to reach the caller"),
normalised, and their blind indexes under a key version. Nothing here reads a database.

``phones_in`` is the one extraction of phones from free text: the situations app imports it for its
person-of-interest alert (hotline may not import situations)."""

from __future__ import annotations

import re

from octip.cases.models import normalize_phone
from octip.core import crypto

#: A North American number as people write it ("+1 (604) 555-0100", "604.555.0100", "6045550100").
_NANP = re.compile(r"(?<!\d)(?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]?\d{4}(?!\d)")
#: Any other run of digits with the separators phones are written with (an international number).
_PHONE_LIKE = re.compile(r"\+?\d[\d\s().\-]{5,}\d")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")

PHONE = "phone"
EMAIL = "email"
#: Purposes of the blind indexes: the line's own, so a reporter's token never correlates with a
#: person's phone index (``person.phone``) although the normalisation is the same.
PURPOSES = {PHONE: "hotline.reporter_phone", EMAIL: "hotline.reporter_email"}


def phones_in(text: str) -> list[str]:
    """The phone numbers in free text, normalised as a person's phone is (``normalize_phone``)."""
    text = text or ""
    found = [normalize_phone(m.group()) for m in _NANP.finditer(text)]
    rest = _NANP.sub(" ", text)
    found += [normalize_phone(m.group()) for m in _PHONE_LIKE.finditer(rest)]
    return list(dict.fromkeys(d for d in found if 7 <= len(d) <= 15))


def normalize_email(value: str | None) -> str:
    return (value or "").strip().casefold()


def emails_in(text: str) -> list[str]:
    return list(dict.fromkeys(normalize_email(m.group()) for m in _EMAIL.finditer(text or "")))


def identifiers(*, phone: str = "", email: str = "", free_text: str = "") -> list[tuple[str, str]]:
    """(kind, normalised value) of every phone and email of a reporter, each once."""
    phones = [normalize_phone(phone)] if phone else []
    phones += phones_in(free_text)
    emails = [normalize_email(email)] if email else []
    emails += emails_in(free_text)
    found = [(PHONE, p) for p in phones if 7 <= len(p) <= 15] + [(EMAIL, e) for e in emails if e]
    return list(dict.fromkeys(found))


def token(kind: str, value: str, key_id: str | None = None) -> str:
    """The blind index of one normalised identifier (digits of a phone, a casefolded email)."""
    return crypto.blind_index(value, PURPOSES[kind], key_id=key_id)


def tokens_for_search(pairs: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Per configured key version, (kind, token) of each identifier: what a search during a key
    rotation looks under."""
    return {key_id: [(kind, token(kind, value, key_id)) for kind, value in pairs]
            for key_id in crypto.index_key_ids()}
