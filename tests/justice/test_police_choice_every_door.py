"""The person's choice not to involve police holds at every door to a police service: a police contact
is refused while it stands and saying no ends the access one gave; a secure export marked as going to
a police service is refused too; and a police service gets no referral or transfer at all."""

from __future__ import annotations

import pytest

from octip.cases.models import CaseAccessGrant
from octip.consent.policy import DisclosureRefused
from octip.justice import services
from octip.referrals.services import send_referral
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def consents_to_police(case, caseworker, police_x):
    make_consent(case=case, obtained_by=caseworker, organization=police_x, sections=["summary", "justice"])
    make_consent(case=case, obtained_by=caseworker, scope="police_contact")


def test_a_police_service_gets_no_referral_nor_transfer(case, caseworker, police_x, consents_to_police):
    """A referral's or a transfer's grant reaches every role of the receiving organization; a police
    service is told only through a police contact, whose grant reaches its police liaisons."""
    from django.core.exceptions import ValidationError

    from octip.referrals.services.transfers import send_transfer

    with pytest.raises(ValidationError) as refused:
        send_referral(actor=caseworker, case=case, organization=police_x, purpose="Statement",
                      urgency="routine", sections=["summary", "justice"])
    assert "police contact" in str(refused.value)
    with pytest.raises(ValidationError):
        send_transfer(actor=caseworker, case=case, organization=police_x, reason="Statement")
    assert not case.referrals.exists() and not case.transfers.exists()
    assert not CaseAccessGrant.objects.filter(case=case).exists()


def test_saying_no_ends_a_police_contacts_access(case, caseworker, police_x, consents_to_police, today):
    contact = services.record_police_contact(actor=caseworker, case=case, organization=police_x, purpose="report",
                                             sections=["summary"], contacted_on=today)
    grants = CaseAccessGrant.objects.filter(source="police_contact", source_id=str(contact.pk))
    assert grants.active().exists()
    services.record_police_choice(actor=caseworker, case=case, choice="declines")
    assert not grants.active().exists()
    make_consent(case=case, obtained_by=caseworker, scope="police_contact")  # given again: the choice still holds
    with pytest.raises(DisclosureRefused) as refused:
        services.record_police_contact(actor=caseworker, case=case, organization=police_x, purpose="report",
                                       sections=["summary"], contacted_on=today)
    assert refused.value.decision.code == "police_declined"


def test_saying_yes_again_lets_a_new_consent_count(case, caseworker, police_x, consents_to_police, today):
    services.record_police_choice(actor=caseworker, case=case, choice="declines")
    services.record_police_choice(actor=caseworker, case=case, choice="agrees")
    make_consent(case=case, obtained_by=caseworker, scope="police_contact")
    contact = services.record_police_contact(actor=caseworker, case=case, organization=police_x, purpose="report",
                                             sections=["summary"], contacted_on=today)
    assert contact.access_open


def test_a_secure_export_to_a_police_service_needs_the_police_consent_and_the_persons_yes(case, caseworker):
    from octip.referrals.secure_exports import create_secure_export

    make_consent(case=case, obtained_by=caseworker, organization=None, external_recipient="Town Police (test)",
                 sections=["summary"])
    with pytest.raises(DisclosureRefused) as refused:
        create_secure_export(actor=caseworker, case=case, recipient="Town Police (test)", purpose="Statement",
                             sections=["summary"], police=True)
    assert refused.value.decision.code == "police_consent_missing"
    make_consent(case=case, obtained_by=caseworker, scope="police_contact")
    services.record_police_choice(actor=caseworker, case=case, choice="declines")
    make_consent(case=case, obtained_by=caseworker, scope="police_contact")
    with pytest.raises(DisclosureRefused) as refused:
        create_secure_export(actor=caseworker, case=case, recipient="Town Police (test)", purpose="Statement",
                             sections=["summary"], police=True)
    assert refused.value.decision.code == "police_declined"
    assert not case.secure_exports.exists()
