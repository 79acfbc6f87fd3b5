"""The 24/7 line API. Lists carry no protected text; reading one contact is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from octip.cases.selectors import is_visible_case
from octip.core import keyset
from octip.core.access import require
from octip.core.interpretation import interpretation_out, may_see_interpreter_id
from octip.partners.models import Region
from octip.screening.selectors import is_visible_screening

from . import selectors, services
from .models import Contact
from .schemas import CallerFlagIn, CallerFlagOut, ContactIn, ContactOut, ContactPatch, ContactSummaryOut
from .targets import response_targets

router = Router(tags=["hotline"])


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region": [f"Unknown region code: {code!r}."]})
    return region


def _out(contact: Contact, *, full: bool, actor=None) -> dict:
    target = response_targets().get(contact.urgency)
    respond_by = target.respond_by(contact.received_at) if target else None
    body = {
        "id": contact.pk, "reference": contact.reference, "channel": contact.channel,
        "contact_type": contact.contact_type, "categories": list(contact.categories or []),
        "caller_type": contact.caller_type, "urgency": contact.urgency,
        "region": contact.region.code if contact.region_id else None, "language": contact.language,
        "interpreter_used": contact.interpreter_used, "received_at": contact.received_at,
        "first_response_at": contact.first_response_at, "respond_by": respond_by,
        "overdue": bool(contact.is_open and contact.first_response_at is None and respond_by
                        and respond_by < timezone.now()),
        "follow_up_due": contact.follow_up_due, "outcome": contact.outcome,
        "handled_by": contact.handled_by.email if contact.handled_by_id else None,
        "organization_id": contact.organization_id, "version": contact.version,
    }
    if full:
        body.update({name: getattr(contact, name) for name in (
            "danger_now", "seen_when", "summary", "place", "indicators_noticed", "actions_taken",
            "reporter_contact", "reporter_phone", "reporter_email")})
        body.update(interpretation_out(contact, show_id=may_see_interpreter_id(actor)))
        repeat = selectors.repeat_contacts(actor=actor, contact=contact)
        body["previous_contacts"] = repeat.count
        body["previous_contact_ids"] = [c.pk for c in repeat.shown]
        body["lines_given"] = list(contact.lines_given or [])
        body["services_given"] = [s.pk for s in selectors.services_given(actor=actor, contact=contact)]
        body["caller_flags"] = [{"id": f.pk, "kind": f.kind, "reason": f.reason, "expires_on": f.expires_on}
                                for f in selectors.active_flags_on(actor=actor, contact=contact)]
        # Say which case only to someone who can see it.
        body["case_id"] = contact.case_id if is_visible_case(actor=actor, case_id=contact.case_id) else None
        body["screening_id"] = contact.screening_id if is_visible_screening(
            actor=actor, screening_id=contact.screening_id) else None
    return body


@router.get("/hotline/contacts", response=list[ContactSummaryOut])
def list_contacts(request, response: HttpResponse, open_only: bool = False,
                  limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                  cursor: str = Query("", max_length=2000)):
    """Contacts in the caller's scope, newest first, without their protected text; ``limit`` a page,
    the next page by ``cursor`` (``X-Next-Cursor``)."""
    require(request.auth, "hotline.view")
    contacts = selectors.contacts_for(actor=request.auth).defer(*selectors.PROTECTED_FIELDS)
    if open_only:
        contacts = contacts.open()
    rows = keyset.api_page(contacts, request=request, response=response, name="hotline.contacts", cursor=cursor,
                           limit=limit, ordering=("-received_at", "-pk"))
    return [_out(c, full=False) for c in rows]


@router.post("/hotline/contacts", response={201: ContactOut})
def create_contact(request, body: ContactIn):
    require(request.auth, "hotline.edit")
    fields = body.dict()
    fields["region"] = _region(fields.pop("region"))
    contact = services.log_contact(actor=request.auth, **fields)
    return Status(201, _out(contact, full=True, actor=request.auth))


@router.get("/hotline/contacts/{contact_id}", response=ContactOut)
def get_contact(request, contact_id: int):
    """One contact with its protected text; the read is recorded in the audit log."""
    contact = selectors.contact_for_reading(actor=request.auth, contact_id=contact_id, purpose="api")
    return _out(contact, full=True, actor=request.auth)


@router.patch("/hotline/contacts/{contact_id}", response=ContactOut)
def update_contact(request, contact_id: int, body: ContactPatch):
    """Change some fields. ``version`` is the version you read: if someone saved since, 409."""
    contact = selectors.contact_or_404(actor=request.auth, contact_id=contact_id)
    changes = body.dict(exclude_unset=True)
    version = changes.pop("version")
    if "region" in changes:
        changes["region"] = _region(changes["region"])
    for name in ("channel", "caller_type", "urgency", "interpreter_used", "received_at", "contact_type", "categories"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: ["This field cannot be null."]})
    for name in ("language", "danger_now", "seen_when", "place", "indicators_noticed", "actions_taken",
                 "reporter_contact", "outcome", "summary", "reporter_phone", "reporter_email",
                 "interpreter_language", "interpreter_agency", "interpreter_id", "interpreter_knows"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    for name in ("lines_given", "services_given"):
        if name in changes and changes[name] is None:
            changes[name] = []
    contact = services.update_contact(actor=request.auth, contact=contact, expected_version=version,
                                      changes=changes)
    audit_read = selectors.contact_for_reading(actor=request.auth, contact_id=contact.pk, purpose="api")
    return _out(audit_read, full=True, actor=request.auth)


def _flag_out(flag) -> dict:
    return {"id": flag.pk, "kind": flag.kind, "expires_on": flag.expires_on, "active": flag.is_active(),
            "source_contact_id": flag.source_contact_id, "set_at": flag.set_at, "lifted_at": flag.lifted_at}


@router.get("/hotline/caller-flags", response=list[CallerFlagOut])
def list_caller_flags(request, response: HttpResponse, active_only: bool = False,
                      limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                      cursor: str = Query("", max_length=2000)):
    """The line's caller flags (the lead only), the latest first, without reasons; by ``cursor``."""
    require(request.auth, "hotline.lead")
    flags = selectors.caller_flags_for(actor=request.auth)
    if active_only:
        flags = flags.active()
    rows = keyset.api_page(flags, request=request, response=response, name="hotline.caller_flags", cursor=cursor,
                           limit=limit, ordering=("-set_at", "-pk"))
    return [_flag_out(f) for f in rows]


@router.post("/hotline/contacts/{contact_id}/caller-flags", response={201: list[CallerFlagOut]})
def flag_caller(request, contact_id: int, body: CallerFlagIn):
    """Flag the caller of a contact (the lead only): one flag per phone or email it gives."""
    require(request.auth, "hotline.lead")
    contact = selectors.contact_or_404(actor=request.auth, contact_id=contact_id)
    flags = services.set_caller_flag(actor=request.auth, contact=contact, **body.dict())
    return Status(201, [_flag_out(f) for f in flags])


@router.post("/hotline/caller-flags/{flag_id}/lift", response=CallerFlagOut)
def lift_caller_flag(request, flag_id: int):
    require(request.auth, "hotline.lead")
    flag = selectors.caller_flag_or_404(actor=request.auth, flag_id=flag_id)
    return _flag_out(services.lift_caller_flag(actor=request.auth, flag=flag))
