"""Writes of the justice app: police contacts through the disclosure gate, the person's choice about
police, proceedings, immigration statuses, CVAP applications, the deadlines they make, their
reminders, and letters.

Who may write: holders of ``justice.edit`` whose own scope holds the case (``require_own_scope``):
the case's caseworkers and coordinators. A police liaison who sees a disclosed case reads it; they
do not write the person's record. Every write is audited and on the timeline; the entries of
justice records are restricted to the owning circle (a receiver given the timeline but not the
justice section must not read of charges there), a police contact's entry concerns its service.

A police contact asks ``consent.policy.may_disclose`` first, in its own transaction, so that a
refusal stays in the audit log though nothing else is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.cases.models import Case, GrantSource
from octip.cases.sections import validate_sections
from octip.cases.services import add_task, complete_task
from octip.cases.sharing import grant_case_access, refuse_if_closed, require_own_scope, revoke_case_access
from octip.cases.timeline import Kind, happened
from octip.consent.models import Consent, ConsentScope, DisclosureBasis
from octip.consent.policy import DisclosureRefused, may_disclose
from octip.consent.services import withdraw_consent
from octip.core import audit
from octip.core.bounds import refuse_out_of_range
from octip.core.deadlines import DeadlineError, application_deadline, permit_expiry, reminder_due
from octip.notifications.services import notify_deadline
from octip.partners.models import Organization, User

from . import rules
from .models import (
    AidStatus,
    ContactPurpose,
    CourtDate,
    CourtDateKind,
    CvapApplication,
    CvapStatus,
    Deadline,
    DeadlineKind,
    Decision,
    ImmigrationStatus,
    ImpactStatement,
    Letter,
    LetterKind,
    Outcome,
    PoliceChoice,
    PoliceContact,
    PolicePreference,
    Proceeding,
    ReminderSent,
    StatusKind,
    TestimonialAid,
)

LAW_ENFORCEMENT = "law_enforcement"
POLICE_LIAISON = "police_liaison"
#: Who receives a letter: the recipient named in the disclosure (an organization off the platform).
LETTER_RECIPIENTS = {LetterKind.TRP_SUPPORT: "Immigration, Refugees and Citizenship Canada (IRCC)",
                     LetterKind.CVAP_COVER: "Crime Victim Assistance Program (CVAP), B.C."}


def _require_edit(actor: User, case: Case) -> None:
    require_own_scope(actor, "justice.edit", case)
    refuse_if_closed(case)


def _today() -> datetime.date:
    return timezone.localdate()


def _not_future(errors: dict[str, str], **days: datetime.date | None) -> None:
    for name, day in days.items():
        if day is not None and day > _today():
            errors[name] = _("This date is in the future; give the day it happened.")


# --- The person's choice about police --------------------------------------------------------

def police_choice_of(case: Case) -> PolicePreference | None:
    """The person's newest recorded choice about police (a read for the services' own checks)."""
    return PolicePreference.objects.filter(case=case).first()


@transaction.atomic
def record_police_choice(*, actor: User, case: Case, choice: str) -> PolicePreference:
    """Record what the person said about involving police. A choice not to involve police also ends
    the access any police service has to the case on the person's consent (not one on a legal basis)."""
    _require_edit(actor, case)
    if choice not in PoliceChoice.values:
        raise ValidationError({"choice": _("Choose one of the options.")})
    if choice == PoliceChoice.DECLINES:
        # The consents to police are locked before anything is written or audited (the platform's one
        # lock order: consent rows, then the audit log), so a disclosure resting on one at the same
        # moment waits, or is decided again after this withdrawal; never a deadlock.
        list(Consent.objects.select_for_update().filter(case=case, scope=ConsentScope.POLICE_CONTACT)
             .values_list("pk"))
    preference = PolicePreference.objects.create(case=case, choice=choice, recorded_by=actor)
    happened(actor=actor, case=case, kind=Kind.POLICE_CHOICE, params={"choice": ("police_choice", choice)},
             restricted=True, detail={"preference_id": preference.pk, "choice": choice})
    if choice == PoliceChoice.DECLINES:
        for contact in PoliceContact.objects.filter(case=case, access_ended_at__isnull=True,
                                                    disclosure__basis=DisclosureBasis.CONSENT):
            _end_access(actor=actor, contact=contact, cause="person_declined")
        # Saying no to police withdraws the consent to contact with police: every access resting on it
        # (a police contact, a referral to a police service) ends with it, by the consent's own signal.
        for consent in Consent.objects.active().filter(case=case, scope=ConsentScope.POLICE_CONTACT):
            withdraw_consent(actor=actor, consent=consent,
                             reason=_("The person said they do not want police involved."))
    return preference


