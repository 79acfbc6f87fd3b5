"""Opening an intake and editing a case, its person and its assignment."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core import audit
from octip.core.access import allows, require
from octip.core.versioning import save_versioned
from octip.partners.models import Team, User

from .. import notices
from ..models import YOUTH_AGE_LIMIT, Case, CaseNumberCounter, Person, Track, YouthProfile, age_on
from ..search_index import index_persons
from ..sharing import refuse_if_closed, require_own_scope, require_section
from ..timeline import Kind, happened, record
from ..validation import CASE_FIELDS, PERSON_FIELDS, clean_case_fields, clean_person_fields


def _next_case_number(today: datetime.date) -> str:
    return f"BC-{today.year}-{CaseNumberCounter.claim(today.year):06d}"


def youth_at_intake(*, date_of_birth: datetime.date | None, estimated_age: int | None,
                    on: datetime.date) -> bool:
    """B.C. law counts a person under 19 as a child; with no date of birth, the estimate decides."""
    if date_of_birth:
        return age_on(date_of_birth, on) < YOUTH_AGE_LIMIT
    return estimated_age is not None and estimated_age < YOUTH_AGE_LIMIT


@transaction.atomic
def open_case(*, actor: User, person: dict, case: dict, owner_team: Team | None = None,
              owner_worker: User | None = None) -> Case:
    """Open an intake: create the person and their case, owned by the actor's organization.

    The track is youth when the person is under 19 at intake (by date of birth, else by the
    estimated age); a youth case carries the duty-to-report step from the start.
    """
    require(actor, "case.create")
    person_fields = clean_person_fields({k: v for k, v in person.items() if k in PERSON_FIELDS})
    case_fields = clean_case_fields({k: v for k, v in case.items() if k in CASE_FIELDS})
    if not person_fields.get("legal_name"):
        raise ValidationError({"legal_name": _("Enter the person's legal name (or the name they give).")})
    if not case_fields.get("region"):
        raise ValidationError({"region": _("Choose a region.")})
    today = timezone.localdate()
    case_fields.setdefault("first_contact_date", today)
    if owner_team is not None and owner_team.organization_id != actor.organization_id:
        raise ValidationError({"owner_team": _("The team must belong to your organization.")})
    if owner_team is None:
        owner_team = actor.teams.order_by("pk").first()
    if owner_worker is not None and owner_worker.organization_id != actor.organization_id:
        raise ValidationError({"owner_worker": _("The caseworker must belong to your organization.")})

    new_person = Person(**person_fields)
    new_person.refresh_indexes()
    new_person.save()  # writes its search tokens too (``Person.save``)
    youth = youth_at_intake(date_of_birth=new_person.date_of_birth, estimated_age=new_person.estimated_age,
                            on=case_fields["first_contact_date"])
    new_case = Case.objects.create(
        number=_next_case_number(today), person=new_person, track=Track.YOUTH if youth else Track.ADULT,
        owner_organization_id=actor.organization_id, owner_team=owner_team,
        owner_worker=owner_worker or actor, created_by=actor, **case_fields)
    if youth:
        YouthProfile.objects.create(case=new_case)
    happened(actor=actor, case=new_case, kind=Kind.CASE_OPENED, params={"track": ("track", new_case.track)},
             audit_detail={"track": new_case.track, "number": new_case.number})
    audit.record(actor, "person.created", new_person, detail={"case_id": str(new_case.pk)})
    if youth:
        record(actor=actor, case=new_case, kind=Kind.DUTY_TO_REPORT_REQUIRED, params={"variant": "intake"})
    return new_case


def _snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    return {f: getattr(instance, f) for f in fields}


@transaction.atomic
def update_case(*, actor: User, case: Case, expected_version: int, changes: dict) -> Case:
    """Edit the case's summary fields; refused with ``StaleVersion`` when someone saved first."""
    require_own_scope(actor, "case.edit", case)
    refuse_if_closed(case)
    changes = clean_case_fields({k: v for k, v in changes.items() if k in CASE_FIELDS})
    if not changes:
        return case
    original = _snapshot(case, changes)
    for name, value in changes.items():
        setattr(case, name, value)
    fields = [*changes, "updated_at"]
    case.updated_at = timezone.now()
    save_versioned(case, expected_version=expected_version, fields=fields, original=dict(changes))
    changed = sorted(k for k in changes if original[k] != changes[k])
    audit.record(actor, "case.updated", case, detail={"fields": changed})
    if changed:
        record(actor=actor, case=case, kind=Kind.CASE_UPDATED, detail={"fields": changed})
    return case


