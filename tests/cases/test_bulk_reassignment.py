"""Bulk reassignment: a departing worker's open cases and tasks move to a colleague of the same
organization, each case audited and on its timeline, the colleague told once; never across
organizations."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from octip.cases import models as m
from octip.cases import selectors, services
from octip.cases.services import reassignment
from octip.core.models import AuditEvent
from octip.notifications.models import Notification
from tests.factories import UserFactory

from .conftest import open_case, person_data


@pytest.fixture
def departure(world):
    """caseworker_a leaves: three open cases (one closed stays), tasks on them and on a colleague's case."""
    cases = [world.case_a] + [open_case(world.caseworker_a, person_data(legal_name=f"Synthetic Person {i}",
                                                                         phone=f"604 555 01{i}0"))
                              for i in range(2)]
    closed = open_case(world.caseworker_a, person_data(legal_name="Synthetic Closed", phone="604 555 0199"))
    m.Case.objects.filter(pk=closed.pk).update(stage="closed")
    due = timezone.localdate() + datetime.timedelta(days=3)
    for case in cases:
        services.add_task(actor=world.caseworker_a, case=case, title="Call back", due=due, assignee=world.caseworker_a)
    colleague_case = open_case(world.caseworker_a2, person_data(legal_name="Synthetic Colleague", phone="604 555 0188"))
    colleague_case.assigned_workers.add(world.caseworker_a)
    services.add_task(actor=world.caseworker_a2, case=colleague_case, title="Visit", due=due,
                      assignee=world.caseworker_a)
    cases[1].assigned_workers.add(world.caseworker_a)
    receiver = UserFactory(role="caseworker", organization=world.org_a, teams=[world.team_a2])
    return {"cases": cases, "closed": closed, "colleague_case": colleague_case, "receiver": receiver}


def test_open_cases_and_tasks_move_each_case_audited_and_the_receiver_told_once(world, departure):
    receiver = departure["receiver"]
    Notification.objects.all().delete()
    moved = services.reassign_departing_worker(actor=world.org_admin_a, departing=world.caseworker_a,
                                               receiver=receiver, team=world.team_a2)
    assert (moved.cases, moved.tasks, moved.cases_left, moved.tasks_left) == (3, 4, 0, 0)
    for case in departure["cases"]:
        case.refresh_from_db()
        assert (case.owner_worker, case.owner_team) == (receiver, world.team_a2)
        assert world.caseworker_a not in case.assigned_workers.all()
        assert case.timeline.filter(kind="case.reassigned").count() == 1
    departure["closed"].refresh_from_db()
    assert departure["closed"].owner_worker == world.caseworker_a  # a closed case stays as it was
    assert m.Task.objects.filter(assignee=world.caseworker_a, done_at__isnull=True).count() == 0
    # Per case: one audit event for each case moved, one for the colleague's case whose task moved.
    assert AuditEvent.objects.filter(action="case.reassigned").count() == moved.cases == 3
    assert AuditEvent.objects.filter(action="case.tasks_reassigned").count() == 1
    assert {e.target_id for e in AuditEvent.objects.filter(action="case.reassigned")} == {
        str(c.pk) for c in departure["cases"]}
    told = Notification.objects.filter(recipient=receiver)
    assert told.count() == 1 and "3" in told.get().message
    assert "Synthetic" not in told.get().message
    # The receiver now sees and works the cases.
    assert set(m.Case.objects.visible_to(receiver).filter(pk__in=[c.pk for c in departure["cases"]])) == set(
        departure["cases"])


def test_a_run_is_capped_and_the_rest_waits_for_the_next(world, departure, monkeypatch):
    monkeypatch.setattr(reassignment, "REASSIGN_CASE_LIMIT", 2)
    monkeypatch.setattr(reassignment, "REASSIGN_TASK_LIMIT", 1)
    first = services.reassign_departing_worker(actor=world.org_admin_a, departing=world.caseworker_a,
                                               receiver=departure["receiver"])
    assert (first.cases, first.cases_left) == (2, 1)
    assert first.tasks == 1 and first.tasks_left == 3
    second = services.reassign_departing_worker(actor=world.org_admin_a, departing=world.caseworker_a,
                                                receiver=departure["receiver"])
    assert (second.cases, second.cases_left) == (1, 0)
    assert AuditEvent.objects.filter(action="case.reassigned").count() == 3


