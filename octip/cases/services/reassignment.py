"""Bulk reassignment: a departing worker's open cases and tasks move to a colleague of the same
organization, in one transaction, each case audited and on its timeline.

Limits: one run moves at most ``REASSIGN_CASE_LIMIT`` cases (the oldest first) and the open tasks
of the departing worker on them and on the organization's other cases, at most
``REASSIGN_TASK_LIMIT``; what is left is counted and the page offers to run again. A run writes two
rows per case (the audit event and the timeline entry), so it stays a short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from octip.core.access import require
from octip.partners.models import Team, User

from .. import notices
from ..models import Case, PlanAction, Task
from ..selectors import open_cases_of, open_tasks_of
from ..timeline import Kind, happened
from ..validation import check_reassignment

#: The most cases (and tasks) one run moves; the rest wait for the next run (see the module).
REASSIGN_CASE_LIMIT = 200
REASSIGN_TASK_LIMIT = 1000


@dataclass(frozen=True)
class Reassignment:
    """What a run moved, and what is left for another run."""

    cases: int
    tasks: int
    cases_left: int
    tasks_left: int


@transaction.atomic
def reassign_departing_worker(*, actor: User, departing: User, receiver: User,
                              team: Team | None = None) -> Reassignment:
    """Move ``departing``'s open cases (owner worker, and ``team`` as owner team when given), their
    other assignments on those cases, their open plan actions there and their open tasks in the
    organization to ``receiver``. Permission ``case.reassign_departing``; both workers of one
    organization, the actor's (or a coordinating office's role of scope "all"), else nothing moves.
    Each case moved is audited and put on its timeline; the receiver is told once."""
    require(actor, "case.reassign_departing")
    check_reassignment(actor=actor, departing=departing, receiver=receiver, team=team)
    case_ids = list(open_cases_of(departing).values_list("pk", flat=True)[:REASSIGN_CASE_LIMIT])
    task_rows = list(open_tasks_of(departing).values_list("pk", "case_id")[:REASSIGN_TASK_LIMIT])
    now = timezone.now()
    changes: dict[str, object] = {"owner_worker_id": receiver.pk, "updated_at": now}
    if team is not None:
        changes["owner_team_id"] = team.pk
    # The owner in the WHERE: a case someone reassigned a moment ago stays as they left it.
    moved = list(Case.objects.filter(pk__in=case_ids, owner_worker_id=departing.pk).values_list("pk", flat=True))
    Case.objects.filter(pk__in=moved).update(**changes)
    Case.assigned_workers.through.objects.filter(case_id__in=moved, user_id=departing.pk).delete()
    PlanAction.objects.filter(goal__case_id__in=moved, owner_id=departing.pk, done_at__isnull=True).update(
        owner_id=receiver.pk)
    task_ids = [pk for pk, _case in task_rows]
    tasks_moved = Task.objects.filter(pk__in=task_ids, assignee_id=departing.pk, done_at__isnull=True).update(
        assignee_id=receiver.pk)
    tasks_by_case: dict[object, int] = {}
    for _pk, case_id in task_rows:
        tasks_by_case[case_id] = tasks_by_case.get(case_id, 0) + 1
    detail = {"from_worker_id": departing.pk, "to_worker_id": receiver.pk,
              "owner_team_id": team.pk if team is not None else None}
    touched = Case.objects.filter(pk__in=set(moved) | set(tasks_by_case)).select_related("owner_organization")
    for case in touched:
        case_moved = case.pk in set(moved)
        happened(actor=actor, case=case, kind=Kind.CASE_REASSIGNED,
                 params={"variant": "case" if case_moved else "tasks"},
                 audit_action="case.reassigned" if case_moved else "case.tasks_reassigned",
                 detail={**detail, "tasks": tasks_by_case.get(case.pk, 0)}, restricted=True)
    notices.cases_reassigned(actor=actor, receiver=receiver, cases=len(moved), tasks=tasks_moved,
                             subject=f"reassignment:{departing.pk}:{receiver.pk}:{now.isoformat()}")
    return Reassignment(cases=len(moved), tasks=tasks_moved, cases_left=open_cases_of(departing).count(),
                        tasks_left=open_tasks_of(departing).count())
