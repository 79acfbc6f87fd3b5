"""Telling staff what happened to a referral or transfer, through the one notification service
(``octip.notifications``), and the job that tells both sides of a referral whose answer is overdue.

A message names a case number and organizations only, never a person: the notification service
refuses any other parameter.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from octip.core import audit
from octip.core.access import allows
from octip.notifications import services as notifications
from octip.notifications.services import mark_read as mark_notifications_read
from octip.notifications.services import without_email
from octip.partners.models import User

from ..models import Referral, Transfer

__all__ = ["mark_notifications_read", "notify", "notify_overdue", "referral_link", "responders", "transfer_link",
           "without_email"]


def responders(organization_id: int) -> list[User]:
    """The active staff of an organization who may answer a referral or transfer sent to it."""
    return [u for u in User.objects.filter(organization_id=organization_id, is_active=True)
            if allows(u, "referral.respond")]


def referral_link(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def transfer_link(transfer: Transfer) -> str:
    return reverse("referrals:transfer_detail", args=[transfer.pk])


def notify(*, recipients: Iterable[User | None], kind: str, template: str, params: Mapping[str, object],
           referral: Referral | None = None, transfer: Transfer | None = None, link: str = "") -> None:
    """Tell ``recipients`` of a referral or transfer event, once per event and row."""
    row = referral or transfer
    subject = f"{'referral' if referral is not None else 'transfer'}:{row.pk}" if row is not None else ""
    notifications.notify(recipients=recipients, kind=kind, template=template, params=params, link=link,
                         subject=subject)


def notify_overdue(*, now: datetime.datetime | None = None) -> int:
    """Tell both sides, once, of each referral whose response is overdue. Returns how many."""
    now = now or timezone.now()
    count = 0
    for referral in (Referral.objects.overdue(now).filter(overdue_notified_at__isnull=True)
                     .select_related("case", "to_organization", "sent_by")):
        with transaction.atomic():
            if not Referral.objects.filter(pk=referral.pk, overdue_notified_at__isnull=True).update(
                    overdue_notified_at=now):
                continue
            notify(recipients=[referral.sent_by, *responders(referral.to_organization_id)],
                   kind="referral.overdue", referral=referral, link=referral_link(referral),
                   template=gettext_noop(
                       "Overdue: the referral of case %(number)s to %(org)s awaited a response by %(date)s."),
                   params={"number": referral.case.number, "org": referral.to_organization.name,
                           "date": timezone.localtime(referral.respond_by).strftime("%Y-%m-%d %H:%M")})
            audit.record(None, "referral.overdue_notified", referral)
            count += 1
    return count
