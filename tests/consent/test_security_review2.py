"""Second security review (consent): what a person would notice before these fixes."""

from __future__ import annotations

import json

import pytest

from octip.consent.models import Consent

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("field, value", [
    ("given_at", "0001-01-01T00:00:00+14:00"), ("expires_at", "9999-12-31T23:59:59-12:00"),
    ("given_at", "1850-06-01T12:00:00Z"), ("expires_at", "2150-01-01T00:00:00Z")])
def test_a_consent_dated_near_year_1_or_9999_is_refused_with_a_clear_message(
        client_for, case, caseworker, field, value):
    client = client_for(caseworker)
    client.raise_request_exception = False
    response = _post(client, f"/api/v1/cases/{case.pk}/consents",
                     {"scope": "police_contact", "language": "English", field: value})
    assert response.status_code == 400, response.content
    assert "between 1900 and 2100" in response.json()["errors"][field][0]
    assert not Consent.objects.filter(case=case).exists()
