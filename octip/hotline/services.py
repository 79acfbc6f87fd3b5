"""Writes of the 24/7 line: log and update contacts, record a first response, receive a public
report, manage the on-call roster. Each checks permission first, writes in one transaction and
audits; none puts identifying text into the audit detail."""

from __future__ import annotations

import contextlib
import datetime
import functools
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from octip.cases.models import Case, normalize_phone
from octip.cases.selectors import is_visible_case
from octip.cases.services import open_case
from octip.core import audit, context, crypto, interpretation
from octip.core.access import require
from octip.core.roles import Scope
from octip.core.versioning import save_versioned
from octip.directory.models import Service as DirectoryService
from octip.directory.selectors import visible_services
from octip.notifications.models import Kind as NotificationKind
from octip.notifications.services import notify, staff_with_permission
from octip.partners.models import Organization, OrganizationType, Region, User
from octip.screening.selectors import is_visible_screening

from . import reference
from .models import (
    CallerFlag,
    CallerType,
    Channel,
    Contact,
    DangerNow,
    OnCallShift,
    Outcome,
    ReporterToken,
    ResponseTarget,
    SeenWhen,
    TargetUnit,
    Urgency,
)
from .reporter import normalize_email, token
from .selectors import contact_or_404
from .signals import send_contact_logged
from .targets import response_targets

#: Fields an operator may set when logging or editing a contact.
EDITABLE_FIELDS = (
    "channel", "caller_type", "language", "interpreter_used", "region", "urgency", "danger_now",
    "seen_when", "summary", "place", "indicators_noticed", "actions_taken", "reporter_contact",
    "follow_up_due", "outcome", "received_at", "handled_by", "case", "case_id",
    "screening", "screening_id", "contact_type", "categories", "reporter_phone", "reporter_email",
    "lines_given", "services_given",
    *interpretation.DETAIL_FIELDS,
)
#: The fields a reporter is recognised by: a change to one rewrites the contact's reporter tokens.
REPORTER_FIELDS = ("reporter_contact", "reporter_phone", "reporter_email")


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})


def _check_case(actor: User, contact: Contact) -> None:
    """A contact may only be linked to a case the operator can see: linking must not become a way
    to learn that a case exists."""
    if contact.case_id is not None and not is_visible_case(actor=actor, case_id=contact.case_id):
        raise ValidationError({"case": _("No case you can see has this reference.")})


def _check_screening(actor: User, contact: Contact) -> None:
    if contact.screening_id is not None and not is_visible_screening(actor=actor, screening_id=contact.screening_id):
        raise ValidationError({"screening": _("No screening you can see has this reference.")})


def _refuse_changing_hidden_links(actor: User, contact: Contact, changes: dict[str, Any]) -> None:
    """A link to a case or screening the operator cannot see stays as it is: changing or removing it
    would tamper with a record of someone else's circle."""
    for field, visible in (("case", lambda pk: is_visible_case(actor=actor, case_id=pk)),
                           ("screening", lambda pk: is_visible_screening(actor=actor, screening_id=pk))):
        current = getattr(contact, f"{field}_id")
        if (field in changes or f"{field}_id" in changes) and current is not None and not visible(current):
            raise ValidationError({field: _("This contact is linked to a record you cannot see; only someone "
                                            "who can see it may change the link.")})


#: A contact logged a little ahead of the server clock (a device a few minutes fast) is accepted.
RECEIVED_AT_TOLERANCE = datetime.timedelta(minutes=5)
#: The earliest time a contact may be recorded as received.
EARLIEST_RECEIVED_AT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _check_received_at(contact: Contact) -> None:
    """A contact is received in the past (a few minutes' tolerance) and not before 2000: a time in the
    future would keep an emergency from ever showing overdue, and one near year 9999 breaks the queue."""
    received = contact.received_at
    if not isinstance(received, datetime.datetime):
        return  # full_clean reports a missing or malformed value
    if timezone.is_naive(received):
        received = timezone.make_aware(received)
    if received > timezone.now() + RECEIVED_AT_TOLERANCE:
        raise ValidationError({"received_at": _("A contact cannot be received in the future.")})
    if received < EARLIEST_RECEIVED_AT:
        raise ValidationError({"received_at": _("Enter a time in the year 2000 or later.")})


