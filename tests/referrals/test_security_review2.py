"""Second security review (referrals, secure exports): what a person would notice before these fixes."""

from __future__ import annotations

import json

import pytest

from octip.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("respond_by", ["9999-12-31T23:59:59-12:00", "2150-01-01T00:00:00Z"])
def test_a_referral_answer_date_near_year_9999_is_refused_with_a_clear_message(
        client_for, case, caseworker, partner_org, partner_worker, consent_to_partner, respond_by):
    client = client_for(caseworker)
    client.raise_request_exception = False
    response = _post(client, f"/api/v1/cases/{case.pk}/referrals",
                     {"organization_id": partner_org.pk, "purpose": "Shelter", "urgency": "urgent",
                      "sections": ["summary"], "respond_by": respond_by})
    assert response.status_code == 400, response.content
    assert "between 1900 and 2100" in response.json()["errors"]["respond_by"][0]
    assert not Referral.objects.filter(case=case).exists()
