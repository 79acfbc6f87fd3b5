"""The one notification service: every kind, its words, preferences, the digest, idempotence, and
the acknowledgement of an emergency with its escalation."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from octip.cases import notices
from octip.cases.models import Case, Task
from octip.cases.services import (
    add_task,
    assign_case,
    break_glass,
    decide_approval,
    decide_closure,
    request_approval,
    request_closure,
    save_need,
)
from octip.consent.services import warn_consents_expiring
from octip.hotline.services import log_contact
from octip.notifications.models import Channel, Kind, Notification, Preference, kind_of
from octip.notifications.services import (
    acknowledge,
    escalate_unacknowledged,
    notify,
    notify_deadline,
    send_daily_digests,
    set_preferences,
)
from octip.referrals.services import send_referral, send_transfer
from tests.factories.cases import make_case
from tests.factories.consent import make_consent

from .conftest import ADDRESS, DATE_OF_BIRTH, FREE_TEXT, LEGAL_NAME, PHONE, PREFERRED_NAME

pytestmark = pytest.mark.django_db

TEMPLATE = "Case %(number)s needs attention."


def _identity_fragments() -> list[str]:
    return [LEGAL_NAME, "Zephyrine", "Quillfeather", PREFERRED_NAME, PHONE, "555-0147", "2505550147", ADDRESS,
            "Marigoldvale", DATE_OF_BIRTH.isoformat(), "1987", FREE_TEXT]


def test_every_kind_names_no_person_in_app_or_by_email(
        identity_case, caseworker, local_coordinator, auditor, partner_org, partner_worker, make_user, org,
        on_call_shift, django_capture_on_commit_callbacks):
    case, other_worker = identity_case, make_user("caseworker", organization=org)
    youth = make_case(organization=org, worker=caseworker, track="youth", legal_name=LEGAL_NAME)
    Case.objects.filter(pk=youth.pk).update(opened_at=timezone.now() - datetime.timedelta(hours=30))
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assign_case(actor=local_coordinator, case=case, owner_team=case.owner_team, owner_worker=other_worker)
        add_task(actor=caseworker, case=case, title=f"Call {LEGAL_NAME} on {PHONE} ({FREE_TEXT})",
                 due=today + datetime.timedelta(days=1), assignee=other_worker)
        Task.objects.create(case=case, title=f"Visit {ADDRESS}", due=today - datetime.timedelta(days=2),
                            assignee=other_worker)
        notices.remind_tasks(today=today)
        notices.remind_duty_to_report()
        make_consent(case=case, obtained_by=caseworker, organization=partner_org,
                     sections=["identity", "summary", "needs", "plan", "tasks", "notes", "safety_plan", "documents",
                               "consents", "timeline", "justice"], purpose=f"Housing for {LEGAL_NAME} {FREE_TEXT}",
                     expires_at=timezone.now() + datetime.timedelta(days=10))
        warn_consents_expiring()
        send_referral(actor=caseworker, case=case, organization=partner_org, urgency="urgent",
                      purpose=f"Shelter for {LEGAL_NAME} {FREE_TEXT}", sections=["summary"])
        send_transfer(actor=caseworker, case=case, organization=partner_org, reason=f"{LEGAL_NAME} moved {FREE_TEXT}")
        break_glass(actor=local_coordinator, case=case, reason=f"{LEGAL_NAME} at risk tonight {FREE_TEXT}")
        log_contact(actor=on_call_shift.person, channel="text", caller_type="public", urgency="emergency",
                    summary=f"{LEGAL_NAME} in danger at {ADDRESS}, call {PHONE} {FREE_TEXT}", place=ADDRESS)
        escalate_unacknowledged(now=timezone.now() + datetime.timedelta(hours=1))
        _share_a_quality_review(lead=local_coordinator, operator=on_call_shift.person)
        notify_deadline(recipients=[caseworker], number=case.number, due=today + datetime.timedelta(days=3),
                        link=f"/app/cases/{case.pk}/", subject=f"proceeding:{case.pk}")
        # Approvals of the needs assessment (the organization requires them here): asked, then decided.
        type(case.owner_organization).objects.filter(pk=case.owner_organization_id).update(
            requires_needs_approval=True)
        case.owner_organization.refresh_from_db()
        save_need(actor=other_worker, case=case, domain="safety", priority="high", status="identified",
                  notes=f"{LEGAL_NAME} {FREE_TEXT}")
        approval = request_approval(actor=other_worker, case=case, subject="needs_assessment")
        decide_approval(actor=local_coordinator, approval=approval, action="reject",
                        comment=f"{LEGAL_NAME} {FREE_TEXT}")
        closure = request_closure(actor=other_worker, case=case, reason=f"{LEGAL_NAME} {FREE_TEXT}",
                                  outcome="goals_met")
        decide_closure(actor=local_coordinator, closure=closure, approve=False, comment=f"{LEGAL_NAME} {FREE_TEXT}")

    notifications = list(Notification.objects.all())
    assert {kind_of(n.kind) for n in notifications} == set(Kind)
    assert any(n.kind == "hotline.emergency.escalated" for n in notifications)
    texts = []
    for notification in notifications:
        for language in ("en", "fr"):
            with translation.override(language):
                texts.append(notification.message)
        texts += [notification.link, str(notification.params), notification.key]
    assert mail.outbox, "the default preference sends email"
    texts += [part for message in mail.outbox for part in (message.subject, message.body)]
    leaks = [(fragment, text) for text in texts for fragment in _identity_fragments() if fragment in text]
    assert leaks == []
    assert any(case.number in text for text in texts)


def test_a_parameter_that_could_carry_free_text_is_refused(caseworker):
    with pytest.raises(ValueError, match="may not carry"):
        notify(recipients=[caseworker], kind=Kind.DEADLINE, template="%(name)s", params={"name": LEGAL_NAME})
    assert not Notification.objects.exists()


def test_the_same_event_told_twice_notifies_once_per_period(caseworker):
    for _ in range(2):
        notify(recipients=[caseworker, caseworker], kind=Kind.TASK_DUE, subject="task:1", period="2026-12-02",
               template=TEMPLATE, params={"number": "BC-1"})
    assert Notification.objects.count() == 1
    notify(recipients=[caseworker], kind=Kind.TASK_DUE, subject="task:1", period="2026-12-03", template=TEMPLATE,
           params={"number": "BC-1"})
    assert Notification.objects.count() == 2


def test_reminder_jobs_run_twice_notify_once(identity_case, caseworker):
    today = timezone.localdate()
    Task.objects.create(case=identity_case, title="Synthetic", due=today - datetime.timedelta(days=1),
                        assignee=caseworker)
    assert notices.remind_tasks(today=today) == 1
    assert notices.remind_tasks(today=today) == 0
    assert Notification.objects.filter(kind=Kind.TASK_OVERDUE, recipient=caseworker).count() == 1


def test_preferences_are_respected(caseworker, django_capture_on_commit_callbacks):
    set_preferences(actor=caseworker, choices={Kind.TASK_DUE: Channel.OFF, Kind.TASK_OVERDUE: Channel.IN_APP,
                                               Kind.DEADLINE: Channel.DIGEST})
    with django_capture_on_commit_callbacks(execute=True):
        for kind in (Kind.TASK_DUE, Kind.TASK_OVERDUE, Kind.DEADLINE, Kind.CASE_ASSIGNED):
            notify(recipients=[caseworker], kind=kind, subject="case:1", template=TEMPLATE, params={"number": "BC-7"})
    assert not Notification.objects.filter(kind=Kind.TASK_DUE).exists()
    assert Notification.objects.get(kind=Kind.TASK_OVERDUE).channel == Channel.IN_APP
    assert Notification.objects.get(kind=Kind.DEADLINE).channel == Channel.DIGEST
    assert len(mail.outbox) == 1  # only the kind left at its default (in the app and by email) was emailed
    assert "BC-7" in mail.outbox[0].subject


def test_emergency_kinds_cannot_be_switched_off(caseworker, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        set_preferences(actor=caseworker, choices={Kind.EMERGENCY_CONTACT: Channel.OFF})
    # A row written around the service still cannot silence an emergency.
    Preference.objects.create(user=caseworker, kind=Kind.EMERGENCY_ACCESS, channel=Channel.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[caseworker], kind=Kind.EMERGENCY_ACCESS, subject="x:1", template=TEMPLATE,
               params={"number": "BC-9"})
    assert Notification.objects.get().channel == Channel.EMAIL and len(mail.outbox) == 1


def test_the_digest_holds_each_item_once(caseworker, make_user, django_capture_on_commit_callbacks):
    other = make_user("caseworker")
    for user in (caseworker, other):
        set_preferences(actor=user, choices={Kind.TASK_DUE: Channel.DIGEST})
    with django_capture_on_commit_callbacks(execute=True):
        for number in ("BC-11", "BC-12"):
            notify(recipients=[caseworker], kind=Kind.TASK_DUE, subject=number, template=TEMPLATE,
                   params={"number": number})
        notify(recipients=[other], kind=Kind.TASK_DUE, subject="BC-13", template=TEMPLATE, params={"number": "BC-13"})
    assert mail.outbox == []  # a digest kind is not emailed one by one
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 2
        assert send_daily_digests() == 0
    mine = next(m for m in mail.outbox if m.to == [caseworker.email])
    assert mine.body.count("BC-11") == 2 and mine.body.count("BC-12") == 2  # once in English, once in French
    assert "BC-13" not in mine.body
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[caseworker], kind=Kind.TASK_DUE, subject="BC-14", template=TEMPLATE,
               params={"number": "BC-14"})
        assert send_daily_digests() == 1
    latest = mail.outbox[-1]
    assert "BC-14" in latest.body and "BC-11" not in latest.body


# --- acknowledge and escalate ----------------------------------------------------------------------

def _emergency(operator):
    return log_contact(actor=operator, channel="text", caller_type="public", urgency="emergency",
                       summary="Synthetic emergency")


def test_a_missed_acknowledgement_escalates_once_and_is_audited(on_call_shift):
    from octip.core.models import AuditEvent

    logged_at = timezone.now()
    contact = _emergency(on_call_shift.person)
    alert = Notification.objects.get(recipient=on_call_shift.person, kind=Kind.EMERGENCY_CONTACT)
    assert alert.escalate_to == on_call_shift.escalation_contact
    # The emergency first-response target (5 minutes, hotline/data/response_targets.yaml).
    assert alert.acknowledge_by - logged_at < datetime.timedelta(minutes=5, seconds=5)
    assert escalate_unacknowledged(now=alert.acknowledge_by - datetime.timedelta(seconds=1)) == 0
    assert escalate_unacknowledged(now=alert.acknowledge_by + datetime.timedelta(seconds=1)) == 1
    assert escalate_unacknowledged(now=alert.acknowledge_by + datetime.timedelta(minutes=10)) == 0
    escalated = Notification.objects.get(recipient=on_call_shift.escalation_contact)
    assert escalated.kind == "hotline.emergency.escalated" and contact.reference in escalated.message
    assert AuditEvent.objects.filter(action="notification.escalated", target_id=str(alert.pk)).count() == 1


def test_an_acknowledged_emergency_does_not_escalate(on_call_shift):
    from octip.core.models import AuditEvent

    _emergency(on_call_shift.person)
    alert = Notification.objects.get(recipient=on_call_shift.person)
    acknowledge(actor=on_call_shift.person, notification=alert,
                now=alert.acknowledge_by - datetime.timedelta(minutes=1))
    assert escalate_unacknowledged(now=alert.acknowledge_by + datetime.timedelta(hours=1)) == 0
    assert not Notification.objects.filter(recipient=on_call_shift.escalation_contact).exists()
    assert AuditEvent.objects.filter(action="notification.acknowledged", target_id=str(alert.pk)).count() == 1


def test_only_the_person_notified_can_acknowledge(on_call_shift):
    from django.core.exceptions import ValidationError

    _emergency(on_call_shift.person)
    alert = Notification.objects.get(recipient=on_call_shift.person)
    with pytest.raises(ValidationError):
        acknowledge(actor=on_call_shift.escalation_contact, notification=alert)
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_with_nobody_on_call_the_line_staff_are_alerted(make_user, org):
    operator = make_user("hotline_operator", organization=org)
    colleague = make_user("hotline_operator", organization=org)
    _emergency(operator)
    assert set(Notification.objects.filter(kind=Kind.EMERGENCY_CONTACT).values_list("recipient_id", flat=True)) == {
        operator.pk, colleague.pk}


# --- pages -------------------------------------------------------------------------------------------

def test_notifications_page_lists_mine_marks_read_and_acknowledges(client_for, on_call_shift, caseworker):
    _emergency(on_call_shift.person)
    notify(recipients=[caseworker], kind=Kind.DEADLINE, subject="x", template=TEMPLATE, params={"number": "BC-77"})
    client = client_for(on_call_shift.person)
    page = client.get("/app/notifications/").content.decode()
    assert "Acknowledge" in page and "BC-77" not in page
    alert = Notification.objects.get(recipient=on_call_shift.person)
    other = Notification.objects.get(recipient=caseworker)
    assert client.post(f"/app/notifications/{other.pk}/acknowledge/").status_code == 404
    assert client.post(f"/app/notifications/{other.pk}/read/").status_code == 404
    assert client.post(f"/app/notifications/{alert.pk}/acknowledge/").status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None and alert.read_at is not None
    assert client.get("/app/notifications/acknowledge/").status_code == 404


def test_preferences_page_saves_and_refuses_switching_off_an_emergency(client_for, caseworker):
    client = client_for(caseworker)
    page = client.get("/app/notifications/preferences/").content.decode()
    assert "A task of mine is due" in page
    choices = dict.fromkeys(Kind.values, Channel.EMAIL)
    response = client.post("/app/notifications/preferences/", {**choices, Kind.EMERGENCY_CONTACT: Channel.OFF})
    assert response.status_code == 400 and not Preference.objects.exists()
    response = client.post("/app/notifications/preferences/", {**choices, Kind.TASK_DUE: Channel.DIGEST})
    assert response.status_code == 302
    assert Preference.objects.get(user=caseworker, kind=Kind.TASK_DUE).channel == Channel.DIGEST


def test_the_french_page_is_in_french(client_for, caseworker):
    client = client_for(caseworker)
    notify(recipients=[caseworker], kind=Kind.DEADLINE, subject="x", template="A deadline of case %(number)s is "
           "approaching: %(date)s.", params={"number": "BC-5", "date": "2026-12-09"})
    page = client.get("/app/notifications/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "BC-5" in page and "A deadline of case" not in page


def test_an_emergency_report_from_the_public_alerts_the_person_on_call(on_call_shift, settings, org):
    from octip.hotline.services import receive_public_report
    from tests.factories import region

    settings.OCTIP_HOTLINE_ORGANIZATION = org.name
    contact = receive_public_report(what_happened=f"{LEGAL_NAME} is held at {ADDRESS}", region=region("fraser"),
                                    place=ADDRESS, seen_when="now", danger_now="yes", anonymous=False,
                                    contact_details=PHONE, language="English")
    alert = Notification.objects.get(recipient=on_call_shift.person)
    assert contact.reference in alert.message and alert.awaits_acknowledgement
    assert not any(fragment in alert.message for fragment in _identity_fragments())


def test_raising_a_contact_to_an_emergency_alerts_the_person_on_call(on_call_shift):
    from octip.hotline.services import update_contact

    contact = log_contact(actor=on_call_shift.person, channel="text", caller_type="public", urgency="routine",
                          summary="Synthetic")
    assert not Notification.objects.exists()
    update_contact(actor=on_call_shift.person, contact=contact, expected_version=contact.version,
                   changes={"urgency": "emergency"})
    assert Notification.objects.filter(recipient=on_call_shift.person, kind=Kind.EMERGENCY_CONTACT).count() == 1


def test_a_reminder_goes_to_no_one_who_has_lost_sight_of_the_case(identity_case, make_user, org):
    """Found by the review: a task's assignee who no longer sees its case (moved to another team) was
    still reminded of it by case number."""
    from tests.factories.partners import TeamFactory

    moved = make_user("caseworker", organization=org, teams=[TeamFactory(organization=org)])
    today = timezone.localdate()
    Task.objects.create(case=identity_case, title="Synthetic", due=today - datetime.timedelta(days=1), assignee=moved)
    assert notices.remind_tasks(today=today) == 0
    assert not Notification.objects.filter(recipient=moved).exists()


def _share_a_quality_review(*, lead, operator) -> None:
    """The line's lead reviews a closed contact of the operator and shares it (kind hotline.review)."""
    from octip.hotline.rubric import rubric
    from octip.hotline.services import draw_review_sample, save_review, share_review

    log_contact(actor=operator, channel="phone", caller_type="public", urgency="routine", outcome="information_given",
                summary=f"{LEGAL_NAME} at {ADDRESS}, {PHONE} {FREE_TEXT}")
    today = timezone.localdate()
    review = draw_review_sample(actor=lead, period_start=today, period_end=today, size_per_operator=1,
                                seed=1).reviews.get()
    save_review(actor=lead, review=review, expected_version=review.version, scores={
        c.code: 2 for c in rubric().criteria}, feedback=f"About {LEGAL_NAME} {FREE_TEXT}")
    share_review(actor=lead, review=review, expected_version=review.version)
