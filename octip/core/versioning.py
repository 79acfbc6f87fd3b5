"""Optimistic concurrency for editable records: a save that lost the race is refused."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.db import models
from django.db.models import F

from .models import VersionedModel

_Versioned = TypeVar("_Versioned", bound=VersionedModel)


class StaleVersion(Exception):
    """Someone saved this record after you opened it. ``changed`` lists the fields they changed,
    with the value now stored, so the user can re-apply their edit knowingly."""

    def __init__(self, current: VersionedModel, changed: dict[str, Any]) -> None:
        self.current = current
        self.changed = changed
        names = ", ".join(sorted(changed)) or "no visible field"
        super().__init__(
            f"This record was changed by someone else while you were editing it "
            f"(now version {current.version}; changed: {names}). Reload it, then apply your change again.")


def save_versioned(instance: _Versioned, *, expected_version: int, fields: list[str],
                   original: dict[str, Any] | None = None) -> _Versioned:
    """Write ``fields`` of ``instance`` only if the stored version is still ``expected_version``;
    bumps the version. Raises ``StaleVersion`` (writing nothing) otherwise."""
    model = type(instance)
    # ``fields`` name the model's own columns, never a reverse relation (which has no attname).
    values = {name: getattr(instance, cast("models.Field[Any, Any]", model._meta.get_field(name)).attname)
              for name in fields}
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values)
    if not updated:
        current = model._default_manager.get(pk=instance.pk)
        base = original or {}
        changed = {name: getattr(current, name) for name in fields
                   if name in base and getattr(current, name) != base[name]}
        raise StaleVersion(current, changed)
    instance.version = expected_version + 1
    return instance
