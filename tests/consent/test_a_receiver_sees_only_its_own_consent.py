"""Issue 9 #1 and #16: a receiver given the ``consents`` section sees, and may withdraw, only the consent
its own access rests on (the person's consent to share with its organization) — never a consent or a
disclosure about another organization, one off the platform, or the secure-export history."""

from __future__ import annotations

import io
import json

import pytest
import pyzipper
from django.http import Http404

from octip.consent.selectors import consents_of_case, disclosures_of_case, visible_consent_or_404
from tests.consent.conftest import OFF_PLATFORM

pytestmark = pytest.mark.django_db

def test_a_receiver_lists_only_the_consent_its_access_rests_on(case, shared, partner_worker):
    assert [c.pk for c in consents_of_case(actor=partner_worker, case=case)] == [shared["own"].pk]
    assert [d.consent_id for d in disclosures_of_case(actor=partner_worker, case=case)] == [shared["own"].pk]


def test_the_owner_still_lists_every_consent_and_disclosure(case, shared, caseworker):
    assert {c.pk for c in consents_of_case(actor=caseworker, case=case)} == {c.pk for c in shared.values()}
    assert disclosures_of_case(actor=caseworker, case=case).count() == 3


def test_the_consents_page_shows_a_receiver_no_other_sharing(client_for, case, shared, partner_worker):
    page = client_for(partner_worker).get(f"/app/consents/case/{case.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "OWNMARK" in html
    for marker in ("OTHERMARK", "OFFMARK", "OFFPURPOSE", "Quinterro", "Contact with police"):
        assert marker not in html, marker


def test_the_consents_api_shows_a_receiver_no_other_sharing(client_for, case, shared, partner_worker, other_org):
    response = client_for(partner_worker).get(f"/api/v1/cases/{case.pk}/consents")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [shared["own"].pk]
    text = response.content.decode()
    assert "OTHERMARK" not in text and "OFFMARK" not in text and other_org.name not in text


def test_a_receiver_cannot_open_another_consent(case, shared, partner_worker):
    assert visible_consent_or_404(actor=partner_worker, consent_id=shared["own"].pk) == shared["own"]
    for name in ("other", "off", "police"):
        with pytest.raises(Http404):
            visible_consent_or_404(actor=partner_worker, consent_id=shared[name].pk)


def test_the_secure_export_carries_only_the_consent_it_rests_on(case, caseworker, shared):
    from octip.referrals.secure_exports import create_secure_export, read_archive

    export, password = create_secure_export(actor=caseworker, case=case, recipient=OFF_PLATFORM,
                                            purpose="Advice", sections=["consents"])
    with pyzipper.AESZipFile(io.BytesIO(read_archive(actor=caseworker, export=export))) as archive:
        archive.setpassword(password.encode())
        raw = archive.read("case.json").decode()
    consents = json.loads(raw)["consents"]
    assert [c["recipient"] for c in consents] == [OFF_PLATFORM]
    assert "Partner Shelter" not in raw and "police_contact" not in raw
