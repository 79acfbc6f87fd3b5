"""Writes about referrals and transfers: ``verb_noun(*, actor, ...)``.

One module per noun: ``referrals``, ``transfers``, ``notifications`` (with the overdue job), and
``flow``, the one status engine both nouns change status through. This package re-exports them so
callers write ``services.send_referral``. Every disclosure asks ``consent.policy.may_disclose``
first. Secure exports are in ``referrals.secure_exports``.
"""

from .flow import InvalidTransition
from .notifications import mark_notifications_read, notify, notify_overdue, without_email
from .referrals import change_referral_status, end_access_for_withdrawn_consent, respond_by_for, send_referral
from .transfers import (
    TRANSFER_PREVIEW_SECTIONS,
    TRANSFER_RESPONSE_HOURS,
    change_transfer_status,
    end_transfers_for_withdrawn_consent,
    send_transfer,
)

__all__ = [
    "TRANSFER_PREVIEW_SECTIONS", "TRANSFER_RESPONSE_HOURS", "InvalidTransition", "change_referral_status",
    "change_transfer_status", "end_access_for_withdrawn_consent", "end_transfers_for_withdrawn_consent",
    "mark_notifications_read", "notify", "notify_overdue", "respond_by_for", "send_referral", "send_transfer",
    "without_email",
]
