"""Writes about cases: ``verb_noun(*, actor, ...)``, permission first, then write, then audit.

Everything here runs in one transaction; any exception rolls the whole operation back. Timeline
entries and audit events never carry identifying values.
"""

from __future__ import annotations

import base64
import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from octip.core import audit, crypto
from octip.core.access import AccessDenied, allows, require
from octip.core.bounds import refuse_out_of_range
from octip.core.versioning import save_versioned

from . import models as m
from . import reference
from .sections import validate_sections
from .selectors import sections_visible_to

EMERGENCY_ACCESS_MINUTES = 60
DOWNLOAD_LINK_SECONDS = 300
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Accepted uploads: content type → (extensions, magic bytes at the start of the file or None for text).
DOCUMENT_TYPES: dict[str, tuple[tuple[str, ...], bytes | None]] = {
    "application/pdf": ((".pdf",), b"%PDF-"),
    "image/jpeg": ((".jpg", ".jpeg"), b"\xff\xd8\xff"),
    "image/png": ((".png",), b"\x89PNG\r\n\x1a\n"),
    "text/plain": ((".txt",), None),
}


# --- Timeline and grants (the contract with consent and referrals) ----------------------------

def _said(msgid: str, **params: Any) -> m.TimelineMessage:
    """A timeline summary shown in each reader's language: ``msgid`` (marked with ``gettext_noop``) and
    its parameters, each a plain value or a ``(label kind, code)`` pair translated when shown."""
    return m.TimelineMessage(msgid, params)


def add_timeline_entry(*, actor: Any, case: m.Case, kind: str, summary: str | m.TimelineMessage,
                       detail: dict | None = None) -> m.TimelineEntry:
    """Add an event to the case's timeline. Never put identifying data in ``summary`` or ``detail``.

    ``summary`` is a plain string (stored as given) or a ``TimelineMessage`` (stored in English and
    shown in the reader's language)."""
    detail = dict(detail or {})
    if isinstance(summary, m.TimelineMessage):
        detail["_i18n"] = summary.as_json()
        summary = summary.render("en")
    return m.TimelineEntry.objects.create(case=case, kind=kind, summary=str(summary)[:300], detail=detail,
                                          actor=actor if getattr(actor, "pk", None) else None)


def grant_case_access(*, actor: Any, case: m.Case, organization=None, user=None, sections: Iterable[str],
                      source: str, source_id: str, reason: str = "",
                      expires_at: datetime.datetime | None = None) -> m.CaseAccessGrant:
    """Open some sections of ``case`` to an organization or a user. The caller has already decided
    (consent policy, emergency access rules); this records the grant and audits it."""
    chosen = validate_sections(sections)
    if organization is None and user is None:
        raise ValidationError(_("A grant needs an organization or a user."))
    if source not in m.GrantSource.values:
        raise ValidationError(_("Unknown grant source."))
    grant = m.CaseAccessGrant.objects.create(
        case=case, organization=organization, user=user, sections=sorted(chosen), source=source,
        source_id=str(source_id), reason=reason, granted_by=actor, expires_at=expires_at)
    audit.record(actor, "case.access_granted", case, detail={
        "grant_id": grant.pk, "source": source, "source_id": str(source_id), "sections": sorted(chosen),
        "organization_id": getattr(organization, "pk", None), "user_id": getattr(user, "pk", None),
        "expires_at": expires_at.isoformat() if expires_at else None})
    return grant


def revoke_case_access(*, actor: Any, source: str, source_id: str) -> int:
    """Revoke every active grant from ``source``/``source_id``; returns how many were revoked."""
    now = timezone.now()
    grants = list(m.CaseAccessGrant.objects.active().filter(source=source, source_id=str(source_id)))
    for grant in grants:
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
        audit.record(actor, "case.access_revoked", grant.case, detail={
            "grant_id": grant.pk, "source": source, "source_id": str(source_id)})
    return len(grants)


# --- Guards -----------------------------------------------------------------------------------

def require_own_scope(actor: Any, permission: str, case: m.Case) -> None:
    """``require`` plus: the case is in the actor's own scope (a grant opens sections to read and
    work in, not the case's core record)."""
    require(actor, permission, case)
    if not m.Case.objects.in_own_scope(actor).filter(pk=case.pk).exists():
        audit.record_denial(actor, permission, case)
        raise AccessDenied(permission, _("This case is shared with you only in part; its owner makes this change."))


def require_section(actor: Any, permission: str, case: m.Case, section: str) -> None:
    require(actor, permission, case)
    if section not in sections_visible_to(actor, case):
        audit.record_denial(actor, permission, case)
        raise AccessDenied(permission, _("This part of the case is not shared with you."))


def _require_open(case: m.Case) -> None:
    if case.stage == m.Stage.CLOSED:
        raise ValidationError(_("This case is closed. Reopen it first."))


# --- Intake -----------------------------------------------------------------------------------

