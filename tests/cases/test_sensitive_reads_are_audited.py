"""Issue 9 #15 (cases): reads of sensitive free text are on record, each from the selector that reads it —
the needs form of a domain, the closure decision page, and the timeline through the API."""

from __future__ import annotations

from django.urls import reverse

from octip.cases import services
from octip.core.models import AuditEvent


def _events(actor, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, actor_id=actor.pk))


def test_opening_the_needs_form_of_an_assessed_domain_is_recorded(world, client_for):
    services.save_need(actor=world.caseworker_a, case=world.case_a, domain="safety", priority="high",
                       status="in_progress", notes="NEEDMARK sleeps at the depot", expected_version=None)
    response = client_for(world.caseworker_a).get(reverse("cases:need_edit", args=[world.case_a.pk, "safety"]))
    assert response.status_code == 200 and "NEEDMARK" in response.content.decode()
    [event] = _events(world.caseworker_a, "case.needs_viewed")
    assert event.target_id == str(world.case_a.pk) and event.detail["domain"] == "safety"
    assert "NEEDMARK" not in str(event.detail)


def test_opening_the_closure_decision_page_is_recorded(world, client_for):
    closure = services.request_closure(actor=world.caseworker_a, case=world.case_a,
                                       reason="CLOSUREMARK moved in with her sister", outcome="goals_met")
    response = client_for(world.coordinator).get(reverse("cases:closure_decide", args=[world.case_a.pk, closure.pk]))
    assert response.status_code == 200 and "CLOSUREMARK" in response.content.decode()
    [event] = _events(world.coordinator, "case.closure_request_viewed")
    assert event.target_id == str(world.case_a.pk) and event.detail["closure_request_id"] == closure.pk


def test_reading_the_timeline_through_the_api_is_recorded(world, client_for):
    response = client_for(world.caseworker_a).get(f"/api/v1/cases/{world.case_a.pk}/timeline")
    assert response.status_code == 200 and response.json()
    [event] = _events(world.caseworker_a, "case.timeline_viewed")
    assert event.target_id == str(world.case_a.pk) and event.detail == {"count": len(response.json()), "via": "api"}
