"""Approvals: one flow for the needs assessment, the service plan and closure.

The case's worker (its own circle) submits a subject for approval; a coordinator approves it or rejects
it with a comment. Each organization chooses which subjects it requires
(``partners.Organization.requires_*_approval``); a subject it does not require proceeds at once (a
closure closes the case; an assessment or a plan simply is what was saved).

The rules are data (``SUBJECTS``, ``TRANSITIONS``) and one engine applies them. The decision is in
the UPDATE's WHERE clause, so of two coordinators deciding at once the second loses cleanly.

Who decides: a holder of the subject's permission (``case.approve``; ``case.approve_closure`` for a
closure) whose role reaches the case, who did not ask (never the requester) and, for the needs
assessment and the plan, who belongs to the case's organization or to the coordinating office (a
closure keeps the rule it had: ``approval_rules.SubjectRule.own_organization``).

Re-approval rule: an assessment or a plan *changed* after it was submitted or approved (a need saved,
a goal or an action added) goes back to draft — its pending or approved request becomes
``superseded`` and the worker submits it again. Carrying the plan out (an action done, a goal marked
achieved) is not a change of the plan and keeps its approval.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core.access import AccessDenied, allows, require
from octip.core.audit import record_denial
from octip.partners.models import Organization, User

from .. import notices
from ..approval_rules import SUBJECTS, SUPERSEDED_FROM, TRANSITIONS, SubjectRule
from ..models import ApprovalDecision, ApprovalRequest, ApprovalSubject, Case, ClosureRequest, Stage
from ..sharing import in_owning_circle, refuse_if_closed, require_own_scope
from ..timeline import Kind, happened


def requires_approval(organization: Organization, subject: str) -> bool:
    """Whether ``organization`` requires a coordinator's approval of ``subject``."""
    return bool(getattr(organization, SUBJECTS[subject].setting))


def _check_subject(subject: str) -> SubjectRule:
    if subject not in SUBJECTS:
        raise ValidationError({"subject": _("Choose what to submit for approval.")})
    return SUBJECTS[subject]


def may_decide(actor: Any, approval: ApprovalRequest) -> bool:
    """Whether ``actor`` may approve or reject ``approval`` (what a page shows; ``decide_approval``
    checks the same, and audits a refusal)."""
    case = approval.case
    rule = SUBJECTS[approval.subject]
    return (allows(actor, rule.decide_permission, case) and actor.pk != approval.requested_by_id
            and (not rule.own_organization or in_owning_circle(actor, case)))


def require_decider(actor: Any, approval: ApprovalRequest) -> None:
    """Refuse anyone but a decider of ``approval`` (``may_decide``): ``AccessDenied`` (audited) without
    the permission or outside the organization, ``ValidationError`` for the requester themself."""
    rule = SUBJECTS[approval.subject]
    require(actor, rule.decide_permission, approval.case)
    if rule.own_organization and not in_owning_circle(actor, approval.case):
        record_denial(actor, rule.decide_permission, approval.case)
        raise AccessDenied(rule.decide_permission)
    if actor.pk == approval.requested_by_id:
        raise ValidationError(_("Someone else decides on what you submitted: you cannot approve your own request."))


@transaction.atomic
def request_approval(*, actor: User, case: Case, subject: str) -> ApprovalRequest:
    """The case's worker submits the needs assessment or the service plan for approval. Closure has
    its own facts (reason, outcome): ask through ``services.request_closure``."""
    # The needs assessment and the plan are submitted with ``case.edit``: asked before the input is read.
    require_own_scope(actor, "case.edit", case)
    _check_subject(subject)
    if subject == ApprovalSubject.CLOSURE:
        raise ValidationError({"subject": _("Request closure with its reason and outcome.")})
    refuse_if_closed(case)
    if not requires_approval(case.owner_organization, subject):
        raise ValidationError({"subject": _("Your organization does not require approval of this; it applies "
                                            "as saved.")})
    if subject == ApprovalSubject.NEEDS_ASSESSMENT and not case.needs.exists():
        raise ValidationError({"subject": _("Assess at least one need before submitting the assessment.")})
    if subject == ApprovalSubject.SERVICE_PLAN and not case.goals.exists():
        raise ValidationError({"subject": _("Add at least one goal before submitting the plan.")})
    return _open(actor=actor, case=case, subject=subject)


def _open(*, actor: User, case: Case, subject: str, closure: ClosureRequest | None = None) -> ApprovalRequest:
    try:
        with transaction.atomic():
            approval = ApprovalRequest.objects.create(case=case, subject=subject, requested_by=actor,
                                                      closure=closure)
    except IntegrityError as taken:  # the partial unique index: one pending request per subject
        raise ValidationError(_("This is already waiting for a coordinator's decision.")) from taken
    if subject != ApprovalSubject.CLOSURE:  # a closure request tells its own story (CLOSURE_REQUESTED)
        happened(actor=actor, case=case, kind=Kind.APPROVAL_REQUESTED,
                 params={"subject": ("approval_subject", subject)}, detail={"approval_id": approval.pk},
                 audit_detail={"approval_id": approval.pk, "subject": subject},
                 restricted=True)
    notices.approval_requested(approval=approval)
    return approval


