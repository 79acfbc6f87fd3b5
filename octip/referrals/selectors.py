"""Reads of referrals and transfers: every query starts from ``visible_to``."""

from __future__ import annotations

from django.db.models import QuerySet

from octip.core.access import get_visible_or_404

from .models import Notification, Referral, ReferralStatus, Transfer

BOXES = ("inbox", "outbox")


def _own_case_ids(actor):
    from octip.cases.models import Case

    return Case.objects.in_own_scope(actor).values("pk")


def referrals(*, actor, box: str = "inbox", status: str = "") -> QuerySet[Referral]:
    """The referrals received by the actor's organization (inbox) or sent from cases in the actor's
    own scope (outbox), newest first, optionally of one status."""
    rows = Referral.objects.visible_to(actor)
    if box == "outbox":
        rows = rows.filter(case__in=_own_case_ids(actor))
    else:
        rows = rows.filter(to_organization_id=actor.organization_id)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("case", "to_organization", "from_organization", "service", "sent_by")


def referral_or_404(*, actor, referral_id) -> Referral:
    return get_visible_or_404(Referral.objects.select_related(
        "case", "to_organization", "from_organization", "service", "sent_by", "responded_by", "disclosure"),
        actor, pk=referral_id)


def referrals_of_case(*, actor, case) -> QuerySet[Referral]:
    return Referral.objects.visible_to(actor).filter(case=case).select_related("to_organization", "service",
                                                                              "sent_by")


def transfers(*, actor, box: str = "inbox", status: str = "") -> QuerySet[Transfer]:
    rows = Transfer.objects.visible_to(actor)
    if box == "outbox":
        rows = rows.filter(from_organization_id=actor.organization_id).exclude(
            to_organization_id=actor.organization_id)
    else:
        rows = rows.filter(to_organization_id=actor.organization_id)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("case", "to_organization", "from_organization", "sent_by")


def transfer_or_404(*, actor, transfer_id) -> Transfer:
    return get_visible_or_404(Transfer.objects.select_related("case", "to_organization", "from_organization",
                                                              "sent_by"), actor, pk=transfer_id)


def notifications_of(*, actor) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor).select_related("referral", "transfer")


def unread_count(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def open_statuses() -> list[str]:
    return [ReferralStatus.SENT, ReferralStatus.ACCEPTED]
