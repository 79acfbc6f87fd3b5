"""A caseworker raises a flag, sets the risk level, finds the case by its flag and resolves the flag,
with axe checks on each page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from octip.cases import services
from tests.cases.conftest import case_data, person_data
from tests.factories import OrganizationFactory, TeamFactory, UserFactory, region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_raising_a_flag_assessing_the_risk_and_filtering_the_list(page, sign_in, assert_accessible):
    region("fraser")
    org = OrganizationFactory()
    worker = UserFactory(role="caseworker", organization=org, teams=[TeamFactory(organization=org)])
    case = services.open_case(actor=worker, person=person_data(legal_name="Rosa Synthetic Example"),
                              case=case_data())

    sign_in(page, worker)
    page.goto(f"/app/cases/{case.pk}/")
    page.get_by_role("link", name="Raise a flag").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/flags/new/")
    page.get_by_role("button", name="Raise flag").click()  # nothing chosen: errors on the fields
    page.wait_for_url(f"**/app/cases/{case.pk}/flags/new/")
    assert_accessible(page)
    page.get_by_label("Kind of flag").select_option("no_home_contact")
    page.get_by_label("Reason").fill("Shares housing with people linked to the recruiter.")
    page.get_by_label("Review by").fill((timezone.localdate() + datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Raise flag").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    assert page.locator(".case-flags").get_by_text("Do not contact at home").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Assess the risk").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/risk/")
    assert_accessible(page)
    page.get_by_label("Risk level").select_option("high")
    page.get_by_label("What the assessment rests on").fill("Recent threats reported.")
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    assert page.get_by_text("Risk: High").is_visible()

    page.goto("/app/cases/?flag=no_home_contact")
    assert page.get_by_role("link", name=case.number).is_visible()
    assert_accessible(page)

    page.goto(f"/app/cases/{case.pk}/")
    page.get_by_role("link", name="Resolve the flag “Do not contact at home”").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/flags/*/resolve/")
    assert_accessible(page)
    page.get_by_role("button", name="Resolve flag").click()
    page.wait_for_url(f"**/app/cases/{case.pk}/")
    assert page.get_by_text("No open flags.").is_visible()
