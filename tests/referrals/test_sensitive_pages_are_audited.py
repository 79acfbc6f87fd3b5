"""Issue 9 #15 (consent, referrals): the consent-withdraw page (the consent's purpose and recipient) and
the case's referrals page (the secure exports' recipients, the referrals' purposes) are reads on record."""

from __future__ import annotations

import pytest

from octip.core.models import AuditEvent
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db

RECIPIENT = "EXPORTMARK Synthetic Legal Clinic"


def test_opening_the_consent_withdraw_page_is_recorded(client_for, case, caseworker, partner_org):
    consent = make_consent(case=case, obtained_by=caseworker, organization=partner_org, purpose="PURPOSEMARK")
    response = client_for(caseworker).get(f"/app/consents/{consent.pk}/withdraw/")
    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(action="consent.viewed", actor_id=caseworker.pk)
    assert event.target_id == str(consent.pk) and "PURPOSEMARK" not in str(event.detail)


def test_opening_the_case_referrals_page_records_the_exports_read(client_for, case, caseworker):
    from octip.referrals.secure_exports import create_secure_export

    make_consent(case=case, obtained_by=caseworker, organization=None, external_recipient=RECIPIENT,
                 sections=["needs"])
    export, _password = create_secure_export(actor=caseworker, case=case, recipient=RECIPIENT, purpose="Advice",
                                             sections=["needs"])
    response = client_for(caseworker).get(f"/app/referrals/case/{case.pk}/")
    assert response.status_code == 200 and "EXPORTMARK" in response.content.decode()
    [event] = AuditEvent.objects.filter(action="export.listed", actor_id=caseworker.pk)
    assert event.target_id == str(case.pk) and event.detail["ids"] == [str(export.pk)]
    assert "EXPORTMARK" not in str(event.detail)