def person_declines_police(case: Case) -> bool:
    """Whether the person's newest recorded choice is not to involve police (consent.policy asks)."""
    choice = police_choice_of(case)
    return choice is not None and choice.choice == PoliceChoice.DECLINES


# --- Police contacts -------------------------------------------------------------------------

def _clean_contact(*, case: Case, organization: Organization | None, external_agency: str, purpose: str,
                   sections: Iterable[str], contacted_on: datetime.date | None) -> tuple[str, list[str]]:
    refuse_out_of_range(contacted_on=contacted_on)
    errors: dict[str, str] = {}
    external_agency = (external_agency or "").strip()
    if (organization is None) == (not external_agency):
        errors["organization"] = _("Choose a police service on the platform, or name one that is not on it "
                                   "(one of the two).")
    elif organization is not None and (organization.type != LAW_ENFORCEMENT or not organization.is_active):
        errors["organization"] = _("Choose an active law-enforcement organization.")
    if purpose not in ContactPurpose.values:
        errors["purpose"] = _("Choose the purpose of the contact.")
    chosen = sorted(validate_sections(list(sections or [])))
    if not chosen:
        errors["sections"] = _("Choose the sections of the case shared with police.")
    if contacted_on is None:
        errors["contacted_on"] = _("Give the date of the contact.")
    _not_future(errors, contacted_on=contacted_on)
    if errors:
        raise ValidationError(errors)
    return external_agency[:200], chosen


def _grant_ends(decision: Any) -> datetime.datetime | None:
    """A grant on consent ends when a consent it rests on expires; one on a legal basis after the
    number of days in data (``police_access.legal_basis_days``)."""
    if decision.basis != DisclosureBasis.CONSENT:
        return timezone.now() + datetime.timedelta(days=rules.legal_basis_access_days())
    ends = [c.expires_at for c in (decision.consent, decision.police_consent) if c is not None and c.expires_at]
    return min(ends) if ends else None


def record_police_contact(*, actor: User, case: Case, purpose: str, sections: Iterable[str],
                          contacted_on: datetime.date | None, organization: Organization | None = None,
                          external_agency: str = "", officer: str = "", file_number: str = "",
                          basis: str = DisclosureBasis.CONSENT, justification: str = "") -> PoliceContact:
    """Record a contact with a police service, which discloses ``sections`` to it.

    Raises AccessDenied, ValidationError, or DisclosureRefused (``explanation`` says why and what to
    do); nothing but the audited refusal is written then. A partner service's police liaisons see the
    shared sections until the consent is withdrawn or expires, or the worker ends the access."""
    _require_edit(actor, case)
    external_agency, chosen = _clean_contact(case=case, organization=organization, external_agency=external_agency,
                                             purpose=purpose, sections=sections, contacted_on=contacted_on)
    assert contacted_on is not None  # _clean_contact refuses a missing date
    # The person's choice not to involve police is part of may_disclose's decision (justice registers
    # it with consent.policy.register_police_objection), for this door and every other.
    recipient: Organization | str = organization if organization is not None else external_agency
    with transaction.atomic():
        decision = may_disclose(case, recipient, str(ContactPurpose(purpose).label), chosen, actor=actor,
                                basis=basis, justification=justification, police=True)
        if decision.allowed:
            assert decision.disclosure is not None  # an allowed decision is always recorded
            contact = PoliceContact.objects.create(
                case=case, organization=organization, external_agency=external_agency, purpose=purpose,
                sections=chosen, officer=(officer or "").strip()[:200], file_number=(file_number or "").strip()[:100],
                contacted_on=contacted_on, disclosure=decision.disclosure, recorded_by=actor,
                access_until=_grant_ends(decision) if organization is not None else None)
            if organization is not None:
                grant_case_access(actor=actor, case=case, organization=organization, role=POLICE_LIAISON,
                                  sections=chosen, source=GrantSource.POLICE_CONTACT, source_id=str(contact.pk),
                                  reason=f"police contact {contact.pk}", expires_at=contact.access_until)
            happened(actor=actor, case=case, kind=Kind.POLICE_CONTACT, concerns=organization,
                     restricted=organization is None,
                     params={"variant": "partner" if organization else "off_platform",
                             "purpose": ("police_purpose", purpose),
                             **({"org": organization.name} if organization else {})},
                     detail={"police_contact_id": contact.pk, "disclosure_id": decision.disclosure.pk},
                     audit_action="justice.police_contact_recorded", audit_target=contact,
                     audit_detail={"case_id": str(case.pk), "sections": chosen, "basis": basis,
                                   "organization_id": getattr(organization, "pk", None)})
    if not decision.allowed:
        raise DisclosureRefused(decision)
    return contact


