"""The 24/7 line's quality review as people do it: the lead draws a sample, reviews one contact against
the rubric and shares it; the operator finds it under "My reviews", reads the feedback and acknowledges
it. Every page is axe clean."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from octip.hotline import services
from octip.hotline.models import ContactReview
from octip.hotline.rubric import rubric
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_lead_reviews_a_contact_and_the_operator_acknowledges_the_feedback(
        page, browser, live_server, make_user, sign_in, assert_accessible):
    office = OrganizationFactory(name="Coordinating office (e2e)", type="coordinating_office")
    operator = make_user("hotline_operator", organization=office, full_name="Synthetic Operator")
    lead = make_user("coordinator", organization=office, full_name="Synthetic Lead")
    contact = services.log_contact(actor=operator, channel="phone", caller_type="public", urgency="routine",
                                   summary="Synthetic: a caller asks about farm work with held passports.",
                                   outcome="information_given",
                                   received_at=timezone.now() - datetime.timedelta(days=2))

    sign_in(page, lead)
    page.goto("/app/hotline/")
    page.get_by_role("link", name="Quality review").click()
    page.wait_for_url("**/app/hotline/reviews/")
    assert_accessible(page)
    page.get_by_label("Contacts per operator").fill("1")
    page.get_by_role("button", name="Draw the sample").click()
    page.wait_for_url("**/app/hotline/reviews/samples/*/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Review contact {contact.reference}").click()
    page.wait_for_url("**/app/hotline/reviews/*/")
    expect(page.get_by_text("Synthetic: a caller asks about farm work")).to_be_visible()
    assert_accessible(page)
    for criterion in rubric().criteria:
        group = page.get_by_role("group", name=criterion.label)
        group.get_by_label("2 — Fully").check()
    page.get_by_label("Feedback to the operator").fill("Synthetic feedback: a clear safety check; ask about the "
                                                        "documents earlier.")
    page.get_by_label("Private note (not shown to the operator)").fill("Synthetic note for the lead only.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("button", name="Share with the operator").click()
    expect(page.get_by_text("Review shared with the operator.")).to_be_visible()
    assert ContactReview.objects.get().status == "shared"
    page.goto("/app/hotline/reviews/summary/")
    expect(page.get_by_text("Synthetic Operator: 1 shared, 0 acknowledged, 0 in draft")).to_be_visible()
    assert_accessible(page)

    context = browser.new_context(base_url=live_server.url, locale="en-CA")
    context.set_default_timeout(15_000)
    mine = context.new_page()
    try:
        sign_in(mine, operator)
        mine.goto("/app/hotline/")
        mine.get_by_role("link", name="My reviews").click()
        mine.wait_for_url("**/app/hotline/my-reviews/")
        assert_accessible(mine)
        mine.get_by_role("link", name=f"Review of contact {contact.reference}").click()
        expect(mine.get_by_text("Synthetic feedback: a clear safety check")).to_be_visible()
        expect(mine.get_by_text("Synthetic note for the lead only.")).to_have_count(0)
        assert_accessible(mine)
        mine.get_by_role("button", name="Acknowledge this review").click()
        expect(mine.get_by_text("Review acknowledged. Thank you.")).to_be_visible()
        expect(mine.get_by_text("You acknowledged this review on")).to_be_visible()
        assert_accessible(mine)
    finally:
        context.close()
    assert ContactReview.objects.get().acknowledged_at is not None
