"""Browser journey: a screener completes an anonymous screening and reads the result (axe-checked)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from octip.screening.loader import load_frameworks
from octip.screening.models import Framework, Screening

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YES = {
    "Did someone recruit the young person, move them from one place to another, hand them over to someone else, "
    "house them or take them in?",
    "Does the person work very long hours or days, with little or no rest?",
    "Is the person made to do dangerous work, without protection?",
}


def test_screener_completes_an_anonymous_screening_and_reads_the_result(page, make_user, sign_in,
                                                                        assert_accessible):
    load_frameworks(Framework)  # a transactional test starts from an empty table
    screener = make_user("screener")
    sign_in(page, screener)
    page.get_by_role("link", name="Screening", exact=True).first.click()
    page.get_by_role("link", name="Start a screening").click()
    assert_accessible(page)
    page.get_by_role("group", name="How old is the person?").get_by_label("Under 18").check()
    page.get_by_role("group", name="What kind of exploitation are you concerned about?").get_by_label(
        "Work or services (labour exploitation)").check()
    page.get_by_role("button", name="Begin the questions").click()

    sections = 0
    while True:
        page.wait_for_load_state()
        sections += 1
        if sections in (1, 2):
            assert_accessible(page)
        for question in YES:
            group = page.get_by_role("group", name=question)
            if group.count():
                group.get_by_label("Yes").check()
        if sections == 1:
            page.get_by_label("Notes on this section (optional)").fill("Met at a youth drop-in; no names taken.")
        finish = page.get_by_role("button", name="See the result")
        if finish.count():
            finish.click()
            break
        page.get_by_role("button", name="Next section").click()
    assert sections == 7  # the act, then the six ILO–EC dimensions

    page.wait_for_url("**/app/screening/*-*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Screening result"
    expect(page.get_by_text("Trafficking indicated: refer for formal identification").first).to_be_visible()
    expect(page.get_by_text("a person is never labelled by it")).to_be_visible()
    expect(page.get_by_text("Provisional").first).to_be_visible()
    expect(page.get_by_role("link", name="1-888-712-7974")).to_be_visible()
    expect(page.get_by_role("heading", name="Duty to report: the person may be under 19")).to_be_visible()
    expect(page.get_by_role("link", name="1-800-663-9122")).to_be_visible()
    assert_accessible(page)

    screening = Screening.objects.get()
    assert screening.case is None and screening.framework.slug == "ilo-child-labour"
    assert screening.notes == {"act": "Met at a youth drop-in; no names taken."}


def test_the_guided_screening_works_without_javascript(browser, live_server, make_user, sign_in):
    load_frameworks(Framework)
    context = browser.new_context(base_url=live_server.url, locale="en-CA", java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, make_user("hotline_operator"))
        page.goto("/app/screening/new/")
        page.get_by_role("group", name="How old is the person?").get_by_label("19 or older").check()
        page.get_by_role("group", name="Which questions do you want to use?").get_by_label(
            "Palermo Protocol checklist (act, means, purpose)").check()
        page.get_by_role("button", name="Begin the questions").click()
        for _section in range(3):
            page.get_by_role("button", name="Next section").click()
        page.get_by_role("button", name="See the result").click()
        page.wait_for_url("**/app/screening/*-*/")
        conclusion = "Some elements are not known yet; the answers could support them."
        expect(page.get_by_text(conclusion, exact=True)).to_be_visible()
        assert page.get_by_text("Duty to report").count() == 0
    finally:
        context.close()
    assert Screening.objects.get().conclusion == "possible"


def test_coordinator_reads_framework_pages_and_the_publish_form(page, make_user, sign_in, assert_accessible):
    load_frameworks(Framework)
    sign_in(page, make_user("coordinator"))
    page.goto("/app/screening/frameworks/")
    assert_accessible(page)
    page.get_by_role("link", name="ILO–EC indicators: adults, labour exploitation").click()
    expect(page.get_by_text("Provisional").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change the thresholds").click()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Publish a corrected version").click()
    assert_accessible(page)
    page.get_by_label("What changed and why").fill("Nothing yet")
    page.get_by_label("Framework definition (YAML)").fill("id: [broken")
    page.get_by_role("button", name="Check and publish").click()
    expect(page.get_by_text("not valid YAML")).to_be_visible()
    assert Framework.objects.filter(slug="ilo-adult-labour").count() == 1
