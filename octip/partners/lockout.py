"""How django-axes names the account an attempt was for: the email, case-folded, so that varying
the case of an address does not buy an attacker fresh attempts."""

from __future__ import annotations


def attempted_email(request, credentials: dict | None) -> str:
    source = credentials if credentials else getattr(request, "POST", {})
    return str(source.get("username") or source.get("email") or "").strip().lower()
