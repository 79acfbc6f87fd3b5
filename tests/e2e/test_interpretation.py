"""An operator logs a call through an interpreter who knows the person: the interpretation fieldset of
the contact form and the contact page are axe clean, and both the saved page and the record warn."""

import pytest
from playwright.sync_api import expect

from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WARNING = "The interpreter may know the person or the trafficker."


def test_an_operator_is_warned_of_an_interpreter_who_knows_the_person(page, live_server, make_user, sign_in,
                                                                      assert_accessible):
    office = OrganizationFactory(name="Coordinating office (e2e)", type="coordinating_office")
    operator = make_user("hotline_operator", organization=office)
    sign_in(page, operator)
    page.goto("/app/hotline/contacts/new/")
    page.get_by_role("group", name="Urgency").get_by_label("Urgent").check()
    page.get_by_label("Summary").fill("Synthetic: a farm worker calls through an interpreter.")
    page.locator("#id_language").fill("Punjabi")
    interpretation = page.get_by_role("group", name="Interpretation")
    expect(interpretation).to_be_visible()
    interpretation.get_by_label("An interpreter was used").check()
    interpretation.get_by_label("Interpreter id").fill("SIC-E2E-1")
    interpretation.get_by_label("Does the interpreter know the person or the alleged trafficker?").select_option(
        "knows_person")
    assert_accessible(page)
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_url("**/app/hotline/contacts/*/")
    expect(page.get_by_role("heading", name="Interpretation")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text=WARNING)).to_be_visible()
    expect(page.get_by_text("SIC-E2E-1")).to_be_visible()
    assert_accessible(page)

    # Shown again with a missing answer, the form says what to fix, still axe clean.
    page.goto("/app/hotline/contacts/new/")
    page.get_by_role("group", name="Urgency").get_by_label("Routine").check()
    page.get_by_label("Summary").fill("Synthetic: another call.")
    page.get_by_role("group", name="Interpretation").get_by_label("An interpreter was used").check()
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_text("Say whether the interpreter knows the person")).to_be_visible()
    assert_accessible(page)