def _end_access(*, actor: User | None, contact: PoliceContact, cause: str) -> None:
    revoke_case_access(actor=actor, source=GrantSource.POLICE_CONTACT, source_id=str(contact.pk))
    PoliceContact.objects.filter(pk=contact.pk).update(access_ended_at=timezone.now(), access_end_cause=cause)
    if contact.organization is not None:
        happened(actor=actor, case=contact.case, kind=Kind.POLICE_ACCESS_ENDED, concerns=contact.organization,
                 params={"org": contact.organization.name, "cause": ("police_access_end", cause)},
                 detail={"police_contact_id": contact.pk}, audit_action="justice.police_access_ended",
                 audit_target=contact, audit_detail={"cause": cause})


@transaction.atomic
def end_police_access(*, actor: User, contact: PoliceContact) -> PoliceContact:
    """The worker ends a police service's access to the case (the contact itself stays recorded)."""
    _require_edit(actor, contact.case)
    if contact.access_ended_at is not None or contact.organization_id is None:
        raise ValidationError(_("This police service has no access to end."))
    _end_access(actor=actor, contact=contact, cause="ended_by_worker")
    contact.refresh_from_db()
    return contact


def end_police_access_for_withdrawn_consent(*, actor: User, consent: Consent) -> int:
    """Called in the withdrawal's transaction: every police contact whose disclosure rested on
    ``consent`` (the sharing consent or the police-contact consent) loses its access now."""
    field = "disclosure__police_consent" if consent.scope == ConsentScope.POLICE_CONTACT else "disclosure__consent"
    contacts = list(PoliceContact.objects.filter(**{field: consent}, access_ended_at__isnull=True)
                    .select_related("case", "organization"))
    for contact in contacts:
        _end_access(actor=actor, contact=contact, cause="consent_withdrawn")
    return len(contacts)


# --- Deadlines -------------------------------------------------------------------------------

def _deadline_title(kind: str, due_on: datetime.date) -> str:
    return _("%(what)s: %(date)s") % {"what": DeadlineKind(kind).label, "date": due_on.isoformat()}


def _sync_deadline(*, actor: User, case: Case, kind: str, due_on: datetime.date | None, source: str,
                   source_id: Any) -> Deadline | None:
    """Make the record's dated obligation a ``Deadline`` (or close it when it has no date any more),
    and give the worker a task on its date so that it is in their "My work"."""
    deadline = (Deadline.objects.filter(source=source, source_id=str(source_id), kind=kind)
                .select_related("task").first())
    if deadline is not None and (due_on is None or deadline.due_on != due_on):
        if deadline.task is not None and deadline.task.done_at is None:
            complete_task(actor=actor, task=deadline.task, expected_version=deadline.task.version)
        if due_on is None:
            Deadline.objects.filter(pk=deadline.pk).update(closed_at=timezone.now())
            return None
    if due_on is None:
        return None
    if deadline is not None and deadline.due_on == due_on and deadline.closed_at is None:
        return deadline
    task = None
    if due_on >= _today():
        task = add_task(actor=actor, case=case, title=_deadline_title(kind, due_on), due=due_on,
                        assignee=case.owner_worker, section="justice")
    if deadline is None:
        deadline = Deadline.objects.create(case=case, kind=kind, due_on=due_on, source=source,
                                           source_id=str(source_id), task=task)
    else:
        Deadline.objects.filter(pk=deadline.pk).update(due_on=due_on, task=task, closed_at=None)
        deadline.refresh_from_db()
    audit.record(actor, "justice.deadline_set", deadline, detail={"case_id": str(case.pk), "kind": kind,
                                                                  "due_on": due_on.isoformat()})
    return deadline


