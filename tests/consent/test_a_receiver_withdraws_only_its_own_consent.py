"""Issue 9 #16: a receiver withdraws only the consent its own access rests on, never one the person
gave to another organization (which would end that organization's access)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from octip.consent.models import Consent
from octip.consent.services import withdraw_consent

pytestmark = pytest.mark.django_db


def test_a_receiver_cannot_withdraw_a_consent_given_to_another_organization(case, shared, partner_worker):
    for name in ("other", "off", "police"):
        with pytest.raises(Http404):
            withdraw_consent(actor=partner_worker, consent=shared[name], reason="not theirs to end")
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()


def test_a_receiver_withdraws_the_consent_its_own_access_rests_on(case, shared, partner_worker):
    withdraw_consent(actor=partner_worker, consent=shared["own"], reason="The person told us.")
    assert Consent.objects.get(pk=shared["own"].pk).status == "withdrawn"
    with pytest.raises(ValidationError):
        withdraw_consent(actor=partner_worker, consent=Consent.objects.get(pk=shared["own"].pk), reason="again")


def test_the_withdraw_doors_refuse_a_receiver_another_organizations_consent(client_for, case, shared, partner_worker):
    client = client_for(partner_worker)
    other = shared["other"]
    assert client.get(f"/app/consents/{other.pk}/withdraw/").status_code == 404
    assert client.post(f"/app/consents/{other.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert client.post(f"/api/v1/consents/{other.pk}/withdraw", {"reason": "x"},
                       content_type="application/json").status_code == 404
    assert Consent.objects.get(pk=other.pk).withdrawn_at is None
