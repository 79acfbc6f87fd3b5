"""A caseworker's whole path — intake, needs, plan, a task done, closure requested — and a
coordinator approving it, with axe checks on each page."""

from __future__ import annotations

import pytest

from octip.cases import models as m
from tests.factories import OrganizationFactory, TeamFactory, UserFactory, region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_caseworker_path_and_coordinator_approval(page, sign_in, assert_accessible):
    region("fraser")
    org = OrganizationFactory()
    team = TeamFactory(organization=org)
    worker = UserFactory(role="caseworker", organization=org, teams=[team])
    coordinator = UserFactory(role="coordinator", organization=OrganizationFactory())

    sign_in(page, worker)
    page.get_by_role("link", name="New intake").first.click()
    page.wait_for_url("**/app/cases/new/")
    assert_accessible(page)
    page.get_by_label("Legal name (or the name the person gives)").fill("Rosa Synthetic Example")
    page.get_by_label("Date of birth").fill("1994-05-06")
    page.get_by_label("Region").select_option(label="Fraser")
    page.get_by_label("Referral source").select_option(label="24/7 line")
    page.get_by_label("Labour exploitation").check()
    page.get_by_label("Debt bondage").check()
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url("**/app/cases/*-*/")
    case = m.Case.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == f"Case {case.number}"
    assert page.get_by_text("Rosa Synthetic Example").is_visible()
    assert_accessible(page)

    page.get_by_label("Move to stage").select_option("assessment")
    page.get_by_role("button", name="Change stage").click()
    page.get_by_role("link", name="Assess Shelter").click()
    assert_accessible(page)
    page.get_by_label("Priority").select_option("high")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    assert page.get_by_role("row", name="Shelter").get_by_text("High").is_visible()

    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Goal").fill("Safe housing")
    page.get_by_role("button", name="Add goal").click()
    page.get_by_role("link", name="Add an action to this goal").click()
    page.get_by_label("Action").fill("Apply to second-stage housing")
    page.get_by_role("button", name="Add action").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    assert page.get_by_text("Apply to second-stage housing").is_visible()

    page.get_by_role("link", name="Add a task").click()
    assert_accessible(page)
    page.locator("#id_title").fill("Call the shelter")
    page.get_by_role("button", name="Add task").click()
    page.get_by_role("link", name="My work").click()
    assert_accessible(page)
    page.get_by_role("button", name="Mark “Call the shelter” done").first.click()
    page.wait_for_url("**/app/cases/my-work/")
    assert m.Task.objects.get().done_at is not None

    page.goto(f"/app/cases/{case.pk}/")
    page.get_by_role("link", name="Request closure").click()
    assert_accessible(page)
    page.get_by_label("Outcome").select_option("goals_met")
    page.get_by_label("Reason for closing").fill("Housed and working; goals met.")
    page.get_by_role("button", name="Send to a coordinator").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    assert page.get_by_role("heading", name="Closure requested").is_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, coordinator)
    page.goto(f"/app/cases/{case.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Approve or reject").click()
    assert_accessible(page)
    page.get_by_label("Approve: close the case").check()
    page.get_by_label("Comment").fill("Agreed, well done.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    assert page.get_by_text("Stage: Closed").is_visible()
    assert page.get_by_text("Closure approved; case closed.").is_visible()
    page.goto("/app/cases/")
    assert_accessible(page)
    case.refresh_from_db()
    assert case.stage == "closed"


def test_youth_duty_to_report_and_emergency_access_review(page, sign_in, assert_accessible):
    import datetime

    from django.utils import timezone

    from octip.cases import services

    region("fraser")
    org = OrganizationFactory()
    worker = UserFactory(role="caseworker", organization=org, teams=[TeamFactory(organization=org)])
    coordinator = UserFactory(role="coordinator", organization=OrganizationFactory())
    auditor = UserFactory(role="auditor", organization=coordinator.organization)
    born = timezone.localdate() - datetime.timedelta(days=365 * 16)
    case = services.open_case(actor=worker, person={"legal_name": "Youth Synthetic", "date_of_birth": born},
                              case={"region": region("fraser")})
    services.add_note(actor=worker, case=case, body="Restricted synthetic detail", sensitivity="restricted")

    sign_in(page, coordinator)
    page.goto(f"/app/cases/{case.pk}/")
    assert page.get_by_role("heading", name="Duty to report outstanding").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record the report").click()
    assert_accessible(page)
    page.get_by_label("To which office or line").select_option("mcfd_line")
    page.get_by_label("Reference number").fill("SYN-123")
    page.get_by_role("button", name="Record the report").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    assert page.get_by_text("SYN-123").is_visible()
    assert not page.get_by_text("Restricted synthetic detail").is_visible()

    page.get_by_role("link", name="Emergency access").click()
    assert_accessible(page)
    page.get_by_label("What is the emergency?").fill("Youth missing; hospital asking for guardian contact")
    page.get_by_role("button", name="Open emergency access").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    assert page.get_by_text("You are using emergency access").is_visible()
    assert page.get_by_text("Restricted synthetic detail").is_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, auditor)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Emergency access review").click()
    assert_accessible(page)
    page.get_by_role("link", name=f"Review access to {case.number}").click()
    assert_accessible(page)
    page.get_by_label("Justified", exact=True).check()
    page.get_by_role("button", name="Record review").click()
    page.wait_for_url("**/app/cases/emergency-access/")
    assert page.get_by_text("Nothing to review.").is_visible()


def test_searching_for_a_person_keeps_the_name_out_of_the_address(page, sign_in, assert_accessible):
    from tests.cases.conftest import open_case, person_data

    region("fraser")
    org = OrganizationFactory()
    team = TeamFactory(organization=org)
    worker = UserFactory(role="caseworker", organization=org, teams=[team])
    wanted = open_case(worker, person_data(legal_name="Rosa Synthetic Example"))
    other = open_case(worker, person_data(legal_name="Other Synthetic Person", phone="250 555 0100",
                                          date_of_birth=None, aliases=[], preferred_name=""))

    sign_in(page, worker)
    page.goto("/app/cases/?track=adult")
    assert_accessible(page)
    search = page.get_by_role("search", name="Find a person")
    search.get_by_label("Case number or name").fill("Rosa Synthetic Example")
    search.get_by_role("button", name="Find a person").click()
    page.wait_for_load_state()
    assert "Rosa" not in page.url and "track=adult" in page.url
    assert page.get_by_role("link", name=wanted.number).is_visible()
    assert page.get_by_role("link", name=other.number).count() == 0
    for link in page.get_by_role("link", name="CSV").all():
        assert "Rosa" not in (link.get_attribute("href") or "")
    assert_accessible(page)