def _check_coding(contact: Contact) -> None:
    """The type and categories of a contact. A substantive contact says what it is about (a summary);
    a non-data contact (silent, hang-up, wrong number, prank, abusive, testing) has no follow-up, no
    case or screening and no category: it is closed with "no further action" when logged."""
    errors: dict[str, str] = {}
    codes = contact.categories
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        errors["categories"] = _("Choose categories from the list.")
    else:
        unknown = sorted({c for c in codes if reference.category(c) is None})
        if unknown:
            errors["categories"] = _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}
        contact.categories = [c.code for c in reference.categories() if c.code in set(codes)]  # once, in order
    if contact.is_non_data:
        if contact.case_id is not None or contact.screening_id is not None:
            errors["contact_type"] = _("A non-data contact (silent, hang-up, wrong number, prank, abusive, testing) "
                                       "cannot be linked to a case or a screening.")
        if contact.follow_up_due is not None:
            errors["follow_up_due"] = _("A non-data contact needs no follow-up.")
        if contact.categories and "categories" not in errors:
            errors["categories"] = _("A non-data contact has no category.")
        if contact.outcome not in ("", Outcome.NO_FURTHER_ACTION):
            errors["outcome"] = _("A non-data contact is closed with “No further action”.")
    elif not (contact.summary or "").strip():
        errors["summary"] = _("Say what the caller said and what they need.")
    if contact.reporter_phone and not 7 <= len(normalize_phone(contact.reporter_phone)) <= 15:
        errors["reporter_phone"] = _("Enter a phone number with 7 to 15 digits.")
    if contact.reporter_email and "@" not in normalize_email(contact.reporter_email):
        errors["reporter_email"] = _("Enter an email address.")
    if errors:
        raise ValidationError(errors)
    if contact.is_non_data:
        contact.outcome = Outcome.NO_FURTHER_ACTION


def _check_lines(contact: Contact) -> None:
    from octip.site.lines import phone_lines

    lines = contact.lines_given
    known = [line.id for line in phone_lines()]
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines) or set(lines) - set(known):
        raise ValidationError({"lines_given": _("Choose phone lines from the list.")})
    contact.lines_given = [x for x in known if x in set(lines)]


def _services_given(actor: User, value: Any) -> list[DirectoryService]:
    """The directory services given, each one the operator can see (a partners-only service they
    cannot see does not exist for them); an unknown or hidden one is refused."""
    items = list(value or [])
    ids = [getattr(item, "pk", item) for item in items]
    found = {str(s.pk): s for s in visible_services(actor).filter(pk__in=[str(i) for i in ids])} if ids else {}
    if len(found) != len({str(i) for i in ids}):
        raise ValidationError({"services_given": _("Choose services of the directory you can see.")})
    return list(found.values())


def _write_reporter_tokens(contact: Contact) -> None:
    """The contact's reporter tokens under the current key version (after a save)."""
    contact.index_key_id = crypto.key_ring().blind_index_id
    Contact.objects.filter(pk=contact.pk).update(index_key_id=contact.index_key_id)
    ReporterToken.replace_for([contact])


def _check_interpretation(contact: Contact) -> dict[str, Any]:
    """The interpreter (``core.interpretation.clean_interpretation``): with ``interpreter_used``, the
    language and the answer about knowing the person are required; without it, nothing else is set.
    Returns ``{name: value before}`` of the fields the cleaning itself changed (the conversation's
    language standing in for an empty interpreter language), so that an update saves them too."""
    values = interpretation.interpretation_values(contact)
    cleaned = interpretation.clean_interpretation(values, default_language=contact.language)
    for name, value in cleaned.items():
        setattr(contact, name, value)
    return {name: values[name] for name in cleaned if cleaned[name] != values[name]}


def _check_handler(contact: Contact) -> None:
    handler = contact.handled_by
    if handler is None:
        return
    if not handler.is_active or handler.role_def is None or "hotline.edit" not in handler.role_def.permissions:
        raise ValidationError({"handled_by": _("Choose a 24/7 line operator or coordinator.")})


@transaction.atomic
def log_contact(*, actor: User, **fields: Any) -> Contact:
    """Log a contact received by the actor's organization. Raises AccessDenied or ValidationError
    (writing nothing)."""
    require(actor, "hotline.edit")
    _check_fields(fields)
    fields.setdefault("handled_by", actor)
    services_given = _services_given(actor, fields.pop("services_given", None))
    if fields.get("received_at") is None:
        fields["received_at"] = timezone.now()
    contact = Contact(organization=actor.organization, **fields)
    _check_coding(contact)
    _check_lines(contact)
    _check_interpretation(contact)
    if contact.outcome or contact.channel in {Channel.PHONE, Channel.WALK_IN}:
        # A call or walk-in is answered while it happens; the first response is the contact itself.
        contact.first_response_at = contact.received_at
    _check_received_at(contact)
    _check_screening(actor, contact)
    _check_case(actor, contact)  # before full_clean, whose message would tell a missing case from a hidden one
    contact.full_clean()
    _check_handler(contact)
    contact.save()
    contact.services_given.set(services_given)
    _write_reporter_tokens(contact)
    audit.record(actor, "hotline.contact.created", contact,
                 detail={"channel": contact.channel, "urgency": contact.urgency, "type": contact.contact_type,
                         "categories": contact.categories, "lines_given": contact.lines_given,
                         "services_given": sorted(str(s.pk) for s in services_given),
                         **interpretation.audit_detail(interpretation.interpretation_values(contact))})
    alert_on_call(contact=contact)
    transaction.on_commit(functools.partial(send_contact_logged, contact.pk))
    return contact


