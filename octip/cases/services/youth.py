"""The youth track: the duty to report (CFCSA s. 14) and the youth profile."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core.bounds import refuse_out_of_range
from octip.core.versioning import save_versioned

from ..models import Case, ConsentGiver, DutyToReport, ReportOffice, Separation, YouthProfile
from ..sharing import require_own_scope
from ..timeline import Kind, happened
from ..validation import YOUTH_FIELDS


@transaction.atomic
def record_duty_to_report(*, actor: Any, case: Case, reported_by_name: str, reported_at: datetime.datetime,
                          office: str, office_detail: str = "", reference: str = "") -> DutyToReport:
    """Record the report to a director under CFCSA s. 14. Append-only: no path edits or removes it,
    and no consent setting affects it. Only the case's own circle records it: a receiver of a referral
    cannot clear the flag that holds the case at intake."""
    require_own_scope(actor, "case.edit", case)
    if not case.is_youth:
        raise ValidationError(_("The duty-to-report step belongs to youth cases."))
    if not (reported_by_name or "").strip():
        raise ValidationError({"reported_by_name": _("Say who made the report.")})
    if office not in ReportOffice.values:
        raise ValidationError({"office": _("Choose the office or line reported to.")})
    refuse_out_of_range(reported_at=reported_at)  # before the comparison, which overflows near year 1 or 9999
    if reported_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"reported_at": _("The report time is in the future.")})
    report = DutyToReport.objects.create(case=case, reported_by_name=reported_by_name.strip(),
                                           reported_at=reported_at, office=office,
                                           office_detail=office_detail.strip(), reference=reference.strip(),
                                           recorded_by=actor)
    happened(actor=actor, case=case, kind=Kind.DUTY_TO_REPORT_RECORDED, params={"office": ("office", office)},
             detail={"report_id": report.pk}, audit_detail={"report_id": report.pk, "office": office})
    return report


@transaction.atomic
def update_youth_profile(*, actor: Any, case: Case, expected_version: int, changes: dict) -> YouthProfile:
    require_own_scope(actor, "case.edit", case)
    if not case.is_youth:
        raise ValidationError(_("Only youth cases have a youth profile."))
    profile, _created = YouthProfile.objects.get_or_create(case=case)
    changes = {k: v for k, v in changes.items() if k in YOUTH_FIELDS}
    if changes.get("separation") and changes["separation"] not in Separation.values:
        raise ValidationError({"separation": _("Unknown value.")})
    if changes.get("consent_given_by") and changes["consent_given_by"] not in ConsentGiver.values:
        raise ValidationError({"consent_given_by": _("Unknown value.")})
    for name, value in changes.items():
        setattr(profile, name, value)
    save_versioned(profile, expected_version=expected_version, fields=list(changes),
                   original=dict(changes))
    happened(actor=actor, case=case, kind=Kind.YOUTH_PROFILE_UPDATED, audit_detail={"fields": sorted(changes)})
    return profile
