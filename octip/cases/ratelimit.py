"""A per-user limit on the duplicate check, in Django's cache (issue 9 #6).

The check answers whether a person exists on the platform, so unlimited it is an oracle: a caller
could walk a range of phone numbers. Every attempt counts, answered or refused, so probing cannot
go on by sending bad requests (``octip.core.ratelimit``, which the 24/7 line's public-report limit
uses too)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from octip.core.access import Actor
from octip.core.ratelimit import count_attempt

#: What the API (429) and the intake page say past the limit.
TOO_MANY_CHECKS = _("Too many checks for an existing record in a short time. Wait a while before the next one, "
                    "or ask a coordinator.")

DEFAULT_LIMIT = 30
DEFAULT_WINDOW_SECONDS = 3600


def limit() -> int:
    return int(getattr(settings, "OCTIP_DUPLICATE_CHECK_RATE_LIMIT", DEFAULT_LIMIT))


def window_seconds() -> int:
    return int(getattr(settings, "OCTIP_DUPLICATE_CHECK_RATE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))


class TooManyChecks(Exception):
    """The user has run more duplicate checks than the limit allows in the window."""


def count_duplicate_check(actor: Actor) -> bool:
    """Count one duplicate check by ``actor``; False when it is over the limit for the window."""
    key = f"cases:duplicate-check:{actor.pk}"
    return count_attempt(key, limit=limit(), window_seconds=window_seconds())
