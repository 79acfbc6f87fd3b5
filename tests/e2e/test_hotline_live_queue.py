"""The live queue (issue 17): an operator has the queue open; a new emergency contact is logged
elsewhere; the queue announces it in its aria-live region without a reload, and the table shows it.
Pausing stops the updates. Without JavaScript the page still shows the table and a Refresh link.
axe checks the page."""

import pytest
from playwright.sync_api import expect

from octip.hotline import services
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log(operator, urgency: str, summary: str):
    return services.log_contact(actor=operator, channel="text", caller_type="public", urgency=urgency,
                                summary=summary)


def test_the_queue_announces_a_new_emergency_without_a_reload(page, browser, live_server, make_user, sign_in,
                                                              assert_accessible, settings):
    settings.OCTIP_HOTLINE_LIVE_INTERVAL_SECONDS = 0.5
    office = OrganizationFactory(name="Coordinating office (e2e)", type="coordinating_office")
    elsewhere = OrganizationFactory(name="Another line (e2e)")
    operator = make_user("hotline_operator", organization=office)
    colleague = make_user("hotline_operator", organization=office)
    stranger = make_user("hotline_operator", organization=elsewhere)
    earlier = _log(operator, "emergency", "Synthetic: an emergency already in the queue")

    sign_in(page, operator)
    page.goto("/app/hotline/")
    expect(page.get_by_role("link", name=earlier.reference)).to_be_visible()
    toggle = page.get_by_role("button", name="Pause live updates")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    emergencies = page.locator("#queue-new-emergencies")
    assert emergencies.get_attribute("aria-live") == "assertive"
    page.wait_for_timeout(1500)  # a few polls: what was there at the first load is never announced
    expect(emergencies.locator("li")).to_have_count(0)
    first_update = page.locator("#queue-updated").inner_text()
    assert_accessible(page)

    # Another organization's emergency is not ours to hear about.
    _log(stranger, "emergency", "Synthetic: elsewhere")
    # A colleague logs an emergency contact: it is announced, and the table shows it, without a reload.
    url_before = page.url
    fresh = _log(colleague, "emergency", "Synthetic: someone is held now")
    expect(emergencies.get_by_role("link", name=f"New emergency contact {fresh.reference}.")).to_be_visible()
    expect(page.locator("#queue-live").get_by_role("link", name=fresh.reference)).to_be_visible()
    expect(emergencies.locator("li")).to_have_count(1)
    assert page.url == url_before
    expect(page.locator("#queue-updated")).not_to_have_text(first_update)  # it keeps polling
    assert "held" not in emergencies.inner_text() and "elsewhere" not in page.content()
    page.wait_for_timeout(1200)
    expect(emergencies.locator("li")).to_have_count(1)  # announced once
    assert_accessible(page)

    # Paused: nothing changes on the page any more.
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("Live updates are paused.")).to_be_visible()
    page.wait_for_timeout(800)
    paused_at = page.locator("#queue-updated").inner_text()
    later = _log(colleague, "emergency", "Synthetic: another one")
    page.wait_for_timeout(1500)
    assert page.locator("#queue-updated").inner_text() == paused_at
    expect(page.get_by_role("link", name=later.reference)).to_have_count(0)
    toggle.click()
    expect(emergencies.get_by_role("link", name=f"New emergency contact {later.reference}.")).to_be_visible()

    # The focus is never moved: while it is in the table, the table waits; announcements still come.
    table_link = page.locator("#queue-live").get_by_role("link", name=earlier.reference)
    table_link.focus()
    third = _log(colleague, "emergency", "Synthetic: a third one")
    expect(emergencies.get_by_role("link", name=f"New emergency contact {third.reference}.")).to_be_visible()
    expect(table_link).to_be_focused()
    expect(page.locator("#queue-live").get_by_role("link", name=third.reference)).to_have_count(0)
    page.locator("h1").click()  # the focus leaves the table: the next poll brings the row
    expect(page.locator("#queue-live").get_by_role("link", name=third.reference)).to_be_visible()

    # A hidden tab does not poll.
    page.evaluate("""() => {
        Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
        document.dispatchEvent(new Event("visibilitychange"));
    }""")
    page.wait_for_timeout(800)
    hidden_at = page.locator("#queue-updated").inner_text()
    page.wait_for_timeout(1500)
    assert page.locator("#queue-updated").inner_text() == hidden_at


def test_the_queue_works_without_javascript(browser, live_server, make_user, sign_in, settings):
    # No axe here: axe runs as a script, which this context refuses (the page above is checked with it).
    settings.OCTIP_HOTLINE_LIVE_INTERVAL_SECONDS = 0.5
    office = OrganizationFactory(name="Coordinating office (e2e)", type="coordinating_office")
    operator = make_user("hotline_operator", organization=office)
    contact = _log(operator, "urgent", "Synthetic: no script here")
    context = browser.new_context(base_url=live_server.url, locale="en-CA", java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, operator)
        page.goto("/app/hotline/")
        expect(page.get_by_role("table")).to_be_visible()
        expect(page.get_by_role("link", name=contact.reference)).to_be_visible()
        expect(page.get_by_role("button", name="Pause live updates")).to_have_count(0)  # only with the script
        later = _log(operator, "emergency", "Synthetic: after the page was loaded")
        page.wait_for_timeout(1200)
        expect(page.get_by_role("link", name=later.reference)).to_have_count(0)  # no meta refresh, no script
        page.get_by_role("link", name="Refresh").click()
        expect(page.get_by_role("link", name=later.reference)).to_be_visible()
    finally:
        context.close()
