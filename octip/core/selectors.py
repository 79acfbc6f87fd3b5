"""Reads that belong to core: the audit log, for those who hold ``audit.view``."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from .access import require
from .bounds import refuse_out_of_range
from .models import AuditEvent

if TYPE_CHECKING:
    from .access import MaybeActor


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def audit_events(*, actor: MaybeActor, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Audit events matching the viewer's filters, newest first. Needs ``audit.view``; dates outside
    1900–2100 raise ValidationError (the filter form refuses them first): near year 9999 the day
    after overflows."""
    require(actor, "audit.view")
    refuse_out_of_range(date_from=filters.get("date_from"), date_to=filters.get("date_to"))
    events = AuditEvent.objects.all()
    if filters.get("actor"):
        events = events.filter(actor_email__iexact=filters["actor"].strip())
    if filters.get("organization"):
        events = events.filter(organization_id=filters["organization"])
    if filters.get("action"):
        action = filters["action"].strip()
        events = events.filter(action__startswith=action) if action.endswith(".") else events.filter(action=action)
    if filters.get("target_type"):
        events = events.filter(target_type=filters["target_type"].strip())
    if filters.get("target_id"):
        events = events.filter(target_id=filters["target_id"].strip())
    if filters.get("date_from"):
        events = events.filter(occurred_at__gte=_local_midnight(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(occurred_at__lt=_local_midnight(filters["date_to"] + datetime.timedelta(days=1)))
    return events.order_by("-seq")
