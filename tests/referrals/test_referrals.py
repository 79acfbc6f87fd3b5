"""Referrals: the consent gate, what the receiver sees and for how long, and the status rules."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from octip.cases.models import CaseAccessGrant
from octip.cases.selectors import sections_visible_to
from octip.consent.policy import DisclosureRefused
from octip.consent.services import withdraw_consent
from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from octip.notifications.models import Notification
from octip.referrals.models import Referral, response_targets
from octip.referrals.services import (
    InvalidTransition,
    change_referral_status,
    notify_overdue,
    respond_by_for,
    send_referral,
)
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db


def refer(case, actor, organization, sections=("summary", "needs"), **kwargs):
    values = {"purpose": "Shelter bed", "urgency": "routine"}
    values.update(kwargs)
    return send_referral(actor=actor, case=case, organization=organization, sections=sections, **values)


def test_referral_with_consent_opens_only_the_shared_sections(referral, case, partner_worker, partner_org):
    assert referral.status == "sent" and referral.disclosure.consent is not None
    grant = CaseAccessGrant.objects.get(source="referral", source_id=str(referral.pk))
    # A preview until the receiver accepts (issue 9 #17), then the shared sections.
    assert grant.organization == partner_org and grant.sections == ["summary"]
    change_referral_status(actor=partner_worker, referral=referral, action="accept")
    grant.refresh_from_db()
    assert grant.sections == ["needs", "summary"]
    assert sections_visible_to(partner_worker, case) == {"summary", "needs"}
    assert AuditEvent.objects.filter(action="referral.sent", target_id=str(referral.pk)).exists()
    assert case.timeline.filter(kind="referral.sent").exists()


def test_refused_without_consent_writes_no_referral(case, caseworker, partner_org, partner_worker):
    with pytest.raises(DisclosureRefused) as refused:
        refer(case, caseworker, partner_org)
    assert refused.value.decision.code == "no_consent"
    assert "record a consent" in refused.value.explanation
    assert not Referral.objects.exists() and not CaseAccessGrant.objects.exists()
    assert sections_visible_to(partner_worker, case) == frozenset()
    # The refusal itself is on the record.
    assert AuditEvent.objects.filter(action="disclosure.decided", detail__allowed=False).exists()


def test_refused_after_withdrawal_and_after_expiry(case, caseworker, partner_org, consent_to_partner):
    withdraw_consent(actor=caseworker, consent=consent_to_partner, reason="The person asked.")
    with pytest.raises(DisclosureRefused) as refused:
        refer(case, caseworker, partner_org)
    assert refused.value.decision.code == "withdrawn"
    past = timezone.now() - datetime.timedelta(days=1)
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, given_at=past - datetime.timedelta(
        days=90), expires_at=past)
    with pytest.raises(DisclosureRefused) as refused:
        refer(case, caseworker, partner_org)
    assert refused.value.decision.code in {"expired", "withdrawn"}
    assert not Referral.objects.exists()


def test_sections_beyond_the_consent_are_refused(case, caseworker, partner_org, consent_to_partner):
    with pytest.raises(DisclosureRefused) as refused:
        refer(case, caseworker, partner_org, sections=["summary", "identity"])
    assert refused.value.decision.code == "sections_not_covered"


def test_referral_to_a_directory_service_goes_to_its_partner(case, caseworker, partner_org, service,
                                                             consent_to_partner):
    referral = send_referral(actor=caseworker, case=case, service=service, purpose="Shelter", urgency="emergency",
                             sections=["summary"])
    assert referral.to_organization == partner_org and referral.service == service


def test_service_not_on_the_platform_points_to_secure_export(case, caseworker, service):
    service.partner_organization = None
    service.save()
    with pytest.raises(ValidationError, match="secure export"):
        send_referral(actor=caseworker, case=case, service=service, purpose="x", urgency="routine",
                      sections=["summary"])


def test_respond_by_defaults_from_the_urgency_targets(referral):
    hours = response_targets()["urgent"]
    assert abs((referral.respond_by - referral.sent_at) - datetime.timedelta(hours=hours)) < datetime.timedelta(
        seconds=5)
    assert respond_by_for("emergency") < respond_by_for("urgent") < respond_by_for("routine")


@pytest.mark.parametrize("kwargs, field", [
    ({"purpose": " "}, "purpose"),
    ({"urgency": "yesterday"}, "urgency"),
    ({"sections": []}, "sections"),
    ({"respond_by": timezone.now() - datetime.timedelta(hours=1)}, "respond_by"),
])
def test_bad_input_changes_nothing(kwargs, field, case, caseworker, partner_org, consent_to_partner):
    values = {"purpose": "Shelter", "urgency": "routine", "sections": ["summary"]}
    values.update(kwargs)
    with pytest.raises(ValidationError) as invalid:
        send_referral(actor=caseworker, case=case, organization=partner_org, **values)
    assert field in invalid.value.message_dict
    assert not Referral.objects.exists() and not CaseAccessGrant.objects.exists()


def test_a_stranger_cannot_refer_a_case(case, partner_worker, partner_org, other_org, consent_to_partner):
    with pytest.raises(AccessDenied):
        refer(case, partner_worker, other_org)
    assert not Referral.objects.exists()


# --- status rules -----------------------------------------------------------------------------

def test_receiver_accepts_then_completes_and_loses_access(referral, case, partner_worker, caseworker):
    change_referral_status(actor=partner_worker, referral=referral, action="accept")
    assert sections_visible_to(partner_worker, case) == {"summary", "needs"}
    change_referral_status(actor=partner_worker, referral=referral, action="complete",
                           reason="Housed at the shelter.")
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.status_reason == "Housed at the shelter."
    assert sections_visible_to(partner_worker, case) == frozenset()


def test_no_accepting_a_revoked_referral(referral, caseworker, partner_worker, case):
    change_referral_status(actor=caseworker, referral=referral, action="revoke", reason="Person moved away.")
    with pytest.raises(InvalidTransition, match="Revoked"):
        change_referral_status(actor=partner_worker, referral=referral, action="accept")
    referral.refresh_from_db()
    assert referral.status == "revoked" and referral.responded_by is None
    assert sections_visible_to(partner_worker, case) == frozenset()


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


def test_no_completing_an_unaccepted_referral(referral, partner_worker):
    with pytest.raises(InvalidTransition, match="Accept it first"):
        change_referral_status(actor=partner_worker, referral=referral, action="complete", reason="Done.")
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_decline_needs_a_reason_and_ends_access(referral, partner_worker, case):
    with pytest.raises(ValidationError):
        change_referral_status(actor=partner_worker, referral=referral, action="decline", reason="")
    assert Referral.objects.get().status == "sent"
    change_referral_status(actor=partner_worker, referral=referral, action="decline", reason="No beds.")
    assert Referral.objects.get().status == "declined"
    assert sections_visible_to(partner_worker, case) == frozenset()


def test_only_the_receiver_answers_and_only_the_sender_revokes(referral, caseworker, partner_worker, make_user,
                                                               other_org):
    outsider = make_user("caseworker", organization=other_org)
    with pytest.raises(AccessDenied):
        change_referral_status(actor=caseworker, referral=referral, action="accept")
    with pytest.raises(AccessDenied):
        change_referral_status(actor=outsider, referral=referral, action="accept")
    with pytest.raises(AccessDenied):
        change_referral_status(actor=partner_worker, referral=referral, action="revoke", reason="mine now")
    assert Referral.objects.get().status == "sent"


def test_no_revoking_after_completion(referral, caseworker, partner_worker):
    change_referral_status(actor=partner_worker, referral=referral, action="accept")
    change_referral_status(actor=partner_worker, referral=referral, action="complete", reason="Done.")
    with pytest.raises(InvalidTransition):
        change_referral_status(actor=caseworker, referral=referral, action="revoke", reason="Too late.")


def test_withdrawing_the_consent_ends_the_receivers_access(referral, case, caseworker, partner_worker,
                                                           consent_to_partner):
    change_referral_status(actor=partner_worker, referral=referral, action="accept")
    withdraw_consent(actor=caseworker, consent=consent_to_partner, reason="The person asked.")
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.access_end_cause == "consent_withdrawn"
    assert sections_visible_to(partner_worker, case) == frozenset()
    assert not CaseAccessGrant.objects.active().exists()


def test_grant_ends_when_the_consent_expires(case, caseworker, partner_org, partner_worker):
    expires = timezone.now() + datetime.timedelta(days=3)
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, expires_at=expires)
    refer(case, caseworker, partner_org)
    assert CaseAccessGrant.objects.get().expires_at == expires


# --- notifications ----------------------------------------------------------------------------

def test_receivers_are_notified_in_app_and_by_email(case, caseworker, partner_org, partner_worker,
                                                     consent_to_partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refer(case, caseworker, partner_org)
    notice = Notification.objects.get(recipient=partner_worker)
    assert case.number in notice.message and "Synthetic" not in notice.message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [partner_worker.email]
    assert case.person.legal_name not in mail.outbox[0].body


def test_overdue_referrals_are_flagged_to_both_sides_once(referral, caseworker, partner_worker):
    later = referral.respond_by + datetime.timedelta(minutes=1)
    assert notify_overdue(now=later) == 1
    assert notify_overdue(now=later) == 0
    kinds = set(Notification.objects.filter(kind="referral.overdue").values_list("recipient_id", flat=True))
    assert kinds == {caseworker.pk, partner_worker.pk}


def test_overdue_command_notifies(referral, caseworker):
    from django.core.management import call_command

    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() - datetime.timedelta(minutes=5))
    out = io.StringIO()
    call_command("notify_overdue_referrals", stdout=out)
    assert "1 overdue" in out.getvalue()
    assert Notification.objects.filter(kind="referral.overdue", recipient=caseworker).exists()


def test_a_coordinator_may_refer_on_a_justified_legal_basis_without_consent(case, coordinator, caseworker,
                                                                            partner_org):
    justification = "Imminent risk: the person was threatened today and needs an emergency bed."
    with pytest.raises(DisclosureRefused) as refused:
        refer(case, caseworker, partner_org, basis="imminent_risk_to_life", justification=justification)
    assert refused.value.decision.code == "not_authorized"
    referral = refer(case, coordinator, partner_org, basis="imminent_risk_to_life", justification=justification)
    assert referral.disclosure.basis == "imminent_risk_to_life" and referral.disclosure.consent is None
    assert CaseAccessGrant.objects.get(source_id=str(referral.pk)).expires_at is None


def test_withdrawing_consent_revokes_a_pending_transfer(case, caseworker, partner_org, partner_worker):
    from octip.cases.sections import ALL_SECTIONS
    from octip.referrals.models import Transfer
    from octip.referrals.services import send_transfer

    consent = make_consent(case=case, obtained_by=caseworker, organization=partner_org,
                           sections=sorted(ALL_SECTIONS))
    transfer = send_transfer(actor=caseworker, case=case, organization=partner_org, reason="Moving region.")
    assert sections_visible_to(partner_worker, case) == {"summary"}
    withdraw_consent(actor=caseworker, consent=consent, reason="The person asked.")
    transfer = Transfer.objects.get(pk=transfer.pk)
    assert transfer.status == "revoked" and transfer.status_reason == "The person withdrew their consent."
    assert sections_visible_to(partner_worker, case) == frozenset()
    with pytest.raises(InvalidTransition):
        from octip.referrals.services import change_transfer_status

        change_transfer_status(actor=partner_worker, transfer=transfer, action="accept")
    case.refresh_from_db()
    assert case.owner_organization_id == caseworker.organization_id


def test_overdue_task_runs_through_the_task_backend(referral, partner_worker):
    from octip.referrals.tasks import notify_overdue_referrals

    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() - datetime.timedelta(minutes=5))
    result = notify_overdue_referrals.enqueue()
    assert result.return_value == 1
    assert Notification.objects.filter(kind="referral.overdue", recipient=partner_worker).exists()
