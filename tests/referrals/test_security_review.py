"""Regressions from the security review of referrals, transfers and consent."""

from __future__ import annotations

import json

import pytest

from octip.cases.sections import ALL_SECTIONS
from octip.referrals.services import change_transfer_status, send_transfer
from tests.consent.factories import make_consent

pytestmark = pytest.mark.django_db

REASON = "She is moving to 55 Elm St, Surrey"


@pytest.fixture
def full_consent(case, caseworker, partner_org):
    return make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=sorted(ALL_SECTIONS))


# --- 10. The transfer reason is withheld from the receiver once the transfer ended -----------------

@pytest.mark.parametrize("action", ["revoke", "decline"])
def test_receiver_no_longer_reads_the_transfer_reason_once_it_is_revoked_or_declined(
        client_for, case, caseworker, partner_org, partner_worker, full_consent, action):
    transfer = send_transfer(actor=caseworker, case=case, organization=partner_org, reason=REASON)
    receiver = client_for(partner_worker)
    assert "55 Elm St" in receiver.get(f"/app/referrals/transfers/{transfer.pk}/").content.decode()
    if action == "revoke":
        change_transfer_status(actor=caseworker, transfer=transfer, action="revoke", reason="Changed plans at Elm St")
    else:
        change_transfer_status(actor=partner_worker, transfer=transfer, action="decline", reason="No room")
    page = receiver.get(f"/app/referrals/transfers/{transfer.pk}/")
    assert page.status_code == 200 and "55 Elm St" not in page.content.decode()
    assert "No longer shared with your organization." in page.content.decode()
    assert "Elm St" not in page.content.decode()
    inbox = receiver.get("/api/v1/transfers").json()
    assert [t["reason"] for t in inbox] == [""]
    assert "Elm St" not in receiver.get("/app/referrals/transfers/").content.decode()
    # The sender keeps seeing what it wrote.
    sender = client_for(caseworker)
    assert "55 Elm St" in sender.get(f"/app/referrals/transfers/{transfer.pk}/").content.decode()
    assert [t["reason"] for t in sender.get("/api/v1/transfers", {"box": "outbox"}).json()] == [REASON]


def test_declining_a_transfer_through_the_api_does_not_echo_the_reason(
        client_for, case, caseworker, partner_org, partner_worker, full_consent):
    transfer = send_transfer(actor=caseworker, case=case, organization=partner_org, reason=REASON)
    response = client_for(partner_worker).post(f"/api/v1/transfers/{transfer.pk}/decline",
                                               json.dumps({"reason": "No room"}), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["reason"] == "" and response.json()["status"] == "declined"


# --- 12. Timeline wording, accepting after a withdrawal, one transfer at a time --------------------

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


def test_a_receiver_cannot_accept_a_referral_after_the_person_withdrew_consent(
        client_for, case, caseworker, partner_org, partner_worker):
    from octip.consent.models import Consent
    from octip.consent.services import withdraw_consent
    from octip.referrals.models import Referral
    from octip.referrals.services import send_referral

    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=["summary", "documents"])
    referral = send_referral(actor=caseworker, case=case, organization=partner_org, purpose="p", urgency="urgent",
                             sections=["summary", "documents"])
    withdraw_consent(actor=caseworker, consent=Consent.objects.get(case=case, organization=partner_org),
                     reason="asked")
    receiver = client_for(partner_worker)
    response = receiver.post(f"/api/v1/referrals/{referral.pk}/accept", json.dumps({}),
                             content_type="application/json")
    assert response.status_code == 409
    assert "consent" in response.json()["detail"]
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    page = receiver.post(f"/app/referrals/{referral.pk}/accept/")
    assert page.status_code in (400, 409) and "consent it rested on" in page.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    assert receiver.get(f"/api/v1/cases/{case.pk}").status_code == 404


def test_a_transfer_is_not_accepted_once_the_sender_no_longer_holds_the_case(
        case, caseworker, partner_org, partner_worker, full_consent, make_user):
    from octip.cases.services import move_case_ownership
    from octip.referrals.services import InvalidTransition
    from tests.factories import OrganizationFactory

    transfer = send_transfer(actor=caseworker, case=case, organization=partner_org, reason="moving")
    elsewhere = OrganizationFactory()
    move_case_ownership(actor=caseworker, case=case, organization=elsewhere, source_id="other")
    with pytest.raises(InvalidTransition, match="no longer holds the case"):
        change_transfer_status(actor=partner_worker, transfer=transfer, action="accept")
    case.refresh_from_db()
    assert case.owner_organization_id == elsewhere.pk
    transfer.refresh_from_db()
    assert transfer.status == "sent"


def test_a_second_transfer_is_refused_while_one_waits(case, caseworker, partner_org, full_consent):
    from django.core.exceptions import ValidationError

    from octip.referrals.models import Transfer
    from tests.factories import OrganizationFactory

    send_transfer(actor=caseworker, case=case, organization=partner_org, reason="moving")
    with pytest.raises(ValidationError, match="already waiting"):
        send_transfer(actor=caseworker, case=case, organization=OrganizationFactory(), reason="moving")
    assert Transfer.objects.filter(case=case).count() == 1


def test_proposing_and_accepting_a_transfer_lock_the_case_row(case, caseworker, partner_org, partner_worker,
                                                              full_consent):
    """Two transfers proposed at once must not both pass the "one waiting" check, and an accept must see
    the current owner: both take the case row's lock (a no-op on SQLite, so spy on the request for it)."""
    from unittest import mock

    from django.db.models import QuerySet

    from octip.cases.models import Case

    original = QuerySet.select_for_update
    locked: list = []

    def spy(self, *args, **kwargs):
        locked.append(self.model)
        return original(self, *args, **kwargs)

    with mock.patch.object(QuerySet, "select_for_update", spy):
        transfer = send_transfer(actor=caseworker, case=case, organization=partner_org, reason="moving")
        assert Case in locked
        locked.clear()
        change_transfer_status(actor=partner_worker, transfer=transfer, action="accept")
        assert Case in locked
    case.refresh_from_db()
    assert case.owner_organization_id == partner_org.pk
