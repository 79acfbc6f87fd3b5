"""Recording and withdrawing consents, through the service, the pages and the API."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from octip.cases.models import CaseAccessGrant
from octip.consent.models import Consent
from octip.consent.services import record_consent, withdraw_consent
from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db


def share(**overrides):
    values = {"scope": "share_with_organization", "purpose": "Housing referral", "sections": ["summary", "needs"],
              "language": "Spanish", "interpreter_used": True, "interpreter_knows": "no"}
    values.update(overrides)
    return values


def test_caseworker_records_a_consent_to_share(case, caseworker, partner_org):
    consent = record_consent(actor=caseworker, case=case, organization=partner_org, **share())
    assert consent.is_active and consent.obtained_by == caseworker and consent.interpreter_used
    assert consent.sections == ["needs", "summary"]
    assert AuditEvent.objects.filter(action="consent.recorded", target_id=str(consent.pk)).exists()


def test_contact_method_keeps_safe_times_encrypted(case, caseworker):
    consent = record_consent(actor=caseworker, case=case, scope="contact_method", contact_method="text",
                             safe_times="Weekdays after 6 p.m.", language="English")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT safe_times FROM consent_consent WHERE id = %s", [consent.pk])
        stored = cursor.fetchone()[0]
    assert "6 p.m." not in stored and stored.startswith("enc1:")
    assert Consent.objects.get(pk=consent.pk).safe_times == "Weekdays after 6 p.m."


@pytest.mark.parametrize("overrides, field", [
    ({"organization": None}, "organization"),
    ({"sections": []}, "sections"),
    ({"purpose": " "}, "purpose"),
    ({"language": ""}, "language"),
    ({"given_by": "guardian"}, "given_by"),  # an adult case
    ({"expires_at": timezone.now() - datetime.timedelta(days=1)}, "expires_at"),
    ({"given_at": timezone.now() + datetime.timedelta(days=2)}, "given_at"),
    ({"scope": "services", "sections": ["summary"]}, "scope"),
])
def test_bad_consent_is_refused_and_nothing_is_written(overrides, field, case, caseworker, partner_org):
    values = share(organization=partner_org)
    values.update(overrides)
    with pytest.raises(ValidationError) as refused:
        record_consent(actor=caseworker, case=case, **values)
    assert field in refused.value.message_dict
    assert not Consent.objects.exists()


def test_unknown_section_is_refused(case, caseworker, partner_org):
    with pytest.raises(ValidationError, match="bank"):
        record_consent(actor=caseworker, case=case, organization=partner_org, **share(sections=["bank"]))
    assert not Consent.objects.exists()


def test_a_guardian_may_consent_for_a_youth(youth_case, caseworker, partner_org):
    consent = record_consent(actor=caseworker, case=youth_case, organization=partner_org, **share(given_by="both"))
    assert consent.given_by == "both"


def test_a_receiving_organization_cannot_widen_consent(case, caseworker, partner_org, partner_worker, other_org):
    CaseAccessGrant.objects.create(case=case, organization=partner_org, sections=["summary", "consents"],
                                   source="referral", source_id="t", granted_by=caseworker)
    with pytest.raises(AccessDenied):
        record_consent(actor=partner_worker, case=case, organization=other_org, **share())
    assert not Consent.objects.exists()


def test_withdrawal_takes_effect_at_once_and_only_once(case, caseworker, partner_org):
    consent = make_consent(case=case, obtained_by=caseworker, organization=partner_org)
    with pytest.raises(ValidationError):
        withdraw_consent(actor=caseworker, consent=consent, reason="  ")
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None
    withdraw_consent(actor=caseworker, consent=consent, reason="The person asked.")
    stored = Consent.objects.get(pk=consent.pk)
    assert stored.status == "withdrawn" and stored.withdrawn_by == caseworker
    assert stored.withdrawal_reason == "The person asked."
    with pytest.raises(ValidationError, match="already withdrawn"):
        withdraw_consent(actor=caseworker, consent=stored, reason="Again.")


def test_the_timeline_does_not_repeat_the_free_text_name_of_an_off_platform_recipient(case, caseworker):
    consent = record_consent(actor=caseworker, case=case, scope="share_with_organization", language="English",
                             external_recipient="Dr. Maria Quinterro, family lawyer", purpose="legal advice",
                             sections=["needs"])
    withdraw_consent(actor=caseworker, consent=consent, reason="the person asked")
    texts = [entry.text() for entry in case.timeline.all()]
    assert any("not on the platform" in text for text in texts)
    assert not any("Quinterro" in text for text in texts)
    assert not case.timeline.filter(summary__icontains="Quinterro").exists()


# --- pages ------------------------------------------------------------------------------------

def test_consent_pages_record_list_and_withdraw(client_for, case, caseworker, partner_org):
    client = client_for(caseworker)
    assert client.get(f"/app/consents/case/{case.pk}/new/").status_code == 200
    response = client.post(f"/app/consents/case/{case.pk}/new/", {
        "scope": "share_with_organization", "organization": partner_org.pk, "purpose": "Housing",
        "sections": ["summary", "needs"], "given_by": "person", "language": "French",
        "expires_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat()})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert timezone.localtime(consent.expires_at).date() == timezone.localdate() + datetime.timedelta(days=90)
    listing = client.get(f"/app/consents/case/{case.pk}/")
    assert listing.status_code == 200 and partner_org.name in listing.content.decode()
    response = client.post(f"/app/consents/{consent.pk}/withdraw/", {"reason": "The person asked."})
    assert response.status_code == 302
    assert Consent.objects.get().status == "withdrawn"


def test_bad_form_shows_errors_and_changes_nothing(client_for, case, caseworker):
    response = client_for(caseworker).post(f"/app/consents/case/{case.pk}/new/", {
        "scope": "share_with_organization", "purpose": "", "given_by": "person", "language": "French",
        "expires_on": "2020-13-45"})
    assert response.status_code == 400
    assert not Consent.objects.exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_another_organizations_case_is_a_404_on_every_consent_door(client_for, case, caseworker, make_user,
                                                                     other_org, partner_org):
    consent = make_consent(case=case, obtained_by=caseworker, organization=partner_org)
    stranger = client_for(make_user("caseworker", organization=other_org))
    assert stranger.get(f"/app/consents/case/{case.pk}/").status_code == 404
    assert stranger.get(f"/app/consents/case/{case.pk}/new/").status_code == 404
    assert stranger.post(f"/app/consents/{consent.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert stranger.get(f"/api/v1/cases/{case.pk}/consents").status_code == 404
    assert stranger.post(f"/api/v1/consents/{consent.pk}/withdraw", {"reason": "x"},
                         content_type="application/json").status_code == 404
    assert Consent.objects.get().withdrawn_at is None


def test_receiver_without_the_consents_section_sees_no_consent(client_for, case, caseworker, partner_org,
                                                                  partner_worker):
    make_consent(case=case, obtained_by=caseworker, organization=partner_org)
    CaseAccessGrant.objects.create(case=case, organization=partner_org, sections=["summary"], source="referral",
                                   source_id="t", granted_by=caseworker)
    assert client_for(partner_worker).get(f"/app/consents/case/{case.pk}/").status_code == 404


# --- API --------------------------------------------------------------------------------------

def test_api_records_lists_and_withdraws(client_for, case, caseworker, partner_org):
    client = client_for(caseworker)
    response = client.post(f"/api/v1/cases/{case.pk}/consents", {
        "scope": "share_with_organization", "organization_id": partner_org.pk, "purpose": "Legal help",
        "sections": ["summary"], "language": "Tagalog", "interpreter_used": True, "interpreter_knows": "no"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["organization_name"] == partner_org.name
    listed = client.get(f"/api/v1/cases/{case.pk}/consents").json()
    assert [c["id"] for c in listed] == [body["id"]]
    response = client.post(f"/api/v1/consents/{body['id']}/withdraw", {"reason": "Asked by the person"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_api_bad_input_is_400_and_writes_nothing(client_for, case, caseworker):
    client = client_for(caseworker)
    for body in ({"scope": "share_with_organization", "organization_id": 999999, "purpose": "x",
                  "sections": ["summary"], "language": "English"},
                 {"scope": "share_with_organization", "purpose": "x", "sections": ["summary"], "language": "English"},
                 {"scope": "telepathy", "language": "English"},
                 {"scope": "services"}):
        response = client.post(f"/api/v1/cases/{case.pk}/consents", body, content_type="application/json")
        assert response.status_code in (400, 422), (body, response.content)
    assert not Consent.objects.exists()


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
