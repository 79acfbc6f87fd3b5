"""The one notification service: every app tells staff of an event through ``notify``.

- **Safe words only.** A message is a message id and parameters from ``SAFE_PARAMS`` (a case
  number, organization names, a date, a 24/7 contact's random reference): a caller cannot pass a
  name, a date of birth, a phone, an address or free text, because ``notify`` refuses any other
  parameter. Messages are rendered when read, in the reader's language; an email carries English
  and French.
- **Idempotent.** Each notification has the key ``kind|object|period``, unique per recipient: a
  job that runs twice, or an event told twice, notifies once.
- **Preferences.** Each person chooses per kind: in the app, by email, in the daily digest, or off;
  the emergency kinds cannot be switched off (they fall back to in the app and by email).
- **Acknowledge and escalate.** An emergency notice may name whom to tell if its recipient has not
  acknowledged it by a deadline; ``escalate_unacknowledged`` (a periodic job) does so, once.

This app imports ``core`` and ``partners`` only; the apps above it call it with plain values.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import functools
import uuid
from collections.abc import Iterable, Iterator, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from octip.core import audit
from octip.core.access import Actor, allows
from octip.core.roles import roles_with
from octip.partners.models import User

from .models import EMERGENCY_KINDS, Channel, Kind, Notification, Preference, kind_of

#: The only parameters a message may carry. None of them can identify a person.
SAFE_PARAMS = frozenset({"number", "org", "from_org", "to_org", "date", "status", "urgency", "reference",
                         "count"})

_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("notifications_quiet", default=False)


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


def staff_with_permission(permission: str, *, organization_id: int | None = None) -> list[User]:
    """The active staff (of one organization, or all) whose role grants ``permission``."""
    users = User.objects.filter(is_active=True, role__in=roles_with(permission))
    if organization_id is not None:
        users = users.filter(organization_id=organization_id)
    return [u for u in users if allows(u, permission)]


def channel_for(user: User, kind: str) -> str:
    """How a notification of ``kind`` reaches ``user``: their preference, by default in the app and
    by email; an emergency kind is never off."""
    preference_kind = kind_of(kind)
    chosen = (Preference.objects.filter(user=user, kind=preference_kind).values_list("channel", flat=True)
              .first()) or Channel.EMAIL
    if chosen == Channel.OFF and preference_kind in EMERGENCY_KINDS:
        return Channel.EMAIL
    return chosen


def render(template: str, params: Mapping[str, object], language: str) -> str:
    with translation.override(language):
        return _(template) % params


def _check_params(params: Mapping[str, object]) -> dict[str, str]:
    unknown = set(params) - SAFE_PARAMS
    if unknown:
        raise ValueError(f"A notification may not carry {sorted(unknown)}: only {sorted(SAFE_PARAMS)}")
    return {name: str(value) for name, value in params.items()}


def _email(notifications: list[Notification]) -> None:
    """One email per notification, after the transaction commits, in English and French."""
    if _quiet.get():
        return
    for notification in notifications:
        english = render(notification.template, notification.params, "en")
        french = render(notification.template, notification.params, "fr")
        link = absolute(notification.link) if notification.link else ""
        body = "\n\n".join(part for part in [
            english, render(gettext_noop("Sign in to the platform to see it: %(link)s"), {"link": link}, "en")
            if link else "", "— Français —", french,
            render(gettext_noop("Sign in to the platform to see it: %(link)s"), {"link": link}, "fr")
            if link else ""] if part)
        transaction.on_commit(functools.partial(
            send_mail, subject=f"[OCTIP] {english[:120]}", message=body, from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email], fail_silently=True))
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())


@transaction.atomic
def notify(*, recipients: Iterable[User | None], kind: str, template: str, params: Mapping[str, object] | None = None,
           link: str = "", subject: str = "", period: str = "", acknowledge_by: datetime.datetime | None = None,
           escalate_to: User | None = None, now: datetime.datetime | None = None) -> list[Notification]:
    """Tell each active recipient of an event, once per ``kind``, ``subject`` (the object, e.g.
    ``case:<id>``) and ``period`` (e.g. a due date). ``template`` is an English message id marked
    with ``gettext_noop``; ``params`` are from ``SAFE_PARAMS``. Returns the notifications created
    (none for a recipient already told, or who switched the kind off)."""
    kind_of(kind)  # an unknown kind is a programming error
    safe = _check_params(params or {})
    now = now or timezone.now()
    key = f"{kind}|{subject or uuid.uuid4()}|{period}"[:250]
    staff = list({u.pk: u for u in recipients if u is not None and u.is_active}.values())
    created = []
    for user in staff:
        channel = channel_for(user, kind)
        if channel == Channel.OFF:
            continue
        try:
            with transaction.atomic():
                notification, fresh = Notification.objects.get_or_create(recipient=user, key=key, defaults={
                    "kind": kind, "template": template, "params": safe, "link": link, "channel": channel,
                    "created_at": now, "acknowledge_by": acknowledge_by, "escalate_to": escalate_to})
        except IntegrityError:  # told at the same moment by another process
            continue
        if fresh:
            created.append(notification)
    _email([n for n in created if n.channel == Channel.EMAIL])
    return created


def notify_deadline(*, recipients: Iterable[User | None], number: str, due: datetime.date, link: str,
                    subject: str, org: str = "") -> list[Notification]:
    """A deadline of a case is approaching (the justice app's proceedings will call this): once per
    recipient, object and due date."""
    return notify(recipients=recipients, kind=Kind.DEADLINE, subject=subject, period=due.isoformat(), link=link,
                  template=gettext_noop("A deadline of case %(number)s is approaching: %(date)s."),
                  params={"number": number, "date": due.isoformat(), **({"org": org} if org else {})})


@transaction.atomic
def mark_read(*, actor: Actor, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's unread notifications (all, or those of ``ids``) as read; returns how many."""
    notifications = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
    if ids is not None:
        notifications = notifications.filter(pk__in=list(ids))
    return notifications.update(read_at=timezone.now())


@transaction.atomic
def acknowledge(*, actor: Actor, notification: Notification, now: datetime.datetime | None = None) -> Notification:
    """The recipient of an emergency notice says they have it in hand: no escalation follows."""
    if notification.recipient_id != actor.pk:
        raise ValidationError(_("Only the person notified can acknowledge this notification."))
    if notification.acknowledge_by is None:
        raise ValidationError(_("This notification does not need an acknowledgement."))
    now = now or timezone.now()
    updated = Notification.objects.filter(pk=notification.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, read_at=notification.read_at or now)
    if not updated:
        raise ValidationError(_("This notification is already acknowledged."))
    notification.refresh_from_db()
    audit.record(actor, "notification.acknowledged", notification,
                 detail={"kind": notification.kind, "late": now > notification.acknowledge_by})
    return notification


def escalate_unacknowledged(*, now: datetime.datetime | None = None) -> int:
    """Tell the escalation contact of each emergency notice not acknowledged by its deadline, once.
    Returns how many were escalated. Safe to run twice: the notice is stamped before it is told."""
    now = now or timezone.now()
    count = 0
    due = (Notification.objects.filter(acknowledge_by__lte=now, acknowledged_at__isnull=True,
                                       escalated_at__isnull=True).select_related("escalate_to"))
    for notification in due:
        with transaction.atomic():
            if not Notification.objects.filter(pk=notification.pk, acknowledged_at__isnull=True,
                                               escalated_at__isnull=True).update(escalated_at=now):
                continue
            if notification.escalate_to is not None:
                notify(recipients=[notification.escalate_to], kind=f"{Kind.EMERGENCY_CONTACT}.escalated",
                       subject=f"notification:{notification.pk}", link=notification.link, now=now,
                       template=gettext_noop("Not acknowledged in time: the emergency 24/7 contact "
                                             "%(reference)s of %(org)s needs a response now."),
                       params={"reference": notification.params.get("reference", ""),
                               "org": notification.params.get("org", "")})
            audit.record(None, "notification.escalated", notification, detail={
                "kind": notification.kind, "escalated_to": notification.escalate_to_id})
            count += 1
    return count


def send_daily_digests(*, now: datetime.datetime | None = None) -> int:
    """One email per person listing their digest notifications not yet sent in a digest; each item
    goes out once. Returns how many emails were sent."""
    now = now or timezone.now()
    sent = 0
    user_ids = set(Notification.objects.filter(channel=Channel.DIGEST, digested_at__isnull=True)
                   .values_list("recipient_id", flat=True))
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        with transaction.atomic():
            items = list(Notification.objects.select_for_update().filter(
                recipient=user, channel=Channel.DIGEST, digested_at__isnull=True).order_by("created_at", "pk"))
            claimed = Notification.objects.filter(pk__in=[n.pk for n in items], digested_at__isnull=True).update(
                digested_at=now)
            if not items or claimed != len(items):
                continue
            if not _quiet.get():
                lines = {language: [f"- {render(n.template, n.params, language)}"
                                    + (f" {absolute(n.link)}" if n.link else "") for n in items]
                         for language in ("en", "fr")}
                body = "\n".join([render(gettext_noop("Your notifications of the day:"), {}, "en"), *lines["en"],
                                  "", "— Français —", render(gettext_noop("Your notifications of the day:"), {}, "fr"),
                                  *lines["fr"]])
                subject = render(gettext_noop("[OCTIP] Your daily digest: %(count)s notifications"),
                                 {"count": len(items)}, "en")
                transaction.on_commit(functools.partial(
                    send_mail, subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[user.email], fail_silently=True))
            sent += 1
    return sent


@transaction.atomic
def set_preferences(*, actor: Actor, choices: Mapping[str, str]) -> None:
    """Save how each kind of notification reaches the actor. An emergency kind cannot be off."""
    for kind, channel in choices.items():
        if kind not in Kind.values or channel not in Channel.values:
            raise ValidationError({kind: _("Choose one of the options.")})
        if channel == Channel.OFF and kind in EMERGENCY_KINDS:
            raise ValidationError({kind: _("Emergency notifications cannot be switched off.")})
    for kind, channel in choices.items():
        Preference.objects.update_or_create(user_id=actor.pk, kind=kind, defaults={"channel": channel})
    audit.record(actor, "notification.preferences_changed", None, detail={"preferences": dict(choices)})

