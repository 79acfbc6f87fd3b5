"""The person's HTCDS trafficking profile and their trafficking events (IOM HTCDS 2.0 ``vic_``, ``hte_``).

Both belong to the ``profile`` section: whoever works in that section (the owning circle, or a receiver
it was shared with) may write them, on an open case. Codes are checked against the HTCDS lists
(``validation.clean_profile_fields``); an unknown code is refused and nothing changes. The audit and
timeline say which fields changed, never their values: an event's place and account stay (encrypted)
on the row.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core.versioning import save_versioned
from octip.partners.models import User

from ..models import Case, TraffickingEvent, TraffickingProfile
from ..sharing import refuse_if_closed, require_section, sections_visible_to
from ..timeline import Kind, happened
from ..validation import EVENT_FIELDS, clean_event_fields, clean_profile_fields

SECTION = "profile"


def _current_age(actor: User, case: Case) -> int | None:
    """The person's age, to check the age when trafficked against it: only for a writer who may read
    the identity (where the date of birth is). For anyone else the check would be an oracle (refused
    above the age, accepted below), so they get the plain 0–120 bound."""
    if "identity" not in sections_visible_to(actor, case):
        return None
    return case.person.age()


def _create_profile(**values: Any) -> TraffickingProfile:
    """Create the case's one profile; when someone else created it a moment earlier, refuse like a lost
    race instead of failing."""
    try:
        with transaction.atomic():
            return TraffickingProfile.objects.create(**values)
    except IntegrityError as taken:
        raise ValidationError(_("Someone else saved this a moment ago. Reload the page and apply your change "
                                "again.")) from taken


def _profile_of(case: Case, actor: User) -> TraffickingProfile:
    profile = TraffickingProfile.objects.filter(case=case).first()
    return profile if profile is not None else _create_profile(case=case, updated_by=actor)


@transaction.atomic
def save_trafficking_profile(*, actor: User, case: Case, changes: dict[str, Any],
                             expected_version: int | None) -> TraffickingProfile:
    """Set fields of the case's HTCDS profile (create it the first time). Only the fields in ``changes``
    change. ``expected_version`` is the version the writer saw (None: they saw no profile); a profile
    saved meanwhile is refused (``StaleVersion``), never overwritten."""
    require_section(actor, "case.edit", case, SECTION)
    refuse_if_closed(case)
    cleaned = clean_profile_fields(changes, current_age=_current_age(actor, case))
    profile = TraffickingProfile.objects.filter(case=case).first()
    if profile is None:
        profile = _create_profile(case=case, updated_by=actor, **cleaned)
    else:
        for name, value in cleaned.items():
            setattr(profile, name, value)
        profile.updated_by, profile.updated_at = actor, timezone.now()
        save_versioned(profile, expected_version=expected_version if expected_version is not None else -1,
                       fields=[*cleaned, "updated_by", "updated_at"], original=dict(cleaned))
    happened(actor=actor, case=case, kind=Kind.TRAFFICKING_PROFILE_SAVED,
             audit_detail={"profile_id": profile.pk, "fields": sorted(cleaned)})
    return profile


@transaction.atomic
def add_trafficking_event(*, actor: User, case: Case, values: dict[str, Any]) -> TraffickingEvent:
    """Record a past trafficking event (type required: recruitment, transit or exploitation)."""
    require_section(actor, "case.edit", case, SECTION)
    refuse_if_closed(case)
    cleaned = clean_event_fields({"type": values.get("type", ""), **{
        k: v for k, v in values.items() if k in EVENT_FIELDS}})
    _profile_of(case, actor)  # the section's one row, which lists the events
    event = TraffickingEvent.objects.create(case=case, created_by=actor, **cleaned)
    happened(actor=actor, case=case, kind=Kind.TRAFFICKING_EVENT_ADDED,
             params={"type": ("htcds_event_type", event.type)},
             audit_detail={"event_id": event.pk, "type": event.type})
    return event


@transaction.atomic
def update_trafficking_event(*, actor: User, event: TraffickingEvent, changes: dict[str, Any],
                             expected_version: int) -> TraffickingEvent:
    """Change fields of a trafficking event (only those in ``changes``), refusing a stale version."""
    case = event.case
    require_section(actor, "case.edit", case, SECTION)
    refuse_if_closed(case)
    # A date and its precision are one value: a change of either is normalized with the other.
    if "date" in changes and "date_precision" not in changes:
        changes = {**changes, "date_precision": event.date_precision}
    if "date_precision" in changes and "date" not in changes:
        changes = {**changes, "date": event.date}
    cleaned = clean_event_fields(changes)
    for name, value in cleaned.items():
        setattr(event, name, value)
    event.updated_at = timezone.now()
    save_versioned(event, expected_version=expected_version, fields=[*cleaned, "updated_at"], original=dict(cleaned))
    happened(actor=actor, case=case, kind=Kind.TRAFFICKING_EVENT_UPDATED,
             params={"type": ("htcds_event_type", event.type)},
             audit_detail={"event_id": event.pk, "fields": sorted(cleaned)})
    return event


@transaction.atomic
def remove_trafficking_event(*, actor: User, event: TraffickingEvent) -> None:
    """Remove a trafficking event recorded in error. The audit keeps that it existed, not what it said."""
    case = event.case
    require_section(actor, "case.edit", case, SECTION)
    refuse_if_closed(case)
    event_id, event_type = event.pk, event.type
    event.delete()
    happened(actor=actor, case=case, kind=Kind.TRAFFICKING_EVENT_REMOVED,
             params={"type": ("htcds_event_type", event_type)},
             audit_detail={"event_id": event_id, "type": event_type})


__all__ = ["add_trafficking_event", "remove_trafficking_event", "save_trafficking_profile",
           "update_trafficking_event"]
