"""How django-axes names the account an attempt was for.

The key is the stored email of the account the sign-in would reach, found by the same lookup as
sign-in itself: varying the case of an address — or writing it with characters such as a dotless
"ı" that the database folds to the same account — buys an attacker no fresh attempts.
"""

from __future__ import annotations


def attempted_email(request, credentials: dict | None) -> str:
    from .models import User

    source = credentials if credentials else getattr(request, "POST", {})
    typed = str(source.get("username") or source.get("email") or "").strip()
    try:
        account = User.objects.get_by_natural_key(typed)
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        return typed.lower()
    return account.email