def remind_deadlines(*, today: datetime.date | None = None) -> int:
    """Tell the worker of each open deadline at each threshold in data (e.g. 90, 30 and 7 days
    before), once per threshold: the ``ReminderSent`` row is written before the notice, under a
    unique constraint, so a job that runs twice tells once. Returns how many reminders were sent."""
    from octip.cases.notices import case_owners

    today = today or _today()
    horizon = max((d for kind in DeadlineKind.values for d in rules.reminder_days(kind)), default=0)
    sent = 0
    open_deadlines = (Deadline.objects.filter(closed_at__isnull=True, due_on__gte=today,
                                              due_on__lte=today + datetime.timedelta(days=horizon))
                      .select_related("case", "case__owner_worker", "case__owner_organization"))
    for deadline in open_deadlines:
        done = set(ReminderSent.objects.filter(deadline=deadline, due_on=deadline.due_on)
                   .values_list("days_before", flat=True))
        threshold, covered = reminder_due(due_on=deadline.due_on, today=today,
                                          thresholds=rules.reminder_days(deadline.kind), sent=done)
        if threshold is None:
            continue
        try:
            with transaction.atomic():
                for days in sorted(covered):
                    ReminderSent.objects.create(deadline=deadline, days_before=days, due_on=deadline.due_on,
                                                covered=days != threshold)
                notify_deadline(recipients=case_owners(deadline.case), number=deadline.case.number,
                                due=deadline.due_on, link=f"/app/justice/case/{deadline.case_id}/",
                                subject=f"deadline:{deadline.pk}:{threshold}")
        except IntegrityError:  # another run sent it at the same moment
            continue
        audit.record(None, "justice.deadline_reminded", deadline, detail={"days_before": threshold})
        sent += 1
    return sent


# --- Proceedings ------------------------------------------------------------------------------

def _codes(values: Iterable[str] | None, allowed: Iterable[rules.Section], field: str, message: str) -> list[str]:
    known = {s.code for s in allowed}
    if isinstance(values, str):
        raise ValidationError({field: message})
    chosen = list(dict.fromkeys(values or []))
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise ValidationError({field: _("Unknown section: %(codes)s. %(message)s") % {
            "codes": ", ".join(str(c) for c in unknown), "message": message}})
    return chosen


def _amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"restitution_amount": _("Give an amount in dollars, e.g. 1500.00.")}) from None
    if amount < 0 or amount >= Decimal("1e10"):
        raise ValidationError({"restitution_amount": _("Give an amount in dollars, e.g. 1500.00.")})
    return amount.quantize(Decimal("0.01"))


PROCEEDING_FIELDS = ("court_file", "charges", "conditions", "no_contact_order", "publication_bans",
                     "impact_statement", "outcome", "sentence", "restitution_ordered", "restitution_amount")


