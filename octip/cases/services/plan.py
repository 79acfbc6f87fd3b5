"""The needs assessment, the service plan, tasks, notes and the safety plan."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core.access import allows
from octip.core.versioning import save_versioned
from octip.partners.models import Team, User

from .. import notices, reference
from ..models import (
    ApprovalSubject,
    Case,
    Goal,
    GoalStatus,
    Need,
    NeedStatus,
    Note,
    PlanAction,
    Priority,
    SafetyPlan,
    Sensitivity,
    Task,
)
from ..sections import validate_sections
from ..sharing import is_own_case, refuse_if_closed, require_section
from ..timeline import Kind, happened
from ..validation import SAFETY_FIELDS
from . import approvals
from .delivery import sync_plan_action_task

#: The rows a case has one of, that ``_create_once`` creates.
_Row = TypeVar("_Row", Need, SafetyPlan)


@transaction.atomic
def save_need(*, actor: User, case: Case, domain: str, priority: str, status: str, notes: str | None = "",
              expected_version: int | None = None) -> Need:
    """Set one domain of the needs assessment (create it, or update it with its version).
    ``notes=None`` keeps the notes already written."""
    require_section(actor, "case.edit", case, "needs")
    refuse_if_closed(case)
    if domain not in {t.code for t in reference.needs_domains()}:
        raise ValidationError({"domain": _("Unknown needs domain.")})
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a priority.")})
    if status not in NeedStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    need = Need.objects.filter(case=case, domain=domain).first()
    if notes is None:
        notes = need.notes if need is not None else ""
    if need is None:
        need = _create_once(Need, case=case, domain=domain, priority=priority, status=status, notes=notes,
                            updated_by=actor)
    else:
        need.priority, need.status, need.notes, need.updated_by = priority, status, notes, actor
        need.updated_at = timezone.now()
        # No version means "I saw no assessment": someone saved one meanwhile, so refuse, never overwrite.
        save_versioned(need, expected_version=expected_version if expected_version is not None else -1,
                       fields=["priority", "status", "notes", "updated_by", "updated_at"],
                       original={"priority": priority, "status": status, "notes": notes})
    approvals.content_changed(actor=actor, case=case, subject=ApprovalSubject.NEEDS_ASSESSMENT)
    happened(actor=actor, case=case, kind=Kind.NEED_SAVED,
             params={"domain": ("domain", domain), "status": ("need_status", status)},
             audit_detail={"domain": domain, "priority": priority, "status": status})
    return need


@transaction.atomic
def add_goal(*, actor: User, case: Case, description: str) -> Goal:
    require_section(actor, "case.edit", case, "plan")
    refuse_if_closed(case)
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the goal.")})
    goal = Goal.objects.create(case=case, description=description.strip(), created_by=actor)
    approvals.content_changed(actor=actor, case=case, subject=ApprovalSubject.SERVICE_PLAN)
    happened(actor=actor, case=case, kind=Kind.GOAL_ADDED, audit_detail={"goal_id": goal.pk})
    return goal


@transaction.atomic
def update_goal(*, actor: User, goal: Goal, status: str, expected_version: int) -> Goal:
    require_section(actor, "case.edit", goal.case, "plan")
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    goal.status = status
    save_versioned(goal, expected_version=expected_version, fields=["status"], original={"status": status})
    happened(actor=actor, case=goal.case, kind=Kind.GOAL_UPDATED, params={"status": ("goal_status", status)},
             audit_detail={"goal_id": goal.pk, "status": status})
    return goal


def _check_worker(user: User | None, case: Case, field: str) -> None:
    if user is not None and not allows(user, "case.view", case):
        raise ValidationError({field: _("This person cannot see the case; choose someone who can.")})


@transaction.atomic
def add_plan_action(*, actor: User, goal: Goal, description: str, owner: User | None = None,
                    due: datetime.date | None = None) -> PlanAction:
    require_section(actor, "case.edit", goal.case, "plan")
    refuse_if_closed(goal.case)
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the action.")})
    _check_worker(owner, goal.case, "owner")
    action = PlanAction.objects.create(goal=goal, description=description.strip(), owner=owner, due=due)
    approvals.content_changed(actor=actor, case=goal.case, subject=ApprovalSubject.SERVICE_PLAN)
    happened(actor=actor, case=goal.case, kind=Kind.PLAN_ACTION_ADDED, audit_detail={"action_id": action.pk})
    sync_plan_action_task(actor=actor, action=action)  # a due date makes the action's task
    return action


@transaction.atomic
def complete_plan_action(*, actor: User, action: PlanAction, expected_version: int) -> PlanAction:
    require_section(actor, "case.edit", action.goal.case, "plan")
    if action.done_at:
        raise ValidationError(_("This action is already done."))
    action.done_at = timezone.now()
    save_versioned(action, expected_version=expected_version, fields=["done_at"], original={"done_at": None})
    happened(actor=actor, case=action.goal.case, kind=Kind.PLAN_ACTION_DONE, audit_detail={"action_id": action.pk})
    sync_plan_action_task(actor=actor, action=action)  # its task is done with it
    return action


@transaction.atomic
def add_task(*, actor: User, case: Case, title: str, due: datetime.date, assignee: User | None = None,
             team: Team | None = None, section: str = "") -> Task:
    """A task on ``case``. With ``section``, only readers who also see that section see the task."""
    require_section(actor, "case.edit", case, "tasks")
    if section:
        validate_sections([section])
    refuse_if_closed(case)
    if not (title or "").strip():
        raise ValidationError({"title": _("Say what needs doing.")})
    if due is None:
        raise ValidationError({"due": _("Give a due date.")})
    _check_worker(assignee, case, "assignee")
    if team is not None and team.organization_id != actor.organization_id:
        raise ValidationError({"team": _("Choose one of your organization's teams.")})
    task = Task.objects.create(case=case, title=title.strip(), due=due, assignee=assignee,
                                 team=team or case.owner_team, created_by=actor, section=section)
    happened(actor=actor, case=case, kind=Kind.TASK_ADDED, detail={"task_id": task.pk})
    notices.task_assigned(actor=actor, task=task)
    return task


@transaction.atomic
def complete_task(*, actor: User, task: Task, expected_version: int) -> Task:
    require_section(actor, "case.edit", task.case, "tasks")
    if task.done_at:
        raise ValidationError(_("This task is already done."))
    task.done_at, task.done_by = timezone.now(), actor
    save_versioned(task, expected_version=expected_version, fields=["done_at", "done_by"],
                   original={"done_at": None, "done_by": None})
    happened(actor=actor, case=task.case, kind=Kind.TASK_DONE, detail={"task_id": task.pk})
    return task


@transaction.atomic
def add_note(*, actor: User, case: Case, body: str, sensitivity: str = Sensitivity.NORMAL) -> Note:
    require_section(actor, "case.edit", case, "notes")
    if not (body or "").strip():
        raise ValidationError({"body": _("The note is empty.")})
    if sensitivity not in Sensitivity.values:
        raise ValidationError({"sensitivity": _("Choose normal or restricted.")})
    if sensitivity == Sensitivity.RESTRICTED and not is_own_case(actor, case):
        raise ValidationError({"sensitivity": _("Only the owning team writes restricted notes.")})
    note = Note.objects.create(case=case, body=body.strip(), sensitivity=sensitivity, author=actor,
                                 team=case.owner_team)
    restricted = sensitivity == Sensitivity.RESTRICTED
    # Even that a restricted note exists stays within the owning circle.
    happened(actor=actor, case=case, kind=Kind.NOTE_ADDED, params={"variant": "restricted" if restricted else "normal"},
             restricted=restricted, audit_detail={"note_id": note.pk, "sensitivity": sensitivity})
    return note


def _create_once(model: type[_Row], **values: Any) -> _Row:
    """Create the one row a case may have (a safety plan, a need per domain); when someone else
    created it a moment earlier, refuse like a lost race instead of failing."""
    try:
        with transaction.atomic():
            return model.objects.create(**values)
    except IntegrityError as taken:
        raise ValidationError(_("Someone else saved this a moment ago. Reload the page and apply your change "
                                "again.")) from taken


@transaction.atomic
def save_safety_plan(*, actor: User, case: Case, changes: dict, expected_version: int | None) -> SafetyPlan:
    require_section(actor, "case.edit", case, "safety_plan")
    changes = {k: (v or "").strip() for k, v in changes.items() if k in SAFETY_FIELDS}
    plan = SafetyPlan.objects.filter(case=case).first()
    if plan is None:
        plan = _create_once(SafetyPlan, case=case, updated_by=actor, **changes)
    else:
        for name, value in changes.items():
            setattr(plan, name, value)
        plan.updated_by, plan.updated_at = actor, timezone.now()
        save_versioned(plan, expected_version=expected_version if expected_version is not None else -1,
                       fields=[*changes, "updated_by", "updated_at"], original=dict(changes))
    happened(actor=actor, case=case, kind=Kind.SAFETY_PLAN_SAVED)
    return plan