def _next_case_number(today: datetime.date) -> str:
    counter, _created = m.CaseNumberCounter.objects.select_for_update().get_or_create(year=today.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"BC-{today.year}-{counter.last:06d}"


def _clean_codes(values: Iterable[str], allowed: Iterable[str], field: str, message: str) -> list[str]:
    values = list(dict.fromkeys(v for v in (values or []) if v))
    allowed = set(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError({field: message % {"values": ", ".join(unknown)}})
    return values


def _refuse_empty(model, fields: dict) -> dict:
    """None means "empty" where the column allows it ("" for text, [] for lists); elsewhere it is refused."""
    fields = dict(fields)
    for name, value in list(fields.items()):
        if value is not None:
            continue
        field = model._meta.get_field(name)
        if field.null:
            continue
        if field.default is list:
            fields[name] = []
        elif isinstance(field, (models.CharField, models.TextField)) and field.blank and not field.choices:
            fields[name] = ""
        else:
            raise ValidationError({name: _("This field cannot be empty.")})
    return fields


def clean_person_fields(fields: dict) -> dict:
    """Validate the person's fields (used by the intake form, the API and edits)."""
    fields = _refuse_empty(m.Person, {k: v for k, v in fields.items() if k != "legal_name"}) | (
        {"legal_name": fields["legal_name"]} if "legal_name" in fields else {})
    if "legal_name" in fields:
        fields["legal_name"] = (fields["legal_name"] or "").strip()
        if not fields["legal_name"]:
            raise ValidationError({"legal_name": _("Enter the person's legal name (or the name they give).")})
    if "aliases" in fields:
        aliases = fields["aliases"] or []
        if isinstance(aliases, str):
            aliases = [a for a in (line.strip() for line in aliases.splitlines()) if a]
        fields["aliases"] = [str(a).strip() for a in aliases if str(a).strip()]
    if "citizenship" in fields:
        codes = [str(c).strip().upper() for c in (fields["citizenship"] or []) if str(c).strip()]
        fields["citizenship"] = _clean_codes(codes, reference.country_codes(), "citizenship",
                                             _("Unknown ISO 3166 country code: %(values)s."))
    if "languages" in fields:
        langs = fields["languages"] or []
        if isinstance(langs, str):
            langs = [p.strip() for p in langs.split(",")]
        fields["languages"] = [str(p).strip()[:40] for p in langs if str(p).strip()]
    if "identity_documents" in fields:
        fields["identity_documents"] = clean_identity_documents(fields["identity_documents"])
    dob = fields.get("date_of_birth")
    if dob:
        if dob > timezone.localdate():
            raise ValidationError({"date_of_birth": _("The date of birth is in the future.")})
        if dob.year < 1900:
            raise ValidationError({"date_of_birth": _("Enter a date of birth after 1900.")})
    age = fields.get("estimated_age")
    if age is not None and not 0 <= age <= 120:
        raise ValidationError({"estimated_age": _("An estimated age is between 0 and 120.")})
    if fields.get("gender") and fields["gender"] not in m.Gender.values:
        raise ValidationError({"gender": _("Unknown gender value.")})
    if fields.get("indigenous_identity") and fields["indigenous_identity"] not in m.IndigenousIdentity.values:
        raise ValidationError({"indigenous_identity": _("Unknown value.")})
    return fields


IDENTITY_DOCUMENT_KEYS = ("type", "number", "country", "held_by_person")


def clean_identity_documents(documents: Any) -> list[dict]:
    """A list of {"type", "number", "country", "held_by_person"}: whether the person holds their own
    documents matters (withholding them is an offence, Criminal Code s. 279.03)."""
    if not isinstance(documents, list):
        raise ValidationError({"identity_documents": _("Identity documents must be a list.")})
    cleaned = []
    for document in documents:
        if not isinstance(document, dict) or set(document) - set(IDENTITY_DOCUMENT_KEYS):
            raise ValidationError({"identity_documents": _("Each identity document has a type, a number, a "
                                                           "country and whether the person holds it.")})
        kind = str(document.get("type") or "").strip()[:60]
        if not kind:
            raise ValidationError({"identity_documents": _("Give the type of each identity document.")})
        country = str(document.get("country") or "").strip().upper()
        if country and country not in reference.country_codes():
            raise ValidationError({"identity_documents": _("Unknown ISO 3166 country code: %(values)s.") % {
                "values": country}})
        cleaned.append({"type": kind, "number": str(document.get("number") or "").strip()[:60],
                        "country": country, "held_by_person": bool(document.get("held_by_person", True))})
    return cleaned


def clean_case_fields(fields: dict) -> dict:
    fields = _refuse_empty(m.Case, fields)
    if "exploitation_types" in fields:
        fields["exploitation_types"] = _clean_codes(fields["exploitation_types"], m.ExploitationType.values,
                                                    "exploitation_types", _("Unknown exploitation type: %(values)s."))
    if fields.get("setting"):
        _clean_codes([fields["setting"]], [t.code for t in reference.polaris_settings()], "setting",
                     _("Unknown setting: %(values)s."))
    if "means_of_control" in fields:
        fields["means_of_control"] = _clean_codes(fields["means_of_control"],
                                                  [t.code for t in reference.means_of_control()],
                                                  "means_of_control", _("Unknown means of control: %(values)s."))
    if fields.get("referral_source") and fields["referral_source"] not in m.ReferralSource.values:
        raise ValidationError({"referral_source": _("Unknown referral source.")})
    first = fields.get("first_contact_date")
    if first and first > timezone.localdate():
        raise ValidationError({"first_contact_date": _("The first-contact date is in the future.")})
    return fields


PERSON_FIELDS = ["legal_name", "preferred_name", "aliases", "date_of_birth", "phone", "email", "address",
                 "identity_documents", "gender", "estimated_age", "citizenship", "languages",
                 "interpreter_needed", "pronouns", "indigenous_identity"]
CASE_FIELDS = ["exploitation_types", "setting", "means_of_control", "referral_source", "region",
               "first_contact_date", "immediate_danger", "needs_interpreter"]


def youth_at_intake(*, date_of_birth: datetime.date | None, estimated_age: int | None,
                    on: datetime.date) -> bool:
    """B.C. law counts a person under 19 as a child; with no date of birth, the estimate decides."""
    if date_of_birth:
        return m.age_on(date_of_birth, on) < m.YOUTH_AGE_LIMIT
    return estimated_age is not None and estimated_age < m.YOUTH_AGE_LIMIT


@transaction.atomic
def open_case(*, actor: Any, person: dict, case: dict, owner_team=None, owner_worker=None) -> m.Case:
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

    new_person = m.Person(**person_fields)
    new_person.refresh_indexes()
    new_person.save()
    youth = youth_at_intake(date_of_birth=new_person.date_of_birth, estimated_age=new_person.estimated_age,
                            on=case_fields["first_contact_date"])
    new_case = m.Case.objects.create(
        number=_next_case_number(today), person=new_person, track=m.Track.YOUTH if youth else m.Track.ADULT,
        owner_organization_id=actor.organization_id, owner_team=owner_team,
        owner_worker=owner_worker or actor, created_by=actor, **case_fields)
    if youth:
        m.YouthProfile.objects.create(case=new_case)
    audit.record(actor, "case.opened", new_case, detail={"track": new_case.track, "number": new_case.number})
    audit.record(actor, "person.created", new_person, detail={"case_id": str(new_case.pk)})
    add_timeline_entry(actor=actor, case=new_case, kind="case.opened",
                       summary=_said(gettext_noop("Case opened (%(track)s track)."), track=("track", new_case.track)))
    if youth:
        add_timeline_entry(actor=actor, case=new_case, kind="youth.duty_to_report_required",
                           summary=_said(gettext_noop("Youth track: a report to a child welfare director is required "
                                            "(CFCSA s. 14).")))
    return new_case


def _snapshot(instance, fields: Iterable[str]) -> dict:
    return {f: getattr(instance, f) for f in fields}


def _conflicts_against(submitted: dict) -> dict:
    """The base ``save_versioned`` compares with on a lost race: the values this user is saving, so
    the refusal names every field whose stored value now differs from theirs."""
    return dict(submitted)


@transaction.atomic
def update_case(*, actor: Any, case: m.Case, expected_version: int, changes: dict) -> m.Case:
    """Edit the case's summary fields; refused with ``StaleVersion`` when someone saved first."""
    require_own_scope(actor, "case.edit", case)
    _require_open(case)
    changes = clean_case_fields({k: v for k, v in changes.items() if k in CASE_FIELDS})
    if not changes:
        return case
    original = _snapshot(case, changes)
    for name, value in changes.items():
        setattr(case, name, value)
    fields = [*changes, "updated_at"]
    case.updated_at = timezone.now()
    save_versioned(case, expected_version=expected_version, fields=fields, original=_conflicts_against(changes))
    changed = sorted(k for k in changes if original[k] != changes[k])
    audit.record(actor, "case.updated", case, detail={"fields": changed})
    if changed:
        add_timeline_entry(actor=actor, case=case, kind="case.updated",
                           summary=_said(gettext_noop("Case details updated.")), detail={"fields": changed})
    return case


@transaction.atomic
def update_person(*, actor: Any, case: m.Case, expected_version: int, changes: dict) -> m.Person:
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
    save_versioned(person, expected_version=expected_version, fields=[*changes, *m.Person.INDEXED_FIELDS],
                   original=_conflicts_against(changes))
    changed = sorted(k for k in changes if original[k] != changes[k])
    audit.record(actor, "person.updated", person, detail={"case_id": str(case.pk), "fields": changed})
    if changed:
        add_timeline_entry(actor=actor, case=case, kind="person.updated",
                           summary=_said(gettext_noop("Personal details updated.")), detail={"fields": changed})
    _move_to_youth_track_if_under_19(actor=actor, case=case, person=person)
    return person


def _move_to_youth_track_if_under_19(*, actor: Any, case: m.Case, person: m.Person) -> None:
    """A corrected age that makes the person a child at intake puts the case on the youth track (and
    its duty-to-report). The reverse is never automatic: leaving the youth track is a human decision."""
    if case.is_youth or not youth_at_intake(date_of_birth=person.date_of_birth, estimated_age=person.estimated_age,
                                            on=case.first_contact_date):
        return
    m.Case.objects.filter(pk=case.pk).update(track=m.Track.YOUTH, updated_at=timezone.now())
    case.track = m.Track.YOUTH
    m.YouthProfile.objects.get_or_create(case=case)
    audit.record(actor, "case.track_changed", case, detail={"to": "youth"})
    add_timeline_entry(actor=actor, case=case, kind="youth.duty_to_report_required",
                       summary=_said(gettext_noop(
                           "Moved to the youth track: a report to a child welfare director is required "
                           "(CFCSA s. 14).")))


@transaction.atomic
def assign_case(*, actor: Any, case: m.Case, owner_team=None, owner_worker=None,
                assigned_workers: Iterable | None = None) -> m.Case:
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
    case.owner_team, case.owner_worker = owner_team, owner_worker
    case.save(update_fields=["owner_team", "owner_worker", "updated_at"])
    if assigned_workers is not None:
        case.assigned_workers.set(list(assigned_workers))
    detail = {"owner_team_id": getattr(owner_team, "pk", None), "owner_worker_id": getattr(owner_worker, "pk", None),
              "assigned_worker_ids": sorted(u.pk for u in case.assigned_workers.all())}
    audit.record(actor, "case.assigned", case, detail=detail)
    add_timeline_entry(actor=actor, case=case, kind="case.assigned", summary=_said(gettext_noop("Case assigned.")),
                       detail=detail)
    return case


@transaction.atomic
def move_case_ownership(*, actor: Any, case: m.Case, organization, owner_worker=None, source_id: str) -> m.Case:
    """Make ``organization`` the owner of ``case`` (its team cleared, ``owner_worker`` its caseworker,
    other assignments dropped); bumps the version and audits the move.

    Only for an accepted transfer: the caller (``referrals.services``) has already checked that the
    receiving organization accepted and that the actor may respond for it. Never call it directly
    from a view.
    """
    if owner_worker is not None and owner_worker.organization_id != organization.pk:
        raise ValidationError({"owner_worker": _("The caseworker must belong to the receiving organization.")})
    previous = case.owner_organization_id
    m.Case.objects.filter(pk=case.pk).update(owner_organization=organization, owner_team=None,
                                             owner_worker=owner_worker, version=models.F("version") + 1,
                                             updated_at=timezone.now())
    case.assigned_workers.clear()
    case.refresh_from_db()
    audit.record(actor, "case.ownership_moved", case, detail={
        "transfer": source_id, "from_organization_id": previous, "to_organization_id": organization.pk})
    return case


# --- Stages and closure -----------------------------------------------------------------------

def duty_to_report_outstanding(case: m.Case) -> bool:
    return case.is_youth and not case.duty_reports.exists()


@transaction.atomic
def change_stage(*, actor: Any, case: m.Case, to_stage: str, expected_version: int) -> m.Case:
    require_own_scope(actor, "case.edit", case)
    allowed = m.STAGE_TRANSITIONS.get(case.stage, ())
    if to_stage not in allowed:
        raise ValidationError({"stage": _("A case cannot move from %(from)s to %(to)s.") % {
            "from": case.get_stage_display(), "to": to_stage}})
    if to_stage != m.Stage.INTAKE and duty_to_report_outstanding(case):
        raise ValidationError({"stage": _("Record the duty-to-report (CFCSA s. 14) before this youth case "
                                          "moves on. Consent cannot waive it.")})
    before = case.stage
    case.stage = to_stage
    save_versioned(case, expected_version=expected_version, fields=["stage"], original={"stage": before})
    audit.record(actor, "case.stage_changed", case, detail={"from": before, "to": to_stage})
    add_timeline_entry(actor=actor, case=case, kind="case.stage_changed",
                       summary=_said(gettext_noop("Stage changed from %(from)s to %(to)s."),
                                     **{"from": ("stage", before), "to": ("stage", to_stage)}),
                       detail={"from": before, "to": to_stage})
    return case


@transaction.atomic
def request_closure(*, actor: Any, case: m.Case, reason: str, outcome: str) -> m.ClosureRequest:
    """A caseworker asks a coordinator to close the case."""
    require_own_scope(actor, "case.request_closure", case)
    if case.stage in (m.Stage.CLOSED, m.Stage.CLOSURE_REQUESTED):
        raise ValidationError(_("Closure has already been requested, or the case is closed."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for closing.")})
    if outcome not in m.ClosureOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if duty_to_report_outstanding(case):
        raise ValidationError(_("Record the duty-to-report (CFCSA s. 14) before this youth case can close."))
    request = m.ClosureRequest.objects.create(case=case, reason=reason.strip(), outcome=outcome,
                                              requested_by=actor, previous_stage=case.stage)
    m.Case.objects.filter(pk=case.pk).update(stage=m.Stage.CLOSURE_REQUESTED, updated_at=timezone.now())
    case.refresh_from_db(fields=["stage", "version", "updated_at"])
    audit.record(actor, "case.closure_requested", case, detail={"request_id": request.pk, "outcome": outcome})
    add_timeline_entry(actor=actor, case=case, kind="case.closure_requested",
                       summary=_said(gettext_noop("Closure requested (outcome: %(outcome)s)."),
                                     outcome=("outcome", outcome)),
                       detail={"request_id": request.pk})
    return request


@transaction.atomic
def decide_closure(*, actor: Any, closure: m.ClosureRequest, approve: bool, comment: str) -> m.ClosureRequest:
    """A coordinator approves (the case closes) or rejects (it returns to its stage) a request."""
    case = closure.case
    require(actor, "case.approve_closure", case)
    if closure.decision != m.ClosureRequest.Decision.PENDING:
        raise ValidationError(_("This closure request has already been decided."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Add a comment for the caseworker.")})
    now = timezone.now()
    closure.decision = m.ClosureRequest.Decision.APPROVED if approve else m.ClosureRequest.Decision.REJECTED
    closure.decided_by, closure.decided_at, closure.comment = actor, now, comment.strip()
    closure.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    if approve:
        m.Case.objects.filter(pk=case.pk).update(stage=m.Stage.CLOSED, closed_at=now, updated_at=now)
    else:
        m.Case.objects.filter(pk=case.pk).update(stage=closure.previous_stage, updated_at=now)
    case.refresh_from_db(fields=["stage", "closed_at", "updated_at"])
    action = "case.closure_approved" if approve else "case.closure_rejected"
    audit.record(actor, action, case, detail={"request_id": closure.pk})
    add_timeline_entry(actor=actor, case=case, kind=action,
                       summary=_said(gettext_noop("Closure approved; case closed.") if approve
                                     else gettext_noop("Closure rejected.")),
                       detail={"request_id": closure.pk})
    return closure


@transaction.atomic
def reopen_case(*, actor: Any, case: m.Case, reason: str) -> m.Case:
    require_own_scope(actor, "case.edit", case)
    if case.stage != m.Stage.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    m.Case.objects.filter(pk=case.pk).update(stage=m.Stage.ASSESSMENT, closed_at=None, updated_at=timezone.now())
    case.refresh_from_db(fields=["stage", "closed_at", "updated_at"])
    audit.record(actor, "case.reopened", case)
    add_timeline_entry(actor=actor, case=case, kind="case.reopened", summary=_said(gettext_noop("Case reopened.")))
    return case


# --- Youth track ------------------------------------------------------------------------------

@transaction.atomic
def record_duty_to_report(*, actor: Any, case: m.Case, reported_by_name: str, reported_at: datetime.datetime,
                          office: str, office_detail: str = "", reference: str = "") -> m.DutyToReport:
    """Record the report to a director under CFCSA s. 14. Append-only: no path edits or removes it,
    and no consent setting affects it. Only the case's own circle records it: a receiver of a referral
    cannot clear the flag that holds the case at intake."""
    require_own_scope(actor, "case.edit", case)
    if not case.is_youth:
        raise ValidationError(_("The duty-to-report step belongs to youth cases."))
    if not (reported_by_name or "").strip():
        raise ValidationError({"reported_by_name": _("Say who made the report.")})
    if office not in m.ReportOffice.values:
        raise ValidationError({"office": _("Choose the office or line reported to.")})
    refuse_out_of_range(reported_at=reported_at)  # before the comparison, which overflows near year 1 or 9999
    if reported_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"reported_at": _("The report time is in the future.")})
    report = m.DutyToReport.objects.create(case=case, reported_by_name=reported_by_name.strip(),
                                           reported_at=reported_at, office=office,
                                           office_detail=office_detail.strip(), reference=reference.strip(),
                                           recorded_by=actor)
    audit.record(actor, "youth.duty_to_report_recorded", case, detail={"report_id": report.pk, "office": office})
    add_timeline_entry(actor=actor, case=case, kind="youth.duty_to_report_recorded",
                       summary=_said(gettext_noop("Duty-to-report recorded (%(office)s)."), office=("office", office)),
                       detail={"report_id": report.pk})
    return report


YOUTH_FIELDS = ["guardian_name", "guardian_relationship", "guardian_contact", "separation",
                "migrant_services_involved", "consent_given_by"]


@transaction.atomic
def update_youth_profile(*, actor: Any, case: m.Case, expected_version: int, changes: dict) -> m.YouthProfile:
    require_own_scope(actor, "case.edit", case)
    if not case.is_youth:
        raise ValidationError(_("Only youth cases have a youth profile."))
    profile, _created = m.YouthProfile.objects.get_or_create(case=case)
    changes = {k: v for k, v in changes.items() if k in YOUTH_FIELDS}
    if changes.get("separation") and changes["separation"] not in m.Separation.values:
        raise ValidationError({"separation": _("Unknown value.")})
    if changes.get("consent_given_by") and changes["consent_given_by"] not in m.ConsentGiver.values:
        raise ValidationError({"consent_given_by": _("Unknown value.")})
    for name, value in changes.items():
        setattr(profile, name, value)
    save_versioned(profile, expected_version=expected_version, fields=list(changes),
                   original=_conflicts_against(changes))
    audit.record(actor, "youth.profile_updated", case, detail={"fields": sorted(changes)})
    add_timeline_entry(actor=actor, case=case, kind="youth.profile_updated",
                       summary=_said(gettext_noop("Youth details updated.")))
    return profile


# --- Emergency access -------------------------------------------------------------------------

@transaction.atomic
def break_glass(*, actor: Any, case: m.Case, reason: str, minutes: int = EMERGENCY_ACCESS_MINUTES) -> m.EmergencyAccess:
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
         "timeline"])), source=m.GrantSource.BREAK_GLASS, source_id=uuid.uuid4().hex, reason="", expires_at=expires)
    access = m.EmergencyAccess.objects.create(case=case, user=actor, reason=reason.strip(), started_at=now,
                                              expires_at=expires, grant=grant)
    audit.record(actor, "case.emergency_access", case, purpose="emergency",
                 detail={"emergency_access_id": access.pk, "minutes": minutes})
    add_timeline_entry(actor=actor, case=case, kind="case.emergency_access",
                       summary=_said(gettext_noop("Emergency access opened for %(minutes)s minutes."), minutes=minutes),
                       detail={"emergency_access_id": access.pk})
    return access


