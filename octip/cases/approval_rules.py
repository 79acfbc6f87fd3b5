"""The rules of approvals, as data: what may be submitted, with which permission, which
organization setting requires it, and the decisions a coordinator takes. ``services.approvals``
applies them (see its docstring for the whole flow and the re-approval rule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from .models import ApprovalDecision as D
from .models import ApprovalSubject
from .timeline import Kind


@dataclass(frozen=True)
class SubjectRule:
    subject: str
    #: Who may submit it (within the case's own circle) and who may decide.
    request_permission: str
    decide_permission: str
    #: The ``partners.Organization`` field that says whether the organization requires it.
    setting: str
    #: Whether approving needs a comment too (a closure always had one); rejecting always does.
    comment_on_approve: bool
    label: Any
    #: Whether only a decider of the case's organization or of the coordinating office may decide. A
    #: closure keeps the rule it had before approvals were one flow: any holder of the permission whose
    #: role reaches the case (the coordinator's scope is every organization).
    own_organization: bool = True


SUBJECTS: dict[str, SubjectRule] = {r.subject: r for r in [
    SubjectRule(ApprovalSubject.NEEDS_ASSESSMENT, "case.edit", "case.approve", "requires_needs_approval", False,
                gettext_lazy("Needs assessment")),
    SubjectRule(ApprovalSubject.SERVICE_PLAN, "case.edit", "case.approve", "requires_plan_approval", False,
                gettext_lazy("Service plan")),
    SubjectRule(ApprovalSubject.CLOSURE, "case.request_closure", "case.approve_closure",
                "requires_closure_approval", True, gettext_lazy("Closure"), own_organization=False),
]}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    kind: Kind
    label: Any


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("approve", (D.PENDING,), D.APPROVED, Kind.APPROVAL_APPROVED, gettext_lazy("Approve")),
    Transition("reject", (D.PENDING,), D.REJECTED, Kind.APPROVAL_REJECTED, gettext_lazy("Reject")),
]}

#: A change to the content after submission or approval sends it back to draft (see the module).
SUPERSEDED_FROM = (D.PENDING, D.APPROVED)
