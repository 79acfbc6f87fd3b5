"""Telling staff what happened to a referral or transfer: an in-app notice and an email, and the
job that tells both sides of a referral whose answer is overdue.

A message names a case number and organizations only, never a person: it is stored in the clear
and leaves the platform by email.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core import audit
from octip.core.access import Actor, allows
from octip.partners.models import User

from ..models import Notification, Referral, Transfer

_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("referrals_quiet_notifications", default=False)


@contextlib.contextmanager
def without_email() -> Iterator[None]:
    """In-app notifications only (demo data must not send mail)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def absolute(path: str) -> str:
    """``path`` as a link that works from an email."""
    # OCTIP_SITE_URL (e.g. https://octip.example.ca) makes links in emails absolute.
    return str(settings.OCTIP_SITE_URL).rstrip("/") + path


def responders(organization_id: int) -> list[User]:
    """The active staff of an organization who may answer a referral or transfer sent to it."""
    return [u for u in User.objects.filter(organization_id=organization_id, is_active=True)
            if allows(u, "referral.respond")]


def referral_link(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def transfer_link(transfer: Transfer) -> str:
    return reverse("referrals:transfer_detail", args=[transfer.pk])


def notify(*, recipients: Iterable[User | None], kind: str, message: str, referral: Referral | None = None,
           transfer: Transfer | None = None, link: str = "") -> None:
    """An in-app notice and an email to each recipient. ``message`` must identify nobody: it names a
    case number and organizations only. Emails leave after the transaction commits."""
    staff = list({u.pk: u for u in recipients if u is not None and u.is_active}.values())
    Notification.objects.bulk_create([
        Notification(recipient=u, referral=referral, transfer=transfer, kind=kind, message=message[:300])
        for u in staff])
    emails = [u.email for u in staff]
    if emails and not _quiet.get():
        body = message + ("\n\n" + _("Sign in to the platform to see it: %(link)s") % {"link": absolute(link)}
                          if link else "")
        transaction.on_commit(lambda: send_mail(
            subject=_("[OCTIP] %(message)s") % {"message": message[:120]}, message=body,
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=emails, fail_silently=True))


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
            message = _("Overdue: the referral of case %(number)s to %(org)s awaited a response by %(date)s.") % {
                "number": referral.case.number, "org": referral.to_organization.name,
                "date": timezone.localtime(referral.respond_by).strftime("%Y-%m-%d %H:%M")}
            notify(recipients=[referral.sent_by, *responders(referral.to_organization_id)],
                   kind="referral.overdue", referral=referral, link=referral_link(referral), message=message)
            audit.record(None, "referral.overdue_notified", referral)
            count += 1
    return count


@transaction.atomic
def mark_notifications_read(*, actor: Actor, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's unread notifications (all, or those of ``ids``) as read; returns how many."""
    notifications = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
    if ids is not None:
        notifications = notifications.filter(pk__in=list(ids))
    return notifications.update(read_at=timezone.now())