@transaction.atomic
def update_person(*, actor: User, case: Case, expected_version: int, changes: dict) -> Person:
    """Edit the identifying (and clear) fields of the case's person."""
    require_own_scope(actor, "case.edit", case)
    require_section(actor, "case.view_identifying", case, "identity")
    person = case.person
    changes = clean_person_fields({k: v for k, v in changes.items() if k in PERSON_FIELDS})
    original = _snapshot(person, changes)
    if all(original[k] == v for k, v in changes.items()):
        return person  # nothing to change: no new version, no audit of an update that did not happen
    for name, value in changes.items():
        setattr(person, name, value)
    person.refresh_indexes()
    save_versioned(person, expected_version=expected_version, fields=[*changes, *Person.INDEXED_FIELDS],
                   original=dict(changes))
    index_persons([person])  # save_versioned is an UPDATE: the name tokens follow here, in its transaction
    changed = sorted(k for k in changes if original[k] != changes[k])
    audit.record(actor, "person.updated", person, detail={"case_id": str(case.pk), "fields": changed})
    if changed:
        record(actor=actor, case=case, kind=Kind.PERSON_UPDATED, detail={"fields": changed})
    _move_to_youth_track_if_under_19(actor=actor, case=case, person=person)
    return person


def _move_to_youth_track_if_under_19(*, actor: User, case: Case, person: Person) -> None:
    """A corrected age that makes the person a child at intake puts the case on the youth track (and
    its duty-to-report). The reverse is never automatic: leaving the youth track is a human decision."""
    if case.is_youth or not youth_at_intake(date_of_birth=person.date_of_birth, estimated_age=person.estimated_age,
                                            on=case.first_contact_date):
        return
    Case.objects.filter(pk=case.pk).update(track=Track.YOUTH, updated_at=timezone.now())
    case.track = Track.YOUTH
    YouthProfile.objects.get_or_create(case=case)
    happened(actor=actor, case=case, kind=Kind.DUTY_TO_REPORT_REQUIRED, params={"variant": "moved"},
             audit_action="case.track_changed", audit_detail={"to": "youth"})


@transaction.atomic
def assign_case(*, actor: User, case: Case, owner_team: Team | None = None, owner_worker: User | None = None,
                assigned_workers: Iterable[User] | None = None) -> Case:
    """Change the owning team / worker and the other assigned workers (within the owner organization)."""
    require_own_scope(actor, "case.assign", case)
    if owner_team is None and owner_worker is None:
        # A case owned by no team and no worker is seen by nobody who works on it.
        raise ValidationError({"owner_team": _("Choose the owning team or the caseworker (or both).")})
    for user in [owner_worker, *(assigned_workers or [])]:
        if user is not None and not allows(user, "case.view"):
            raise ValidationError({"assigned_workers": _("%(name)s's role cannot work on cases.") % {"name": user}})
    if owner_team is not None and owner_team.organization_id != case.owner_organization_id:
        raise ValidationError({"owner_team": _("The team must belong to the case's organization.")})
    if owner_worker is not None and owner_worker.organization_id != case.owner_organization_id:
        raise ValidationError({"owner_worker": _("The caseworker must belong to the case's organization.")})
    # An assignment opens the whole case with no consent asked: it stays inside the owner organization.
    # Another organization sees a case only through a referral or a transfer.
    outsiders = [u for u in (assigned_workers or []) if u is not None
                 and u.organization_id != case.owner_organization_id]
    if outsiders:
        raise ValidationError({"assigned_workers": _(
            "Assigned workers must belong to the case's organization. To involve another organization, "
            "refer the case to it (with the person's consent).")})
    previous_worker_id = case.owner_worker_id
    case.owner_team, case.owner_worker = owner_team, owner_worker
    case.save(update_fields=["owner_team", "owner_worker", "updated_at"])
    if assigned_workers is not None:
        case.assigned_workers.set(list(assigned_workers))
    detail = {"owner_team_id": getattr(owner_team, "pk", None), "owner_worker_id": getattr(owner_worker, "pk", None),
              "assigned_worker_ids": sorted(u.pk for u in case.assigned_workers.all())}
    happened(actor=actor, case=case, kind=Kind.CASE_ASSIGNED, detail=detail)
    if owner_worker is not None and owner_worker.pk != previous_worker_id:
        notices.case_assigned(actor=actor, case=case, worker=owner_worker)
    return case