@transaction.atomic
def review_emergency_access(*, actor: Any, access: m.EmergencyAccess, review: str, note: str = "") -> m.EmergencyAccess:
    require(actor, "audit.review_emergency_access")
    if review not in m.EmergencyAccess.Review.values:
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


# --- Needs, plan, tasks, notes, safety plan ---------------------------------------------------

@transaction.atomic
def save_need(*, actor: Any, case: m.Case, domain: str, priority: str, status: str, notes: str | None = "",
              expected_version: int | None = None) -> m.Need:
    """Set one domain of the needs assessment (create it, or update it with its version).
    ``notes=None`` keeps the notes already written."""
    require_section(actor, "case.edit", case, "needs")
    _require_open(case)
    if domain not in {t.code for t in reference.needs_domains()}:
        raise ValidationError({"domain": _("Unknown needs domain.")})
    if priority not in m.Priority.values:
        raise ValidationError({"priority": _("Choose a priority.")})
    if status not in m.NeedStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    need = m.Need.objects.filter(case=case, domain=domain).first()
    if notes is None:
        notes = need.notes if need is not None else ""
    if need is None:
        need = _create_once(m.Need, case=case, domain=domain, priority=priority, status=status, notes=notes,
                            updated_by=actor)
    else:
        need.priority, need.status, need.notes, need.updated_by = priority, status, notes, actor
        need.updated_at = timezone.now()
        # No version means "I saw no assessment": someone saved one meanwhile, so refuse, never overwrite.
        save_versioned(need, expected_version=expected_version if expected_version is not None else -1,
                       fields=["priority", "status", "notes", "updated_by", "updated_at"],
                       original=_conflicts_against({"priority": priority, "status": status, "notes": notes}))
    audit.record(actor, "case.need_saved", case, detail={"domain": domain, "priority": priority, "status": status})
    add_timeline_entry(actor=actor, case=case, kind="case.need_saved",
                       summary=_said(gettext_noop("Needs assessment: %(domain)s set to %(status)s."),
                                     domain=("domain", domain), status=("need_status", status)))
    return need


