"""Emergency ("break glass") access for a coordinator, and its review by an auditor."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core import audit
from octip.core.access import require

from .. import notices
from ..models import Case, EmergencyAccess, GrantSource
from ..sections import validate_sections
from ..sharing import grant_case_access
from ..timeline import Kind, happened

EMERGENCY_ACCESS_MINUTES = 60


@transaction.atomic
def break_glass(*, actor: Any, case: Case, reason: str, minutes: int = EMERGENCY_ACCESS_MINUTES) -> EmergencyAccess:
    """Emergency access for a coordinator: every section of the case, restricted notes included,
    for a limited time (default one hour). Audited and listed for an auditor's review."""
    require(actor, "case.break_glass")
    if not (reason or "").strip() or len(reason.strip()) < 10:
        raise ValidationError({"reason": _("State the emergency in a sentence (at least 10 characters).")})
    if not 5 <= minutes <= 240:
        raise ValidationError({"minutes": _("Emergency access lasts between 5 minutes and 4 hours.")})
    now = timezone.now()
    expires = now + datetime.timedelta(minutes=minutes)
    grant = grant_case_access(actor=actor, case=case, user=actor, sections=list(validate_sections(
        ["identity", "summary", "needs", "plan", "tasks", "notes", "safety_plan", "documents", "consents",
         "timeline", "justice"])), source=GrantSource.BREAK_GLASS, source_id=uuid.uuid4().hex, reason="",
        expires_at=expires)
    access = EmergencyAccess.objects.create(case=case, user=actor, reason=reason.strip(), started_at=now,
                                              expires_at=expires, grant=grant)
    happened(actor=actor, case=case, kind=Kind.EMERGENCY_ACCESS, params={"minutes": minutes},
             detail={"emergency_access_id": access.pk}, audit_purpose="emergency",
             audit_detail={"emergency_access_id": access.pk, "minutes": minutes})
    notices.emergency_access_used(access=access)
    return access


@transaction.atomic
def review_emergency_access(*, actor: Any, access: EmergencyAccess, review: str, note: str = "") -> EmergencyAccess:
    require(actor, "audit.review_emergency_access")
    if review not in EmergencyAccess.Review.values:
        raise ValidationError({"review": _("Choose justified or not justified.")})
    if access.reviewed_at is not None:
        raise ValidationError(_("This emergency access has already been reviewed."))
    if access.user_id == actor.pk:
        raise ValidationError(_("You cannot review your own emergency access."))
    access.review, access.review_note = review, (note or "").strip()
    access.reviewed_by, access.reviewed_at = actor, timezone.now()
    access.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at"])
    audit.record(actor, "case.emergency_access_reviewed", ("cases.emergencyaccess", access.pk),
                 detail={"review": review, "case_id": str(access.case_id)})
    return access
