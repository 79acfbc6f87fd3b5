"""Secure exports to a recipient off the platform: the free-text recipient (which may name a
person) stays out of the timeline and the audit log, is encrypted at rest, and still matches the
consent it was given under."""

from __future__ import annotations

import json

import pytest

from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


NAME = "Maria Zorbaluxa (her sister, 12 Oak St)"


def test_a_secure_export_timeline_entry_does_not_name_the_free_text_recipient(
        case, caseworker, settings, tmp_path):
    from octip.referrals.secure_exports import create_secure_export

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    make_consent(case=case, obtained_by=caseworker, organization=None,
                 external_recipient="Dr. Maria Quinterro", sections=["needs"])
    create_secure_export(actor=caseworker, case=case, recipient="Dr. Maria Quinterro", purpose="legal advice",
                         sections=["needs"])
    entries = list(case.timeline.all())
    assert any(e.kind == "export.secure" for e in entries)
    assert not any("Quinterro" in e.text() for e in entries)


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


def test_a_secure_export_in_object_storage_is_stored_under_an_opaque_key_and_read_back_audited(
        case, caseworker, s3_bucket):
    import hashlib

    from octip.core.models import AuditEvent
    from octip.referrals.secure_exports import create_secure_export, read_archive

    make_consent(case=case, obtained_by=caseworker, organization=None,
                 external_recipient="Dr. Maria Quinterro", sections=["needs"])
    export, _password = create_secure_export(actor=caseworker, case=case, recipient="Dr. Maria Quinterro",
                                             purpose="legal advice", sections=["needs"])
    assert s3_bucket.keys() == [f"referral-exports/{export.pk}.zip"] == [export.stored_name]
    stored = s3_bucket.read(export.stored_name)
    assert hashlib.sha256(stored).hexdigest() == export.sha256 and b"Quinterro" not in stored
    assert read_archive(actor=caseworker, export=export) == stored
    assert AuditEvent.objects.filter(action="export.secure_downloaded").count() == 1
