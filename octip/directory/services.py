"""Writes to the directory by its data stewards: the org_admin of the organization that stewards a
service, and roles whose ``directory.edit`` reaches every organization (coordinators).

Every change is recorded twice: as HSDS ``metadata`` (one row per field: who, when, from what to
what — what HSDS consumers see) and in the audit log (who, which fields; no values).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from octip.core import audit
from octip.core.access import AccessDenied, allows, require, role_of
from octip.core.roles import Scope
from octip.core.versioning import save_versioned

from . import models as m

#: Service fields a steward edits on the platform.
EDITABLE_FIELDS = [
    "name", "alternate_name", "description", "status", "visibility", "application_process",
    "eligibility_description", "minimum_age", "maximum_age", "gender_eligibility", "fees_description",
    "wait_time", "interpretation_services", "url", "email", "alert",
]


def is_steward(user: Any, service: m.Service) -> bool:
    """May ``user`` edit ``service``? Decides what to show; ``update_service`` enforces it."""
    role = role_of(user)
    if role is None or not allows(user, "directory.edit"):
        return False
    if role.scope == Scope.ALL:
        return True
    return bool(service.partner_organization_id) and service.partner_organization_id == user.organization_id


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _updated_by(actor: Any) -> str:
    organization = getattr(actor, "organization", None)
    return organization.name if organization is not None else "OCTIP Platform"


@transaction.atomic
def update_service(*, actor: Any, service: m.Service, expected_version: int, changes: dict[str, Any]) -> m.Service:
    """Apply ``changes`` to ``service`` if ``actor`` stewards it and nobody saved it since
    ``expected_version``. Raises ``AccessDenied`` or ``StaleVersion``; writes nothing then."""
    require(actor, "directory.edit")
    if not is_steward(actor, service):
        audit.record_denial(actor, "directory.edit", service)
        raise AccessDenied("directory.edit", "Only the data stewards of this service may edit it.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    original = {name: getattr(service, name) for name in EDITABLE_FIELDS}
    changed = [name for name, value in changes.items() if original[name] != value]
    if not changed:
        return service
    for name in changed:
        setattr(service, name, changes[name])
    service.last_modified = timezone.now()
    save_versioned(service, expected_version=expected_version, fields=[*changed, "last_modified"],
                   original=original)
    when = service.last_modified.isoformat()
    m.Metadata.objects.bulk_create([
        m.Metadata(id=uuid.uuid4(), resource_id=service.pk, resource_type="service", last_action_date=when,
                   last_action_type="update", field_name=name, previous_value=_as_text(original[name]),
                   replacement_value=_as_text(changes[name]), updated_by=_updated_by(actor),
                   updated_by_user=actor)
        for name in changed])
    audit.record(actor, "directory.service_updated", service,
                 detail={"fields": sorted(changed), "version": service.version})
    return service


def record_service_view(*, actor: Any, service: m.Service) -> None:
    """Opening a partners-only service (a confidential address) is audited."""
    if service.visibility == m.Visibility.PARTNERS:
        audit.record(actor, "directory.partner_service_viewed", service)
