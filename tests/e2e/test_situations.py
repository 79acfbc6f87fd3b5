"""A caseworker records a situation, adds a person of interest and links a case, and the case page
shows the situation; axe checks each page, in English and French."""

from __future__ import annotations

import pytest

from octip.situations import services
from octip.situations.models import Situation
from tests.factories.cases import make_case
from tests.factories.partners import OrganizationFactory, TeamFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def clean(assert_accessible, page) -> None:
    violations = assert_accessible(page).response["violations"]
    assert not violations, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_a_caseworker_records_a_situation_and_sees_it_on_the_case(page, make_user, sign_in, assert_accessible):
    org = OrganizationFactory(name="Support office (e2e)")
    team, other_team = TeamFactory(organization=org), TeamFactory(organization=org)
    worker = make_user("caseworker", organization=org, teams=[team])
    colleague = make_user("caseworker", organization=org, teams=[other_team])
    case = make_case(organization=org, team=team, worker=worker)
    theirs = make_case(organization=org, team=other_team, worker=colleague)

    sign_in(page, worker)
    page.goto("/app/situations/")
    clean(assert_accessible, page)
    page.get_by_role("link", name="Record a situation").click()
    page.get_by_role("button", name="Save").click()  # sent empty: the errors are accessible too
    assert page.locator("#form-errors").is_visible()
    clean(assert_accessible, page)
    page.get_by_label("Kind").select_option("employer")
    page.get_by_label("Title").fill("Synthetic Orchard (e2e)")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/app/situations/*/")
    assert page.get_by_text("The situation is recorded.").is_visible()
    situation_url = page.url
    situation_id = int(situation_url.rstrip("/").split("/")[-1])
    services.link_case(actor=colleague, situation=Situation.objects.get(pk=situation_id), case=theirs)
    page.get_by_role("link", name="Link a case").click()
    page.get_by_label("Case number").fill(case.number)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(situation_url)
    page.get_by_role("link", name="Add a person of interest").click()
    clean(assert_accessible, page)
    page.get_by_label("Names").fill("Synthetic Supervisor")
    page.get_by_label("Phone numbers").fill("604-555-0190")
    page.get_by_label("Exploiter").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(situation_url)
    assert page.get_by_text("and 1 other case outside your scope").is_visible()
    assert page.get_by_text(theirs.number).count() == 0
    clean(assert_accessible, page)
    page.get_by_role("link", name="Synthetic Supervisor").click()
    clean(assert_accessible, page)
    page.goto(f"/app/cases/{case.pk}/")
    assert page.get_by_text("Linked to 1 other case.").is_visible()
    clean(assert_accessible, page)
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.get_by_text("Lié à 1 autre dossier.").is_visible()
    clean(assert_accessible, page)
    page.goto(situation_url)
    assert page.get_by_role("heading", name="Personnes d'intérêt").is_visible()
    clean(assert_accessible, page)
    page.goto("/app/situations/")
    clean(assert_accessible, page)