@transaction.atomic
def update_contact(*, actor: User, contact: Contact, expected_version: int, changes: dict[str, Any]) -> Contact:
    """Apply ``changes`` to ``contact`` if nobody saved it since ``expected_version``.
    Raises AccessDenied, ValidationError or StaleVersion; writes nothing then."""
    require(actor, "hotline.edit", contact)
    _check_fields(changes)
    if not changes:
        return contact
    _refuse_changing_hidden_links(actor, contact, changes)
    changes = dict(changes)
    services_given = None
    if "services_given" in changes:
        services_given = _services_given(actor, changes.pop("services_given"))
        before = {str(pk) for pk in contact.services_given.values_list("pk", flat=True)}
        if before == {str(s.pk) for s in services_given}:
            services_given = None  # no change
    if not changes and services_given is None:
        return contact
    original = {name: getattr(contact, name) for name in changes}
    for name, value in changes.items():
        setattr(contact, name, value)
    if "received_at" in changes:
        _check_received_at(contact)
    if "case" in changes or "case_id" in changes:
        _check_case(actor, contact)
    if "screening" in changes or "screening_id" in changes:
        _check_screening(actor, contact)
    outcome_before = contact.outcome
    _check_coding(contact)
    _check_lines(contact)
    for name, before in _check_interpretation(contact).items():
        if name not in changes:
            changes = {**changes, name: getattr(contact, name)}
            original[name] = before
    if contact.outcome != outcome_before and "outcome" not in changes:
        changes = {**changes, "outcome": contact.outcome}
        original["outcome"] = outcome_before
    contact.full_clean()
    _check_handler(contact)
    changed = sorted(name for name in changes if original[name] != changes[name])
    fields = list(changes)
    if contact.outcome and contact.first_response_at is None:
        contact.first_response_at = timezone.now()
        fields.append("first_response_at")
    if contact.stamp_emergency():
        fields.append("emergency_since")
    save_versioned(contact, expected_version=expected_version, fields=fields, original=original)
    if services_given is not None:
        contact.services_given.set(services_given)
        changed = sorted([*changed, "services_given"])
    if set(changed) & set(REPORTER_FIELDS):
        _write_reporter_tokens(contact)
    audit.record(actor, "hotline.contact.updated", contact, detail={"fields": changed})
    if "urgency" in changed:  # raised to an emergency: alert as if it had just come in
        alert_on_call(contact=contact)
    return contact


@transaction.atomic
def record_first_response(*, actor: User, contact: Contact, expected_version: int,
                          at: datetime.datetime | None = None) -> Contact:
    """Stop the first-response clock (a call-back made, a reply sent)."""
    require(actor, "hotline.edit", contact)
    if contact.first_response_at is not None:
        raise ValidationError(_("A first response is already recorded for this contact."))
    contact.first_response_at = at or timezone.now()
    if contact.handled_by_id is None:
        contact.handled_by = actor
    save_versioned(contact, expected_version=expected_version, fields=["first_response_at", "handled_by"],
                   original={"first_response_at": None})
    audit.record(actor, "hotline.contact.responded", contact)
    return contact


def intake_organization() -> Organization | None:
    """The organization whose 24/7 line receives public reports: ``OCTIP_HOTLINE_ORGANIZATION``
    (its name) if set, else the coordinating office. ``None`` leaves reports to coordinators."""
    name = getattr(settings, "OCTIP_HOTLINE_ORGANIZATION", "")
    organizations = Organization.objects.filter(is_active=True)
    if name:
        return organizations.filter(name=name).first()
    return organizations.filter(type=OrganizationType.COORDINATING_OFFICE).order_by("pk").first()


def report_urgency(*, danger_now: str, seen_when: str) -> str:
    if danger_now == DangerNow.YES:
        return Urgency.EMERGENCY
    if danger_now == DangerNow.NOT_SURE or seen_when == SeenWhen.NOW:
        return Urgency.URGENT
    return Urgency.ROUTINE


