"""The person on call sees an emergency notification, acknowledges it, and sets how notifications
reach them; a system administrator sees the failed jobs. axe checks each page, in both languages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from octip.hotline.models import OnCallShift
from octip.hotline.services import log_contact
from octip.jobs.models import JobFailure
from octip.notifications.models import Notification
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_person_on_call_acknowledges_an_emergency_and_sets_preferences(page, make_user, sign_in,
                                                                             assert_accessible):
    line = OrganizationFactory(name="Line office (e2e)", type="coordinating_office")
    on_call = make_user("hotline_operator", organization=line)
    now = timezone.now()
    OnCallShift.objects.create(organization=line, person=on_call, escalation_contact=make_user(
        "coordinator", organization=line), starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=4))
    contact = log_contact(actor=on_call, channel="text", caller_type="public", urgency="emergency",
                          summary="Synthetic emergency for the browser test")

    sign_in(page, on_call)
    page.get_by_role("link", name="Notifications").first.click()
    page.wait_for_url("**/app/notifications/")
    expect(page.get_by_text(f"Emergency 24/7 contact {contact.reference}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged: nobody else will be alerted.")).to_be_visible()
    assert Notification.objects.get(recipient=on_call).acknowledged_at is not None
    assert_accessible(page)

    page.get_by_role("link", name="Preferences").click()
    assert_accessible(page)
    page.get_by_role("group", name="A task of mine is due").get_by_label("In the app and in the daily digest").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification preferences are saved.")).to_be_visible()
    assert page.get_by_role("group", name="An emergency 24/7 contact").get_by_label("Off").count() == 0

    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Préférences de notification"
    assert_accessible(page)
    page.goto("/app/notifications/")
    expect(page.get_by_text(f"Contact d’urgence 24/7 {contact.reference}")).to_be_visible()
    assert_accessible(page)


def test_the_failed_jobs_page_is_accessible(page, make_user, sign_in, assert_accessible):
    JobFailure.objects.create(result_id="00000000-0000-0000-0000-000000000001", attempt=4,
                              task_path="octip.notifications.tasks.send_daily_digests",
                              first_result_id="00000000-0000-0000-0000-000000000001",
                              exception_class="smtplib.SMTPException", exhausted=True)
    sign_in(page, make_user("system_admin"))
    page.get_by_role("link", name="Failed jobs").first.click()
    expect(page.get_by_text("octip.notifications.tasks.send_daily_digests")).to_be_visible()
    assert_accessible(page)
