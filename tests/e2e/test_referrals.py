"""Browser journey: a caseworker of organization A refers a case to a service of organization B; a
worker of B accepts it and sees only what was shared. axe finds nothing serious on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import OrganizationFactory, TeamFactory, confirmed_totp
from tests.factories.cases import make_case
from tests.factories.consent import make_consent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(make_user):
    from octip.cases.services import add_note, save_need
    from octip.directory.models import Organization as DirectoryOrganization
    from octip.directory.models import Service

    org_a = OrganizationFactory(name="Harbour Outreach (test A)")
    org_b = OrganizationFactory(name="Cedar House Shelter (test B)")
    team_a = TeamFactory(organization=org_a, name="Outreach")
    worker_a = make_user("caseworker", organization=org_a, teams=[team_a], full_name="Alex Referrer")
    worker_b = make_user("caseworker", organization=org_b, teams=[TeamFactory(organization=org_b)],
                         full_name="Blake Receiver")
    for user in (worker_a, worker_b):
        confirmed_totp(user)
    case = make_case(organization=org_a, team=team_a, worker=worker_a, legal_name="Synthetic Quill Person")
    save_need(actor=worker_a, case=case, domain="shelter", priority="high", status="identified")
    add_note(actor=worker_a, case=case, body="Private note that stays with organization A.")
    make_consent(case=case, obtained_by=worker_a, organization=org_b, sections=["summary", "needs"])
    provider = DirectoryOrganization.objects.create(name=org_b.name)
    service = Service.objects.create(organization=provider, name="Cedar House emergency beds",
                                     partner_organization=org_b, visibility="partners")
    return {"case": case, "worker_a": worker_a, "worker_b": worker_b, "service": service, "org_b": org_b}


def test_refer_accept_and_see_only_what_was_shared(page, world, sign_in, assert_accessible):
    case = world["case"]
    sign_in(page, world["worker_a"])
    page.goto(f"/app/referrals/case/{case.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Refer to a service or partner").click()
    page.wait_for_url(f"**/app/referrals/case/{case.pk}/new/")
    assert_accessible(page)
    page.get_by_label("Service in the directory").select_option(
        label="Cedar House emergency beds — Cedar House Shelter (test B)")
    page.get_by_label("Purpose").fill("An emergency bed for tonight.")
    page.get_by_label("Urgent").check()
    page.get_by_label("Summary", exact=False).first.check()
    page.get_by_label("Needs assessment").check()
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(re.compile(r".*/app/referrals/[0-9a-f-]{36}/$"))
    expect(page.get_by_text("The referral is sent to Cedar House Shelter (test B).")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    sign_in(page, world["worker_b"])
    page.goto("/app/referrals/")
    assert_accessible(page)
    page.get_by_role("link", name=case.number).click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The referral is now: Accepted.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Open the shared sections of the case").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="Needs assessment")).to_be_visible()
    assert page.get_by_role("heading", name="Notes").count() == 0
    assert page.get_by_text("Private note that stays").count() == 0
    assert page.get_by_text("Synthetic Quill Person").count() == 0
    assert_accessible(page)


def test_record_and_withdraw_a_consent_then_a_referral_is_refused(page, world, sign_in, assert_accessible):
    from octip.consent.models import Consent

    case, org_b = world["case"], world["org_b"]
    Consent.objects.all().delete()
    sign_in(page, world["worker_a"])
    page.goto(f"/app/consents/case/{case.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Record a consent").click()
    assert_accessible(page)
    page.get_by_label("Share with an organization").check()
    page.get_by_label("Share with (partner organization)").select_option(label=org_b.name)
    page.get_by_label("Purpose").fill("Emergency shelter")
    page.get_by_label("Needs assessment").check()
    page.get_by_label("Language of the conversation").fill("Spanish")
    page.get_by_label("An interpreter was used").check()
    page.get_by_label("Does the interpreter know the person or the alleged trafficker?").select_option("no")
    page.get_by_role("button", name="Record the consent").click()
    page.wait_for_url(f"**/app/consents/case/{case.pk}/")
    expect(page.get_by_text("The consent is recorded.")).to_be_visible()
    page.get_by_role("link", name=re.compile("Withdraw “Share with an organization”")).click()
    assert_accessible(page)
    page.get_by_label("Reason").fill("The person asked us to stop sharing.")
    page.get_by_role("button", name="Withdraw the consent").click()
    page.wait_for_url(f"**/app/consents/case/{case.pk}/")
    assert Consent.objects.get().status == "withdrawn"

    page.goto(f"/app/referrals/case/{case.pk}/new/")
    page.get_by_label("Or a partner organization").select_option(label=org_b.name)
    page.get_by_label("Purpose").fill("Shelter")
    page.get_by_label("Needs assessment").check()
    page.get_by_role("button", name="Send the referral").click()
    alert = page.get_by_role("alert")
    assert "withdrew their consent" in alert.inner_text()
    assert_accessible(page)


def test_transfer_export_and_notification_pages_are_accessible(page, world, sign_in, assert_accessible):
    from octip.cases.sections import ALL_SECTIONS

    case, org_b = world["case"], world["org_b"]
    make_consent(case=case, obtained_by=world["worker_a"], organization=org_b, sections=sorted(ALL_SECTIONS))
    sign_in(page, world["worker_a"])
    page.goto(f"/app/referrals/case/{case.pk}/transfer/")
    assert_accessible(page)
    page.get_by_label("Transfer the case to").select_option(label=org_b.name)
    page.get_by_label("Reason").fill("The person moved to the receiver's region.")
    page.get_by_role("button", name="Propose the transfer").click()
    page.wait_for_url(re.compile(r".*/app/referrals/transfers/[0-9a-f-]{36}/$"))
    assert_accessible(page)
    page.goto(f"/app/referrals/case/{case.pk}/export/")
    assert_accessible(page)
    page.goto("/app/referrals/outbox/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    sign_in(page, world["worker_b"])
    page.goto("/app/referrals/notifications/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(f"transfer case {case.number}")).click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The transfer is now: Accepted.")).to_be_visible()
    assert_accessible(page)
    page.goto("/app/referrals/transfers/")
    assert_accessible(page)
    case.refresh_from_db()
    assert case.owner_organization == org_b


def test_a_caseworker_finds_a_service_in_the_directory_and_refers_a_case_to_it(page, world, sign_in,
                                                                               assert_accessible):
    case = world["case"]
    sign_in(page, world["worker_a"])
    page.goto("/app/directory/?q=Cedar")
    page.get_by_role("link", name="Cedar House emergency beds").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Refer a person to this service").click()
    assert_accessible(page)
    page.get_by_label("Case number").fill(case.number)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(rf".*/app/referrals/case/{case.pk}/new/\?service="))
    assert_accessible(page)
    page.get_by_label("Purpose").fill("An emergency bed for tonight.")
    page.get_by_label("Urgent").check()
    page.get_by_label("Needs assessment").check()
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(re.compile(r".*/app/referrals/[0-9a-f-]{36}/$"))
    expect(page.get_by_text("The referral is sent to Cedar House Shelter (test B).")).to_be_visible()
