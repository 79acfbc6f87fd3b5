"""Case flags and the risk level: what a worker must know before contacting the person, and how much
danger they are in.

Both are the case's core record: only its owning circle (its own organization or the coordinating
office: ``require_owning_circle``) raises, edits and resolves a flag or assesses the risk; a receiver
of the summary reads the kinds and the level, never the reasons nor the rationales (free text that
can name someone, encrypted). Every change is audited and on the timeline; the timeline tells it
only to readers of the summary (``timeline.SECTION_OF_KIND``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from octip.core.versioning import save_versioned
from octip.partners.models import User

from .. import reference
from ..models import RISK_CODES, RISK_LEVEL_OF, Case, CaseFlag, RiskAssessment, RiskLevel, Task
from ..sharing import refuse_if_closed, require_owning_circle
from ..timeline import Kind, happened

#: The longest a reason, a resolution note or a rationale may be.
MAX_TEXT = 4000
#: How far ahead a review date may be: a flag nobody looks at for years is a flag nobody trusts.
MAX_REVIEW_DAYS = 366


def _clean_text(value: str | None, field: str, message: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: message})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("Keep this under %(max)s characters.") % {"max": MAX_TEXT}})
    return text


def _clean_review_date(review_date: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    if not isinstance(review_date, datetime.date):
        raise ValidationError({"review_date": _("Give the date by which the flag is to be reviewed.")})
    if review_date < today:
        raise ValidationError({"review_date": _("The review date cannot be in the past.")})
    if review_date > today + datetime.timedelta(days=MAX_REVIEW_DAYS):
        raise ValidationError({"review_date": _("Review the flag within a year.")})
    return review_date


def _review_title(kind: str) -> str:
    # A task title is stored as written; the kind's label in the office's first language, never the reason.
    with override("en"):
        return f"Review the flag: {reference.label_of(reference.flag_kinds(), kind)}"


@transaction.atomic
def raise_flag(*, actor: User, case: Case, kind: str, reason: str,
               review_date: datetime.date | None) -> CaseFlag:
    """Raise a flag of ``kind`` on ``case`` with its (encrypted) reason, to be reviewed by
    ``review_date``: a review task due that day goes on the caseworker's "My work" (the actor's when
    the case has no caseworker). One open flag per kind and case."""
    require_owning_circle(actor, "case.edit", case)
    refuse_if_closed(case)
    if reference.flag_kind(kind) is None:
        raise ValidationError({"kind": _("Choose a kind of flag from the list.")})
    reason = _clean_text(reason, "reason", _("Say why the flag is raised."))
    review_date = _clean_review_date(review_date)
    if case.flags.filter(kind=kind, resolved_at__isnull=True).exists():
        raise ValidationError({"kind": _("This case already has an open flag of this kind: edit it instead.")})
    task = Task.objects.create(case=case, title=_review_title(kind), due=review_date,
                               assignee=case.owner_worker or actor, team=case.owner_team, created_by=actor,
                               # The title names the kind: the task is the summary's as well as the tasks'.
                               section="summary")
    flag = CaseFlag.objects.create(case=case, kind=kind, reason=reason, review_date=review_date, review_task=task,
                                   raised_by=actor)
    happened(actor=actor, case=case, kind=Kind.FLAG_RAISED,
             params={"flag": ("flag_kind", kind), "date": review_date.isoformat()},
             detail={"flag_id": flag.pk, "task_id": task.pk}, audit_detail={
                 "flag_id": flag.pk, "kind": kind, "review_date": review_date.isoformat(), "task_id": task.pk})
    return flag


@transaction.atomic
def edit_flag(*, actor: User, flag: CaseFlag, reason: str, review_date: datetime.date | None,
              expected_version: int) -> CaseFlag:
    """Change an open flag's reason and review date (after a review: the next one); its review task
    follows the date (a done one is reopened)."""
    case = flag.case
    require_owning_circle(actor, "case.edit", case)
    if flag.resolved_at is not None:
        raise ValidationError(_("This flag is resolved; raise a new one if it applies again."))
    reason = _clean_text(reason, "reason", _("Say why the flag is raised."))
    review_date = _clean_review_date(review_date)
    flag.reason, flag.review_date = reason, review_date
    save_versioned(flag, expected_version=expected_version, fields=["reason", "review_date"],
                   original={"reason": reason, "review_date": review_date})
    if flag.review_task_id is not None:
        Task.objects.filter(pk=flag.review_task_id).update(due=review_date, done_at=None, done_by=None)
    happened(actor=actor, case=case, kind=Kind.FLAG_UPDATED,
             params={"flag": ("flag_kind", flag.kind), "date": review_date.isoformat()},
             detail={"flag_id": flag.pk}, audit_detail={"flag_id": flag.pk, "review_date": review_date.isoformat()})
    return flag


@transaction.atomic
def resolve_flag(*, actor: User, flag: CaseFlag, note: str = "", expected_version: int) -> CaseFlag:
    """The flag no longer applies: resolved, with an optional (encrypted) note; its review task is done."""
    case = flag.case
    require_owning_circle(actor, "case.edit", case)
    if flag.resolved_at is not None:
        raise ValidationError(_("This flag is already resolved."))
    note = _clean_text(note, "note", "", required=False)
    flag.resolved_at, flag.resolved_by, flag.resolution_note = timezone.now(), actor, note
    save_versioned(flag, expected_version=expected_version, fields=["resolved_at", "resolved_by", "resolution_note"],
                   original={"resolved_at": None, "resolved_by": None, "resolution_note": ""})
    if flag.review_task_id is not None:
        Task.objects.filter(pk=flag.review_task_id, done_at__isnull=True).update(done_at=flag.resolved_at,
                                                                                 done_by=actor)
    happened(actor=actor, case=case, kind=Kind.FLAG_RESOLVED, params={"flag": ("flag_kind", flag.kind)},
             detail={"flag_id": flag.pk}, audit_detail={"flag_id": flag.pk, "kind": flag.kind, "noted": bool(note)})
    return flag


#: The levels an assessment may set (not "not assessed": an assessment is one).
ASSESSED_LEVELS = tuple(RISK_CODES[level] for level in RiskLevel.values if level != RiskLevel.NOT_ASSESSED)


@transaction.atomic
def assess_risk(*, actor: User, case: Case, level: str, rationale: str,
                expected_version: int | None = None) -> RiskAssessment:
    """Record an assessment of the risk to the person (``level``: one of ``ASSESSED_LEVELS``) with its
    (encrypted) rationale; the case's ``risk_level`` becomes it. ``expected_version``, when given, is
    the case's: a case changed meanwhile is refused (``StaleVersion``)."""
    require_owning_circle(actor, "case.edit", case)
    refuse_if_closed(case)
    if level not in ASSESSED_LEVELS:
        raise ValidationError({"level": _("Choose a risk level.")})
    rationale = _clean_text(rationale, "rationale", _("Say what the assessment rests on."))
    previous = case.risk_level
    case.risk_level = RISK_LEVEL_OF[level]
    save_versioned(case, expected_version=case.version if expected_version is None else expected_version,
                   fields=["risk_level"], original={"risk_level": case.risk_level})
    assessment = RiskAssessment.objects.create(case=case, level=case.risk_level, rationale=rationale,
                                               assessed_by=actor)
    happened(actor=actor, case=case, kind=Kind.RISK_ASSESSED,
             params={"level": ("risk", level), "previous": ("risk", RISK_CODES.get(previous, "not_assessed"))},
             detail={"assessment_id": assessment.pk},
             audit_detail={"assessment_id": assessment.pk, "level": level,
                           "previous": RISK_CODES.get(previous, "not_assessed")})
    return assessment
