"""The public pages speak the nine further languages of the public site, not only their frame: the report
of concern (its form, errors and answer), the service directory, the learner's register and sign-in
pages and certificate verification are shown with the language cookie the site's switch sets, and
neither their known English interface strings nor any English sentence of the public catalogs is left."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from octip.prevention.public_catalogs import MSGIDS, T

#: The site's language codes (the cookie's value) and the folder of each one's catalog.
LANGUAGES = {"pa": "pa", "zh-hans": "zh_Hans", "zh-hant": "zh_Hant", "tl": "tl", "es": "es", "ko": "ko", "vi": "vi",
             "fa": "fa", "ar": "ar"}

#: A few interface strings of each page, in English: none may be left, and each one's translation is shown.
KNOWN = {
    "/report/": ["Report a concern", "Send my report", "Is someone in danger right now?", "What did you see or hear?",
                 "Where? (region)", "Can we contact you?", "No — I want to stay anonymous", "It is happening now",
                 "Your report"],
    "/services/": ["Find a service", "Search the directory", "Words", "Any need", "Anywhere in B.C.", "Any language",
                   "No service matches. Try fewer filters, or a broader need."],
    "/learn/register/": ["Create a learner account", "Create account", "Name to print on your certificates",
                         "Password", "At least 12 characters.", "Where you work or volunteer", "Member of the public",
                         "I already have a learner account"],
    "/learn/sign-in/": ["Sign in to learn", "Sign in", "Email", "Password"],
    "/verify/": ["Verify a certificate", "Check a signed credential", "Certificate (the signed text, a JWT)"],
}


def translated(folder: str, msgid: str) -> str:
    text = T[folder][MSGIDS.index(msgid)]
    assert isinstance(text, str)
    return text


def shown_for(code: str, msgid: str) -> str:
    """What the page should say for ``msgid``: the public catalog's translation, unless an earlier
    catalog (Django's own, for a common word such as "Email") already translates it."""
    with translation.override(code):
        return translation.gettext(msgid)


def shown_text(response) -> str:
    """The page as a reader meets it: entities decoded, the language switch (each language named in
    itself) left out."""
    page = response.content.decode()
    page = re.sub(r'<form action="/i18n/setlang/".*?</form>', "", page, flags=re.S)
    return html.unescape(page)


#: Every English sentence of the public catalogs (three words or more, no placeholder), per language
#: where its translation differs: none may appear on a public page in that language.
SENTENCES = [(i, m) for i, m in enumerate(MSGIDS) if isinstance(m, str) and len(m.split()) >= 3 and "%(" not in m]


def assert_no_english_sentence(text: str, folder: str, where: str) -> None:
    left = [m for i, m in SENTENCES if m in text and T[folder][i] != m]
    assert not left, f"{where}: English left: {left[:5]}"


@pytest.fixture(autouse=True)
def _no_report_counted_yet():
    cache.clear()  # the report form's rate limit counts in the cache
    yield
    cache.clear()


@pytest.fixture
def client_in():
    def make(code: str) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
        return client
    return make


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_public_pages_are_translated(code, client_in):
    folder, client = LANGUAGES[code], client_in(code)
    for path, strings in KNOWN.items():
        response = client.get(path)
        assert response.status_code == 200, path
        text = shown_text(response)
        assert f'<html lang="{code}"' in text, path
        for english in strings:
            shown = shown_for(code, english)
            assert shown in text, f"{code} {path}: no translation of {english!r}"
            if translated(folder, english) != english:
                assert shown != english, f"{code}: {english!r} is not translated"
                assert f">{english}<" not in text and f"{english}</" not in text, f"{code} {path}: {english!r}"
        assert_no_english_sentence(text, folder, f"{code} {path}")
    missing = client.get("/services/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404
    assert shown_for(code, "Page not found") != "Page not found"
    assert shown_for(code, "Page not found") in shown_text(missing)
    assert_no_english_sentence(shown_text(missing), folder, f"{code} 404")


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_form_errors_and_answers_are_translated(code, client_in, settings):
    settings.OCTIP_REPORT_RATE_LIMIT = 1
    folder, client = LANGUAGES[code], client_in(code)
    report = client.post("/report/", {"anonymous": "no"})
    assert report.status_code == 400
    text = shown_text(report)
    for error in ("Please tell us if someone is in danger right now.", "Please tell us what you saw or heard.",
                  "Please choose the region where it happened.",
                  "Please give a phone number or email, or choose to stay anonymous."):
        assert translated(folder, error) in text and error not in text, f"{code}: {error!r}"
    assert_no_english_sentence(text, folder, f"{code} POST /report/")

    verify = client.post("/verify/", {"credential": "not.a.certificate"})
    text = shown_text(verify)
    assert 'id="verification"' in text
    assert_no_english_sentence(text, folder, f"{code} POST /verify/")
    assert "Unknown" not in text and "Tampered" not in text

    limited = client.post("/report/", {})
    assert limited.status_code == 429
    text = shown_text(limited)
    assert translated(folder, "Too many reports from this connection") in text
    assert "Please try again in" not in text
    assert_no_english_sentence(text, folder, f"{code} POST /report/ (limited)")

    sign_in = client.post("/learn/sign-in/", {"email": "nobody@example.org", "password": "not-the-password"})
    assert sign_in.status_code == 400
    assert_no_english_sentence(shown_text(sign_in), folder, f"{code} POST /learn/sign-in/")

    # Django's own messages too (Tagalog has no Django catalog: the public catalog gives them).
    register = client.post("/learn/register/", {"email": "learner@example.org", "password": "123456789012",
                                                "organization_type": "nowhere"})
    assert register.status_code == 400
    text = shown_text(register)
    for english in ("This field is required.", "Select a valid choice.", "This password is entirely numeric."):
        assert english not in text, f"{code}: {english!r}"


@pytest.mark.django_db
def test_a_few_translations_read_as_written(client_in):
    """Spot checks in two scripts, spelled out: the catalogs are compiled and the cookie is obeyed."""
    assert "Enviar mi informe" in shown_text(client_in("es").get("/report/"))
    assert "أرسل بلاغي" in shown_text(client_in("ar").get("/report/"))
    assert 'dir="rtl"' in shown_text(client_in("fa").get("/verify/"))
    assert "Send my report" in shown_text(Client().get("/report/"))
