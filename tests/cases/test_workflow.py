"""Stages, closure with a coordinator's approval, the youth track and emergency access."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from octip.cases import models as m
from octip.cases import selectors, services
from octip.core.models import AuditEvent
from octip.core.versioning import StaleVersion

from .conftest import open_case, person_data, share


def kinds(case) -> list[str]:
    return list(case.timeline.order_by("created_at", "id").values_list("kind", flat=True))


def test_case_number_is_sequential_and_identifies_nobody(world):
    year = timezone.localdate().year
    assert world.case_a.number.startswith(f"BC-{year}-")
    assert int(world.case_b.number[-6:]) == int(world.case_a.number[-6:]) + 1
    assert len(world.case_a.number) == len("BC-2026-000123")


def test_stage_moves_forward_and_refuses_jumps(world):
    case, actor = world.case_a, world.caseworker_a
    with pytest.raises(ValidationError):
        services.change_stage(actor=actor, case=case, to_stage="services", expected_version=case.version)
    for stage in ("assessment", "planning", "services"):
        services.change_stage(actor=actor, case=case, to_stage=stage, expected_version=case.version)
    case.refresh_from_db()
    assert case.stage == "services"
    with pytest.raises(ValidationError):  # closing is only through a request and approval
        services.change_stage(actor=actor, case=case, to_stage="closed", expected_version=case.version)
    assert kinds(case).count("case.stage_changed") == 3


def test_closure_needs_coordinator_approval(world):
    case = world.case_a
    request = services.request_closure(actor=world.caseworker_a, case=case, reason="Goals met", outcome="goals_met")
    case.refresh_from_db()
    assert case.stage == "closure_requested"
    with pytest.raises(PermissionDenied):
        services.decide_closure(actor=world.caseworker_a, closure=request, approve=True, comment="self-approve")
    with pytest.raises(ValidationError):
        services.decide_closure(actor=world.coordinator, closure=request, approve=True, comment="  ")
    services.decide_closure(actor=world.coordinator, closure=request, approve=True, comment="Agreed")
    case.refresh_from_db()
    assert case.stage == "closed" and case.closed_at is not None
    assert kinds(case)[-2:] == ["case.closure_requested", "case.closure_approved"]
    with pytest.raises(ValidationError):
        services.decide_closure(actor=world.coordinator, closure=request, approve=False, comment="again")


def test_rejected_closure_returns_case_to_its_stage(world):
    case = world.case_a
    services.change_stage(actor=world.caseworker_a, case=case, to_stage="assessment", expected_version=case.version)
    request = services.request_closure(actor=world.caseworker_a, case=case, reason="r", outcome="lost_contact")
    services.decide_closure(actor=world.coordinator, closure=request, approve=False, comment="Keep trying")
    case.refresh_from_db()
    assert case.stage == "assessment"
    assert "case.closure_rejected" in kinds(case)


def test_closed_case_can_be_reopened(world):
    case = world.case_a
    request = services.request_closure(actor=world.caseworker_a, case=case, reason="r", outcome="goals_met")
    services.decide_closure(actor=world.coordinator, closure=request, approve=True, comment="ok")
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        services.add_task(actor=world.caseworker_a, case=case, title="x", due=timezone.localdate())
    services.reopen_case(actor=world.caseworker_a, case=case, reason="Came back for support")
    case.refresh_from_db()
    assert case.stage == "assessment" and case.closed_at is None


def test_receiver_cannot_read_the_reason_for_closing_on_the_decision_page(world, client_for):
    share(world, world.case_a, ["summary"])
    closure = services.request_closure(actor=world.caseworker_a, case=world.case_a,
                                       reason="She moved to her aunt at 55 Elm St", outcome="moved_away")
    url = reverse("cases:closure_decide", args=[world.case_a.pk, closure.pk])
    for outsider in (world.caseworker_b, world.caseworker_a2, world.caseworker_a):
        response = client_for(outsider).get(url)
        assert response.status_code in (403, 404), outsider
        assert "55 Elm St" not in response.content.decode()
    assert "55 Elm St" in client_for(world.coordinator).get(url).content.decode()


def test_under_19_at_intake_is_youth_track(world):
    born = timezone.localdate().replace(year=timezone.localdate().year - 17)
    youth = open_case(world.caseworker_a, person_data(legal_name="Young Synthetic", date_of_birth=born))
    assert youth.track == "youth"
    assert m.YouthProfile.objects.filter(case=youth).exists()
    # Age counts at first contact (three days ago in these fixtures).
    nineteen = timezone.localdate().replace(year=timezone.localdate().year - 19) - datetime.timedelta(days=10)
    adult = open_case(world.caseworker_a, person_data(legal_name="Adult Synthetic", date_of_birth=nineteen))
    assert adult.track == "adult"
    estimated = open_case(world.caseworker_a, person_data(legal_name="Est Synthetic", date_of_birth=None,
                                                          estimated_age=16))
    assert estimated.track == "youth"


def test_youth_duty_to_report_cannot_be_suppressed(world):
    born = timezone.localdate().replace(year=timezone.localdate().year - 16)
    case = open_case(world.caseworker_a, person_data(legal_name="Young Synthetic", date_of_birth=born))
    services.update_youth_profile(actor=world.caseworker_a, case=case, expected_version=1,
                                  changes={"consent_given_by": "guardian", "separation": "unaccompanied",
                                           "migrant_services_involved": True})
    # Consent recorded (or withheld) changes nothing: the case cannot move on or close without the report.
    with pytest.raises(ValidationError, match="duty-to-report"):
        services.change_stage(actor=world.caseworker_a, case=case, to_stage="assessment", expected_version=case.version)
    with pytest.raises(ValidationError, match="duty-to-report"):
        services.request_closure(actor=world.caseworker_a, case=case, reason="r", outcome="other")
    services.record_duty_to_report(actor=world.caseworker_a, case=case, reported_by_name="Synthetic Worker",
                                   reported_at=timezone.now(), office="mcfd_line", reference="MCFD-0001")
    services.change_stage(actor=world.caseworker_a, case=case, to_stage="assessment", expected_version=case.version)
    assert "youth.duty_to_report_recorded" in kinds(case)
    # There is no way to remove a report once made.
    assert not any(name.startswith(("delete_duty", "remove_duty", "suppress")) for name in dir(services))


def test_duty_to_report_refuses_adult_case_and_bad_input(world):
    with pytest.raises(ValidationError):
        services.record_duty_to_report(actor=world.caseworker_a, case=world.case_a, reported_by_name="x",
                                       reported_at=timezone.now(), office="mcfd_line")
    born = timezone.localdate().replace(year=timezone.localdate().year - 16)
    case = open_case(world.caseworker_a, person_data(legal_name="Young Synthetic", date_of_birth=born))
    with pytest.raises(ValidationError):
        services.record_duty_to_report(actor=world.caseworker_a, case=case, reported_by_name="x",
                                       reported_at=timezone.now(), office="nowhere")
    assert not case.duty_reports.exists()


def test_break_glass_gives_time_limited_audited_access_to_restricted_notes(world, client_for):
    services.add_note(actor=world.caseworker_a, case=world.case_a, body="Sealed synthetic note",
                      sensitivity="restricted")

    def coordinator_reads() -> list[str]:
        return [n.body for n in selectors.notes_visible_to(world.coordinator, world.case_a)]

    assert "Sealed synthetic note" not in coordinator_reads()
    with pytest.raises(PermissionDenied):
        services.break_glass(actor=world.caseworker_a, case=world.case_a, reason="Need it urgently now")
    with pytest.raises(ValidationError):
        services.break_glass(actor=world.coordinator, case=world.case_a, reason="short")
    access = services.break_glass(actor=world.coordinator, case=world.case_a, reason="Person missing, police asking")
    hour = datetime.timedelta(minutes=60)
    assert timezone.now() + hour - datetime.timedelta(minutes=1) < access.expires_at <= timezone.now() + hour
    assert "Sealed synthetic note" in coordinator_reads()
    assert AuditEvent.objects.filter(action="case.emergency_access", actor_id=world.coordinator.pk).exists()
    # After expiry it is gone.
    m.CaseAccessGrant.objects.filter(pk=access.grant_id).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert "Sealed synthetic note" not in coordinator_reads()
    # An auditor reviews it; the list shows it until reviewed.
    auditor = client_for(world.auditor)
    assert world.case_a.number in auditor.get(reverse("cases:emergency_review_list")).content.decode()
    response = auditor.post(reverse("cases:emergency_review", args=[access.pk]), {"review": "justified", "note": "ok"})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.review == "justified" and access.reviewed_by == world.auditor
    assert world.case_a.number not in auditor.get(reverse("cases:emergency_review_list")).content.decode()
    assert client_for(world.caseworker_a).get(reverse("cases:emergency_review_list")).status_code == 403


def test_version_conflict_is_refused_with_what_changed(world):
    case = world.case_a
    stale_version = case.version
    services.update_case(actor=world.caseworker_a, case=m.Case.objects.get(pk=case.pk), expected_version=stale_version,
                         changes={"immediate_danger": True})
    with pytest.raises(StaleVersion) as conflict:
        services.update_case(actor=world.caseworker_a, case=m.Case.objects.get(pk=case.pk),
                             expected_version=stale_version, changes={"immediate_danger": False})
    assert "immediate_danger" in conflict.value.changed
    assert m.Case.objects.get(pk=case.pk).immediate_danger is True


def test_person_version_conflict(world):
    person = world.case_a.person
    opened_at_version = person.version
    services.update_person(actor=world.caseworker_a, case=world.case_a, expected_version=opened_at_version,
                           changes={"phone": "604 555 0100"})
    with pytest.raises(StaleVersion):
        services.update_person(actor=world.caseworker_a, case=m.Case.objects.get(pk=world.case_a.pk),
                               expected_version=opened_at_version, changes={"phone": "604 555 0111"})
    person.refresh_from_db()
    assert person.phone == "604 555 0100"
    assert person.phone_index == m.phone_index("(604) 555-0100")


def test_edit_page_shows_conflict_message(world, client_for):
    client = client_for(world.caseworker_a)
    url = reverse("cases:edit", args=[world.case_a.pk])
    form = {"region": world.case_a.region_id, "first_contact_date": world.case_a.first_contact_date.isoformat(),
            "referral_source": "police", "version": world.case_a.version}
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "referral_source": "self"})
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    world.case_a.refresh_from_db()
    assert world.case_a.referral_source == "police"


def test_tasks_my_work_and_overdue(world, client_for):
    today = timezone.localdate()
    late = services.add_task(actor=world.caseworker_a, case=world.case_a, title="Call back about housing",
                             due=today - datetime.timedelta(days=2), assignee=world.caseworker_a)
    services.add_task(actor=world.caseworker_a, case=world.case_a, title="Book interpreter",
                      due=today + datetime.timedelta(days=2), assignee=world.hotline_a)
    services.add_task(actor=world.caseworker_b, case=world.case_b, title="Other org task",
                      due=today - datetime.timedelta(days=9), assignee=world.caseworker_b)
    work = selectors.my_work(actor=world.caseworker_a)
    assert [t.title for t in work["mine"]] == ["Call back about housing"]
    assert [t.title for t in work["overdue"]] == ["Call back about housing"]
    assert [t.title for t in work["team"]] == ["Book interpreter"]
    page = client_for(world.caseworker_a).get(reverse("cases:my_work")).content.decode()
    assert "Other org task" not in page and "Call back about housing" in page
    overdue = client_for(world.caseworker_a).get(reverse("cases:list"), {"overdue": "on"}).content.decode()
    assert world.case_a.number in overdue
    client_for(world.caseworker_a).post(reverse("cases:task_done", args=[world.case_a.pk, late.pk]),
                                        {"version": late.version})
    late.refresh_from_db()
    assert late.done_at is not None


def test_needs_plan_and_safety_plan(world, client_for):
    case = world.case_a
    need = services.save_need(actor=world.caseworker_a, case=case, domain="shelter", priority="high",
                              status="identified")
    with pytest.raises(ValidationError):
        services.save_need(actor=world.caseworker_a, case=case, domain="astrology", priority="high",
                           status="identified")
    services.save_need(actor=world.caseworker_a, case=case, domain="shelter", priority="high", status="met",
                       expected_version=need.version)
    with pytest.raises(StaleVersion):
        services.save_need(actor=world.caseworker_a, case=case, domain="shelter", priority="low", status="met",
                           expected_version=need.version)
    goal = services.add_goal(actor=world.caseworker_a, case=case, description="Safe housing")
    action = services.add_plan_action(actor=world.caseworker_a, goal=goal, description="Apply to shelter",
                                      owner=world.caseworker_a, due=timezone.localdate())
    with pytest.raises(ValidationError):  # the owner must be able to see the case
        services.add_plan_action(actor=world.caseworker_a, goal=goal, description="x", owner=world.caseworker_b)
    services.complete_plan_action(actor=world.caseworker_a, action=action, expected_version=action.version)
    services.save_safety_plan(actor=world.caseworker_a, case=case, expected_version=None,
                              changes={"code_words": "blue umbrella", "emergency_steps": "Call 911"})
    client = client_for(world.caseworker_a)
    printable = client.get(reverse("cases:safety_plan_print", args=[case.pk]))
    assert printable.status_code == 200 and "blue umbrella" in printable.content.decode()
    assert client_for(world.caseworker_b).get(reverse("cases:safety_plan_print", args=[case.pk])).status_code == 404


def test_corrected_age_moves_case_to_youth_track_never_back(world):
    case = world.case_a
    assert case.track == "adult"
    born = case.first_contact_date.replace(year=case.first_contact_date.year - 17)
    services.update_person(actor=world.caseworker_a, case=case, expected_version=case.person.version,
                           changes={"date_of_birth": born})
    case.refresh_from_db()
    assert case.track == "youth" and m.YouthProfile.objects.filter(case=case).exists()
    assert services.duty_to_report_outstanding(case)
    services.update_person(actor=world.caseworker_a, case=case, expected_version=case.person.version,
                           changes={"date_of_birth": datetime.date(1990, 1, 1)})
    case.refresh_from_db()
    assert case.track == "youth"


def test_grant_holder_gets_404_on_forms_of_unshared_sections(world, client_for):
    from django.urls import reverse

    services.grant_case_access(actor=world.caseworker_a, case=world.case_a, organization=world.org_b,
                               sections=["summary", "tasks"], source="referral", source_id="r-9")
    client = client_for(world.caseworker_b)
    assert client.get(reverse("cases:task_add", args=[world.case_a.pk])).status_code == 200
    for name in ("note_add", "goal_add", "document_upload", "safety_plan", "person_edit"):
        assert client.get(reverse(f"cases:{name}", args=[world.case_a.pk])).status_code == 404, name
    assert client.post(reverse("cases:note_add", args=[world.case_a.pk]), {"body": "x", "sensitivity": "normal"}
                       ).status_code == 404
    assert not m.Note.objects.exists()


def test_youth_cases_awaiting_the_report_are_listed(world, client_for):
    born = timezone.localdate().replace(year=timezone.localdate().year - 16)
    case = open_case(world.caseworker_a, person_data(legal_name="Young Synthetic", date_of_birth=born))
    due = selectors.case_list(actor=world.caseworker_a, filters=selectors.CaseFilters(report_due=True))
    assert [c.number for c in due] == [case.number]
    html = client_for(world.caseworker_a).get(reverse("cases:list"), {"report_due": "on"}).content.decode()
    assert "report due" in html and reverse("cases:detail", args=[case.pk]) in html
    services.record_duty_to_report(actor=world.caseworker_a, case=case, reported_by_name="Synthetic Worker",
                                   reported_at=timezone.now(), office="mcfd_line")
    assert not selectors.case_list(actor=world.caseworker_a, filters=selectors.CaseFilters(report_due=True)).exists()


def test_a_youth_case_reached_through_a_grant_awaits_its_owners_report_not_the_grantees(world):
    # The report is recorded only from the case's own scope (``record_duty_to_report``): the receiving
    # organization sees the case, and that it is a youth case, but the outstanding report is not theirs.
    born = timezone.localdate().replace(year=timezone.localdate().year - 15)
    case = open_case(world.caseworker_a, person_data(legal_name="Young Synthetic", date_of_birth=born))
    share(world, case, ["summary", "identity"])
    assert m.Case.objects.visible_to(world.caseworker_b).filter(pk=case.pk).exists()

    def due(actor) -> list[str]:
        return [c.number for c in selectors.case_list(actor=actor, filters=selectors.CaseFilters(report_due=True))]

    assert due(world.caseworker_a) == [case.number]
    assert case.number not in due(world.caseworker_b)
    with pytest.raises(PermissionDenied):
        services.record_duty_to_report(actor=world.caseworker_b, case=case, reported_by_name="Synthetic Worker",
                                       reported_at=timezone.now(), office="mcfd_line")
    assert due(world.coordinator) == [case.number]
