"""What the former owner of a case still reads after a transfer is a disclosure like any other: the
gate (``consent.policy.may_disclose``) decides it on the person's standing consents to share with that
organization, records it as a ``Disclosure``, audits the decision and puts it on the timeline; the
access it opens ends with the consent."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from octip.cases.models import CaseAccessGrant, TimelineEntry
from octip.cases.sections import ALL_SECTIONS
from octip.cases.selectors import sections_visible_to
from octip.consent.models import Disclosure
from octip.core.models import AuditEvent
from octip.referrals.services import change_transfer_status, send_transfer
from tests.factories.cases import make_case
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def consent_to_receiver(case, caseworker, partner_org):
    return make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=sorted(ALL_SECTIONS))


def _accepted(*, case, sender, receiver, organization):
    transfer = send_transfer(actor=sender, case=case, organization=organization, reason="The person moved.")
    return change_transfer_status(actor=receiver, transfer=transfer, action="accept")


def _former_owner_grants(transfer):
    return CaseAccessGrant.objects.filter(source="transfer", source_id=f"{transfer.pk}:sender")


def test_the_former_owner_keeps_what_the_gate_allows_and_it_is_recorded_as_a_disclosure(
        case, caseworker, org, partner_org, partner_worker, consent_to_receiver):
    to_former = make_consent(case=case, obtained_by=caseworker, organization=org, sections=["plan", "summary"])
    transfer = _accepted(case=case, sender=caseworker, receiver=partner_worker, organization=partner_org)

    assert transfer.sender_keeps == ["plan", "summary"]
    disclosure = Disclosure.objects.get(case=case, organization=org)
    assert disclosure.sections == ["plan", "summary"] and disclosure.basis == "consent"
    assert disclosure.consent == to_former and disclosure.decided_by == partner_worker
    assert disclosure.purpose == "former owner after transfer"
    decided = AuditEvent.objects.filter(action="disclosure.decided", detail__recipient_organization_id=org.pk)
    assert decided.count() == 1 and decided.get().detail["allowed"] is True
    assert decided.get().detail["disclosure_id"] == disclosure.pk
    entry = TimelineEntry.objects.get(case=case, kind="disclosure", concerns=org)
    assert entry.detail["disclosure_id"] == disclosure.pk and entry.detail["sections"] == ["plan", "summary"]
    grant = _former_owner_grants(transfer).get()
    assert grant.organization == org and grant.sections == ["plan", "summary"]
    assert sections_visible_to(caseworker, case) == {"plan", "summary"}


def test_with_no_consent_to_share_with_it_the_former_owner_keeps_nothing(
        case, caseworker, org, partner_org, partner_worker, consent_to_receiver):
    transfer = _accepted(case=case, sender=caseworker, receiver=partner_worker, organization=partner_org)

    assert transfer.sender_keeps == []
    assert not Disclosure.objects.filter(case=case, organization=org).exists()
    assert not AuditEvent.objects.filter(action="disclosure.decided", detail__recipient_organization_id=org.pk).exists()
    assert not _former_owner_grants(transfer).exists()
    assert sections_visible_to(caseworker, case) == frozenset()


def test_a_withdrawn_or_expired_consent_to_the_former_owner_opens_nothing(
        case, caseworker, org, partner_org, partner_worker, consent_to_receiver):
    now = timezone.now()
    make_consent(case=case, obtained_by=caseworker, organization=org, sections=["plan"], withdrawn_at=now)
    make_consent(case=case, obtained_by=caseworker, organization=org, sections=["summary"],
                 given_at=now - datetime.timedelta(days=30), expires_at=now - datetime.timedelta(days=1))
    transfer = _accepted(case=case, sender=caseworker, receiver=partner_worker, organization=partner_org)

    assert transfer.sender_keeps == [] and not _former_owner_grants(transfer).exists()
    assert not Disclosure.objects.filter(case=case, organization=org).exists()


def test_the_former_owners_access_ends_with_the_consent_it_rests_on(
        case, caseworker, org, partner_org, partner_worker, consent_to_receiver):
    ends = timezone.now() + datetime.timedelta(days=10)
    make_consent(case=case, obtained_by=caseworker, organization=org, sections=["summary"], expires_at=ends)
    transfer = _accepted(case=case, sender=caseworker, receiver=partner_worker, organization=partner_org)

    grant = _former_owner_grants(transfer).get()
    assert grant.expires_at == ends
    assert CaseAccessGrant.objects.active().filter(pk=grant.pk).exists()
    assert not CaseAccessGrant.objects.active(at=ends + datetime.timedelta(seconds=1)).filter(pk=grant.pk).exists()


def test_a_law_enforcement_former_owner_needs_the_consent_to_contact_police_too(
        make_user, police_org, partner_org, partner_worker):
    """The gate's rules hold for the former owner as for any recipient: without the person's consent
    to contact with police, a police organization keeps nothing, and the refusal is on record."""
    officer = make_user("caseworker", organization=police_org)
    case = make_case(organization=police_org, worker=officer)
    make_consent(case=case, obtained_by=officer, organization=partner_org, sections=sorted(ALL_SECTIONS))
    make_consent(case=case, obtained_by=officer, organization=police_org, sections=["summary"])
    transfer = _accepted(case=case, sender=officer, receiver=partner_worker, organization=partner_org)

    assert transfer.sender_keeps == [] and not _former_owner_grants(transfer).exists()
    assert not Disclosure.objects.filter(case=case, organization=police_org).exists()
    refused = AuditEvent.objects.get(action="disclosure.decided", detail__recipient_organization_id=police_org.pk)
    assert refused.detail["allowed"] is False and refused.detail["code"] == "police_consent_missing"
