"""A caseworker records a TRP and finds its deadline in "My work"; a police liaison sees only the case
disclosed to their service. axe checks each page, in English and French."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from octip.justice import services
from tests.factories.cases import make_case
from tests.factories.consent import make_consent
from tests.factories.partners import OrganizationFactory, TeamFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def clean(assert_accessible, page) -> None:
    """No axe violation at all (the accessibility sweep holds every page to that)."""
    violations = assert_accessible(page).response["violations"]
    assert not violations, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_a_caseworker_records_a_trp_and_sees_its_deadline_in_my_work(page, make_user, sign_in, assert_accessible):
    org = OrganizationFactory(name="Support office (e2e)")
    team = TeamFactory(organization=org)
    worker = make_user("caseworker", organization=org, teams=[team])
    case = make_case(organization=org, team=team, worker=worker)
    issued = timezone.localdate() - datetime.timedelta(days=10)
    expires = issued + datetime.timedelta(days=365)

    sign_in(page, worker)
    page.goto(f"/app/cases/{case.pk}/")
    page.get_by_role("link", name="Justice and immigration").click()
    clean(assert_accessible, page)
    page.get_by_role("link", name="Record a contact with police").click()
    page.get_by_role("button", name="Save").click()  # sent empty: the errors are accessible too
    expect(page.locator("#form-errors")).to_be_visible()
    clean(assert_accessible, page)
    page.goto(f"/app/justice/case/{case.pk}/status/new/")
    clean(assert_accessible, page)
    page.get_by_label("Status or permit").select_option("trp")
    page.get_by_label("Decision").select_option("approved")
    page.get_by_label("Issued on").fill(issued.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The status is recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name=expires.isoformat()).first).to_be_visible()
    page.goto("/app/cases/my-work/")
    expect(page.get_by_text(f"TRP expires: {expires.isoformat()}").first).to_be_visible()
    page.goto("/app/justice/deadlines/")
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    clean(assert_accessible, page)
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Mes échéances"
    clean(assert_accessible, page)
    page.goto(f"/app/justice/case/{case.pk}/")
    clean(assert_accessible, page)
    page.goto("/app/justice/rules/")
    expect(page.get_by_text("à vérifier").first).to_be_visible()
    clean(assert_accessible, page)


def test_a_police_liaison_sees_only_the_disclosed_case(page, make_user, sign_in, assert_accessible):
    org = OrganizationFactory(name="Support office (e2e)")
    team = TeamFactory(organization=org)
    worker = make_user("caseworker", organization=org, teams=[team])
    police = OrganizationFactory(name="Police X (e2e)", type="law_enforcement")
    liaison = make_user("police_liaison", organization=police)
    disclosed, other = (make_case(organization=org, team=team, worker=worker) for _ in range(2))
    make_consent(case=disclosed, obtained_by=worker, organization=police, sections=["summary", "justice"])
    make_consent(case=disclosed, obtained_by=worker, scope="police_contact")
    services.record_proceeding(actor=worker, case=disclosed, accused="Synthetic Accused E2E", charges=["cc_279_01"])
    services.record_police_contact(actor=worker, case=disclosed, organization=police, purpose="statement",
                                   sections=["summary", "justice"], contacted_on=timezone.localdate())

    sign_in(page, liaison)
    page.goto("/app/cases/")
    expect(page.get_by_role("link", name=disclosed.number)).to_be_visible()
    assert page.get_by_role("link", name=other.number).count() == 0
    page.get_by_role("link", name=disclosed.number).click()
    page.get_by_role("link", name="Justice and immigration").click()
    expect(page.get_by_text("Synthetic Accused E2E")).to_be_visible()
    assert page.get_by_role("link", name="Record criminal proceedings").count() == 0
    clean(assert_accessible, page)
    assert page.goto(f"/app/cases/{other.pk}/").status == 404
