"""Transfers of a case to another organization: the reason is withheld from the receiver once the
transfer ended, one transfer waits at a time, and an accept needs the sender to still hold the case
(both take the case row's lock)."""

from __future__ import annotations

import json

import pytest

from octip.cases.sections import ALL_SECTIONS
from octip.referrals.services import change_transfer_status, send_transfer
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db


REASON = "She is moving to 55 Elm St, Surrey"


@pytest.fixture
def full_consent(case, caseworker, partner_org):
    return make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=sorted(ALL_SECTIONS))


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


def test_a_consent_from_before_the_justice_section_still_moves_a_case_with_nothing_in_it(
        case, caseworker, partner_org, org, owner_team):
    """A consent cannot name a section that did not exist when the person gave it, and nobody may widen
    it for them: a transfer asks only for the sections the case holds something in. Once the case has
    a justice record, moving it needs a consent that names ``justice``."""
    from octip.consent.policy import DisclosureRefused
    from octip.justice.services import record_immigration_status
    from tests.factories.cases import make_case

    older = sorted(ALL_SECTIONS - {"justice"})
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=older)
    assert send_transfer(actor=caseworker, case=case, organization=partner_org, reason="Moving to Surrey").pk

    other = make_case(organization=org, team=owner_team, worker=caseworker)
    make_consent(case=other, obtained_by=caseworker, organization=partner_org, sections=older)
    record_immigration_status(actor=caseworker, case=other, kind="trp")
    with pytest.raises(DisclosureRefused) as refused:
        send_transfer(actor=caseworker, case=other, organization=partner_org, reason="Moving to Surrey")
    assert "Justice and immigration" in refused.value.explanation
    assert not other.transfers.exists()


def test_a_justice_record_added_after_the_proposal_stops_the_accept(case, caseworker, partner_org, partner_worker):
    """The consent is checked against what the case holds when the transfer is proposed, and again at the
    accept: a record added in between, in a section the consent does not name, does not move with it."""
    from octip.justice.services import record_proceeding
    from octip.referrals.services.flow import InvalidTransition

    make_consent(case=case, obtained_by=caseworker, organization=partner_org,
                 sections=sorted(ALL_SECTIONS - {"justice"}))
    transfer = send_transfer(actor=caseworker, case=case, organization=partner_org, reason="Moving to Surrey")
    record_proceeding(actor=caseworker, case=case, accused="Synthetic Accused", charges=["cc_279_01"])
    with pytest.raises(InvalidTransition) as refused:
        change_transfer_status(actor=partner_worker, transfer=transfer, action="accept")
    assert "Justice and immigration" in str(refused.value)
    case.refresh_from_db()
    assert case.owner_organization_id != partner_org.pk
