"""The one place that answers "may this user do this?".

``require(user, permission, obj=None)`` raises ``AccessDenied`` (and audits the denial) unless the
user's role holds the permission and, when an object is given, the object lies in the user's
record scope. Querysets of protected models subclass ``ScopedQuerySet`` and expose
``visible_to(user)``; ``require`` uses that same method for objects, so scope is decided once.

Who acts is an ``Actor``: the few attributes these doors read, as a protocol, so that core names no
app (``partners.User`` is the one model that fits it).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeAlias, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

from .roles import Role, Scope, get_role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class _Organization(Protocol):
    @property
    def is_active(self) -> bool: ...


class _Teams(Protocol):
    def all(self) -> models.QuerySet[Any]: ...


class Actor(Protocol):
    """A signed-in member of staff, as the doors see one: what ``allows``, ``require``,
    ``ScopedQuerySet.visible_to`` (and each model's ``scope_filter``) and ``audit.record`` read.

    Read-only properties, so that a model's fields (``partners.User``) satisfy it.
    """

    @property
    def pk(self) -> Any: ...
    @property
    def email(self) -> str: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def role(self) -> str: ...
    @property
    def organization_id(self) -> int: ...
    @property
    def organization(self) -> _Organization: ...
    @property
    def teams(self) -> _Teams: ...


#: What a door may be asked about: a member of staff, a visitor who has not signed in, or ``None``
#: (the system, or a caller nobody knows). Only an ``Actor`` is ever allowed anything.
MaybeActor: TypeAlias = "Actor | AnonymousUser | None"


class AccessDenied(PermissionDenied):
    """The user's role does not hold the permission, or the record is outside their scope."""

    def __init__(self, permission: str, message: str = "") -> None:
        self.permission = permission
        super().__init__(message or "You do not have permission to do this.")


def role_of(user: MaybeActor) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    organization = getattr(user, "organization", None)
    if organization is not None and not organization.is_active:
        return None  # a deactivated partner's staff hold no permission, whatever their role
    return get_role(getattr(user, "role", None))


def allows(user: MaybeActor, permission: str, obj: models.Model | None = None) -> bool:
    """True when the user's role holds ``permission`` and ``obj`` (if any) is in scope.

    Use it only to decide what to *show* (a menu item, a button); to guard an action, call
    ``require`` so that a refusal is audited.
    """
    role = role_of(user)
    if role is None or permission not in role.permissions:
        return False
    if obj is None:
        return True
    return in_scope(user, obj)


def in_scope(user: MaybeActor, obj: models.Model) -> bool:
    queryset = type(obj)._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet):
        return False  # deny by default: a model without a scope is nobody's
    return queryset.visible_to(user).filter(pk=obj.pk).exists()


def require(user: MaybeActor, permission: str, obj: models.Model | None = None) -> None:
    """Raise ``AccessDenied`` unless ``allows(user, permission, obj)``; every refusal is audited."""
    if allows(user, permission, obj):
        return
    from . import audit

    audit.record_denial(user, permission, obj)
    raise AccessDenied(permission)


def get_visible_or_404(queryset: ScopedQuerySet[_Model], user: MaybeActor, **lookup: Any) -> _Model:
    """Fetch one row through ``visible_to``; anything not visible is a 404, never a 403.

    A row that exists but is out of scope is recorded as a denial, so probing is visible to
    auditors while the caller learns nothing.
    """
    try:
        return queryset.visible_to(user).get(**lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError) as missing:
        with contextlib.suppress(ValueError, ValidationError):
            if queryset.model._default_manager.filter(**lookup).exists():
                from . import audit

                audit.record_denial(user, queryset.view_permission, None,
                                    target=(queryset.model._meta.label_lower, str(next(iter(lookup.values()), ""))))
        raise Http404 from missing


def teammate_ids(user: Actor) -> models.QuerySet[Any, Any]:
    """Ids of the users who share a team with ``user``, as a subquery (no duplicate rows, unlike a
    join through teams). ``user`` is among them when in any team."""
    from django.contrib.auth import get_user_model

    return get_user_model().teams.through.objects.filter(team__in=user.teams.all()).values("user_id")


_Model = TypeVar("_Model", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_Model]):
    """A queryset whose rows are reachable only through ``visible_to(user)``.

    Subclasses set ``view_permission`` and implement ``scope_filter(user, scope)`` returning the
    ``Q`` of rows a user with that scope may see.
    """

    view_permission: str = ""

    def viewing_role(self, user: MaybeActor) -> Role | None:
        """The user's role if it holds ``view_permission`` (None: they see none of these rows). The one
        check ``visible_to`` and every other door of a scoped model start with."""
        role = role_of(user)
        if role is None or not self.view_permission or self.view_permission not in role.permissions:
            return None
        return role

    def visible_to(self, user: MaybeActor) -> Self:
        role = self.viewing_role(user)
        if role is None:
            return self.none()
        # A role means a signed-in, active member of staff: an Actor.
        return self.filter(self.scope_filter(cast(Actor, user), role.scope))

    def scope_filter(self, user: Actor, scope: Scope) -> models.Q:  # pragma: no cover - abstract
        raise NotImplementedError
