"""Journeys of the 24/7 line: a member of the public reports a concern in French; an operator sees it
in the queue; quick exit leaves the report page. axe checks each page on the way."""

import pytest
from playwright.sync_api import expect

from tests.factories import OrganizationFactory, region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_public_report_in_french_reaches_the_operators_queue(page, browser, live_server, make_user, sign_in,
                                                              assert_accessible):
    office = OrganizationFactory(name="Coordinating office (e2e)", type="coordinating_office")
    operator = make_user("hotline_operator", organization=office)
    fraser = region("fraser")

    page.goto("/report/")
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Signaler une préoccupation"
    assert_accessible(page)

    # Send with nothing filled in: clear errors, nothing stored.
    page.get_by_role("button", name="Envoyer mon signalement").click()
    expect(page.get_by_text("Dites-nous ce que vous avez vu ou entendu.").first).to_be_visible()

    page.get_by_role("group", name="Quelqu'un est-il en danger en ce moment?").get_by_label(
        "Non", exact=True).check()
    page.get_by_label("Qu'avez-vous vu ou entendu?").fill("Exemple synthétique : des travailleurs dorment sur place.")
    page.get_by_label("Où? (région)").select_option(str(fraser.pk))
    page.get_by_role("group", name="Quand?").get_by_label("Au cours de la dernière semaine").check()
    page.get_by_label("Non — je veux rester anonyme").check()
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer mon signalement").click()
    page.get_by_role("heading", name="Merci : votre signalement a été envoyé").wait_for()
    reference = page.locator("#reference-code").inner_text().strip()
    assert len(reference) == 11
    expect(page.get_by_text("1-888-712-7974")).to_be_visible()
    assert_accessible(page)

    staff = browser.new_context(base_url=live_server.url, locale="en-CA")
    try:
        desk = staff.new_page()
        sign_in(desk, operator)
        desk.goto("/app/hotline/")
        row = desk.get_by_role("row").filter(has_text=reference)
        assert "Web report" in row.inner_text() and "Routine" in row.inner_text()
        assert_accessible(desk)
        row.get_by_role("link", name=reference).click()
        expect(desk.get_by_text("Exemple synthétique : des travailleurs dorment sur place.")).to_be_visible()
        assert_accessible(desk)
    finally:
        staff.close()


def test_quick_exit_leaves_the_report_page(page, live_server, settings, db):
    settings.OCTIP_QUICK_EXIT_URL = live_server.url + "/healthz"
    page.goto("/")
    page.goto("/report/")
    page.get_by_label("What did you see or hear?").fill("Half-written report")
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("**/healthz")
    page.go_back()
    assert not page.url.endswith("/report/")


def test_operator_logs_an_emergency_call_and_checks_who_is_on_call(page, make_user, sign_in, assert_accessible):
    import datetime

    from django.utils import timezone

    from octip.hotline.models import Contact, OnCallShift

    office = OrganizationFactory(type="coordinating_office")
    operator = make_user("hotline_operator", organization=office)
    lead = make_user("coordinator", organization=office, full_name="Synthetic Escalation Lead")
    OnCallShift.objects.create(organization=office, person=operator, escalation_contact=lead,
                               starts_at=timezone.now() - datetime.timedelta(hours=1),
                               ends_at=timezone.now() + datetime.timedelta(hours=7))
    sign_in(page, operator)
    page.goto("/app/hotline/")
    page.get_by_role("link", name="Log a contact").click()
    assert_accessible(page)
    page.get_by_role("group", name="Urgency").get_by_label("Emergency").check()
    page.get_by_label("Channel").select_option("phone")
    page.get_by_label("Who contacted the line").select_option("person")
    page.get_by_label("Summary").fill("Synthetic caller locked in a work site, asks for help now.")
    page.get_by_role("button", name="Log contact").click()
    page.get_by_role("heading", name=f"Contact {Contact.objects.get().reference}").wait_for()
    note = page.get_by_role("note")
    assert "call 911" in note.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="On call").first.click()
    expect(page.get_by_text("Synthetic Escalation Lead").first).to_be_visible()
    assert_accessible(page)