@transaction.atomic
def add_goal(*, actor: Any, case: m.Case, description: str) -> m.Goal:
    require_section(actor, "case.edit", case, "plan")
    _require_open(case)
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the goal.")})
    goal = m.Goal.objects.create(case=case, description=description.strip(), created_by=actor)
    audit.record(actor, "case.goal_added", case, detail={"goal_id": goal.pk})
    add_timeline_entry(actor=actor, case=case, kind="case.goal_added",
                       summary=_said(gettext_noop("Service plan goal added.")))
    return goal


@transaction.atomic
def update_goal(*, actor: Any, goal: m.Goal, status: str, expected_version: int) -> m.Goal:
    require_section(actor, "case.edit", goal.case, "plan")
    if status not in m.GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    goal.status = status
    save_versioned(goal, expected_version=expected_version, fields=["status"], original={"status": status})
    audit.record(actor, "case.goal_updated", goal.case, detail={"goal_id": goal.pk, "status": status})
    add_timeline_entry(actor=actor, case=goal.case, kind="case.goal_updated",
                       summary=_said(gettext_noop("Service plan goal marked %(status)s."),
                                     status=("goal_status", status)))
    return goal


def _check_worker(user, case: m.Case, field: str) -> None:
    if user is not None and not m.Case.objects.visible_to(user).filter(pk=case.pk).exists():
        raise ValidationError({field: _("This person cannot see the case; choose someone who can.")})


