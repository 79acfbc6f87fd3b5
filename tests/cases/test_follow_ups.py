"""Follow-ups and the tasks plan-action due dates and a follow-up cadence generate: one task per
action, kept in step; the next follow-up task after each contact; the daily job fills what is missing,
once; notes encrypted; nothing reaches another organization."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from octip.cases import services
from octip.cases.models import FollowUp, FollowUpSchedule, PlanActionTask, Task, TimelineEntry
from octip.cases.sharing import grant_case_access
from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from tests.factories.consent_fixtures import case, caseworker, owner_team, partner_org, partner_worker  # noqa: F401

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _follow_up(actor, case, on=None, **values):  # noqa: F811
    return services.record_follow_up(actor=actor, case=case, contacted_on=on or TODAY(),
                                     mode=values.pop("mode", "phone"), with_whom=values.pop("with_whom", ["person"]),
                                     **values)


# --- Follow-ups ---------------------------------------------------------------------------------------

def test_a_follow_up_is_recorded_audited_and_on_the_timeline_with_codes_only(case, caseworker):  # noqa: F811
    follow_up = _follow_up(caseworker, case, mode="in_person", with_whom=["person", "family"],
                           with_whom_detail="Cousin Rosa", note="Rosa says the employer called")
    assert follow_up.with_whom == ["family", "person"]
    entry = TimelineEntry.objects.get(case=case, kind="case.follow_up_recorded")
    assert "Rosa" not in str(entry.params) and "Rosa" not in entry.summary
    event = AuditEvent.objects.get(action="case.follow_up_recorded")
    assert "Rosa" not in str(event.detail)
    with connection.cursor() as cursor:
        cursor.execute("SELECT note, with_whom_detail FROM cases_followup")
        stored = cursor.fetchone()
    assert "Rosa" not in repr(stored) and "employer" not in repr(stored)


@pytest.mark.parametrize("bad", [
    {"mode": "pigeon"}, {"with_whom": []}, {"with_whom": ["stranger"]}, {"on": TODAY() + 3 * DAY}])
def test_a_bad_follow_up_is_refused_and_changes_nothing(case, caseworker, bad):  # noqa: F811
    with pytest.raises(ValidationError):
        _follow_up(caseworker, case, **bad)
    assert not FollowUp.objects.exists()
    assert not TimelineEntry.objects.filter(kind="case.follow_up_recorded").exists()


def test_a_follow_up_is_corrected_with_its_version(case, caseworker):  # noqa: F811
    follow_up = _follow_up(caseworker, case, note="First words")
    services.update_follow_up(actor=caseworker, follow_up=follow_up, expected_version=follow_up.version,
                              contacted_on=TODAY() - DAY, mode="video", with_whom=["person"])
    follow_up.refresh_from_db()
    assert follow_up.mode == "video" and follow_up.note == "First words"


# --- Tasks from plan actions ---------------------------------------------------------------------------

def test_a_plan_action_with_a_due_date_has_one_task_kept_in_step(case, caseworker):  # noqa: F811
    goal = services.add_goal(actor=caseworker, case=case, description="Stable housing")
    due = TODAY() + 7 * DAY
    action = services.add_plan_action(actor=caseworker, goal=goal, description="Apply to BC Housing", due=due)
    task = PlanActionTask.objects.get(action=action).task
    assert task.due == due and task.section == "plan" and task.assignee == caseworker
    # Syncing again makes no second task.
    services.delivery.sync_plan_action_task(actor=caseworker, action=action)
    assert Task.objects.filter(case=case).count() == 1
    services.change_plan_action_due(actor=caseworker, action=action, due=due + 3 * DAY,
                                    expected_version=action.version)
    task.refresh_from_db()
    assert task.due == due + 3 * DAY and Task.objects.filter(case=case).count() == 1
    action.refresh_from_db()
    services.complete_plan_action(actor=caseworker, action=action, expected_version=action.version)
    task.refresh_from_db()
    assert task.done_at is not None and Task.objects.filter(case=case).count() == 1


def test_a_plan_action_without_a_due_date_has_no_task_until_it_gets_one(case, caseworker):  # noqa: F811
    goal = services.add_goal(actor=caseworker, case=case, description="Income")
    action = services.add_plan_action(actor=caseworker, goal=goal, description="Apply for income assistance")
    assert not Task.objects.filter(case=case).exists()
    services.change_plan_action_due(actor=caseworker, action=action, due=TODAY() + DAY, expected_version=action.version)
    assert Task.objects.filter(case=case).count() == 1
    action.refresh_from_db()
    services.change_plan_action_due(actor=caseworker, action=action, due=None, expected_version=action.version)
    assert Task.objects.get(case=case).done_at is not None  # no date, no reminder


# --- The follow-up cadence -------------------------------------------------------------------------------

def test_a_cadence_makes_the_next_follow_up_task_after_each_contact(case, caseworker):  # noqa: F811
    schedule = services.set_follow_up_cadence(actor=caseworker, case=case, every_days=14)
    first = schedule.next_task
    assert first.due == TODAY() + 14 * DAY and first.assignee == caseworker and first.section == "follow_ups"
    _follow_up(caseworker, case, on=TODAY() - DAY)
    first.refresh_from_db()
    schedule.refresh_from_db()
    assert first.done_at is not None
    assert schedule.next_task.due == TODAY() + 13 * DAY and schedule.next_task.done_at is None
    assert Task.objects.filter(case=case, done_at__isnull=True).count() == 1
    services.set_follow_up_cadence(actor=caseworker, case=case, every_days=7)  # the open task moves
    schedule.refresh_from_db()
    assert schedule.next_task.due == TODAY() + 6 * DAY
    assert Task.objects.filter(case=case, done_at__isnull=True).count() == 1
    assert services.set_follow_up_cadence(actor=caseworker, case=case, every_days=None) is None
    assert not FollowUpSchedule.objects.exists() and not Task.objects.filter(case=case, done_at__isnull=True).exists()


@pytest.mark.parametrize("days", [-1, 400])
def test_a_bad_cadence_is_refused(case, caseworker, days):  # noqa: F811
    with pytest.raises(ValidationError):
        services.set_follow_up_cadence(actor=caseworker, case=case, every_days=days)
    assert not FollowUpSchedule.objects.exists() and not Task.objects.exists()


def test_the_daily_job_makes_missing_follow_up_tasks_once(case, caseworker):  # noqa: F811
    schedule = services.set_follow_up_cadence(actor=caseworker, case=case, every_days=10)
    _follow_up(caseworker, case, on=TODAY() - 30 * DAY)
    schedule.refresh_from_db()
    # The worker closed the reminder without recording a contact: the cadence is overdue.
    services.complete_task(actor=caseworker, task=schedule.next_task, expected_version=schedule.next_task.version)
    assert services.create_due_follow_up_tasks() == 1
    assert services.create_due_follow_up_tasks() == 0  # twice is safe
    schedule.refresh_from_db()
    assert schedule.next_task.due == TODAY() - 20 * DAY and schedule.next_task.assignee == caseworker
    assert Task.objects.filter(case=case, done_at__isnull=True).count() == 1


def test_the_daily_job_waits_for_a_cadence_that_is_not_due(case, caseworker):  # noqa: F811
    schedule = services.set_follow_up_cadence(actor=caseworker, case=case, every_days=10)
    services.complete_task(actor=caseworker, task=schedule.next_task, expected_version=schedule.next_task.version)
    _follow_up(caseworker, case, on=TODAY() - 2 * DAY)  # makes the next task itself
    schedule.refresh_from_db()
    services.complete_task(actor=caseworker, task=schedule.next_task, expected_version=schedule.next_task.version)
    assert services.create_due_follow_up_tasks() == 0  # the last contact is 2 days old; every 10
    assert services.create_due_follow_up_tasks(today=TODAY() + 8 * DAY) == 1


def test_the_job_is_registered_to_run_daily(settings):
    job = settings.OCTIP_PERIODIC_JOBS["cases.follow_up_cadence"]
    assert job["task"] == "octip.cases.tasks.create_follow_up_tasks" and job["every"] == 3600 * 24


# --- From the other side -------------------------------------------------------------------------------

def test_a_receiver_without_the_section_sees_nothing_and_with_it_cannot_write(  # noqa: F811
        client_for, case, caseworker, partner_org, partner_worker):  # noqa: F811
    _follow_up(caseworker, case, note="FOLLOWMARK at the depot")
    services.set_follow_up_cadence(actor=caseworker, case=case, every_days=7)
    grant_case_access(actor=caseworker, case=case, organization=partner_org, sections=["summary", "tasks"],
                      source="referral", source_id="r-1", reason="test")
    receiver = client_for(partner_worker)
    assert receiver.get(f"/api/v1/cases/{case.pk}/follow-ups").status_code == 404
    page = receiver.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "FOLLOWMARK" not in page and 'id="follow-ups-heading"' not in page
    # The cadence's task belongs to the follow-ups section too: the tasks section alone does not show it.
    assert receiver.get(f"/api/v1/cases/{case.pk}/tasks").json() == []
    assert receiver.get(reverse("cases:follow_up_cadence", args=[case.pk])).status_code == 404

    grant_case_access(actor=caseworker, case=case, organization=partner_org, sections=["summary", "follow_ups"],
                      source="referral", source_id="r-2", reason="test")
    notes = [f["note"] for f in receiver.get(f"/api/v1/cases/{case.pk}/follow-ups").json()]
    assert notes == ["FOLLOWMARK at the depot"]
    answer = receiver.post(f"/api/v1/cases/{case.pk}/follow-ups", content_type="application/json", data={
        "contacted_on": TODAY().isoformat(), "mode": "phone", "with_whom": ["person"]})
    assert answer.status_code == 403
    with pytest.raises(AccessDenied):
        _follow_up(partner_worker, case)
    assert FollowUp.objects.count() == 1


def test_another_organization_gets_a_404_everywhere(client_for, make_user, case, caseworker):  # noqa: F811
    from tests.factories.partners import OrganizationFactory, TeamFactory

    follow_up = _follow_up(caseworker, case)
    org = OrganizationFactory(name="Elsewhere (test)")
    stranger = client_for(make_user("caseworker", organization=org, teams=[TeamFactory(organization=org)]))
    assert stranger.get(f"/api/v1/cases/{case.pk}/follow-ups").status_code == 404
    assert stranger.get(reverse("cases:follow_up_edit", args=[case.pk, follow_up.pk])).status_code == 404
    assert stranger.get(reverse("cases:follow_up_add", args=[case.pk])).status_code == 404
    assert stranger.put(f"/api/v1/cases/{case.pk}/follow-up-cadence", content_type="application/json",
                        data={"every_days": 3}).status_code == 404
    assert not FollowUpSchedule.objects.exists()


# --- API and pages ----------------------------------------------------------------------------------------

def test_the_api_records_edits_and_lists_follow_ups_and_sets_the_cadence(client_for, case, caseworker):  # noqa: F811
    api = client_for(caseworker)
    made = api.post(f"/api/v1/cases/{case.pk}/follow-ups", content_type="application/json", data={
        "contacted_on": TODAY().isoformat(), "mode": "text", "with_whom": ["person"], "note": "Fine"})
    assert made.status_code == 201, made.content
    body = made.json()
    bad = api.post(f"/api/v1/cases/{case.pk}/follow-ups", content_type="application/json", data={
        "contacted_on": TODAY().isoformat(), "mode": "carrier pigeon", "with_whom": ["person"]})
    assert bad.status_code == 400
    edited = api.put(f"/api/v1/cases/{case.pk}/follow-ups/{body['id']}", content_type="application/json", data={
        "contacted_on": TODAY().isoformat(), "mode": "phone", "with_whom": ["person", "provider"],
        "version": body["version"]})
    assert edited.status_code == 200 and edited.json()["note"] == "Fine"
    cadence = api.put(f"/api/v1/cases/{case.pk}/follow-up-cadence", content_type="application/json",
                      data={"every_days": 21})
    assert cadence.status_code == 200 and cadence.json()["next_task_id"]
    assert [f["mode"] for f in api.get(f"/api/v1/cases/{case.pk}/follow-ups").json()] == ["phone"]


def test_the_pages_record_a_follow_up_and_set_the_cadence(client_for, case, caseworker):  # noqa: F811
    page = client_for(caseworker)
    refused = page.post(reverse("cases:follow_up_add", args=[case.pk]), {"contacted_on": TODAY().isoformat(),
                                                                         "mode": "phone"})
    assert refused.status_code == 400 and not FollowUp.objects.exists()
    done = page.post(reverse("cases:follow_up_add", args=[case.pk]), {
        "contacted_on": TODAY().isoformat(), "mode": "phone", "with_whom": ["person"], "note": "All well"})
    assert done.status_code == 302
    page.post(reverse("cases:follow_up_cadence", args=[case.pk]), {"every_days": "30"})
    detail = page.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Follow up every 30 days." in detail and "All well" in detail
    follow_up = FollowUp.objects.get()
    assert page.get(reverse("cases:follow_up_edit", args=[case.pk, follow_up.pk])).status_code == 200
    french = page.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200


def test_my_work_lists_a_due_plan_action_once_as_its_task(case, caseworker):  # noqa: F811
    from octip.cases.selectors import my_work, plan_actions_due

    goal = services.add_goal(actor=caseworker, case=case, description="Health")
    action = services.add_plan_action(actor=caseworker, goal=goal, description="See a doctor", owner=caseworker,
                                      due=TODAY() + DAY)
    assert action not in plan_actions_due(actor=caseworker)
    assert PlanActionTask.objects.get(action=action).task in my_work(actor=caseworker)["mine"]
