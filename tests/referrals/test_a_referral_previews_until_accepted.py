"""Issue 9 #17: a referral opened every shared section, identity included, to the whole receiving
organization as soon as it was sent. Until the receiver accepts, it now sees a summary-only preview,
as a transfer does; accepting opens the sections the disclosure allowed, and declining closes all."""

from __future__ import annotations

import pytest

from octip.cases.selectors import sections_visible_to
from octip.core.models import AuditEvent
from octip.referrals.services import change_referral_status, send_referral, without_email
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db

SHARED = ["identity", "needs", "notes", "summary"]


@pytest.fixture
def sent(case, caseworker, partner_org, partner_worker):
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=SHARED)
    with without_email():
        return send_referral(actor=caseworker, case=case, organization=partner_org, purpose="Support",
                             urgency="urgent", sections=SHARED)


def test_before_acceptance_the_receiver_sees_only_the_summary(sent, case, partner_worker, client_for):
    receiver = client_for(partner_worker)
    assert sections_visible_to(partner_worker, case) == {"summary"}
    body = receiver.get(f"/api/v1/cases/{case.pk}").json()
    assert body["sections"] == ["summary"] and body["person"] is None
    assert receiver.get(f"/api/v1/cases/{case.pk}/notes").status_code == 404
    page = receiver.get(f"/app/cases/{case.pk}/").content.decode()
    assert case.person.legal_name not in page and 'id="identity-heading"' not in page


def test_accepting_opens_the_shared_sections(sent, case, partner_worker, client_for):
    with without_email():
        change_referral_status(actor=partner_worker, referral=sent, action="accept")
    assert sections_visible_to(partner_worker, case) == set(SHARED)
    assert client_for(partner_worker).get(f"/api/v1/cases/{case.pk}").json()["person"]["legal_name"] \
        == case.person.legal_name
    assert AuditEvent.objects.filter(action="case.access_widened", detail__source_id=str(sent.pk)).exists()


def test_declining_closes_the_preview(sent, case, partner_worker, client_for):
    with without_email():
        change_referral_status(actor=partner_worker, referral=sent, action="decline", reason="No beds.")
    assert sections_visible_to(partner_worker, case) == frozenset()
    assert client_for(partner_worker).get(f"/api/v1/cases/{case.pk}").status_code == 404


def test_a_referral_without_the_summary_previews_only_the_case_header(case, caseworker, partner_org,
                                                                     partner_worker, client_for):
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=["needs"])
    with without_email():
        send_referral(actor=caseworker, case=case, organization=partner_org, purpose="Support", urgency="urgent",
                      sections=["needs"])
    body = client_for(partner_worker).get(f"/api/v1/cases/{case.pk}").json()
    assert body["sections"] == [] and body["region"] is None and body["person"] is None
