from __future__ import annotations

from django.db.models import QuerySet

from .lockout import sign_in_holds
from .models import ApiToken, RoleGrant, RoleGrantStatus, User


def staff_visible_to(*, actor: User) -> QuerySet[User]:
    return (User.objects.visible_to(actor).select_related("organization")
            .prefetch_related("teams").order_by("organization__name", "full_name"))


def tokens_of(*, actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def sign_in_holds_of(emails: list[str]) -> dict[str, str]:
    """Which of these accounts are held at sign-in now: ``locked`` for everyone, or one client made to
    ``wait`` (django-axes keeps the failures). An administrator may lift either."""
    return sign_in_holds(emails)


def _role_grants(actor: User) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.visible_to(actor).select_related(
        "account__organization", "requested_by", "decided_by")


def pending_role_grants(*, actor: User) -> QuerySet[RoleGrant]:
    """Role requests waiting for a coordinator, among the accounts the actor sees, oldest first."""
    return _role_grants(actor).filter(status=RoleGrantStatus.PENDING).order_by("requested_at", "pk")


def recent_role_grants(*, actor: User, limit: int = 100) -> QuerySet[RoleGrant]:
    """Roles given, approved, refused or withdrawn, newest first."""
    return _role_grants(actor).exclude(status=RoleGrantStatus.PENDING).order_by("-requested_at", "-pk")[:limit]


def unfamiliar_domains(grants: list[RoleGrant]) -> set[int]:
    """Ids of the grants whose account's address is at a domain no other account of its organization uses:
    a sign for the approver to check that the address really is the person's."""
    flagged = set()
    for grant in grants:
        domain = grant.account.email.rpartition("@")[2]
        others = User.objects.filter(organization_id=grant.account.organization_id,
                                     email__iendswith=f"@{domain}").exclude(pk=grant.account_id)
        if not others.exists():
            flagged.add(grant.pk)
    return flagged


def pending_role_of(account: User) -> RoleGrant | None:
    return RoleGrant.objects.filter(account=account, status=RoleGrantStatus.PENDING).first()
