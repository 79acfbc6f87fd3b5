"""An operator logs a contact that recognises a repeat caller (and a flag the lead set on them); the
contact form with its categories, lines and services, and the contact page, are axe clean."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from octip.hotline import services
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_operator_logs_a_contact_that_recognises_a_repeat_caller(page, live_server, make_user, sign_in,
                                                                      assert_accessible):
    office = OrganizationFactory(name="Coordinating office (e2e)", type="coordinating_office")
    operator = make_user("hotline_operator", organization=office)
    lead = make_user("coordinator", organization=office)
    earlier = services.log_contact(actor=operator, channel="phone", caller_type="public", urgency="routine",
                                   summary="Synthetic first call", reporter_phone="604-555-0170",
                                   received_at=timezone.now() - datetime.timedelta(hours=3))
    services.set_caller_flag(actor=lead, contact=earlier, kind="abusive", reason="Synthetic: shouts at staff")

    sign_in(page, operator)
    page.goto("/app/hotline/contacts/new/")
    page.get_by_role("group", name="Urgency").get_by_label("Routine").check()
    page.get_by_label("Type of contact").select_option("substantive")
    page.get_by_label("Labour trafficking").check()
    page.get_by_label("Summary").fill("Synthetic: the caller again, about farm workers.")
    page.get_by_label("Caller's phone (optional)").fill("(604) 555 0170")
    page.get_by_label("VictimLinkBC", exact=False).check()
    assert_accessible(page)
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_url("**/app/hotline/contacts/*/")
    expect(page.get_by_role("heading", name="1 previous contact from this caller")).to_be_visible()
    expect(page.get_by_role("link", name=earlier.reference)).to_be_visible()
    expect(page.get_by_role("heading", name="This caller is flagged")).to_be_visible()
    expect(page.get_by_text("Synthetic: shouts at staff")).to_be_visible()
    assert_accessible(page)


def test_the_leads_pages_are_accessible(page, live_server, make_user, sign_in, assert_accessible):
    office = OrganizationFactory(name="Coordinating office (e2e)", type="coordinating_office")
    operator = make_user("hotline_operator", organization=office)
    lead = make_user("coordinator", organization=office)
    contact = services.log_contact(actor=operator, channel="phone", caller_type="anonymous", urgency="routine",
                                   contact_type="prank", summary="", reporter_phone="778-555-0171")
    sign_in(page, lead)
    page.goto(f"/app/hotline/contacts/{contact.pk}/")
    page.get_by_role("link", name="Flag this caller").click()
    page.wait_for_url("**/flag/")
    assert_accessible(page)
    page.get_by_label("Kind of flag").select_option("hoax")
    page.get_by_label("Reason").fill("Synthetic: repeated prank calls")
    page.get_by_role("button", name="Flag the caller").click()
    page.wait_for_url(f"**/app/hotline/contacts/{contact.pk}/")
    expect(page.get_by_role("heading", name="This caller is flagged")).to_be_visible()
    page.goto("/app/hotline/caller-flags/")
    assert_accessible(page)
    page.get_by_role("button", name="Lift the flag").click()
    page.wait_for_url("**/app/hotline/caller-flags/")
    expect(page.get_by_role("cell", name="Lifted")).to_be_visible()
    page.goto("/app/hotline/targets/")
    assert_accessible(page)
