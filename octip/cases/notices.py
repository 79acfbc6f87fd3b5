"""What the case services tell staff, through the one notification service: who is told and in
which words. Every message names the case number and organizations only, never the person.

The services call these after their write; the periodic jobs in ``cases/tasks.py`` call the
reminders. Each is idempotent (the key is kind, object and period), so a job may run twice.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from octip.notifications.models import Kind
from octip.notifications.services import notify, staff_with_permission
from octip.partners.models import User

from .approval_rules import SUBJECTS
from .models import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalSubject,
    Case,
    ClosureRequest,
    EmergencyAccess,
    Stage,
    Task,
    Track,
)
from .selectors import in_owning_circle

#: A youth case waits this long for its duty to report before its worker is reminded.
DUTY_TO_REPORT_GRACE = datetime.timedelta(hours=24)


def _case_link(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _coordinators(permission: str, case: Case) -> list[User]:
    """The staff of the case's organization whose role grants ``permission``; if it has none, every
    holder of it (a coordinator's scope is every case: the coordinating office decides for all)."""
    return (staff_with_permission(permission, organization_id=case.owner_organization_id)
            or staff_with_permission(permission))


def who_see(case: Case, users: list[User | None]) -> list[User | None]:
    """Those of ``users`` who still see ``case`` (one query): a reminder goes to no one who has lost
    access since, even though it names only the case number."""
    staff = [u for u in users if u is not None]
    seeing = Case.objects.filter(pk=case.pk).viewer_ids(staff) if staff else set()
    return [u for u in staff if u.pk in seeing]


def case_owners(case: Case) -> list[User | None]:
    """Whoever works the case and still sees it: its worker, else its coordinators."""
    if case.owner_worker_id is not None:
        return who_see(case, [case.owner_worker])
    return who_see(case, list(_coordinators("case.assign", case)))


def case_assigned(*, actor: User, case: Case, worker: User | None) -> None:
    if worker is None or worker.pk == actor.pk:
        return
    notify(recipients=[worker], kind=Kind.CASE_ASSIGNED, subject=f"case:{case.pk}",
           period=f"{worker.pk}:{timezone.now():%Y-%m-%d}", link=_case_link(case),
           template=gettext_noop("Case %(number)s of %(org)s is assigned to you."),
           params={"number": case.number, "org": case.owner_organization.name})


def task_assigned(*, actor: User, task: Task) -> None:
    if task.assignee_id is None or task.assignee_id == actor.pk:
        return
    notify(recipients=[task.assignee], kind=Kind.TASK_ASSIGNED, subject=f"task:{task.pk}",
           period=str(task.assignee_id), link=_case_link(task.case),
           template=gettext_noop("A task on case %(number)s is assigned to you, due %(date)s."),
           params={"number": task.case.number, "date": task.due.isoformat()})


def closure_requested(*, closure: ClosureRequest) -> None:
    case = closure.case
    notify(recipients=_coordinators("case.approve_closure", case),
           kind=Kind.CLOSURE_REQUESTED, subject=f"closure:{closure.pk}", link=_case_link(case),
           template=gettext_noop("Closure of case %(number)s is requested and awaits your decision."),
           params={"number": case.number})


def closure_decided(*, closure: ClosureRequest) -> None:
    approved = closure.decision == ClosureRequest.Decision.APPROVED
    notify(recipients=[closure.requested_by], kind=Kind.CLOSURE_DECIDED, subject=f"closure:{closure.pk}",
           link=_case_link(closure.case), params={"number": closure.case.number},
           template=gettext_noop("The closure of case %(number)s is approved.") if approved else
           gettext_noop("The closure of case %(number)s is not approved."))


def approvers_of(approval: ApprovalRequest) -> list[User]:
    """Who is asked to decide: the case's organization's holders of the subject's permission (else the
    coordinating office's, as for closures), never the requester."""
    rule = SUBJECTS[approval.subject]
    approvers = _coordinators(rule.decide_permission, approval.case)
    # Only those who may decide are told: a coordinator of another partner learns nothing of the case.
    return [u for u in approvers if u.pk != approval.requested_by_id
            and (not rule.own_organization or in_owning_circle(u, approval.case))]


def approval_requested(*, approval: ApprovalRequest) -> None:
    """Approvers are told of a request (a closure in the words it always had)."""
    if approval.subject == ApprovalSubject.CLOSURE and approval.closure is not None:
        closure_requested(closure=approval.closure)
        return
    case = approval.case
    notify(recipients=approvers_of(approval), kind=Kind.APPROVAL_REQUESTED, subject=f"approval:{approval.pk}",
           link=_case_link(case), params={"number": case.number},
           template=gettext_noop("The needs assessment of case %(number)s awaits your approval.")
           if approval.subject == ApprovalSubject.NEEDS_ASSESSMENT else
           gettext_noop("The service plan of case %(number)s awaits your approval."))


_DECIDED = {
    (ApprovalSubject.NEEDS_ASSESSMENT, ApprovalDecision.APPROVED):
        gettext_noop("The needs assessment of case %(number)s is approved."),
    (ApprovalSubject.NEEDS_ASSESSMENT, ApprovalDecision.REJECTED):
        gettext_noop("The needs assessment of case %(number)s is not approved; see the comment on the case."),
    (ApprovalSubject.SERVICE_PLAN, ApprovalDecision.APPROVED):
        gettext_noop("The service plan of case %(number)s is approved."),
    (ApprovalSubject.SERVICE_PLAN, ApprovalDecision.REJECTED):
        gettext_noop("The service plan of case %(number)s is not approved; see the comment on the case."),
}


def approval_decided(*, approval: ApprovalRequest) -> None:
    """The requester (only) is told of the decision."""
    if approval.subject == ApprovalSubject.CLOSURE and approval.closure is not None:
        closure_decided(closure=approval.closure)
        return
    case = approval.case
    notify(recipients=who_see(case, [approval.requested_by]), kind=Kind.APPROVAL_DECIDED,
           subject=f"approval:{approval.pk}", link=_case_link(case), params={"number": case.number},
           template=_DECIDED[(approval.subject, approval.decision)])


def cases_reassigned(*, actor: User, receiver: User, cases: int, tasks: int, subject: str) -> None:
    """The receiving worker is told once of everything a bulk reassignment gave them (counts only)."""
    if receiver.pk == actor.pk or not (cases or tasks):
        return
    notify(recipients=[receiver], kind=Kind.CASE_ASSIGNED, subject=subject, link=reverse("cases:my_work"),
           params={"count": str(cases), "org": receiver.organization.name},
           template=gettext_noop("%(count)s cases of %(org)s and their open tasks are now assigned to you "
                                 "(a colleague is leaving)."))


def emergency_access_used(*, access: EmergencyAccess) -> None:
    """Every auditor is told at once: emergency access is reviewed after the fact."""
    notify(recipients=staff_with_permission("audit.review_emergency_access"), kind=Kind.EMERGENCY_ACCESS,
           subject=f"emergency_access:{access.pk}", link=reverse("cases:emergency_review", args=[access.pk]),
           template=gettext_noop("Emergency access was used on case %(number)s of %(org)s; it awaits review."),
           params={"number": access.case.number, "org": access.case.owner_organization.name})


def remind_tasks(*, today: datetime.date | None = None) -> int:
    """Tell each assignee of an open task due tomorrow (once) and of one overdue (once)."""
    today = today or timezone.localdate()
    told = 0
    open_tasks = (Task.objects.filter(done_at__isnull=True, assignee__isnull=False)
                  .filter(Q(due=today + datetime.timedelta(days=1)) | Q(due__lt=today))
                  .select_related("case", "assignee"))
    for task in open_tasks:
        overdue = task.due < today
        told += len(notify(
            recipients=who_see(task.case, [task.assignee]), kind=Kind.TASK_OVERDUE if overdue else Kind.TASK_DUE,
            subject=f"task:{task.pk}", period=task.due.isoformat(), link=_case_link(task.case),
            params={"number": task.case.number, "date": task.due.isoformat()},
            template=gettext_noop("A task on case %(number)s is overdue: it was due %(date)s.") if overdue else
            gettext_noop("A task on case %(number)s is due %(date)s.")))
    return told


def remind_duty_to_report(*, now: datetime.datetime | None = None) -> int:
    """Tell whoever works each youth case still without its duty to report 24 hours after it
    opened (once per case)."""
    now = now or timezone.now()
    told = 0
    cases = (Case.objects.filter(track=Track.YOUTH, opened_at__lte=now - DUTY_TO_REPORT_GRACE,
                                 duty_reports__isnull=True).exclude(stage=Stage.CLOSED)
             .select_related("owner_organization", "owner_worker"))
    for case in cases:
        told += len(notify(
            recipients=case_owners(case), kind=Kind.DUTY_TO_REPORT, subject=f"case:{case.pk}", link=_case_link(case),
            template=gettext_noop("Case %(number)s: the duty to report (CFCSA s. 14) is outstanding for more "
                                  "than 24 hours."), params={"number": case.number}))
    return told