@pytest.mark.parametrize("field", ["receiver", "team"])
def test_cross_organization_is_refused_and_nothing_changes(world, departure, field):
    receiver, team = departure["receiver"], None
    if field == "receiver":
        receiver = world.caseworker_b
    else:
        team = world.team_b
    with pytest.raises(ValidationError):
        services.reassign_departing_worker(actor=world.org_admin_a, departing=world.caseworker_a, receiver=receiver,
                                           team=team)
    assert m.Case.objects.filter(owner_worker=world.caseworker_a).count() == 4
    assert not AuditEvent.objects.filter(action__in=["case.reassigned", "case.tasks_reassigned"]).exists()


def test_another_organizations_administrator_cannot_move_our_worker(world, departure, client_for):
    admin_b = UserFactory(role="org_admin", organization=world.org_b)
    other_b = UserFactory(role="caseworker", organization=world.org_b, teams=[world.team_b])
    with pytest.raises(ValidationError):
        services.reassign_departing_worker(actor=admin_b, departing=world.caseworker_a, receiver=other_b)
    # Through the API, an account out of their scope is a 404; the page does not list it.
    api = client_for(admin_b)
    body = json.dumps({"departing_id": world.caseworker_a.pk, "receiver_id": departure["receiver"].pk})
    assert api.post("/api/v1/reassignments", body, content_type="application/json").status_code == 404
    assert api.post("/api/v1/reassignments/preview", body, content_type="application/json").status_code == 404
    page = api.get(reverse("cases:reassign")).content.decode()
    assert world.caseworker_a.full_name not in page
    response = api.post(reverse("cases:reassign"), {"departing": world.caseworker_a.pk, "receiver": other_b.pk,
                                                    "confirm": "on"})
    assert response.status_code == 400
    assert m.Case.objects.filter(owner_worker=world.caseworker_a).count() == 4
    assert not AuditEvent.objects.filter(action="case.reassigned").exists()


def test_only_a_role_that_holds_cases_receives_and_caseworkers_may_not_reassign(world, departure):
    with pytest.raises(ValidationError):
        services.reassign_departing_worker(actor=world.org_admin_a, departing=world.caseworker_a,
                                           receiver=world.trainer_a)
    with pytest.raises(ValidationError):
        services.reassign_departing_worker(actor=world.org_admin_a, departing=world.caseworker_a,
                                           receiver=world.caseworker_a)
    with pytest.raises(PermissionDenied):
        services.reassign_departing_worker(actor=world.caseworker_a2, departing=world.caseworker_a,
                                           receiver=departure["receiver"])
    assert m.Case.objects.filter(owner_worker=world.caseworker_a).count() == 4


def test_the_page_shows_how_many_then_moves_on_confirmation(world, departure, client_for):
    admin = client_for(world.org_admin_a)
    url = reverse("cases:reassign")
    assert admin.get(url).status_code == 200
    data = {"departing": world.caseworker_a.pk, "receiver": departure["receiver"].pk}
    preview = admin.post(url, data)
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "3 open cases and 4 open tasks" in text
    assert not any(c.number in text for c in departure["cases"])  # numbers only, never a case
    assert m.Case.objects.filter(owner_worker=world.caseworker_a).count() == 4  # nothing moved yet
    done = admin.post(url, {**data, "confirm": "on"})
    assert done.status_code == 302
    assert m.Case.objects.filter(owner_worker=departure["receiver"]).count() == 3
    assert admin.get(url, HTTP_ACCEPT_LANGUAGE="fr").status_code == 200


def test_the_api_previews_and_moves(world, departure, client_for):
    api = client_for(world.coordinator)
    body = json.dumps({"departing_id": world.caseworker_a.pk, "receiver_id": departure["receiver"].pk})
    preview = api.post("/api/v1/reassignments/preview", body, content_type="application/json")
    assert preview.status_code == 200 and preview.json()["cases"] == 3
    moved = api.post("/api/v1/reassignments", body, content_type="application/json")
    assert moved.status_code == 200, moved.content
    assert moved.json() == {"cases": 3, "tasks": 4, "cases_left": 0, "tasks_left": 0}
    assert selectors.open_cases_of(world.caseworker_a).count() == 0
