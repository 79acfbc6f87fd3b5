"""Assigning a case: only to staff of the owner organization, never to nobody, and a receiver of
a referral is not shown the owner organization's teams and staff."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from octip.cases import services
from octip.core.models import AuditEvent

from .conftest import share


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def test_coordinator_cannot_assign_a_worker_of_another_organization_to_open_the_case(world, client_for):
    client = client_for(world.coordinator)
    response = client.put(f"/api/v1/cases/{world.case_a.pk}/assignment", json.dumps({
        "owner_team_id": world.team_a1.pk, "owner_worker_id": world.caseworker_a.pk,
        "assigned_worker_ids": [world.caseworker_b.pk]}), content_type="application/json")
    assert response.status_code == 400
    assert "assigned_workers" in response.content.decode()
    assert not world.case_a.assigned_workers.filter(pk=world.caseworker_b.pk).exists()
    assert client_for(world.caseworker_b).get(f"/api/v1/cases/{world.case_a.pk}").status_code == 404
    with pytest.raises(ValidationError):
        services.assign_case(actor=world.coordinator, case=world.case_a, owner_team=world.team_a1,
                             owner_worker=world.caseworker_a, assigned_workers=[world.caseworker_b])
    # Inside the organization an assignment still works.
    services.assign_case(actor=world.coordinator, case=world.case_a, owner_team=world.team_a1,
                         owner_worker=world.caseworker_a, assigned_workers=[world.caseworker_a2])
    assert client_for(world.caseworker_a2).get(f"/api/v1/cases/{world.case_a.pk}").status_code == 200


def test_an_empty_assignment_is_refused_and_the_caseworker_keeps_the_case(world, client_for):
    coordinator = client_for(world.coordinator)
    case = world.case_a
    before = (case.owner_team_id, case.owner_worker_id)
    url = f"/api/v1/cases/{case.pk}/assignment"
    for body in ({}, {"owner_team_id": None, "owner_worker_id": None, "assigned_worker_ids": []}):
        response = put(coordinator, url, body)
        assert response.status_code in (400, 422), (body, response.content)
    case.refresh_from_db()
    assert (case.owner_team_id, case.owner_worker_id) == before
    assert client_for(world.caseworker_a).get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert not AuditEvent.objects.filter(action="case.assigned").exists()
    # Naming either one is enough.
    response = put(coordinator, url, {"owner_team_id": world.team_a1.pk, "owner_worker_id": None,
                                      "assigned_worker_ids": [world.caseworker_a2.pk]})
    assert response.status_code == 200 and response.json()["owner_worker_id"] is None
    # Leaving the other assigned workers out keeps them (it does not unassign them).
    response = put(coordinator, url, {"owner_team_id": world.team_a1.pk, "owner_worker_id": world.caseworker_a.pk})
    assert response.status_code == 200
    assert list(case.assigned_workers.values_list("pk", flat=True)) == [world.caseworker_a2.pk]


def test_the_assignment_page_refuses_to_leave_the_case_without_owner(world, client_for):
    from django.urls import reverse

    case = world.case_a
    response = client_for(world.coordinator).post(reverse("cases:assign", args=[case.pk]),
                                                  {"owner_team": "", "owner_worker": ""})
    assert response.status_code == 400
    assert "Choose the owning team or the caseworker" in response.content.decode()
    case.refresh_from_db()
    assert case.owner_worker_id == world.caseworker_a.pk


def test_receiver_is_not_shown_the_owner_organizations_teams_and_staff(world, client_for):
    share(world, world.case_a, ["summary", "plan"])
    goal = services.add_goal(actor=world.caseworker_a, case=world.case_a, description="Housing")
    client = client_for(world.caseworker_b)
    assign = client.get(reverse("cases:assign", args=[world.case_a.pk]))
    assert assign.status_code == 403
    assert world.caseworker_a.full_name not in assign.content.decode()
    assert world.team_a1.name not in assign.content.decode()
    action = client.get(reverse("cases:plan_action_add", args=[world.case_a.pk, goal.pk]))
    assert action.status_code == 200
    html = action.content.decode()
    assert world.caseworker_a.full_name not in html and world.caseworker_a2.full_name not in html
    assert world.caseworker_b.full_name in html  # the receiver's own colleagues (who see the case) are offered
    # The owner's circle is still offered its own staff who can see the case.
    own = client_for(world.caseworker_a).get(reverse("cases:plan_action_add", args=[world.case_a.pk, goal.pk]))
    assert world.caseworker_a.full_name in own.content.decode()
    assert world.caseworker_a2.full_name not in own.content.decode()  # another team: cannot see the case