@transaction.atomic
def add_plan_action(*, actor: Any, goal: m.Goal, description: str, owner=None,
                    due: datetime.date | None = None) -> m.PlanAction:
    require_section(actor, "case.edit", goal.case, "plan")
    _require_open(goal.case)
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the action.")})
    _check_worker(owner, goal.case, "owner")
    action = m.PlanAction.objects.create(goal=goal, description=description.strip(), owner=owner, due=due)
    audit.record(actor, "case.plan_action_added", goal.case, detail={"action_id": action.pk})
    add_timeline_entry(actor=actor, case=goal.case, kind="case.plan_action_added",
                       summary=_said(gettext_noop("Service plan action added.")))
    return action


@transaction.atomic
def complete_plan_action(*, actor: Any, action: m.PlanAction, expected_version: int) -> m.PlanAction:
    require_section(actor, "case.edit", action.goal.case, "plan")
    if action.done_at:
        raise ValidationError(_("This action is already done."))
    action.done_at = timezone.now()
    save_versioned(action, expected_version=expected_version, fields=["done_at"], original={"done_at": None})
    audit.record(actor, "case.plan_action_done", action.goal.case, detail={"action_id": action.pk})
    add_timeline_entry(actor=actor, case=action.goal.case, kind="case.plan_action_done",
                       summary=_said(gettext_noop("Service plan action done.")))
    return action


