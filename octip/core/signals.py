"""Authentication events for the audit log."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from . import audit


# ``user`` is an instance of AUTH_USER_MODEL, which core does not name: it is both the actor and the
# target of the event, so it stays ``Any`` rather than the ``Actor`` protocol (which is no model).
@receiver(user_logged_in)
def _logged_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(user, "auth.login", user)


@receiver(user_logged_out)
def _logged_out(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(user, "auth.logout", user)


@receiver(user_login_failed)
def _login_failed(sender: object, credentials: dict[str, Any] | None, request: HttpRequest | None = None,
                  **kwargs: Any) -> None:
    # Never store what was typed: a password pasted in the email box would end up in the log.
    email = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    account = get_user_model().objects.filter(email__iexact=email).only("pk").first()
    audit.record(None, "auth.login_failed", account, detail={"known_account": account is not None})


@receiver(user_locked_out)
def _locked_out(sender: object, request: HttpRequest | None, username: str | None = None,
                ip_address: str | None = None, **kwargs: Any) -> None:
    account = get_user_model().objects.filter(email__iexact=username or "").only("pk").first()
    audit.record(None, "auth.locked_out", account, detail={"known_account": account is not None})
