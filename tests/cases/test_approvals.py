"""Approvals: one flow for the needs assessment, the service plan and closure — requested by the case's
worker, decided by a coordinator who did not ask, as each organization requires."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from octip.cases import models as m
from octip.cases import selectors, services
from octip.cases.services import approvals
from octip.core.models import AuditEvent
from octip.notifications.models import Notification
from octip.partners.models import Organization
from tests.factories import UserFactory

from .conftest import open_case, person_data


def require(org, **settings) -> None:
    Organization.objects.filter(pk=org.pk).update(**settings)
    org.refresh_from_db()


@pytest.fixture
def needs_and_plan_required(world):
    require(world.org_a, requires_needs_approval=True, requires_plan_approval=True)
    world.case_a.owner_organization.refresh_from_db()
    return world


def assess(world, case=None, domain="safety"):
    return services.save_need(actor=world.caseworker_a, case=case or world.case_a, domain=domain, priority="high",
                              status="identified", notes="Synthetic notes")


def plan(world, case=None):
    return services.add_goal(actor=world.caseworker_a, case=case or world.case_a, description="Safe housing")


def kinds(case) -> list[str]:
    return list(case.timeline.order_by("created_at", "id").values_list("kind", flat=True))


@pytest.mark.parametrize("subject, prepare", [("needs_assessment", assess), ("service_plan", plan)])
def test_each_subject_is_requested_then_approved(needs_and_plan_required, subject, prepare):
    world = needs_and_plan_required
    prepare(world)
    approval = services.request_approval(actor=world.caseworker_a, case=world.case_a, subject=subject)
    assert approval.decision == "pending"
    assert "case.approval_requested" in kinds(world.case_a)
    services.decide_approval(actor=world.coordinator, approval=approval, action="approve", comment="")
    approval.refresh_from_db()
    assert (approval.decision, approval.decided_by) == ("approved", world.coordinator)
    assert kinds(world.case_a)[-1] == "case.approval_approved"
    assert AuditEvent.objects.filter(action="case.approval_approved").count() == 1


@pytest.mark.parametrize("subject, prepare", [("needs_assessment", assess), ("service_plan", plan)])
def test_each_subject_rejected_needs_a_comment_kept_encrypted(needs_and_plan_required, subject, prepare):
    world = needs_and_plan_required
    prepare(world)
    approval = services.request_approval(actor=world.caseworker_a, case=world.case_a, subject=subject)
    with pytest.raises(ValidationError):
        services.decide_approval(actor=world.coordinator, approval=approval, action="reject", comment="  ")
    services.decide_approval(actor=world.coordinator, approval=approval, action="reject",
                             comment="Add the housing need of Synthetic Person")
    approval.refresh_from_db()
    assert approval.decision == "rejected" and approval.comment == "Add the housing need of Synthetic Person"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT comment FROM cases_approvalrequest WHERE id = %s", [approval.pk])
        stored = cursor.fetchone()[0]
    assert "Synthetic Person" not in stored
    assert not any("Synthetic Person" in json.dumps(e.detail) for e in AuditEvent.objects.all())
    # A rejected subject may be submitted again.
    again = services.request_approval(actor=world.caseworker_a, case=world.case_a, subject=subject)
    assert again.decision == "pending"


def test_closure_goes_through_the_same_flow_and_keeps_its_detail(world):
    services.change_stage(actor=world.caseworker_a, case=world.case_a, to_stage="assessment",
                          expected_version=world.case_a.version)
    closure = services.request_closure(actor=world.caseworker_a, case=world.case_a, reason="Goals met",
                                       outcome="goals_met")
    approval = closure.approval
    assert (approval.subject, approval.decision, approval.requested_by) == ("closure", "pending", world.caseworker_a)
    assert list(selectors.pending_approvals_for(actor=world.coordinator)) == [approval]
    services.decide_approval(actor=world.coordinator, approval=approval, action="reject", comment="Not yet")
    closure.refresh_from_db()
    world.case_a.refresh_from_db()
    assert (closure.decision, closure.comment, closure.decided_by) == ("rejected", "Not yet", world.coordinator)
    assert world.case_a.stage == "assessment"  # back to its previous stage


def test_self_approval_is_refused(needs_and_plan_required):
    world = needs_and_plan_required
    plan(world)
    # A coordinator of the organization who submits the plan of a case they work cannot approve it.
    local = UserFactory(role="coordinator", organization=world.org_a, teams=[world.team_a1])
    approval = services.request_approval(actor=local, case=world.case_a, subject="service_plan")
    with pytest.raises(ValidationError, match="your own request"):
        services.decide_approval(actor=local, approval=approval, action="approve", comment="")
    assert not approvals.may_decide(local, approval)
    assert approval not in selectors.pending_approvals_for(actor=local)
    approval.refresh_from_db()
    assert approval.decision == "pending"
    with pytest.raises(PermissionDenied):  # a caseworker holds no approval permission
        services.decide_approval(actor=world.caseworker_a2, approval=approval, action="approve", comment="")


def test_not_required_steps_proceed_directly(world):
    assert not world.org_a.requires_needs_approval and world.org_a.requires_closure_approval  # the defaults
    assess(world)
    with pytest.raises(ValidationError, match="does not require"):
        services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="needs_assessment")
    require(world.org_a, requires_closure_approval=False)
    world.case_a.owner_organization.refresh_from_db()
    closure = services.request_closure(actor=world.caseworker_a, case=world.case_a, reason="Goals met",
                                       outcome="goals_met")
    world.case_a.refresh_from_db()
    assert world.case_a.stage == "closed" and world.case_a.closed_at is not None
    assert closure.decision == "approved" and not m.ApprovalRequest.objects.exists()
    assert kinds(world.case_a)[-1] == "case.closed_without_approval"
    assert not Notification.objects.filter(kind="closure.requested").exists()


def test_a_plan_changed_after_approval_needs_approval_again(needs_and_plan_required):
    world = needs_and_plan_required
    goal = plan(world)
    approval = services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="service_plan")
    services.decide_approval(actor=world.coordinator, approval=approval, action="approve", comment="")
    # Carrying the plan out keeps its approval.
    services.update_goal(actor=world.caseworker_a, goal=goal, status="achieved", expected_version=goal.version)
    approval.refresh_from_db()
    assert approval.decision == "approved"
    # Changing it does not.
    services.add_goal(actor=world.caseworker_a, case=world.case_a, description="Work permit")
    approval.refresh_from_db()
    assert approval.decision == "superseded"
    assert kinds(world.case_a)[-2] == "case.approval_superseded"
    assert selectors.approval_states(case=world.case_a)["service_plan"] == approval


def test_an_assessment_changed_while_pending_is_withdrawn_from_the_coordinator(needs_and_plan_required):
    world = needs_and_plan_required
    assess(world)
    approval = services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="needs_assessment")
    need = m.Need.objects.get(case=world.case_a, domain="safety")
    services.save_need(actor=world.caseworker_a, case=world.case_a, domain="safety", priority="low",
                       status="met", notes=None, expected_version=need.version)
    approval.refresh_from_db()
    assert approval.decision == "superseded"
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_approval(actor=world.coordinator, approval=approval, action="approve", comment="")


def test_a_second_request_while_one_waits_is_refused(needs_and_plan_required):
    world = needs_and_plan_required
    assess(world)
    services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="needs_assessment")
    with pytest.raises(ValidationError, match="already waiting"):
        services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="needs_assessment")
    assert m.ApprovalRequest.objects.count() == 1


def test_the_second_decider_loses_cleanly(needs_and_plan_required):
    world = needs_and_plan_required
    plan(world)
    approval = services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="service_plan")
    second = UserFactory(role="coordinator", organization=world.office)
    # Both read the request while it waited; the first decision wins, the second changes nothing.
    stale = m.ApprovalRequest.objects.get(pk=approval.pk)
    services.decide_approval(actor=world.coordinator, approval=approval, action="approve", comment="")
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_approval(actor=second, approval=stale, action="reject", comment="No")
    approval.refresh_from_db()
    assert (approval.decision, approval.decided_by, approval.comment) == ("approved", world.coordinator, "")
    assert AuditEvent.objects.filter(action__in=["case.approval_approved", "case.approval_rejected"]).count() == 1


def test_notifications_go_to_the_approvers_then_to_the_requester_only(needs_and_plan_required):
    world = needs_and_plan_required
    local = UserFactory(role="coordinator", organization=world.org_a)
    other_org_coordinator = UserFactory(role="coordinator", organization=world.org_b)
    assess(world)
    approval = services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="needs_assessment")
    asked = Notification.objects.filter(kind="approval.requested")
    # The organization has its own coordinator: they are asked, not the office nor another partner.
    assert {n.recipient for n in asked} == {local}
    assert all(world.case_a.number in n.message for n in asked)
    services.decide_approval(actor=local, approval=approval, action="reject", comment="More detail please")
    told = Notification.objects.filter(kind="approval.decided")
    assert {n.recipient for n in told} == {world.caseworker_a}
    assert "not approved" in told.get().message
    assert not Notification.objects.filter(recipient__in=[other_org_coordinator, world.caseworker_a2]).exists()
    assert not any("More detail" in n.message for n in Notification.objects.all())


def test_another_organizations_side_cannot_decide_nor_see(needs_and_plan_required, client_for):
    world = needs_and_plan_required
    plan(world)
    approval = services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="service_plan")
    other_coordinator = UserFactory(role="coordinator", organization=world.org_b)
    # A coordinator of another partner sees every case by role, but decides only for their own.
    with pytest.raises(PermissionDenied):
        services.decide_approval(actor=other_coordinator, approval=approval, action="approve", comment="")
    assert approval not in selectors.pending_approvals_for(actor=other_coordinator)
    url = reverse("cases:approval_decide", args=[world.case_a.pk, approval.pk])
    for outsider in (world.caseworker_b, other_coordinator):
        response = client_for(outsider).post(url, {"decision": "approve", "comment": ""})
        assert response.status_code in (403, 404), outsider
    api = client_for(world.caseworker_b).post(
        f"/api/v1/cases/{world.case_a.pk}/approvals/{approval.pk}/decision",
        json.dumps({"action": "approve", "comment": ""}), content_type="application/json")
    assert api.status_code == 404
    assert client_for(world.caseworker_b).get("/api/v1/approvals/pending").status_code == 403  # decides nothing
    assert client_for(other_coordinator).get("/api/v1/approvals/pending").json() == []
    approval.refresh_from_db()
    assert approval.decision == "pending"


def test_pages_submit_show_the_state_and_decide(needs_and_plan_required, client_for):
    world = needs_and_plan_required
    assess(world)
    worker = client_for(world.caseworker_a)
    response = worker.post(reverse("cases:approval_request", args=[world.case_a.pk]), {"subject": "needs_assessment"})
    assert response.status_code == 302
    page = worker.get(reverse("cases:detail", args=[world.case_a.pk])).content.decode()
    assert "Submitted for approval" in page
    approval = m.ApprovalRequest.objects.get()
    coordinator = client_for(world.coordinator)
    assert world.case_a.number in coordinator.get(reverse("cases:my_work")).content.decode()
    assert coordinator.get(reverse("cases:approvals")).status_code == 200
    url = reverse("cases:approval_decide", args=[world.case_a.pk, approval.pk])
    assert coordinator.get(url).status_code == 200
    assert coordinator.post(url, {"decision": "reject", "comment": ""}).status_code == 400
    assert coordinator.post(url, {"decision": "reject", "comment": "Add the legal need"}).status_code == 302
    page = worker.get(reverse("cases:detail", args=[world.case_a.pk])).content.decode()
    assert "Not approved" in page and "Add the legal need" in page
    with_fr = worker.get(reverse("cases:detail", args=[world.case_a.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert with_fr.status_code == 200


def test_api_requests_lists_and_decides(needs_and_plan_required, client_for):
    world = needs_and_plan_required
    plan(world)
    worker, coordinator = client_for(world.caseworker_a), client_for(world.coordinator)
    created = worker.post(f"/api/v1/cases/{world.case_a.pk}/approvals", json.dumps({"subject": "service_plan"}),
                          content_type="application/json")
    assert created.status_code == 201, created.content
    approval_id = created.json()["id"]
    pending = coordinator.get("/api/v1/approvals/pending").json()
    assert [row["id"] for row in pending] == [approval_id]
    assert worker.post(f"/api/v1/cases/{world.case_a.pk}/approvals/{approval_id}/decision",
                       json.dumps({"action": "approve", "comment": ""}),
                       content_type="application/json").status_code == 403
    decided = coordinator.post(f"/api/v1/cases/{world.case_a.pk}/approvals/{approval_id}/decision",
                               json.dumps({"action": "approve", "comment": ""}), content_type="application/json")
    assert decided.status_code == 200 and decided.json()["decision"] == "approved"
    again = coordinator.post(f"/api/v1/cases/{world.case_a.pk}/approvals/{approval_id}/decision",
                             json.dumps({"action": "reject", "comment": "late"}), content_type="application/json")
    assert again.status_code in (400, 422)


def test_the_org_administrator_sets_the_requirements_audited(world, client_for):
    url = reverse("app:approval_settings")
    admin = client_for(world.org_admin_a)
    assert admin.get(url).status_code == 200
    response = admin.post(url, {"requires_needs_approval": "on", "requires_closure_approval": "on"})
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert (world.org_a.requires_needs_approval, world.org_a.requires_plan_approval,
            world.org_a.requires_closure_approval) == (True, False, True)
    event = AuditEvent.objects.get(action="organization.approvals_set")
    assert event.detail["after"] == {"needs_assessment": True, "service_plan": False, "closure": True}
    assert event.detail["before"]["needs_assessment"] is False
    for outsider in (world.caseworker_a, world.coordinator):
        assert client_for(outsider).post(url, {"requires_plan_approval": "on"}).status_code == 403
    world.org_a.refresh_from_db()
    assert world.org_a.requires_plan_approval is False
    assert AuditEvent.objects.filter(action="organization.approvals_set").count() == 1


def test_my_work_pages_the_approvals_waiting_like_the_other_groups(needs_and_plan_required):
    world = needs_and_plan_required
    cases = [world.case_a] + [open_case(
        world.caseworker_a, person_data(
            legal_name=f"Synthetic {i}", phone=f"604 555 02{i}0")) for i in range(2)]
    for case in cases:
        plan(world, case)
        services.request_approval(actor=world.caseworker_a, case=case, subject="service_plan")
    first = selectors.my_work_for_reading(actor=world.coordinator, limit=2)
    assert len(first["approvals"]) == 2 and first["totals"]["approvals"].count == 3
    more = selectors.my_work_for_reading(actor=world.coordinator, limit=2,
                                         cursors={"approvals": first["pages"]["approvals"].next_cursor})
    assert len(more["approvals"]) == 1
    assert {a.case for a in [*first["approvals"], *more["approvals"]]} == set(cases)
    # A caseworker decides nothing: their group is empty.
    assert selectors.my_work_for_reading(actor=world.caseworker_a)["approvals"] == []


def test_a_receiver_of_the_plan_sees_no_approval_state_nor_comment(needs_and_plan_required, client_for):
    from .conftest import share

    world = needs_and_plan_required
    plan(world)
    approval = services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="service_plan")
    services.decide_approval(actor=world.coordinator, approval=approval, action="reject",
                             comment="Synthetic private remark")
    share(world, world.case_a, ["summary", "plan"])
    page = client_for(world.caseworker_b).get(reverse("cases:detail", args=[world.case_a.pk])).content.decode()
    assert "Safe housing" in page  # the plan is shared
    assert "Synthetic private remark" not in page and "Not approved" not in page and "Draft" not in page