@transaction.atomic
def receive_public_report(*, what_happened: str, region: Region, place: str, seen_when: str, danger_now: str,
                          anonymous: bool, contact_details: str, language: str) -> Contact:
    """File a report of concern from the public site as a ``web report`` contact in the 24/7
    queue. The reporter is nobody's account; the audit event names no one."""
    contact = Contact(
        channel=Channel.WEB_REPORT,
        caller_type=CallerType.ANONYMOUS if anonymous else CallerType.PUBLIC,
        language=language, region=region, place=place, seen_when=seen_when, danger_now=danger_now,
        urgency=report_urgency(danger_now=danger_now, seen_when=seen_when),
        summary=what_happened, reporter_contact="" if anonymous else contact_details,
        organization=intake_organization(), received_at=timezone.now())
    contact.full_clean()
    contact.save()
    _write_reporter_tokens(contact)
    with _anonymous_reporter():
        audit.record(None, "hotline.report.received", contact, detail={"urgency": contact.urgency})
    alert_on_call(contact=contact)
    transaction.on_commit(functools.partial(send_contact_logged, contact.pk))
    return contact


def alert_on_call(*, contact: Contact, now: datetime.datetime | None = None) -> None:
    """An open emergency contact alerts the person on call for its organization (from the roster),
    who must acknowledge it within the emergency first-response target, or the shift's escalation
    contact is alerted (``notifications.services.escalate_unacknowledged``). With nobody on call,
    the organization's 24/7 line staff are alerted. Once per contact: a second call changes nothing."""
    organization = contact.organization
    if contact.urgency != Urgency.EMERGENCY or not contact.is_open or organization is None:
        return
    now = now or timezone.now()
    target = response_targets().get(Urgency.EMERGENCY)
    acknowledge_by = target.respond_by(now) if target is not None else None
    params = {"reference": contact.reference, "org": organization.name}
    template = gettext_noop("Emergency 24/7 contact %(reference)s of %(org)s: respond now.")
    link = reverse("hotline:contact_detail", args=[contact.pk])
    shifts = list(OnCallShift.objects.on_at(now).filter(organization=organization)
                  .select_related("person", "escalation_contact"))
    for shift in shifts:
        notify(recipients=[shift.person], kind=NotificationKind.EMERGENCY_CONTACT,
               subject=f"hotline.contact:{contact.pk}", link=link, template=template, params=params,
               acknowledge_by=acknowledge_by, escalate_to=shift.escalation_contact, now=now)
    if not shifts:
        notify(recipients=staff_with_permission("hotline.edit", organization_id=organization.pk),
               kind=NotificationKind.EMERGENCY_CONTACT, subject=f"hotline.contact:{contact.pk}", link=link,
               template=template, params=params, now=now)


@contextlib.contextmanager
def _anonymous_reporter() -> Iterator[None]:
    """The audit log normally keeps the client address of a request; for a public report that
    address could identify the reporter, so this event is written without it."""
    token = context.begin("", None)
    try:
        yield
    finally:
        context.end(token)


def _check_roster_person(actor: User, person: User, field: str) -> None:
    role = person.role_def
    if not person.is_active or role is None or "hotline.view" not in role.permissions:
        raise ValidationError({field: _("Choose someone who works on the 24/7 line.")})
    # ``add_shift`` required ``hotline.roster``, so the actor has a role; were it gone, deny by default.
    actor_role = actor.role_def
    if (actor_role is None or actor_role.scope != Scope.ALL) and person.organization_id != actor.organization_id:
        raise ValidationError({field: _("Choose someone of your organization.")})


@transaction.atomic
def add_shift(*, actor: User, person: User, starts_at: datetime.datetime, ends_at: datetime.datetime,
              escalation_contact: User, escalation_phone: str = "", note: str = "") -> OnCallShift:
    require(actor, "hotline.roster")
    _check_roster_person(actor, person, "person")
    _check_roster_person(actor, escalation_contact, "escalation_contact")
    if escalation_contact.pk == person.pk:
        raise ValidationError({"escalation_contact": _("The escalation contact must be someone else.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The shift must end after it starts.")})
    shift = OnCallShift(organization=person.organization, person=person, starts_at=starts_at, ends_at=ends_at,
                        escalation_contact=escalation_contact, escalation_phone=escalation_phone, note=note)
    shift.full_clean()
    shift.save()
    audit.record(actor, "hotline.shift.added", shift)
    return shift


@transaction.atomic
def remove_shift(*, actor: User, shift: OnCallShift) -> None:
    require(actor, "hotline.roster", shift)
    audit.record(actor, "hotline.shift.removed", shift)
    shift.delete()


