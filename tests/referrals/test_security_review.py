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