@transaction.atomic
def add_task(*, actor: Any, case: m.Case, title: str, due: datetime.date, assignee=None, team=None) -> m.Task:
    require_section(actor, "case.edit", case, "tasks")
    _require_open(case)
    if not (title or "").strip():
        raise ValidationError({"title": _("Say what needs doing.")})
    if due is None:
        raise ValidationError({"due": _("Give a due date.")})
    _check_worker(assignee, case, "assignee")
    if team is not None and team.organization_id != actor.organization_id:
        raise ValidationError({"team": _("Choose one of your organization's teams.")})
    task = m.Task.objects.create(case=case, title=title.strip(), due=due, assignee=assignee,
                                 team=team or case.owner_team, created_by=actor)
    audit.record(actor, "case.task_added", case, detail={"task_id": task.pk})
    add_timeline_entry(actor=actor, case=case, kind="case.task_added", summary=_said(gettext_noop("Task added.")),
                       detail={"task_id": task.pk})
    return task


@transaction.atomic
def complete_task(*, actor: Any, task: m.Task, expected_version: int) -> m.Task:
    require_section(actor, "case.edit", task.case, "tasks")
    if task.done_at:
        raise ValidationError(_("This task is already done."))
    task.done_at, task.done_by = timezone.now(), actor
    save_versioned(task, expected_version=expected_version, fields=["done_at", "done_by"],
                   original={"done_at": None, "done_by": None})
    audit.record(actor, "case.task_done", task.case, detail={"task_id": task.pk})
    add_timeline_entry(actor=actor, case=task.case, kind="case.task_done", summary=_said(gettext_noop("Task done.")),
                       detail={"task_id": task.pk})
    return task