@transaction.atomic
def open_case_from_contact(*, actor: User, contact: Contact, person: dict[str, Any], case: dict[str, Any]) -> Case:
    """Open a case from an intake started at a 24/7 line contact (``cases.services.open_case``), link
    it to the contact and close the contact as "intake opened", in one transaction: if the contact
    cannot be updated (AccessDenied, StaleVersion, ValidationError), no case is opened."""
    opened = open_case(actor=actor, person=person, case=case)
    _close_as_intake_opened(actor, contact, opened)
    return opened


@transaction.atomic
def record_intake_opened(*, actor: User, contact_id: int, case: Case) -> Contact:
    """Link a case opened from a contact to it and close the contact as "intake opened". The contact
    must be in the actor's scope (else Http404) and the case visible to them."""
    return _close_as_intake_opened(actor, contact_or_404(actor=actor, contact_id=contact_id), case)


def _close_as_intake_opened(actor: User, contact: Contact, case: Case) -> Contact:
    return update_contact(actor=actor, contact=contact, expected_version=contact.version,
                          changes={"case": case, "outcome": Outcome.INTAKE_OPENED})


# --- Caller flags ---------------------------------------------------------------------------------

#: The longest a caller flag may last: it is reviewed, not kept for ever.
MAX_FLAG_DAYS = 366


@transaction.atomic
def set_caller_flag(*, actor: User, contact: Contact, kind: str, reason: str,
                    expires_on: datetime.date | None = None) -> list[CallerFlag]:
    """Flag the caller of ``contact`` (each of its reporter's phones and emails) for the operators of
    the contact's organization, until ``expires_on`` (the kind's default lifetime if not given).
    Only the line's lead (``hotline.lead``) on a contact in scope. The reason is encrypted; the audit
    names the kind and the expiry, never the reason or the caller."""
    require(actor, "hotline.lead", contact)
    today = timezone.localdate()
    term = reference.flag_kind(kind)
    errors: dict[str, str] = {}
    if term is None:
        errors["kind"] = _("Choose a kind of flag from the list.")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the caller is flagged.")
    elif len(reason) > 2_000:
        errors["reason"] = _("Keep the reason under 2,000 characters.")
    if expires_on is None and term is not None:
        expires_on = today + datetime.timedelta(days=term.days)
    if expires_on is not None and not today < expires_on <= today + datetime.timedelta(days=MAX_FLAG_DAYS):
        errors["expires_on"] = _("Choose an expiry after today and within a year.")
    pairs = contact.reporter_identifiers()
    if not pairs:
        errors["kind"] = _("This contact has no phone or email of the caller to recognise them by.")
    if contact.organization_id is None:
        errors["kind"] = _("Only a contact of an organization's line can flag its caller.")
    if errors or expires_on is None or contact.organization_id is None:
        raise ValidationError(errors)
    key_id = crypto.key_ring().blind_index_id
    flags = []
    for identifier_kind, value in pairs:
        flag = CallerFlag(organization_id=contact.organization_id, kind=kind, reason=reason,
                          identifier_kind=identifier_kind, identifier=value, index_key_id=key_id,
                          token=token(identifier_kind, value, key_id), expires_on=expires_on,
                          source_contact=contact, set_by=actor)
        flag.full_clean()
        flag.save()
        flags.append(flag)
    audit.record(actor, "hotline.caller_flag.set", contact,
                 detail={"kind": kind, "expires_on": expires_on.isoformat() if expires_on else None,
                         "flag_ids": [f.pk for f in flags]})
    return flags


@transaction.atomic
def lift_caller_flag(*, actor: User, flag: CallerFlag) -> CallerFlag:
    """Lift a flag before it expires (the lead only, on a flag of their scope)."""
    require(actor, "hotline.lead", flag)
    if flag.lifted_at is not None:
        raise ValidationError(_("This flag is lifted already."))
    flag.lifted_at = timezone.now()
    flag.lifted_by = actor
    flag.save(update_fields=["lifted_at", "lifted_by"])
    audit.record(actor, "hotline.caller_flag.lifted", flag, detail={"kind": flag.kind})
    return flag


# --- First-response targets -----------------------------------------------------------------------

#: The largest target of each unit: a target longer than this is a typing error, not a target.
TARGET_LIMITS: dict[str, int] = {TargetUnit.MINUTES: 24 * 60, TargetUnit.HOURS: 24 * 14, TargetUnit.BUSINESS_DAYS: 30}


