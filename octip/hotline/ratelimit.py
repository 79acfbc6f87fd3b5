"""A per-client limit on public reports, in Django's cache. The client is known only by a keyed
hash of its address: the address itself is never stored."""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

from octip.core.middleware import client_ip
from octip.core.ratelimit import count_attempt

DEFAULT_LIMIT = 5
DEFAULT_WINDOW_SECONDS = 3600


def limit() -> int:
    return int(getattr(settings, "OCTIP_REPORT_RATE_LIMIT", DEFAULT_LIMIT))


def window_seconds() -> int:
    return int(getattr(settings, "OCTIP_REPORT_RATE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))


def _key(request) -> str:
    digest = salted_hmac("octip.hotline.report-rate", client_ip(request) or "unknown",
                         algorithm="sha256").hexdigest()
    return f"hotline:report-rate:{digest}"


def allow_report(request) -> bool:
    """Count one submission attempt by this client; False when it is over the limit for the window.
    Attempts count whether or not they were valid, so a bot cannot probe endlessly."""
    key = _key(request)
    return count_attempt(key, limit=limit(), window_seconds=window_seconds())
