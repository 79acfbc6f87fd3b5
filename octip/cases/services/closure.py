"""Stages and closure: a caseworker asks, a coordinator decides, a case can be reopened."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core.access import require
from octip.core.versioning import save_versioned

from .. import notices
from ..models import STAGE_TRANSITIONS, Case, ClosureOutcome, ClosureRequest, Stage
from ..sharing import require_own_scope
from ..timeline import Kind, happened


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
    """A caseworker asks a coordinator to close the case."""
    require_own_scope(actor, "case.request_closure", case)
    if case.stage in (Stage.CLOSED, Stage.CLOSURE_REQUESTED):
        raise ValidationError(_("Closure has already been requested, or the case is closed."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for closing.")})
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if duty_to_report_outstanding(case):
        raise ValidationError(_("Record the duty-to-report (CFCSA s. 14) before this youth case can close."))
    request = ClosureRequest.objects.create(case=case, reason=reason.strip(), outcome=outcome,
                                              requested_by=actor, previous_stage=case.stage)
    Case.objects.filter(pk=case.pk).update(stage=Stage.CLOSURE_REQUESTED, updated_at=timezone.now())
    case.refresh_from_db(fields=["stage", "version", "updated_at"])
    happened(actor=actor, case=case, kind=Kind.CLOSURE_REQUESTED, params={"outcome": ("outcome", outcome)},
             detail={"request_id": request.pk}, audit_detail={"request_id": request.pk, "outcome": outcome})
    notices.closure_requested(closure=request)
    return request


@transaction.atomic
def decide_closure(*, actor: Any, closure: ClosureRequest, approve: bool, comment: str) -> ClosureRequest:
    """A coordinator approves (the case closes) or rejects (it returns to its stage) a request."""
    case = closure.case
    require(actor, "case.approve_closure", case)
    if closure.decision != ClosureRequest.Decision.PENDING:
        raise ValidationError(_("This closure request has already been decided."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Add a comment for the caseworker.")})
    now = timezone.now()
    closure.decision = ClosureRequest.Decision.APPROVED if approve else ClosureRequest.Decision.REJECTED
    closure.decided_by, closure.decided_at, closure.comment = actor, now, comment.strip()
    closure.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    if approve:
        Case.objects.filter(pk=case.pk).update(stage=Stage.CLOSED, closed_at=now, updated_at=now)
    else:
        Case.objects.filter(pk=case.pk).update(stage=closure.previous_stage, updated_at=now)
    case.refresh_from_db(fields=["stage", "closed_at", "updated_at"])
    happened(actor=actor, case=case, kind=Kind.CLOSURE_APPROVED if approve else Kind.CLOSURE_REJECTED,
             detail={"request_id": closure.pk})
    notices.closure_decided(closure=closure)
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