@transaction.atomic
def set_response_targets(*, actor: User, targets: dict[str, tuple[int, str]]) -> list[ResponseTarget]:
    """Set the first-response target of each urgency named (``{urgency: (amount, unit)}``): the line's
    lead only. Every target is checked before any is written; the audit names the old and new values."""
    require(actor, "hotline.lead")
    errors: dict[str, str] = {}
    for urgency, (amount, unit) in targets.items():
        if urgency not in Urgency.values:
            errors[urgency] = _("Unknown urgency.")
        elif unit not in TargetUnit.values:
            errors[f"{urgency}_unit"] = _("Choose minutes, hours or business days.")
        elif not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= TARGET_LIMITS[unit]:
            errors[f"{urgency}_amount"] = _("Enter a whole number from 1 to %(limit)s.") % {
                "limit": TARGET_LIMITS[unit]}
    if errors:
        raise ValidationError(errors)
    before = {u: (t.amount, t.unit) for u, t in response_targets().items()}
    saved, changed = [], {}
    for urgency, (amount, unit) in targets.items():
        row, _created = ResponseTarget.objects.update_or_create(urgency=urgency,
                                                                defaults={"amount": amount, "unit": unit})
        saved.append(row)
        if before.get(urgency) != (amount, unit):
            changed[urgency] = {"from": list(before.get(urgency, ())), "to": [amount, unit]}
    if changed:
        audit.record(actor, "hotline.targets.changed", None, detail={"changed": changed})
    return saved


# --- Quality review -------------------------------------------------------------------------------
# (Imported here, not in the block at the top, so that this section merges as one appended block.)

import random  # noqa: E402
import secrets  # noqa: E402

from .models import ContactReview, ReviewSample, ReviewStatus  # noqa: E402
from .rubric import rubric  # noqa: E402
from .selectors import reviewable_contacts  # noqa: E402

#: The most contacts of one operator a sample may ask for: a review is read, not skimmed.
MAX_SAMPLE_PER_OPERATOR = 50
#: The longest feedback or note.
MAX_REVIEW_TEXT = 5_000


def choose_sample(pool: dict[int, list[int]], *, per_operator: int, seed: int) -> list[int]:
    """Up to ``per_operator`` contact ids of each operator of ``pool`` (operator id -> contact ids),
    drawn at random from ``seed``: the same pool and seed always give the same sample (operators and
    their contacts are taken in id order, so the order rows come from the database does not matter)."""
    chooser = random.Random(seed)
    chosen: list[int] = []
    for operator_id in sorted(pool):
        ids = sorted(pool[operator_id])
        chosen.extend(sorted(chooser.sample(ids, min(per_operator, len(ids)))))
    return chosen


@transaction.atomic
def draw_review_sample(*, actor: User, period_start: datetime.date, period_end: datetime.date,
                       size_per_operator: int, seed: int | None = None) -> ReviewSample:
    """Draw a random sample of the actor's line for quality review: up to ``size_per_operator`` of each
    operator's closed, substantive contacts received in the period (``selectors.reviewable_contacts``:
    never the lead's own contacts, never one reviewed before), one draft review per contact, with the
    lead as reviewer. ``seed`` (random if not given) is kept so the draw can be reproduced.
    The lead only (``hotline.lead``). Raises AccessDenied or ValidationError (writing nothing)."""
    require(actor, "hotline.lead")
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not isinstance(size_per_operator, int) or isinstance(size_per_operator, bool) or \
            not 1 <= size_per_operator <= MAX_SAMPLE_PER_OPERATOR:
        errors["size_per_operator"] = _("Ask for 1 to %(limit)s contacts per operator.") % {
            "limit": MAX_SAMPLE_PER_OPERATOR}
    if period_end > today:
        errors["period_end"] = _("The period cannot end in the future.")
    if period_start > period_end:
        errors["period_start"] = _("The period must start on or before its last day.")
    elif period_start < EARLIEST_RECEIVED_AT.date():
        errors["period_start"] = _("Enter a date in the year 2000 or later.")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**62):
        errors["seed"] = _("The seed must be a whole number from 0.")
    if errors:
        raise ValidationError(errors)
    pool: dict[int, list[int]] = {}
    for contact_id, operator_id in reviewable_contacts(actor=actor, start=period_start, end=period_end).values_list(
            "pk", "handled_by_id"):
        pool.setdefault(operator_id, []).append(contact_id)
    if not pool:
        raise ValidationError({"period_start": _(
            "No contact of this period can be reviewed: closed, substantive contacts handled by someone else, "
            "not reviewed before.")})
    seed = secrets.randbelow(2**62) if seed is None else seed
    chosen = choose_sample(pool, per_operator=size_per_operator, seed=seed)
    version = rubric().version
    sample = ReviewSample.objects.create(
        organization_id=actor.organization_id, period_start=period_start, period_end=period_end,
        size_per_operator=size_per_operator, pool_size=sum(len(ids) for ids in pool.values()), seed=seed,
        rubric_version=version, drawn_by=actor)
    operator_of = {cid: oid for oid, ids in pool.items() for cid in ids}
    ContactReview.objects.bulk_create([
        ContactReview(sample=sample, contact_id=cid, operator_id=operator_of[cid], reviewer=actor,
                      rubric_version=version) for cid in chosen])
    audit.record(actor, "hotline.review.sample_drawn", sample, detail={
        "period": [period_start.isoformat(), period_end.isoformat()], "per_operator": size_per_operator,
        "seed": seed, "pool": sample.pool_size, "contact_ids": chosen, "rubric_version": version})
    return sample


