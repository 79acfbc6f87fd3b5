"""The status rules of referrals and transfers, in one place.

Each action names the statuses it may start from, the status it leads to, which side may take it
(the ``sender`` — the case's own circle — or the ``receiver`` organization) and with which
permission, whether a reason is required, whether it ends the receiver's access to the case, and
which pair of fields it stamps with who took it and when (``responded_by``/``responded_at`` for an
answer, ``closed_by``/``closed_at`` for a referral's end). ``services.flow`` applies them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import ReferralStatus as R
from .models import TransferStatus as T


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    side: str  # "sender" or "receiver"
    permission: str
    reason_required: bool
    ends_access: bool
    label: object
    reason_label: object = ""
    #: The fields ``<stamps>_by`` and ``<stamps>_at`` record who took the action and when.
    stamps: str = "responded"


REFERRAL_TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("accept", (R.SENT,), R.ACCEPTED, "receiver", "referral.respond", False, False, _("Accept")),
    Transition("decline", (R.SENT,), R.DECLINED, "receiver", "referral.respond", True, True, _("Decline"),
               _("Why the referral is declined")),
    Transition("complete", (R.ACCEPTED,), R.COMPLETED, "receiver", "referral.respond", True, True,
               _("Complete"), _("Outcome"), stamps="closed"),
    Transition("close", (R.ACCEPTED,), R.CLOSED_WITHOUT_SERVICE, "receiver", "referral.respond", True, True,
               _("Close without service"), _("Why no service was given"), stamps="closed"),
    Transition("revoke", (R.SENT, R.ACCEPTED), R.REVOKED, "sender", "referral.send", True, True, _("Revoke"),
               _("Why the referral is revoked"), stamps="closed"),
]}

TRANSFER_TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("accept", (T.SENT,), T.ACCEPTED, "receiver", "referral.respond", False, True, _("Accept")),
    Transition("decline", (T.SENT,), T.DECLINED, "receiver", "referral.respond", True, True, _("Decline"),
               _("Why the transfer is declined")),
    Transition("revoke", (T.SENT,), T.REVOKED, "sender", "referral.send", True, True, _("Revoke"),
               _("Why the transfer is revoked")),
]}


def available(transitions: Mapping[str, Transition], status: str, side: str) -> list[Transition]:
    """The actions ``side`` may take from ``status`` (a page shows them as buttons)."""
    return [t for t in transitions.values() if status in t.sources and t.side == side]
