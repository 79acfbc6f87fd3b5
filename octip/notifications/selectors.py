"""Reads of a person's own notifications. Nobody reads another person's."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from octip.core.access import Actor

from .models import Channel, Kind, Notification, Preference


def notifications_for(*, actor: Actor, kinds: tuple[str, ...] = ()) -> QuerySet[Notification]:
    """The actor's notifications, newest first; ``kinds`` keeps those of these preference kinds."""
    rows = Notification.objects.filter(recipient_id=actor.pk)
    if kinds:
        condition = Q()
        for kind in kinds:
            condition |= Q(kind=kind) | Q(kind__startswith=f"{kind}.")
        rows = rows.filter(condition)
    return rows


def notification_or_404(*, actor: Actor, notification_id: int) -> Notification:
    try:
        return notifications_for(actor=actor).get(pk=notification_id)
    except Notification.DoesNotExist:
        raise Http404 from None


def unread_count(*, actor: Actor) -> int:
    return notifications_for(actor=actor).filter(read_at__isnull=True).count()


def preferences_of(*, actor: Actor) -> dict[str, str]:
    """How each kind reaches the actor (the default: in the app and by email)."""
    chosen = dict(Preference.objects.filter(user_id=actor.pk).values_list("kind", "channel"))
    return {kind: chosen.get(kind, Channel.EMAIL) for kind in Kind.values}
