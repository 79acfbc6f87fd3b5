"""Approvals in the browser: the organization administrator requires plan approval, a caseworker
submits the plan, a coordinator sends it back from "My work" with a comment the caseworker reads on
the case; the administrator moves a departing worker's cases. Axe on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from octip.cases import models as m
from octip.cases import services
from tests.factories import OrganizationFactory, TeamFactory, UserFactory, region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_plan_submitted_sent_back_and_cases_reassigned(page, sign_in, assert_accessible):
    region("fraser")
    org = OrganizationFactory()
    team = TeamFactory(organization=org)
    worker = UserFactory(role="caseworker", organization=org, teams=[team], full_name="Synthetic Worker")
    colleague = UserFactory(role="caseworker", organization=org, teams=[team], full_name="Synthetic Colleague")
    admin = UserFactory(role="org_admin", organization=org)
    coordinator = UserFactory(role="coordinator", organization=OrganizationFactory(type="coordinating_office"))
    from tests.cases.conftest import case_data, person_data

    case = services.open_case(actor=worker, person=person_data(), case=case_data())
    services.add_goal(actor=worker, case=case, description="Safe housing")

    sign_in(page, admin)
    page.get_by_role("link", name="Approvals required").first.click()
    page.wait_for_url("**/app/organization/approvals/")
    assert_accessible(page)
    page.get_by_label("The service plan needs a coordinator's approval").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The approvals your organization requires are saved.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, worker)
    page.goto(f"/app/cases/{case.pk}/")
    expect(page.get_by_text("Not yet submitted for approval.")).to_be_visible()
    page.get_by_role("link", name="Submit for approval").click()
    assert_accessible(page)
    page.get_by_label("The service plan").check()
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    expect(page.get_by_text("Submitted for approval", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, coordinator)
    page.goto("/app/cases/my-work/")
    expect(page.get_by_role("heading", name="Waiting for my approval")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Decide: Service plan of case {case.number}").click()
    assert_accessible(page)
    page.get_by_label("Reject, with a comment").check()
    page.get_by_label("Comment for the caseworker").fill("Add a goal about income.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    page.goto("/app/cases/approvals/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, worker)
    page.goto(f"/app/cases/{case.pk}/")
    expect(page.get_by_text("Add a goal about income.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, admin)
    page.goto("/app/cases/reassign/")
    assert_accessible(page)
    page.get_by_label("Departing worker").select_option(str(worker.pk))
    page.get_by_label("Receiving worker").select_option(str(colleague.pk))
    page.get_by_role("button", name="Show what would move").click()
    expect(page.get_by_role("heading", name="Confirm the move")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Move them now").click()
    expect(page.get_by_text("1 cases and 0 tasks moved to Synthetic Colleague", exact=False)).to_be_visible()
    assert m.Case.objects.get(pk=case.pk).owner_worker == colleague
