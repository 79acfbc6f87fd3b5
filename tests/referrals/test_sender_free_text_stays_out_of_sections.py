"""Issue 9, "Also": the referral purpose, the transfer reason and document file names are free text the
sender writes, and they can carry names. A receiver reads its own referral's purpose on that referral,
and nothing else of them: no other organization's purpose or transfer reason, and no file name without
the identity section, at any door of the sections it was given (case page, API, timeline, consents,
export)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from octip.cases import services
from octip.cases.sections import ALL_SECTIONS
from octip.referrals.services import change_referral_status, send_referral, send_transfer, without_email
from tests.factories.consent import make_consent
from tests.factories.partners import OrganizationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

OWN_PURPOSE = "OWNPURPOSEMARK a bed tonight"
OTHER_PURPOSE = "OTHERPURPOSEMARK counselling"
TRANSFER_REASON = "TRANSFERREASONMARK moving north"
FILENAME = "FILENAMEMARK-letter.txt"
SHARED = ["consents", "documents", "notes", "summary", "timeline"]


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


@pytest.fixture
def shared(case, caseworker, partner_org, partner_worker):
    other_org = OrganizationFactory(name="Other Partner (test)")
    UserFactory(role="caseworker", organization=other_org, teams=[TeamFactory(organization=other_org)])
    third = OrganizationFactory(name="Third Partner (test)")
    services.upload_document(actor=caseworker, case=case, kind="correspondence", filename=FILENAME,
                             content=b"A synthetic letter.")
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=SHARED)
    make_consent(case=case, obtained_by=caseworker, organization=other_org, sections=["summary"])
    make_consent(case=case, obtained_by=caseworker, organization=third, sections=sorted(ALL_SECTIONS))
    with without_email():
        mine = send_referral(actor=caseworker, case=case, organization=partner_org, purpose=OWN_PURPOSE,
                             urgency="urgent", sections=SHARED)
        change_referral_status(actor=partner_worker, referral=mine, action="accept")
        send_referral(actor=caseworker, case=case, organization=other_org, purpose=OTHER_PURPOSE, urgency="urgent",
                      sections=["summary"])
        send_transfer(actor=caseworker, case=case, organization=third, reason=TRANSFER_REASON)
    return mine


def _doors(client, case):
    pages = [reverse("cases:detail", args=[case.pk]), reverse("consent:case_consents", args=[case.pk])]
    api = [f"/api/v1/cases/{case.pk}", f"/api/v1/cases/{case.pk}/timeline", f"/api/v1/cases/{case.pk}/consents",
           f"/api/v1/cases/{case.pk}/notes", f"/api/v1/cases/{case.pk}/documents", "/api/v1/referrals?box=inbox",
           "/api/v1/transfers"]
    texts = {}
    for url in pages + api:
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.content.decode()
    texts["export"] = b"".join(client.get(reverse("cases:export_csv")).streaming_content).decode()
    return texts


def test_a_receiver_reads_none_of_the_senders_other_free_text(shared, case, partner_worker, client_for):
    client = client_for(partner_worker)
    for door, text in _doors(client, case).items():
        for marker in (OTHER_PURPOSE, TRANSFER_REASON, FILENAME):
            assert marker not in text, (door, marker)
        if door != "/api/v1/referrals?box=inbox":  # its own referral, listed in its inbox
            assert OWN_PURPOSE not in text, door
    assert OWN_PURPOSE in client.get(f"/api/v1/referrals/{shared.pk}").json()["purpose"]
