"""Reads of 24/7 line records. Every query starts from ``visible_to``; reading a contact's
encrypted text is audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from octip.core import audit
from octip.core.access import Actor, get_visible_or_404

from .models import URGENCY_RANK, Contact, ContactQuerySet, OnCallShift, ShiftQuerySet
from .targets import response_targets

#: The fields whose reading is an audited event.
PROTECTED_FIELDS = ("summary", "place", "indicators_noticed", "actions_taken", "reporter_contact")


def contacts_for(*, actor: Actor) -> ContactQuerySet:
    return Contact.objects.visible_to(actor).select_related("region", "handled_by", "organization")


def contact_or_404(*, actor: Actor, contact_id: int) -> Contact:
    """One contact in the actor's scope (404 otherwise), to act on; its text is not read here."""
    return get_visible_or_404(Contact.objects.all(), actor, pk=contact_id)


def shift_or_404(*, actor: Actor, shift_id: int) -> OnCallShift:
    """One roster shift in the actor's scope (404 otherwise)."""
    return get_visible_or_404(OnCallShift.objects.all(), actor, pk=shift_id)


def contact_for_reading(*, actor: Actor, contact_id: int, purpose: str = "") -> Contact:
    """One contact with its encrypted text, for display; the read is recorded in the audit log.
    A contact out of the actor's scope is a 404."""
    contact = get_visible_or_404(contacts_for(actor=actor), actor, pk=contact_id)
    audit.record(actor, "hotline.contact.read", contact, purpose=purpose,
                 detail={"fields": list(PROTECTED_FIELDS)})
    return contact


@dataclass(frozen=True)
class QueueEntry:
    contact: Contact
    respond_by: datetime.datetime | None
    response_overdue: bool
    follow_up_overdue: bool

    @property
    def overdue(self) -> bool:
        return self.response_overdue or self.follow_up_overdue


def queue(*, actor: Actor, now: datetime.datetime | None = None, past_target: bool = False) -> list[QueueEntry]:
    """Open contacts in scope: the most urgent first, then the longest waiting first; each with
    its first-response deadline and whether it (or its follow-up) is overdue. With ``past_target``,
    only those still waiting for a first response past their target."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rank = Case(*[When(urgency=u, then=Value(r)) for u, r in URGENCY_RANK.items()],
                default=Value(9), output_field=IntegerField())
    rows = (contacts_for(actor=actor).open().annotate(urgency_rank=rank)
            .order_by("urgency_rank", "received_at", "pk")
            .defer(*PROTECTED_FIELDS))
    targets = response_targets()
    entries = []
    for contact in rows:
        target = targets.get(contact.urgency)
        respond_by = target.respond_by(contact.received_at) if target else None
        response_overdue = bool(contact.first_response_at is None and respond_by and respond_by < now)
        follow_up_overdue = bool(contact.follow_up_due and contact.follow_up_due < today)
        if response_overdue or not past_target:
            entries.append(QueueEntry(contact, respond_by, response_overdue, follow_up_overdue))
    return entries


def shifts_for(*, actor: Actor) -> ShiftQuerySet:
    return OnCallShift.objects.visible_to(actor).select_related("person", "escalation_contact", "organization")


def on_call_now(*, actor: Actor, now: datetime.datetime | None = None) -> ShiftQuerySet:
    return shifts_for(actor=actor).on_at(now or timezone.now())


def upcoming_shifts(*, actor: Actor, now: datetime.datetime | None = None) -> ShiftQuerySet:
    return shifts_for(actor=actor).filter(ends_at__gt=now or timezone.now())