@transaction.atomic
def add_note(*, actor: Any, case: m.Case, body: str, sensitivity: str = m.Sensitivity.NORMAL) -> m.Note:
    require_section(actor, "case.edit", case, "notes")
    if not (body or "").strip():
        raise ValidationError({"body": _("The note is empty.")})
    if sensitivity not in m.Sensitivity.values:
        raise ValidationError({"sensitivity": _("Choose normal or restricted.")})
    in_scope = m.Case.objects.in_own_scope(actor).filter(pk=case.pk).exists()
    if sensitivity == m.Sensitivity.RESTRICTED and not in_scope:
        raise ValidationError({"sensitivity": _("Only the owning team writes restricted notes.")})
    note = m.Note.objects.create(case=case, body=body.strip(), sensitivity=sensitivity, author=actor,
                                 team=case.owner_team)
    audit.record(actor, "case.note_added", case, detail={"note_id": note.pk, "sensitivity": sensitivity})
    add_timeline_entry(actor=actor, case=case, kind="case.note_added",
                       summary=_said(gettext_noop("Restricted note added.")) if sensitivity == m.Sensitivity.RESTRICTED
                       else _said(gettext_noop("Note added.")))
    return note


SAFETY_FIELDS = ["risks", "trusted_contacts", "code_words", "emergency_steps"]


