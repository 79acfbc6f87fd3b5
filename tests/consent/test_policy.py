"""The disclosure gate: consent decides, legal bases need a coordinator's written justification."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from octip.consent.models import Disclosure
from octip.consent.policy import may_disclose
from octip.consent.services import withdraw_consent
from octip.core.models import AuditEvent
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Order of the Provincial Court, file 2026-VAN-0001, requires the safety plan."


def decide(case, recipient, sections=("summary", "needs"), *, actor, **kwargs):
    return may_disclose(case, recipient, "housing referral", sections, actor=actor, **kwargs)


def test_allowed_with_active_consent_covering_every_section(case, caseworker, partner_org):
    consent = make_consent(case=case, obtained_by=caseworker, organization=partner_org,
                           sections=["summary", "needs", "plan"])
    decision = decide(case, partner_org, actor=caseworker)
    assert decision.allowed and decision.basis == "consent" and decision.code == "allowed"
    assert decision.consent == consent
    assert Disclosure.objects.get(pk=decision.disclosure.pk).sections == ["needs", "summary"]
    event = AuditEvent.objects.filter(action="disclosure.decided").last()
    assert event.detail["allowed"] is True and event.detail["sections"] == ["needs", "summary"]
    assert event.detail["basis"] == "consent" and event.target_id == str(case.pk)


def test_refused_without_any_consent_says_what_to_do(case, caseworker, partner_org):
    decision = decide(case, partner_org, actor=caseworker)
    assert not decision.allowed and decision.code == "no_consent"
    assert partner_org.name in decision.reason and "record a consent" in decision.reason
    assert not Disclosure.objects.exists()
    event = AuditEvent.objects.filter(action="disclosure.decided").last()
    assert event.detail["allowed"] is False and event.detail["code"] == "no_consent"


def test_refused_at_once_after_withdrawal_naming_the_date(case, caseworker, partner_org):
    consent = make_consent(case=case, obtained_by=caseworker, organization=partner_org)
    assert decide(case, partner_org, actor=caseworker).allowed
    withdraw_consent(actor=caseworker, consent=consent, reason="The person asked.")
    decision = decide(case, partner_org, actor=caseworker)
    assert not decision.allowed and decision.code == "withdrawn"
    assert "withdrew" in decision.reason
    assert timezone.localtime(consent.withdrawn_at).strftime("%Y") in decision.reason
    assert "record a new consent" in decision.reason


def test_refused_after_expiry_naming_the_date(case, caseworker, partner_org):
    expired = timezone.now() - datetime.timedelta(hours=1)
    make_consent(case=case, obtained_by=caseworker, organization=partner_org,
                 given_at=expired - datetime.timedelta(days=30), expires_at=expired)
    decision = decide(case, partner_org, actor=caseworker)
    assert not decision.allowed and decision.code == "expired"
    assert "expired on" in decision.reason


def test_consent_for_another_organization_does_not_count(case, caseworker, partner_org, other_org):
    make_consent(case=case, obtained_by=caseworker, organization=other_org)
    assert decide(case, partner_org, actor=caseworker).code == "no_consent"


def test_refused_when_a_section_is_not_covered(case, caseworker, partner_org):
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=["summary"])
    decision = decide(case, partner_org, ("summary", "identity"), actor=caseworker)
    assert not decision.allowed and decision.code == "sections_not_covered"
    assert "Identity" in decision.reason and "Summary" in decision.reason


def test_law_enforcement_also_needs_consent_to_police_contact(case, caseworker, police_org):
    make_consent(case=case, obtained_by=caseworker, organization=police_org)
    decision = decide(case, police_org, actor=caseworker)
    assert not decision.allowed and decision.code == "police_consent_missing"
    police = make_consent(case=case, obtained_by=caseworker, scope="police_contact")
    decision = decide(case, police_org, actor=caseworker)
    assert decision.allowed and decision.disclosure.police_consent == police
    withdraw_consent(actor=caseworker, consent=police, reason="The person changed their mind.")
    assert decide(case, police_org, actor=caseworker).code == "police_consent_withdrawn"


@pytest.mark.parametrize("basis", ["court_order", "imminent_risk_to_life"])
def test_legal_basis_is_for_a_coordinator_only(basis, case, caseworker, coordinator, partner_org):
    refused = decide(case, partner_org, actor=caseworker, basis=basis, justification=JUSTIFICATION)
    assert not refused.allowed and refused.code == "not_authorized" and "coordinator" in refused.reason
    allowed = decide(case, partner_org, actor=coordinator, basis=basis, justification=JUSTIFICATION)
    assert allowed.allowed and allowed.basis == basis and allowed.consent is None
    assert Disclosure.objects.get(pk=allowed.disclosure.pk).justification == JUSTIFICATION


def test_legal_basis_needs_a_written_justification(case, coordinator, partner_org):
    decision = decide(case, partner_org, actor=coordinator, basis="court_order", justification="  because ")
    assert not decision.allowed and decision.code == "justification_missing"
    assert not Disclosure.objects.exists()


def test_justification_never_reaches_the_audit_log(case, coordinator, partner_org):
    decide(case, partner_org, actor=coordinator, basis="court_order", justification=JUSTIFICATION)
    assert not AuditEvent.objects.filter(detail__icontains="2026-VAN-0001").exists()
    assert "2026-VAN-0001" not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_youth_duty_to_report_cannot_be_suppressed_by_withdrawing_consent(youth_case, caseworker, coordinator,
                                                                        partner_org):
    consent = make_consent(case=youth_case, obtained_by=caseworker, organization=partner_org)
    withdraw_consent(actor=caseworker, consent=consent, reason="The youth asked not to share.")
    assert decide(youth_case, partner_org, actor=caseworker).code == "withdrawn"
    decision = decide(youth_case, partner_org, ("summary", "identity", "safety_plan"), actor=coordinator,
                      basis="duty_to_report_child",
                      justification="The youth is in need of protection (CFCSA s. 14); reporting.")
    assert decision.allowed and decision.basis == "duty_to_report_child"


def test_duty_to_report_a_child_does_not_apply_to_an_adult_case(case, coordinator, partner_org):
    decision = decide(case, partner_org, actor=coordinator, basis="duty_to_report_child",
                      justification="The person seems young; reporting to the child welfare line.")
    assert not decision.allowed and decision.code == "not_youth"


def test_cannot_share_sections_one_cannot_see(case, caseworker, partner_org, partner_worker):
    make_consent(case=case, obtained_by=caseworker, organization=partner_org)
    from octip.cases.models import CaseAccessGrant

    CaseAccessGrant.objects.create(case=case, organization=partner_org, sections=["summary"], source="referral",
                                   source_id="test-1", granted_by=caseworker)
    decision = decide(case, partner_org, ("summary", "needs"), actor=partner_worker)
    assert not decision.allowed and decision.code == "sections_not_visible"


def test_bad_input_is_an_error_and_decides_nothing(case, caseworker, partner_org):
    make_consent(case=case, obtained_by=caseworker, organization=partner_org)
    before = AuditEvent.objects.filter(action="disclosure.decided").count()
    with pytest.raises(ValidationError):
        decide(case, partner_org, ("summary", "bank_details"), actor=caseworker)
    with pytest.raises(ValidationError):
        decide(case, partner_org, (), actor=caseworker)
    with pytest.raises(ValidationError):
        decide(case, partner_org, actor=caseworker, basis="because_i_said_so")
    assert AuditEvent.objects.filter(action="disclosure.decided").count() == before
    assert not Disclosure.objects.exists()


def test_export_to_an_organization_not_on_the_platform_matches_by_name(case, caseworker):
    make_consent(case=case, obtained_by=caseworker, organization=None,
                 external_recipient="Sunrise Legal Aid Society")
    assert decide(case, "sunrise legal aid society", actor=caseworker).allowed
    assert decide(case, "Another Society", actor=caseworker).code == "no_consent"


def test_free_text_purposes_stay_out_of_the_audit_log_and_are_encrypted(case, caseworker, partner_org):
    from django.db import connection

    make_consent(case=case, obtained_by=caseworker, organization=partner_org, purpose="Housing for Zelda Quarry")
    decision = may_disclose(case, partner_org, "Bed for Zelda Quarry tonight", ["summary"], actor=caseworker)
    assert decision.allowed
    assert "Zelda" not in str(list(AuditEvent.objects.values_list("purpose", "detail")))
    with connection.cursor() as cursor:
        cursor.execute("SELECT purpose FROM consent_consent UNION ALL SELECT purpose FROM consent_disclosure")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and not any("Zelda" in value for value in stored)
    assert Disclosure.objects.get().purpose == "Bed for Zelda Quarry tonight"


def test_has_active_consent_follows_withdrawal(case, caseworker, partner_org):
    from octip.consent.policy import has_active_consent

    assert not has_active_consent(case, "deidentified_statistics")
    stats = make_consent(case=case, obtained_by=caseworker, scope="deidentified_statistics")
    share = make_consent(case=case, obtained_by=caseworker, organization=partner_org)
    assert has_active_consent(case, "deidentified_statistics")
    assert has_active_consent(case, "share_with_organization", organization=partner_org)
    withdraw_consent(actor=caseworker, consent=stats, reason="Asked.")
    withdraw_consent(actor=caseworker, consent=share, reason="Asked.")
    assert not has_active_consent(case, "deidentified_statistics")
    assert not has_active_consent(case, "share_with_organization", organization=partner_org)
    with pytest.raises(ValidationError):
        has_active_consent(case, "everything")
