from __future__ import annotations

from django.db.models import QuerySet

from .models import ApiToken, User


def staff_visible_to(*, actor: User) -> QuerySet[User]:
    return (User.objects.visible_to(actor).select_related("organization")
            .prefetch_related("teams").order_by("organization__name", "full_name"))


def tokens_of(*, actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def locked_out_emails(emails: list[str]) -> set[str]:
    """Which of these accounts are locked out now (django-axes keeps the failures)."""
    from axes.helpers import get_failure_limit
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(username__in=emails, failures_since_start__gte=get_failure_limit(
        None, None))
    return set(attempts.values_list("username", flat=True))
