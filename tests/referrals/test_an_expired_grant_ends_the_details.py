"""Issue 9 #11: once the consent a referral rests on has expired, the receiver's access has ended (its
grant is no longer active) even though nobody ended the referral: the purpose the sender wrote is then
withheld from the receiver at the API and on the referral page, as for any ended access."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from octip.cases.models import CaseAccessGrant
from octip.consent.models import Consent

PURPOSE = "Shelter bed tonight"


@pytest.fixture
def expired(referral, consent_to_partner):
    """The referral's consent has run out: its grant expired with it (``access_ends_at``)."""
    past = timezone.now() - datetime.timedelta(minutes=1)
    Consent.objects.filter(pk=consent_to_partner.pk).update(expires_at=past)
    CaseAccessGrant.objects.filter(source="referral", source_id=str(referral.pk)).update(expires_at=past)
    return referral


def test_the_api_withholds_the_purpose_once_the_grant_has_expired(expired, partner_worker, client_for):
    answer = client_for(partner_worker).get(f"/api/v1/referrals/{expired.pk}")
    assert answer.status_code == 200
    assert answer.json()["purpose"] == ""
    listed = client_for(partner_worker).get("/api/v1/referrals?box=inbox").json()
    assert [row["purpose"] for row in listed] == [""]


def test_the_page_withholds_the_purpose_once_the_grant_has_expired(expired, partner_worker, client_for):
    page = client_for(partner_worker).get(reverse("referrals:detail", args=[expired.pk])).content.decode()
    assert PURPOSE not in page
    assert "No longer shared with your organization." in page


def test_the_sender_still_reads_the_purpose(expired, caseworker, client_for):
    assert client_for(caseworker).get(f"/api/v1/referrals/{expired.pk}").json()["purpose"] == PURPOSE


def test_a_receiver_with_an_active_grant_reads_the_purpose(referral, partner_worker, client_for):
    assert client_for(partner_worker).get(f"/api/v1/referrals/{referral.pk}").json()["purpose"] == PURPOSE
