"""Stages and closure: a caseworker asks, a coordinator decides, a case can be reopened."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core.versioning import save_versioned

from ..models import STAGE_TRANSITIONS, ApprovalSubject, Case, ClosureOutcome, ClosureRequest, Stage
from ..sharing import require_own_scope
from ..timeline import Kind, happened
from . import approvals


def duty_to_report_outstanding(case: Case) -> bool:
    return case.is_youth and not case.duty_reports.exists()


@transaction.atomic
def change_stage(*, actor: Any, case: Case, to_stage: str, expected_version: int) -> Case:
    require_own_scope(actor, "case.edit", case)
    allowed = STAGE_TRANSITIONS.get(case.stage, ())
    if to_stage not in allowed:
        raise ValidationError({"stage": _("A case cannot move from %(from)s to %(to)s.") % {
            "from": case.get_stage_display(), "to": to_stage}})
    if to_stage != Stage.INTAKE and duty_to_report_outstanding(case):
        raise ValidationError({"stage": _("Record the duty-to-report (CFCSA s. 14) before this youth case "
                                          "moves on. Consent cannot waive it.")})
    before = case.stage
    case.stage = to_stage
    save_versioned(case, expected_version=expected_version, fields=["stage"], original={"stage": before})
    happened(actor=actor, case=case, kind=Kind.STAGE_CHANGED,
             params={"from": ("stage", before), "to": ("stage", to_stage)}, detail={"from": before, "to": to_stage})
    return case


@transaction.atomic
def request_closure(*, actor: Any, case: Case, reason: str, outcome: str) -> ClosureRequest:
    """A caseworker asks a coordinator to close the case. When the case's organization does not
    require approval of closures (``services.approvals``), the case closes at once: the request is
    recorded as decided by its own author, so that the statistics read every closure's outcome."""
    require_own_scope(actor, "case.request_closure", case)
    if case.stage in (Stage.CLOSED, Stage.CLOSURE_REQUESTED):
        raise ValidationError(_("Closure has already been requested, or the case is closed."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for closing.")})
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if duty_to_report_outstanding(case):
        raise ValidationError(_("Record the duty-to-report (CFCSA s. 14) before this youth case can close."))
    if not approvals.requires_approval(case.owner_organization, ApprovalSubject.CLOSURE):
        return _close_without_approval(actor=actor, case=case, reason=reason.strip(), outcome=outcome)
    request = ClosureRequest.objects.create(case=case, reason=reason.strip(), outcome=outcome,
                                              requested_by=actor, previous_stage=case.stage)
    Case.objects.filter(pk=case.pk).update(stage=Stage.CLOSURE_REQUESTED, updated_at=timezone.now())
    case.refresh_from_db(fields=["stage", "version", "updated_at"])
    happened(actor=actor, case=case, kind=Kind.CLOSURE_REQUESTED, params={"outcome": ("outcome", outcome)},
             detail={"request_id": request.pk}, audit_detail={"request_id": request.pk, "outcome": outcome})
    approvals.open_closure_approval(actor=actor, closure=request)
    return request


def _close_without_approval(*, actor: Any, case: Case, reason: str, outcome: str) -> ClosureRequest:
    now = timezone.now()
    request = ClosureRequest.objects.create(
        case=case, reason=reason, outcome=outcome, requested_by=actor, previous_stage=case.stage,
        decision=ClosureRequest.Decision.APPROVED, decided_by=actor, decided_at=now)
    Case.objects.filter(pk=case.pk).update(stage=Stage.CLOSED, closed_at=now, updated_at=now)
    case.refresh_from_db(fields=["stage", "version", "closed_at", "updated_at"])
    happened(actor=actor, case=case, kind=Kind.CLOSED_WITHOUT_APPROVAL, params={"outcome": ("outcome", outcome)},
             detail={"request_id": request.pk}, audit_detail={"request_id": request.pk, "outcome": outcome})
    return request


@transaction.atomic
def decide_closure(*, actor: Any, closure: ClosureRequest, approve: bool, comment: str) -> ClosureRequest:
    """A coordinator approves (the case closes) or rejects (it returns to its stage) a request: the
    decision on its approval request (``services.approvals.decide_approval``)."""
    approvals.decide_approval(actor=actor, approval=approvals.approval_of_closure(closure),
                              action="approve" if approve else "reject", comment=comment)
    closure.refresh_from_db()
    return closure


@transaction.atomic
def reopen_case(*, actor: Any, case: Case, reason: str) -> Case:
    require_own_scope(actor, "case.edit", case)
    if case.stage != Stage.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    Case.objects.filter(pk=case.pk).update(stage=Stage.ASSESSMENT, closed_at=None, updated_at=timezone.now())
    case.refresh_from_db(fields=["stage", "closed_at", "updated_at"])
    happened(actor=actor, case=case, kind=Kind.CASE_REOPENED)
    return case
