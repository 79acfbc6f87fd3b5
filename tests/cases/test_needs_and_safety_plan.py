"""Editing needs assessments and the safety plan: a second writer is told instead of overwriting,
and a partial update keeps what it left out."""

from __future__ import annotations

import json

from django.urls import reverse

from octip.cases import models as m
from octip.cases import reference, services


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def test_two_workers_assessing_the_same_need_the_second_is_told_instead_of_overwriting(world, client_for):
    colleague = world.caseworker_a2
    world.case_a.assigned_workers.add(colleague)
    url = reverse("cases:need_edit", args=[world.case_a.pk, "safety"])
    first, second = client_for(world.caseworker_a), client_for(colleague)
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200  # both see no assessment
    assert first.post(url, {"domain": "safety", "priority": "high", "status": "in_progress", "notes": "first",
                            "version": ""}).status_code == 302
    response = second.post(url, {"domain": "safety", "priority": "low", "status": "met", "notes": "second",
                                 "version": ""})
    assert response.status_code == 409
    need = m.Need.objects.get(case=world.case_a, domain="safety")
    assert (need.priority, need.notes, need.version) == ("high", "first", 1)
    api = first.put(f"/api/v1/cases/{world.case_a.pk}/needs", json.dumps({
        "domain": "safety", "priority": "medium", "status": "identified", "notes": "api"}),
        content_type="application/json")
    assert api.status_code == 409
    need.refresh_from_db()
    assert need.notes == "first"
    # With the version they saw, the update goes through.
    ok = first.put(f"/api/v1/cases/{world.case_a.pk}/needs", json.dumps({
        "domain": "safety", "priority": "medium", "status": "identified", "notes": "api", "version": 1}),
        content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2


def test_updating_one_part_of_the_safety_plan_keeps_the_others(world, client_for):
    client = client_for(world.caseworker_a)
    case = world.case_a
    plan = services.save_safety_plan(actor=world.caseworker_a, case=case, expected_version=None,
                                     changes={"risks": "Old risk", "code_words": "BLUE-UMBRELLA",
                                              "trusted_contacts": "Synthetic aunt"})
    response = put(client, f"/api/v1/cases/{case.pk}/safety-plan", {"risks": "Updated risk", "version": plan.version})
    assert response.status_code == 200, response.content
    plan.refresh_from_db()
    assert (plan.risks, plan.code_words, plan.trusted_contacts) == ("Updated risk", "BLUE-UMBRELLA", "Synthetic aunt")


def test_changing_a_needs_priority_keeps_its_notes(world, client_for):
    client = client_for(world.caseworker_a)
    case = world.case_a
    domain = reference.needs_domains()[0].code
    need = services.save_need(actor=world.caseworker_a, case=case, domain=domain, priority="low",
                              status="identified", notes="Needs a dentist")
    response = put(client, f"/api/v1/cases/{case.pk}/needs",
                   {"domain": domain, "priority": "high", "status": "identified", "version": need.version})
    assert response.status_code == 200, response.content
    need.refresh_from_db()
    assert (need.priority, need.notes) == ("high", "Needs a dentist")
    # Sending notes explicitly still replaces them.
    response = put(client, f"/api/v1/cases/{case.pk}/needs",
                   {"domain": domain, "priority": "high", "status": "identified", "notes": "",
                    "version": need.version})
    need.refresh_from_db()
    assert response.status_code == 200 and need.notes == ""
