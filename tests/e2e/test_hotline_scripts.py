"""The line's scripts in a browser: an operator reads the consent script beside the contact form,
switches it to the caller's language (French) without losing the form, and logs the contact; the
lead writes and publishes a new version. Every page is axe clean."""

import pytest
from playwright.sync_api import expect

from octip.hotline import guidance
from octip.hotline.models import GuidanceScript
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _publish(actor, topic, language, title, body):
    guidance.publish_script(actor=actor, script=guidance.draft_script(actor=actor, topic=topic, language=language,
                                                                      title=title, body=body))


def test_an_operator_reads_the_scripts_beside_the_contact_form(page, live_server, make_user, sign_in,
                                                                 assert_accessible):
    office = OrganizationFactory(name="Coordinating office (e2e)", type="coordinating_office")
    operator = make_user("hotline_operator", organization=office)
    lead = make_user("coordinator", organization=office)
    _publish(lead, "consent", "en", "Consent first", "You decide what you share.\n\nYou can stop at any time.")
    _publish(lead, "consent", "fr", "Le consentement d'abord", "C'est vous qui décidez de ce que vous dites.")
    _publish(lead, "emergency_911", "en", "Danger now", "Call 911 now.")

    sign_in(page, operator)
    page.goto("/app/hotline/contacts/new/")
    aside = page.get_by_role("complementary", name="Scripts")
    expect(aside).to_be_visible()
    expect(aside.get_by_text("Call 911 now.")).to_be_visible()  # the first topic is open
    aside.get_by_text("Consent", exact=True).click()  # the summary opens the topic
    expect(aside.get_by_text("You can stop at any time.")).to_be_visible()
    assert_accessible(page)
    aside.get_by_label("Show the scripts in").select_option("fr")
    aside.get_by_role("button", name="Show").click()
    page.wait_for_url("**/contacts/new/?script_lang=fr")
    aside.get_by_text("Consent", exact=True).click()
    expect(aside.get_by_text("C'est vous qui décidez de ce que vous dites.")).to_be_visible()
    expect(aside.get_by_text("No script in French yet: shown in English.")).to_be_visible()  # 911
    assert_accessible(page)
    page.get_by_role("group", name="Urgency").get_by_label("Routine").check()
    page.get_by_label("Summary").fill("Synthetic: a caller asks about their rights.")
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_url("**/app/hotline/contacts/*/")
    page.goto("/app/hotline/scripts/read/?script_lang=fr")
    expect(page.get_by_role("heading", name="Scripts in French", level=1)).to_be_visible()
    assert_accessible(page)


def test_the_lead_writes_and_publishes_a_new_version(page, live_server, make_user, sign_in, assert_accessible):
    office = OrganizationFactory(name="Coordinating office (e2e)", type="coordinating_office")
    lead = make_user("coordinator", organization=office)
    _publish(lead, "safety_check", "en", "Safety check", "Is this a safe time to talk?")
    sign_in(page, lead)
    page.goto("/app/hotline/scripts/")
    expect(page.get_by_role("table", name="Scripts by topic and language")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Topic").select_option("safety_check")
    page.get_by_label("Language of the script").select_option("en")
    page.get_by_role("button", name="Write a new version").click()
    page.wait_for_url("**/scripts/new/**")
    expect(page.get_by_label("Text")).to_have_value("Is this a safe time to talk?")
    assert_accessible(page)
    page.get_by_label("Text").fill("Is this a safe time to talk?\n\nIs anyone with you?")
    page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_url("**/app/hotline/scripts/*/")
    assert_accessible(page)
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Version 2 is published")).to_be_visible()
    page.get_by_role("link", name="All versions").click()
    expect(page.get_by_role("cell", name="Retired")).to_be_visible()
    assert_accessible(page)
    assert GuidanceScript.objects.get(status="published").version == 2
