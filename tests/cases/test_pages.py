"""Every page of a case renders for its owner and answers 404 to an outsider; forms post through
the same services."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from octip.cases import models as m
from octip.cases import services

from .conftest import open_case, person_data


@pytest.fixture
def youth_case(world):
    born = timezone.localdate().replace(year=timezone.localdate().year - 15)
    return open_case(world.caseworker_a, person_data(legal_name="Young Synthetic", date_of_birth=born))


def page_urls(case, goal, document) -> list[str]:
    return [
        reverse("cases:detail", args=[case.pk]), reverse("cases:edit", args=[case.pk]),
        reverse("cases:person_edit", args=[case.pk]), reverse("cases:assign", args=[case.pk]),
        reverse("cases:closure_request", args=[case.pk]), reverse("cases:youth", args=[case.pk]),
        reverse("cases:duty_to_report", args=[case.pk]), reverse("cases:need_edit", args=[case.pk, "legal"]),
        reverse("cases:goal_add", args=[case.pk]), reverse("cases:plan_action_add", args=[case.pk, goal.pk]),
        reverse("cases:task_add", args=[case.pk]), reverse("cases:note_add", args=[case.pk]),
        reverse("cases:safety_plan", args=[case.pk]), reverse("cases:safety_plan_print", args=[case.pk]),
        reverse("cases:document_upload", args=[case.pk]),
    ]


def test_every_case_page_renders_for_owner_and_is_404_for_outsider(world, youth_case, client_for):
    goal = services.add_goal(actor=world.caseworker_a, case=youth_case, description="Schooling")
    services.save_safety_plan(actor=world.caseworker_a, case=youth_case, changes={"risks": "x"}, expected_version=None)
    owner, outsider = client_for(world.caseworker_a), client_for(world.caseworker_b)
    for url in page_urls(youth_case, goal, None):
        assert owner.get(url).status_code == 200, url
        assert outsider.get(url).status_code == 404, url
    detail = owner.get(reverse("cases:detail", args=[youth_case.pk])).content.decode()
    assert "Duty to report outstanding" in detail
    for url in ("cases:list", "cases:my_work", "cases:intake"):
        assert owner.get(reverse(url)).status_code == 200


def test_duty_to_report_form_records_and_clears_the_warning(world, youth_case, client_for):
    client = client_for(world.caseworker_a)
    response = client.post(reverse("cases:duty_to_report", args=[youth_case.pk]), {
        "reported_by_name": "Synthetic Worker", "reported_at": "2026-01-05T10:30", "office": "mcfd_office",
        "office_detail": "Surrey", "reference": "REF-1"})
    assert response.status_code == 302
    detail = client.get(reverse("cases:detail", args=[youth_case.pk])).content.decode()
    assert "Duty to report outstanding" not in detail and "REF-1" in detail


def test_break_glass_page_for_coordinator_only(world, client_for):
    url = reverse("cases:break_glass", args=[world.case_a.pk])
    assert client_for(world.caseworker_a).get(url).status_code == 403
    coordinator = client_for(world.coordinator)
    assert coordinator.post(url, {"reason": "short", "minutes": 60}).status_code == 400
    assert coordinator.post(url, {"reason": "Person missing; police need contacts", "minutes": 60}).status_code == 302
    assert m.EmergencyAccess.objects.filter(user=world.coordinator).count() == 1
    assert "You are using emergency access" in coordinator.get(
        reverse("cases:detail", args=[world.case_a.pk])).content.decode()


def test_assign_page_gives_case_to_another_team(world, client_for):
    client = client_for(world.coordinator)
    response = client.post(reverse("cases:assign", args=[world.case_a.pk]), {
        "owner_team": world.team_a2.pk, "owner_worker": world.caseworker_a2.pk})
    assert response.status_code == 302
    assert client_for(world.caseworker_a2).get(reverse("cases:detail", args=[world.case_a.pk])).status_code == 200
    # The former team no longer sees it.
    assert client_for(world.caseworker_a).get(reverse("cases:detail", args=[world.case_a.pk])).status_code == 404


def test_stage_post_with_stale_version_is_refused(world, client_for):
    client = client_for(world.caseworker_a)
    url = reverse("cases:stage", args=[world.case_a.pk])
    assert client.post(url, {"stage": "assessment", "version": 1}).status_code == 302
    response = client.post(url, {"stage": "planning", "version": 1})
    assert response.status_code == 409
    world.case_a.refresh_from_db()
    assert world.case_a.stage == "assessment"


def test_french_case_page(world, client_for):
    client = client_for(world.caseworker_a)
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("cases:detail", args=[world.case_a.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Évaluation des besoins" in html and "Chronologie" in html


def test_case_page_links_to_consents_and_referrals(world, client_for):
    html = client_for(world.caseworker_a).get(reverse("cases:detail", args=[world.case_a.pk])).content.decode()
    assert reverse("consent:case_consents", args=[world.case_a.pk]) in html
    assert reverse("referrals:case_referrals", args=[world.case_a.pk]) in html


def test_timeline_is_shown_in_the_readers_language(world, client_for):
    from django.utils import translation

    with translation.override("fr"):  # written by a French-speaking worker ...
        services.change_stage(actor=world.caseworker_a, case=world.case_a, to_stage="assessment",
                              expected_version=world.case_a.version)
    entry = world.case_a.timeline.get(kind="case.stage_changed")
    assert entry.summary == "Stage changed from Intake to Assessment."  # stored in English
    client = client_for(world.caseworker_a)
    english = client.get(f"/api/v1/cases/{world.case_a.pk}/timeline").json()
    assert "Stage changed from Intake to Assessment." in [e["summary"] for e in english]
    french = client.get(f"/api/v1/cases/{world.case_a.pk}/timeline", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert "Changement d'étape : Accueil → Évaluation." in [e["summary"] for e in french]
    assert all("_i18n" not in e["detail"] for e in french)
