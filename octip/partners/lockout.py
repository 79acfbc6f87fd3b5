"""Sign-in throttling on top of django-axes: a progressive wait per account *and* client, a hard lock per
account at a much higher count, and a word to the account's administrators when it locks.

Why not one of axes' own switches: ``AXES_COOLOFF_TIME`` may be a callable, but axes also uses it as the age
past which it deletes *every* account's attempts, so a per-client wait cannot live there; and a failure limit
counts, it does not wait. Axes' extension point for "when is this request refused" is the handler
(``AXES_HANDLER``), so the rules below live in ``ProgressiveLockoutHandler``; the records stay axes'
``AccessAttempt`` rows (one per account, address and user agent), the lockout signal stays axes' own.

- A *client* is the address the request came from (``core.middleware.client_ip``, which honours our proxy's
  header). The user agent is the caller's to choose, so it never makes a fresh client.
- After ``OCTIP_LOCKOUT_DELAY_AFTER`` failures for an account from one client, that client waits after each
  further failure: 1, 2, 4, 8... minutes, at most ``OCTIP_LOCKOUT_DELAY_MAX_MINUTES``.
- Attempts refused while a client waits (or while the account is locked) are not recorded
  (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``): they neither extend the wait nor count
  towards the lock, so an attacker hammering an on-call worker's address locks nobody out.
- ``AXES_FAILURE_LIMIT`` failures for an account from anywhere within ``AXES_COOLOFF_TIME`` lock the account
  for everyone until that time has passed or an administrator unlocks it. Reaching it takes many clients
  (or many hours from one), so the account's administrators are told at once (audit event and email).

The account an attempt was for is the stored email of the account sign-in would reach, found by the same
lookup as sign-in itself: varying the case of an address, or writing it with characters such as a dotless
"ı" that the database folds onto the same account, buys an attacker no fresh attempts.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def attempted_email(request: HttpRequest, credentials: dict | None) -> str:
    from .models import User

    source = credentials if credentials else getattr(request, "POST", {})
    typed = str(source.get("username") or source.get("email") or "").strip()
    try:
        account = User.objects.get_by_natural_key(typed)
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        return typed.lower()
    return account.email


def attempt_address(request: HttpRequest) -> str | None:
    """The client's address, as the audit log records it; None when it is not an IP address (axes stores
    it in an IP column, which PostgreSQL would refuse)."""
    from octip.core.middleware import client_ip

    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def delay_after(failures: int) -> timedelta:
    """How long a client waits after its ``failures``-th failure for one account."""
    free = settings.OCTIP_LOCKOUT_DELAY_AFTER
    if failures < free:
        return timedelta(0)
    cap = timedelta(minutes=settings.OCTIP_LOCKOUT_DELAY_MAX_MINUTES)
    # Bounded exponent: 2**n of a huge n would be a huge integer before the cap applies.
    return min(timedelta(minutes=2 ** min(failures - free, 20)), cap)


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused now: ``wait`` (this client, this account) or ``locked`` (the account)."""

    kind: str
    until: datetime

    @property
    def minutes(self) -> int:
        return max(1, -(-int((self.until - timezone.now()).total_seconds()) // 60))


def _recent(username: str, now: datetime) -> Any:
    cool_off = get_cool_off() or timedelta(hours=1)
    return AccessAttempt.objects.filter(username=username, attempt_time__gte=now - cool_off)


def account_refusal(username: str, now: datetime) -> Refusal | None:
    """The hard lock of an account, if its failures from every client reached the limit."""
    totals = _recent(username, now).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (totals["failures"] or 0) < get_failure_limit(None, None):
        return None
    return Refusal("locked", totals["last"] + (get_cool_off() or timedelta(hours=1)))


def client_refusal(username: str, address: str | None, now: datetime) -> Refusal | None:
    """The wait of one client for one account, if it is still waiting."""
    totals = _recent(username, now).filter(ip_address=address).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time"))
    wait = delay_after(totals["failures"] or 0)
    if not wait or totals["last"] + wait <= now:
        return None
    return Refusal("wait", totals["last"] + wait)


def sign_in_holds(emails: list[str]) -> dict[str, str]:
    """Which of these accounts are held now, and how: ``locked`` (for everyone) or ``wait`` (some client is
    waiting). One query for the whole staff list."""
    now = timezone.now()
    cool_off = get_cool_off() or timedelta(hours=1)
    rows = (AccessAttempt.objects.filter(username__in=emails, attempt_time__gte=now - cool_off)
            .values("username", "ip_address").annotate(failures=Sum("failures_since_start"), last=Max("attempt_time")))
    totals: dict[str, int] = {}
    waiting: set[str] = set()
    for row in rows:
        totals[row["username"]] = totals.get(row["username"], 0) + row["failures"]
        if row["last"] + delay_after(row["failures"]) > now:
            waiting.add(row["username"])
    limit = get_failure_limit(None, None)
    holds = dict.fromkeys(waiting, "wait")
    holds.update({email: "locked" for email, failures in totals.items() if failures >= limit})
    return holds


class ProgressiveLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, deciding refusals as the module docstring says."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        username = get_client_username(request, credentials)
        now = request.axes_attempt_time  # type: ignore[attr-defined]
        refusal = account_refusal(username, now) or client_refusal(username, request.axes_ip_address, now)  # type: ignore[attr-defined]
        request.octip_refusal = refusal  # type: ignore[attr-defined]
        return refusal is not None

    def user_login_failed(self, sender: Any, credentials: dict, request: HttpRequest | None = None,
                          **kwargs: Any) -> None:
        # The backend already refused this attempt (a wait or a lock): axes records nothing then.
        refused_before = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused_before:
            return
        username = get_client_username(request, credentials)
        now = request.axes_attempt_time  # type: ignore[attr-defined]
        if request.axes_locked_out:  # type: ignore[attr-defined]  # this failure reached the account's limit
            request.octip_refusal = account_refusal(username, now)  # type: ignore[attr-defined]
            from .services import alert_account_locked

            alert_account_locked(email=username, failures=request.axes_failures_since_start)  # type: ignore[attr-defined]
            return
        refusal = client_refusal(username, request.axes_ip_address, now)  # type: ignore[attr-defined]
        if refusal is not None:
            # Say so now, rather than on the next try: the person learns how long to wait.
            request.octip_refusal = refusal  # type: ignore[attr-defined]
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send("axes", request=request, username=username,
                                 ip_address=request.axes_ip_address)  # type: ignore[attr-defined]

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # A successful sign-in forgets this client's failures only: the owner signing in from home must
        # not give an attacker elsewhere fresh tries, nor wipe the attacker's failures from the count.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()  # type: ignore[attr-defined]
        return count


def refusal_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """The page a refused sign-in gets (``AXES_LOCKOUT_CALLABLE``): how long to wait, or that the account
    is locked and who can unlock it."""
    refusal = getattr(request, "octip_refusal", None)
    return render(request, "accounts/locked.html", {"refusal": refusal},
                  status=settings.AXES_HTTP_RESPONSE_CODE)