def _check_reviewer(actor: User, review: ContactReview) -> None:
    require(actor, "hotline.lead", review)
    if actor.pk in (review.operator_id, review.contact.handled_by_id):
        raise ValidationError(_("You cannot review a contact you handled yourself."))
    if review.contact.handled_by_id != review.operator_id:
        # Handed to someone else after the sample was drawn: the feedback would go to the wrong person.
        raise ValidationError(_("This contact was handed to another operator after the sample was drawn; "
                                "its review can no longer be saved or shared."))
    if review.is_shared:
        raise ValidationError(_("This review is shared with the operator already; it cannot be changed."))


def _review_text(value: str, field: str, errors: dict[str, str]) -> str:
    value = (value or "").strip()
    if len(value) > MAX_REVIEW_TEXT:
        errors[field] = _("Keep it under %(limit)s characters.") % {"limit": f"{MAX_REVIEW_TEXT:,}"}
    return value


@transaction.atomic
def save_review(*, actor: User, review: ContactReview, expected_version: int, scores: dict[str, Any],
                feedback: str, reviewer_note: str = "") -> ContactReview:
    """Save a draft review: scores checked against the rubric (a draft may leave criteria unscored),
    feedback for the operator and a private note, both encrypted. The lead of the contact's line only,
    never on their own contact, never once shared. Raises AccessDenied, ValidationError or StaleVersion
    (writing nothing). The audit names the criteria scored, never the text."""
    _check_reviewer(actor, review)
    errors: dict[str, str] = {}
    feedback = _review_text(feedback, "feedback", errors)
    reviewer_note = _review_text(reviewer_note, "reviewer_note", errors)
    try:
        clean = rubric().validate(scores, complete=False)
    except ValidationError as invalid:
        errors.update({k: v[0] for k, v in invalid.message_dict.items()})
        clean = {}
    if errors:
        raise ValidationError(errors)
    original = {"scores": review.scores, "feedback": review.feedback, "reviewer_note": review.reviewer_note}
    review.scores, review.feedback, review.reviewer_note = clean, feedback, reviewer_note
    review.reviewer, review.rubric_version, review.updated_at = actor, rubric().version, timezone.now()
    save_versioned(review, expected_version=expected_version, original=original,
                   fields=["scores", "feedback", "reviewer_note", "reviewer", "rubric_version", "updated_at"])
    audit.record(actor, "hotline.review.saved", review, detail={
        "scored": sorted(clean), "feedback": bool(feedback), "note": bool(reviewer_note)})
    return review


@transaction.atomic
def share_review(*, actor: User, review: ContactReview, expected_version: int) -> ContactReview:
    """Share a review with the operator who handled the contact: every criterion must be scored and
    feedback written. The operator is notified (no text of the review or the contact in the notice).
    Raises AccessDenied, ValidationError or StaleVersion (writing nothing)."""
    _check_reviewer(actor, review)
    errors: dict[str, str] = {}
    try:
        rubric().validate(review.scores, complete=True)
    except ValidationError as invalid:
        errors.update({k: v[0] for k, v in invalid.message_dict.items()})
    if not (review.feedback or "").strip():
        errors["feedback"] = _("Write feedback for the operator before sharing the review.")
    if errors:
        raise ValidationError(errors)
    review.status, review.shared_at = ReviewStatus.SHARED, timezone.now()
    save_versioned(review, expected_version=expected_version, fields=["status", "shared_at"],
                   original={"status": ReviewStatus.DRAFT})
    audit.record(actor, "hotline.review.shared", review, detail={"operator": review.operator_id})
    notify(recipients=[review.operator], kind=NotificationKind.HOTLINE_REVIEW, subject=f"hotline.review:{review.pk}",
           link=reverse("hotline:my_review", args=[review.pk]),
           template=gettext_noop("A quality review of one of your 24/7 line contacts is ready to read."))
    return review


