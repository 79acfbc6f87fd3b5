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


# --- 3. A free-text recipient (which may name a person) is not kept in clear ------------------------

NAME = "Maria Zorbaluxa (her sister, 12 Oak St)"


def test_a_refused_export_to_a_named_person_leaves_the_name_out_of_the_audit_log(client_for, case, caseworker):
    from octip.consent.services import record_consent, withdraw_consent
    from octip.core.models import AuditEvent

    client = client_for(caseworker)
    url = f"/api/v1/cases/{case.pk}/exports"
    bodies = [{"recipient": NAME, "purpose": "lawyer", "sections": ["summary"]},
              {"recipient": NAME, "purpose": "x", "sections": ["summary"], "basis": "court_order",
               "justification": "A court ordered the production of these records."}]
    for body in bodies:
        assert _post(client, url, body).status_code == 409
    consent = record_consent(actor=caseworker, case=case, scope="share_with_organization", language="English",
                             external_recipient=NAME, purpose="p", sections=["summary"])
    withdraw_consent(actor=caseworker, consent=consent, reason="asked")
    refused = _post(client, url, bodies[0])
    assert refused.status_code == 409 and refused.json()["code"] == "withdrawn"
    decided = AuditEvent.objects.filter(action="disclosure.decided")
    assert decided.count() == 3 and {e.detail["code"] for e in decided} == {"no_consent", "not_authorized",
                                                                              "withdrawn"}
    for event in AuditEvent.objects.all():
        assert "Zorbaluxa" not in json.dumps(event.detail, ensure_ascii=False) + event.purpose, event.action


def test_the_name_of_a_recipient_off_the_platform_is_encrypted_at_rest_and_still_matched(
        client_for, case, caseworker):
    from django.db import connection

    from octip.consent.models import Consent, Disclosure
    from octip.consent.services import record_consent
    from octip.referrals.models import SecureExport

    record_consent(actor=caseworker, case=case, scope="share_with_organization", language="English",
                   external_recipient=NAME, purpose="p", sections=["summary"])
    # The export names the recipient with other capitals and spaces: the same consent still covers it.
    response = _post(client_for(caseworker), f"/api/v1/cases/{case.pk}/exports",
                     {"recipient": "  " + NAME.upper(), "purpose": "family", "sections": ["summary"]})
    assert response.status_code == 201, response.content
    assert Consent.objects.get().external_recipient == NAME
    assert Disclosure.objects.get().external_recipient == NAME.upper()
    assert SecureExport.objects.get().recipient.strip() == NAME.upper()
    with connection.cursor() as cursor:
        for table, column in (("consent_consent", "external_recipient"), ("consent_disclosure", "external_recipient"),
                              ("referrals_secureexport", "recipient")):
            cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - fixed names
            stored = [row[0] for row in cursor.fetchall()]
            assert stored and all("zorbaluxa" not in value.lower() for value in stored), table
    # A different name is not covered.
    assert _post(client_for(caseworker), f"/api/v1/cases/{case.pk}/exports",
                 {"recipient": "Someone Else", "purpose": "family", "sections": ["summary"]}).status_code == 409


# --- 10. Reading the sender's free text in bulk is on record -------------------------------------------

def test_listing_referrals_transfers_and_exports_through_the_api_is_on_record_with_the_ids_returned(
        client_for, case, caseworker, partner_org, partner_worker, referral):
    from octip.cases.sections import ALL_SECTIONS
    from octip.consent.services import record_consent
    from octip.core.models import AuditEvent
    from octip.referrals.secure_exports import create_secure_export
    from octip.referrals.services import send_transfer
    from tests.consent.factories import make_consent

    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=sorted(ALL_SECTIONS))
    transfer = send_transfer(actor=caseworker, case=case, organization=partner_org, reason="Moving to the region")

    record_consent(actor=caseworker, case=case, scope="share_with_organization", language="English",
                   external_recipient="Synthetic Legal Clinic", purpose="p", sections=["summary"])
    export, _password = create_secure_export(actor=caseworker, case=case, recipient="Synthetic Legal Clinic",
                                             purpose="legal advice", sections=["summary"])
    receiver, sender = client_for(partner_worker), client_for(caseworker)
    reads = [
        (receiver, "/api/v1/referrals", "referral.listed", referral.pk),
        (sender, "/api/v1/referrals?box=outbox", "referral.listed", referral.pk),
        (sender, f"/api/v1/cases/{case.pk}/referrals", "referral.listed", referral.pk),
        (receiver, "/api/v1/transfers", "transfer.listed", transfer.pk),
        (sender, f"/api/v1/cases/{case.pk}/exports", "export.listed", export.pk),
    ]
    for client, url, action, row_id in reads:
        before = AuditEvent.objects.filter(action=action).count()
        response = client.get(url)
        assert response.status_code == 200 and str(row_id) in response.content.decode(), url
        events = AuditEvent.objects.filter(action=action).order_by("-seq")
        assert events.count() == before + 1, url
        assert events.first().detail["ids"] == [str(row_id)], url
    # Nothing listed, nothing recorded.
    before = AuditEvent.objects.filter(action="referral.listed").count()
    assert receiver.get("/api/v1/referrals?box=outbox").json() == []
    assert AuditEvent.objects.filter(action="referral.listed").count() == before