def _clean_proceeding(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "charges" in out:
        out["charges"] = _codes(out["charges"], rules.charges(), "charges",
                                _("Choose the charges from the list."))
        if not out["charges"]:
            raise ValidationError({"charges": _("Choose at least one charge.")})
    if "publication_bans" in out:
        out["publication_bans"] = _codes(out["publication_bans"], rules.publication_bans(), "publication_bans",
                                         _("Choose publication bans from the list."))
    if "impact_statement" in out and out["impact_statement"] not in ImpactStatement.values:
        raise ValidationError({"impact_statement": _("Choose one of the options.")})
    if "outcome" in out and out["outcome"] not in Outcome.values:
        raise ValidationError({"outcome": _("Choose one of the options.")})
    if "restitution_amount" in out:
        out["restitution_amount"] = _amount(out["restitution_amount"])
    for name in ("court_file", "conditions", "sentence"):
        if name in out:
            out[name] = (out[name] or "").strip()
    return out


@transaction.atomic
def record_proceeding(*, actor: User, case: Case, accused: str, charges: Iterable[str], court_file: str = "",
                      **values: Any) -> Proceeding:
    """Record criminal proceedings against one accused, with charges by section (data)."""
    _require_edit(actor, case)
    unknown = set(values) - set(PROCEEDING_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    if not (accused or "").strip():
        raise ValidationError({"accused": _("Name the accused.")})
    cleaned = _clean_proceeding({"charges": list(charges or []), "court_file": court_file, **values})
    proceeding = Proceeding.objects.create(case=case, accused=accused.strip()[:200], created_by=actor, **cleaned)
    happened(actor=actor, case=case, kind=Kind.JUSTICE_RECORDED, restricted=True,
             params={"variant": "proceeding", "charges": ", ".join(rules.cite_of(c) for c in proceeding.charges)},
             detail={"proceeding_id": proceeding.pk}, audit_action="justice.proceeding_recorded",
             audit_target=proceeding, audit_detail={"case_id": str(case.pk), "charges": proceeding.charges})
    return proceeding


@transaction.atomic
def update_proceeding(*, actor: User, proceeding: Proceeding, changes: dict[str, Any]) -> Proceeding:
    """Change some fields of a proceeding (conditions, outcome, sentence, restitution...)."""
    _require_edit(actor, proceeding.case)
    unknown = set(changes) - set(PROCEEDING_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    cleaned = _clean_proceeding(changes)
    for name, value in cleaned.items():
        setattr(proceeding, name, value)
    proceeding.save(update_fields=list(cleaned) or None)
    happened(actor=actor, case=proceeding.case, kind=Kind.JUSTICE_RECORDED, restricted=True,
             params={"variant": "proceeding_updated"},
             detail={"proceeding_id": proceeding.pk}, audit_action="justice.proceeding_updated",
             audit_target=proceeding, audit_detail={"fields": sorted(cleaned)})
    return proceeding


@transaction.atomic
def add_court_date(*, actor: User, proceeding: Proceeding, on: datetime.date | None, kind: str,
                   place: str) -> CourtDate:
    """A court date; it becomes a deadline (a task for the person's worker, and reminders)."""
    _require_edit(actor, proceeding.case)
    refuse_out_of_range(on=on)
    errors = {}
    if on is None:
        errors["on"] = _("Give the date.")
    if kind not in CourtDateKind.values:
        errors["kind"] = _("Choose the kind of court date.")
    if not (place or "").strip():
        errors["place"] = _("Give the courthouse or place.")
    if errors:
        raise ValidationError(errors)
    assert on is not None
    court_date = CourtDate.objects.create(proceeding=proceeding, case=proceeding.case, on=on, kind=kind,
                                          place=place.strip()[:200])
    _sync_deadline(actor=actor, case=proceeding.case, kind=DeadlineKind.COURT_DATE, due_on=on, source="court_date",
                   source_id=court_date.pk)
    happened(actor=actor, case=proceeding.case, kind=Kind.JUSTICE_RECORDED, restricted=True,
             params={"variant": "court_date", "kind": ("court_date_kind", kind), "date": on.isoformat()},
             detail={"court_date_id": court_date.pk}, audit_action="justice.court_date_recorded",
             audit_target=court_date)
    return court_date


@transaction.atomic
def record_testimonial_aid(*, actor: User, proceeding: Proceeding, section: str, status: str = AidStatus.REQUESTED,
                           hearing_on: datetime.date | None = None) -> TestimonialAid:
    """A testimonial aid asked for (ss. 486.1–486.3) and its decision; a hearing date becomes a deadline."""
    _require_edit(actor, proceeding.case)
    refuse_out_of_range(hearing_on=hearing_on)
    _codes([section], rules.testimonial_aids(), "section", _("Choose a testimonial aid from the list."))
    if status not in AidStatus.values:
        raise ValidationError({"status": _("Choose one of the options.")})
    aid = TestimonialAid.objects.create(proceeding=proceeding, case=proceeding.case, section=section, status=status,
                                        hearing_on=hearing_on)
    if status == AidStatus.REQUESTED:
        _sync_deadline(actor=actor, case=proceeding.case, kind=DeadlineKind.AID_HEARING, due_on=hearing_on,
                       source="aid", source_id=aid.pk)
    happened(actor=actor, case=proceeding.case, kind=Kind.JUSTICE_RECORDED, restricted=True,
             params={"variant": "aid", "section": rules.cite_of(section), "status": ("aid_status", status)},
             detail={"aid_id": aid.pk}, audit_action="justice.aid_recorded", audit_target=aid)
    return aid


@transaction.atomic
def decide_testimonial_aid(*, actor: User, aid: TestimonialAid, status: str) -> TestimonialAid:
    _require_edit(actor, aid.case)
    if status not in (AidStatus.GRANTED, AidStatus.REFUSED):
        raise ValidationError({"status": _("Choose granted or refused.")})
    TestimonialAid.objects.filter(pk=aid.pk).update(status=status)
    aid.refresh_from_db()
    _sync_deadline(actor=actor, case=aid.case, kind=DeadlineKind.AID_HEARING, due_on=None, source="aid",
                   source_id=aid.pk)
    happened(actor=actor, case=aid.case, kind=Kind.JUSTICE_RECORDED, restricted=True,
             params={"variant": "aid", "section": rules.cite_of(aid.section), "status": ("aid_status", status)},
             detail={"aid_id": aid.pk}, audit_action="justice.aid_decided", audit_target=aid)
    return aid


# --- Immigration ------------------------------------------------------------------------------

_EXPIRY_KIND = {StatusKind.TRP: DeadlineKind.TRP_EXPIRY, StatusKind.WORK_PERMIT: DeadlineKind.STATUS_EXPIRY,
                StatusKind.IFHP: DeadlineKind.STATUS_EXPIRY}


def _clean_status(*, kind: str, decision: str, applied_on: datetime.date | None, decided_on: datetime.date | None,
                  issued_on: datetime.date | None, expires_on: datetime.date | None) -> None:
    refuse_out_of_range(applied_on=applied_on, decided_on=decided_on, issued_on=issued_on, expires_on=expires_on)
    errors: dict[str, str] = {}
    if kind not in StatusKind.values:
        errors["kind"] = _("Choose the kind of status or permit.")
    if decision not in Decision.values:
        errors["decision"] = _("Choose one of the options.")
    _not_future(errors, applied_on=applied_on, decided_on=decided_on)
    if applied_on and decided_on and decided_on < applied_on:
        errors["decided_on"] = _("The decision cannot come before the application.")
    if issued_on and decided_on and issued_on < decided_on:
        errors["issued_on"] = _("The permit cannot be issued before the decision.")
    if expires_on and issued_on and expires_on <= issued_on:
        errors["expires_on"] = _("The expiry date must come after the issue date.")
    if issued_on and decision != Decision.APPROVED:
        errors["issued_on"] = _("Only an approved application has an issue date.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_immigration_status(*, actor: User, case: Case, kind: str, decision: str = Decision.PENDING,
                              applied_on: datetime.date | None = None, decided_on: datetime.date | None = None,
                              issued_on: datetime.date | None = None, expires_on: datetime.date | None = None,
                              renews: ImmigrationStatus | None = None) -> ImmigrationStatus:
    """An application for a status or permit. A TRP issued without an expiry date gets the length of
    the rule in force on the day of issue (data; a renewal gets the renewal length). An expiry
    becomes a deadline with reminders; a renewal closes the deadline of the permit it renews."""
    _require_edit(actor, case)
    _clean_status(kind=kind, decision=decision, applied_on=applied_on, decided_on=decided_on, issued_on=issued_on,
                  expires_on=expires_on)
    if renews is not None and (renews.case_id != case.pk or renews.kind != kind):
        raise ValidationError({"renews": _("A renewal renews a permit of the same kind on this case.")})
    if kind == StatusKind.TRP and issued_on is not None and expires_on is None:
        try:
            expires_on = permit_expiry(issued_on=issued_on, periods=rules.trp_periods(), renewal=renews is not None)
        except DeadlineError as error:
            raise ValidationError({"issued_on": _("No TRP rule covers this issue date.")}) from error
    status = ImmigrationStatus.objects.create(case=case, kind=kind, decision=decision, applied_on=applied_on,
                                              decided_on=decided_on, issued_on=issued_on, expires_on=expires_on,
                                              renews=renews, created_by=actor)
    if kind in _EXPIRY_KIND:
        _sync_deadline(actor=actor, case=case, kind=_EXPIRY_KIND[StatusKind(kind)], due_on=expires_on,
                       source="status", source_id=status.pk)
    if renews is not None and decision == Decision.APPROVED and renews.kind in _EXPIRY_KIND:
        _sync_deadline(actor=actor, case=case, kind=_EXPIRY_KIND[StatusKind(renews.kind)], due_on=None,
                       source="status", source_id=renews.pk)
    happened(actor=actor, case=case, kind=Kind.JUSTICE_RECORDED, restricted=True,
             params={"variant": "status", "status": ("status_kind", kind)}, detail={"status_id": status.pk},
             audit_action="justice.status_recorded", audit_target=status,
             audit_detail={"case_id": str(case.pk), "kind": kind, "decision": decision})
    return status


@transaction.atomic
def update_immigration_status(*, actor: User, status: ImmigrationStatus, changes: dict[str, Any]) -> ImmigrationStatus:
    """The decision on an application came, or a date changed: its deadline follows (an approved TRP
    issued without an expiry date gets the length in force on its day of issue)."""
    _require_edit(actor, status.case)
    allowed = {"decision", "applied_on", "decided_on", "issued_on", "expires_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    merged = {name: changes.get(name, getattr(status, name)) for name in sorted(allowed)}
    _clean_status(kind=status.kind, **merged)
    if status.kind == StatusKind.TRP and merged["issued_on"] is not None and merged["expires_on"] is None:
        try:
            merged["expires_on"] = permit_expiry(issued_on=merged["issued_on"], periods=rules.trp_periods(),
                                                 renewal=status.renews_id is not None)
        except DeadlineError as error:
            raise ValidationError({"issued_on": _("No TRP rule covers this issue date.")}) from error
    ImmigrationStatus.objects.filter(pk=status.pk).update(**merged)
    status.refresh_from_db()
    if status.kind in _EXPIRY_KIND:
        _sync_deadline(actor=actor, case=status.case, kind=_EXPIRY_KIND[StatusKind(status.kind)],
                       due_on=status.expires_on, source="status", source_id=status.pk)
    happened(actor=actor, case=status.case, kind=Kind.JUSTICE_RECORDED, restricted=True,
             params={"variant": "status", "status": ("status_kind", status.kind)}, detail={"status_id": status.pk},
             audit_action="justice.status_updated", audit_target=status, audit_detail={"fields": sorted(changes)})
    return status


# --- CVAP ------------------------------------------------------------------------------------

def cvap_deadline_for(*, offence_on: datetime.date, born_on: datetime.date | None,
                      sexual_offence: bool) -> datetime.date | None:
    """The last day to apply to CVAP by the rule in data (None: no limit)."""
    try:
        return application_deadline(offence_on=offence_on, born_on=born_on, sexual_offence=sexual_offence,
                                    limit=rules.cvap_limit(), today=_today())
    except DeadlineError as error:
        message = (_("The date of the offence is in the future.") if "future" in str(error)
                   else _("The person's date of birth is after the date of the offence; check both dates."))
        raise ValidationError({"offence_on": message}) from error


def _clean_cvap(*, offence_on: datetime.date | None, status: str, submitted_on: datetime.date | None,
                benefits_requested: Iterable[str], benefits_granted: Iterable[str]) -> tuple[list[str], list[str]]:
    refuse_out_of_range(offence_on=offence_on, submitted_on=submitted_on)
    errors: dict[str, str] = {}
    if offence_on is None:
        errors["offence_on"] = _("Give the date of the offence (the first day, if it went on for a while).")
    if status not in CvapStatus.values:
        errors["status"] = _("Choose one of the options.")
    _not_future(errors, submitted_on=submitted_on)
    known = set(rules.cvap_benefits())
    requested, granted = list(dict.fromkeys(benefits_requested or [])), list(dict.fromkeys(benefits_granted or []))
    if set(requested) - known or set(granted) - known:
        errors["benefits_requested"] = _("Choose benefits from the list.")
    if set(granted) - set(requested):
        errors["benefits_granted"] = _("A benefit granted must be one asked for.")
    if errors:
        raise ValidationError(errors)
    return requested, granted


@transaction.atomic
def record_cvap_application(*, actor: User, case: Case, offence_on: datetime.date | None,
                            sexual_offence: bool = False, status: str = CvapStatus.NOT_APPLIED,
                            submitted_on: datetime.date | None = None, benefits_requested: Iterable[str] = (),
                            benefits_granted: Iterable[str] = ()) -> CvapApplication:
    """A CVAP application. Its deadline is computed from the offence date and the person's date of
    birth (read here, audited); it becomes a deadline with reminders until the application is in."""
    _require_edit(actor, case)
    requested, granted = _clean_cvap(offence_on=offence_on, status=status, submitted_on=submitted_on,
                                     benefits_requested=benefits_requested, benefits_granted=benefits_granted)
    assert offence_on is not None
    born_on = case.person.date_of_birth
    audit.record(actor, "person.viewed", case, purpose="cvap deadline", detail={"fields": ["date_of_birth"]})
    apply_by = cvap_deadline_for(offence_on=offence_on, born_on=born_on, sexual_offence=sexual_offence)
    application = CvapApplication.objects.create(
        case=case, offence_on=offence_on, sexual_offence=sexual_offence, status=status, submitted_on=submitted_on,
        benefits_requested=requested, benefits_granted=granted, apply_by=apply_by, created_by=actor)
    pending = status == CvapStatus.NOT_APPLIED
    _sync_deadline(actor=actor, case=case, kind=DeadlineKind.CVAP_DEADLINE, due_on=apply_by if pending else None,
                   source="cvap", source_id=application.pk)
    happened(actor=actor, case=case, kind=Kind.JUSTICE_RECORDED, restricted=True, params={"variant": "cvap"},
             detail={"cvap_id": application.pk}, audit_action="justice.cvap_recorded", audit_target=application,
             audit_detail={"case_id": str(case.pk), "status": status})
    return application


@transaction.atomic
def update_cvap_application(*, actor: User, application: CvapApplication,
                            changes: dict[str, Any]) -> CvapApplication:
    """The application went in, or was decided (benefits granted). Once it is in, its deadline is
    closed; a changed offence date computes the deadline again."""
    _require_edit(actor, application.case)
    allowed = {"offence_on", "sexual_offence", "status", "submitted_on", "benefits_requested", "benefits_granted"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    merged = {name: changes.get(name, getattr(application, name)) for name in sorted(allowed)}
    merged["benefits_requested"], merged["benefits_granted"] = _clean_cvap(
        offence_on=merged["offence_on"], status=merged["status"], submitted_on=merged["submitted_on"],
        benefits_requested=merged["benefits_requested"], benefits_granted=merged["benefits_granted"])
    case = application.case
    if "offence_on" in changes or "sexual_offence" in changes:
        audit.record(actor, "person.viewed", case, purpose="cvap deadline", detail={"fields": ["date_of_birth"]})
        merged["apply_by"] = cvap_deadline_for(offence_on=merged["offence_on"], born_on=case.person.date_of_birth,
                                               sexual_offence=merged["sexual_offence"])
    CvapApplication.objects.filter(pk=application.pk).update(**merged)
    application.refresh_from_db()
    pending = application.status == CvapStatus.NOT_APPLIED
    _sync_deadline(actor=actor, case=case, kind=DeadlineKind.CVAP_DEADLINE,
                   due_on=application.apply_by if pending else None, source="cvap", source_id=application.pk)
    happened(actor=actor, case=case, kind=Kind.JUSTICE_RECORDED, restricted=True, params={"variant": "cvap"},
             detail={"cvap_id": application.pk}, audit_action="justice.cvap_updated", audit_target=application,
             audit_detail={"fields": sorted(changes), "status": application.status})
    return application


# --- Letters ----------------------------------------------------------------------------------

#: The details of the person a letter may carry, by the person's choice: name, date of birth,
#: case number, the status or application it supports.
LETTER_DETAILS = ("legal_name", "date_of_birth", "case_number", "support_summary")
#: The case sections each detail discloses (``may_disclose`` checks the consent covers them).
_DETAIL_SECTIONS = {"legal_name": "identity", "date_of_birth": "identity", "case_number": "summary",
                    "support_summary": "justice"}


def produce_letter(*, actor: User, case: Case, kind: str, details: Iterable[str], basis: str = DisclosureBasis.CONSENT,
                   justification: str = "") -> tuple[Letter, bytes]:
    """A letter as PDF with the details the person chose; a disclosure to IRCC or CVAP, so it asks
    ``may_disclose`` (a consent to share with that recipient covering the sections the details come
    from). Returns the letter's record and its PDF; raises DisclosureRefused when refused."""
    from .letters import render_letter

    _require_edit(actor, case)
    if kind not in LetterKind.values:
        raise ValidationError({"kind": _("Choose the letter.")})
    chosen = list(dict.fromkeys(details or []))
    unknown = [d for d in chosen if d not in LETTER_DETAILS]
    if unknown:
        raise ValidationError({"details": _("Unknown detail: %(names)s.") % {"names": ", ".join(map(str, unknown))}})
    if not chosen:
        raise ValidationError({"details": _("Choose the details the person wants in the letter.")})
    sections = sorted({_DETAIL_SECTIONS[d] for d in chosen})
    recipient = LETTER_RECIPIENTS[LetterKind(kind)]
    with transaction.atomic():
        decision = may_disclose(case, recipient, str(LetterKind(kind).label), sections, actor=actor,
                                basis=basis, justification=justification)
        if decision.allowed:
            assert decision.disclosure is not None
            letter = Letter.objects.create(case=case, kind=kind, details=chosen, disclosure=decision.disclosure,
                                           created_by=actor)
            pdf = render_letter(letter=letter, case=case, author=actor)
            happened(actor=actor, case=case, kind=Kind.JUSTICE_RECORDED, restricted=True,
                     params={"variant": "letter", "letter": ("letter_kind", kind)}, detail={"letter_id": letter.pk},
                     audit_action="justice.letter_produced", audit_target=letter,
                     audit_detail={"case_id": str(case.pk), "details": chosen,
                                   "disclosure_id": decision.disclosure.pk})
    if not decision.allowed:
        raise DisclosureRefused(decision)
    return letter, pdf