def open_closure_approval(*, actor: User, closure: ClosureRequest) -> ApprovalRequest:
    """The approval request a new closure request waits on (``services.request_closure`` calls it,
    in its transaction, after its own checks)."""
    return _open(actor=actor, case=closure.case, subject=ApprovalSubject.CLOSURE, closure=closure)


def approval_of_closure(closure: ClosureRequest) -> ApprovalRequest:
    """The approval request of a closure request; one recorded without one (demo data seeded in bulk
    before approvals existed) gets it now, with the closure's own decision."""
    approval = ApprovalRequest.objects.filter(closure=closure).select_related("case").first()
    if approval is None:
        approval = ApprovalRequest.objects.create(
            case=closure.case, subject=ApprovalSubject.CLOSURE, requested_by_id=closure.requested_by_id,
            requested_at=closure.requested_at, decision=closure.decision, decided_by_id=closure.decided_by_id,
            decided_at=closure.decided_at, comment=closure.comment, closure=closure)
    return approval


@transaction.atomic
def decide_approval(*, actor: User, approval: ApprovalRequest, action: str, comment: str) -> ApprovalRequest:
    """A coordinator approves or rejects ``approval`` (``action`` of ``TRANSITIONS``). Rejecting
    needs a comment for the worker (encrypted); so does approving a closure. The decision is taken
    only if the request still waits (the status is in the UPDATE's WHERE): the second of two
    deciders is refused and nothing of theirs is written."""
    case = approval.case
    rule = SUBJECTS[approval.subject]
    require_decider(actor, approval)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"decision": _("Choose approve or reject.")})
    comment = (comment or "").strip()
    if not comment and (action == "reject" or rule.comment_on_approve):
        raise ValidationError({"comment": _("Add a comment for the caseworker.")})
    now = timezone.now()
    won = ApprovalRequest.objects.filter(pk=approval.pk, decision__in=transition.sources).update(
        decision=transition.target, decided_by=actor, decided_at=now, comment=comment)
    if not won:
        raise ValidationError(_("This request has already been decided."))
    approval.refresh_from_db()
    if approval.subject == ApprovalSubject.CLOSURE:
        _closure_decided(actor=actor, approval=approval, approve=action == "approve", now=now)
    else:
        happened(actor=actor, case=case, kind=transition.kind,
                 params={"subject": ("approval_subject", approval.subject)}, detail={"approval_id": approval.pk},
                 audit_detail={"approval_id": approval.pk, "subject": approval.subject, "decision": approval.decision},
                 restricted=True)
    notices.approval_decided(approval=approval)
    return approval


def _closure_decided(*, actor: User, approval: ApprovalRequest, approve: bool, now: Any) -> None:
    """What a closure's decision does to the case, and its closure detail kept in step."""
    closure = approval.closure
    assert closure is not None
    case = approval.case
    ClosureRequest.objects.filter(pk=closure.pk).update(
        decision=approval.decision, decided_by=actor, decided_at=now, comment=approval.comment)
    closure.refresh_from_db()
    if approve:
        Case.objects.filter(pk=case.pk).update(stage=Stage.CLOSED, closed_at=now, updated_at=now)
    else:
        Case.objects.filter(pk=case.pk).update(stage=closure.previous_stage, updated_at=now)
    case.refresh_from_db(fields=["stage", "closed_at", "updated_at"])
    happened(actor=actor, case=case, kind=Kind.CLOSURE_APPROVED if approve else Kind.CLOSURE_REJECTED,
             detail={"request_id": closure.pk, "approval_id": approval.pk})


def content_changed(*, actor: User, case: Case, subject: str) -> int:
    """The needs assessment or the plan of ``case`` changed: a request waiting or approved on it is
    superseded (it needs approval again). Called by the services that change them, in their
    transaction. Returns how many requests were superseded (0 or 1)."""
    superseded = list(ApprovalRequest.objects.filter(case=case, subject=subject, decision__in=SUPERSEDED_FROM)
                      .values_list("pk", flat=True))
    if not superseded:
        return 0
    count = ApprovalRequest.objects.filter(pk__in=superseded, decision__in=SUPERSEDED_FROM).update(
        decision=ApprovalDecision.SUPERSEDED, decided_at=timezone.now())
    if count:
        happened(actor=actor, case=case, kind=Kind.APPROVAL_SUPERSEDED,
                 params={"subject": ("approval_subject", subject)}, detail={"approval_ids": superseded},
                 restricted=True)
    return count