@transaction.atomic
def acknowledge_review(*, actor: User, review: ContactReview) -> ContactReview:
    """The operator acknowledges a review shared with them (their own only; once)."""
    require(actor, "hotline.view", review)
    if review.operator_id != actor.pk or not review.is_shared:
        raise ValidationError(_("Only the operator a review is shared with can acknowledge it."))
    if review.acknowledged_at is not None:
        raise ValidationError(_("This review is acknowledged already."))
    review.acknowledged_at = timezone.now()
    ContactReview.objects.filter(pk=review.pk).update(acknowledged_at=review.acknowledged_at)
    audit.record(actor, "hotline.review.acknowledged", review)
    return review

# --- Live queue: a breached first-response target tells the person on call (issue 17) -------------

#: The breach notice, per urgency (the urgency is in the message id so that it is translated).
BREACH_TEMPLATES: dict[str, str] = {
    Urgency.EMERGENCY: gettext_noop("Emergency 24/7 contact %(reference)s has passed its first-response target: "
                                    "respond now."),
    Urgency.URGENT: gettext_noop("Urgent 24/7 contact %(reference)s has passed its first-response target: "
                                 "respond now."),
    Urgency.ROUTINE: gettext_noop("Routine 24/7 contact %(reference)s has passed its first-response target."),
}
#: The notification kind of a breach (a sub-kind of the emergency contact kind: it cannot be switched off).
BREACH_KIND = f"{NotificationKind.EMERGENCY_CONTACT}.target_breached"


#: How long after a missed target the job still alerts. A contact that missed it longer ago (the job
#: was stopped, or it runs for the first time on an old queue) is not announced as news to whoever is
#: on call now: it is in the queue's "past target" view already.
BREACH_ALERT_HORIZON = datetime.timedelta(hours=24)


def breached_contacts(*, now: datetime.datetime | None = None) -> list[Contact]:
    """Open contacts of an organization, still waiting for a first response past their target (missed
    within ``BREACH_ALERT_HORIZON``), not yet alerted. For the periodic job only (no actor, no text
    read)."""
    from .selectors import PROTECTED_FIELDS

    now = now or timezone.now()
    targets = response_targets()
    rows = (Contact.objects.open().filter(first_response_at__isnull=True, organization__isnull=False,
                                          target_breach_alert__isnull=True)
            .defer(*PROTECTED_FIELDS).order_by("received_at", "pk"))
    breached = []
    for contact in rows:
        target = targets.get(contact.urgency)
        respond_by = target.respond_by(contact.received_at) if target is not None else None
        if respond_by is not None and now - BREACH_ALERT_HORIZON <= respond_by < now:
            breached.append(contact)
    return breached


def alert_breached_targets(*, now: datetime.datetime | None = None) -> int:
    """The periodic job ``hotline.target_breaches``: each contact that passed its first-response target
    tells its organization's person on call (from the roster; with nobody on call, the line's staff, as
    ``alert_on_call`` does), **once per contact**: the alert row is inserted first, under a unique key, so
    a second run (or two at once) tells nobody again. Audited as the system, ids only. Returns how many
    contacts were alerted."""
    from django.db import IntegrityError

    from .models import TargetBreachAlert

    now = now or timezone.now()
    count = 0
    for contact in breached_contacts(now=now):
        organization_id = contact.organization_id
        if organization_id is None:
            continue
        with transaction.atomic():
            still_waiting = Contact.objects.open().filter(pk=contact.pk, first_response_at__isnull=True).exists()
            if not still_waiting:
                continue
            try:
                with transaction.atomic():
                    TargetBreachAlert.objects.create(contact=contact, urgency=contact.urgency, alerted_at=now)
            except IntegrityError:  # alerted by another run at the same moment
                continue
            shifts = list(OnCallShift.objects.on_at(now).filter(organization_id=organization_id)
                          .select_related("person"))
            recipients = ([shift.person for shift in shifts] if shifts else
                          staff_with_permission("hotline.edit", organization_id=organization_id))
            template = BREACH_TEMPLATES.get(contact.urgency, BREACH_TEMPLATES[Urgency.ROUTINE])
            sent = notify(recipients=recipients, kind=BREACH_KIND, subject=f"hotline.contact:{contact.pk}",
                          link=reverse("hotline:contact_detail", args=[contact.pk]), template=template,
                          params={"reference": contact.reference}, now=now)
            audit.record(None, "hotline.contact.target_breach_alerted", contact, detail={
                "urgency": contact.urgency, "on_call": bool(shifts),
                "notified": sorted(n.recipient_id for n in sent)})
            count += 1
    return count