def _create_once(model, **values):
    """Create the one row a case may have (a safety plan, a need per domain); when someone else
    created it a moment earlier, refuse like a lost race instead of failing."""
    try:
        with transaction.atomic():
            return model.objects.create(**values)
    except IntegrityError as taken:
        raise ValidationError(_("Someone else saved this a moment ago. Reload the page and apply your change "
                                "again.")) from taken


@transaction.atomic
def save_safety_plan(*, actor: Any, case: m.Case, changes: dict, expected_version: int | None) -> m.SafetyPlan:
    require_section(actor, "case.edit", case, "safety_plan")
    changes = {k: (v or "").strip() for k, v in changes.items() if k in SAFETY_FIELDS}
    plan = m.SafetyPlan.objects.filter(case=case).first()
    if plan is None:
        plan = _create_once(m.SafetyPlan, case=case, updated_by=actor, **changes)
    else:
        for name, value in changes.items():
            setattr(plan, name, value)
        plan.updated_by, plan.updated_at = actor, timezone.now()
        save_versioned(plan, expected_version=expected_version if expected_version is not None else -1,
                       fields=[*changes, "updated_by", "updated_at"], original=_conflicts_against(changes))
    audit.record(actor, "case.safety_plan_saved", case)
    add_timeline_entry(actor=actor, case=case, kind="case.safety_plan_saved",
                       summary=_said(gettext_noop("Safety plan updated.")))
    return plan


# --- Documents --------------------------------------------------------------------------------

def _document_context(document_id: Any) -> str:
    return f"cases.document.{document_id}"


def check_upload(*, filename: str, content: bytes, declared_type: str = "") -> str:
    """The content type of an acceptable upload; ValidationError for a wrong type or size."""
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {
            "mb": MAX_DOCUMENT_BYTES // (1024 * 1024)}})
    lower = (filename or "").lower()
    for content_type, (extensions, magic) in DOCUMENT_TYPES.items():
        if lower.endswith(extensions):
            if magic is not None and not content.startswith(magic):
                break
            if magic is None:
                try:
                    content.decode("utf-8")
                except UnicodeDecodeError:
                    break
            return content_type
    raise ValidationError({"file": _("Upload a PDF, JPEG, PNG or plain-text file; the content must match "
                                     "its type.")})


@transaction.atomic
def upload_document(*, actor: Any, case: m.Case, kind: str, filename: str, content: bytes) -> m.Document:
    """Store ``content`` encrypted; the database holds the encrypted file name and metadata."""
    require_section(actor, "case.edit", case, "documents")
    if kind not in m.DocumentKind.values:
        raise ValidationError({"kind": _("Choose the type of document.")})
    content_type = check_upload(filename=filename, content=content)
    document_id = uuid.uuid4()
    sealed = crypto.encrypt(base64.b64encode(content).decode("ascii"), _document_context(document_id))
    storage_name = default_storage.save(f"cases/documents/{document_id.hex}.enc", ContentFile(sealed.encode("ascii")))
    clean_name = (filename or "document").replace("/", "_").replace("\\", "_")[-200:]
    document = m.Document.objects.create(id=document_id, case=case, kind=kind, filename=clean_name,
                                         content_type=content_type, size=len(content), storage_name=storage_name,
                                         uploaded_by=actor)
    audit.record(actor, "case.document_uploaded", case, detail={"document_id": str(document.pk), "kind": kind,
                                                               "size": len(content)})
    add_timeline_entry(actor=actor, case=case, kind="case.document_uploaded",
                       summary=_said(gettext_noop("Document added (%(kind)s)."), kind=("document_kind", kind)))
    return document


_DOWNLOAD_SALT = "octip.cases.document.download"


def download_token(*, actor: Any, document: m.Document) -> str:
    """A signed token for one document and one user, valid ``DOWNLOAD_LINK_SECONDS``."""
    require_section(actor, "case.view", document.case, "documents")
    return signing.dumps({"d": str(document.pk), "u": actor.pk}, salt=_DOWNLOAD_SALT, compress=False)


def read_download_token(token: str, *, actor: Any) -> str | None:
    """The document id the token names, or None if it is forged, expired or for someone else."""
    try:
        payload = signing.loads(token, salt=_DOWNLOAD_SALT, max_age=DOWNLOAD_LINK_SECONDS)
    except signing.BadSignature:
        return None
    if payload.get("u") != actor.pk:
        return None
    return payload.get("d")


def read_document(*, actor: Any, document: m.Document) -> bytes:
    """Decrypt the document's content for a download (audited)."""
    require_section(actor, "case.view", document.case, "documents")
    with default_storage.open(document.storage_name, "rb") as handle:
        sealed = handle.read().decode("ascii")
    content = base64.b64decode(crypto.decrypt(sealed, _document_context(document.pk)))
    audit.record(actor, "case.document_downloaded", document.case, detail={"document_id": str(document.pk)})
    return content
