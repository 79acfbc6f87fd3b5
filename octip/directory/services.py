"""Writes to the directory by its data stewards: the org_admin of the organization that stewards a
service, and roles whose ``directory.edit`` reaches every organization (coordinators).

Every change is recorded twice: as HSDS ``metadata`` (one row per field: who, when, from what to
what — what HSDS consumers see) and in the audit log (who, which fields; no values).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core import audit
from octip.core.access import AccessDenied, allows, require, role_of
from octip.core.roles import Scope
from octip.core.versioning import save_versioned

from . import models as m
from .hsds import EXTENSION_TAXONOMY_ID

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


class PublicationNotConfirmed(ValidationError):
    """A partners-only service is being made public without the steward confirming it."""


def need_terms(service: m.Service) -> QuerySet[m.TaxonomyTerm]:
    """The needs a service is linked to (HSDS attributes), the OCTIP extension terms left out."""
    return (m.TaxonomyTerm.objects.filter(attributes__link_id=service.pk)
            .exclude(taxonomy_id=EXTENSION_TAXONOMY_ID).distinct().order_by("name"))


def _term_names(terms: Iterable[m.TaxonomyTerm]) -> str:
    return "; ".join(sorted(term.name for term in terms))


@transaction.atomic
def update_service(*, actor: Any, service: m.Service, expected_version: int, changes: dict[str, Any],
                   needs: list[m.TaxonomyTerm] | None = None, confirm_publication: bool = False) -> m.Service:
    """Apply ``changes`` (and, when given, the set of ``needs`` the service meets) to ``service``
    if ``actor`` stewards it and nobody saved it since ``expected_version``.

    Making a partners-only service public exposes its address to everyone, so it needs
    ``confirm_publication``. Raises ``AccessDenied``, ``PublicationNotConfirmed`` or
    ``StaleVersion``; writes nothing then."""
    require(actor, "directory.edit")
    if not is_steward(actor, service):
        audit.record_denial(actor, "directory.edit", service)
        raise AccessDenied("directory.edit", "Only the data stewards of this service may edit it.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    original = {name: getattr(service, name) for name in EDITABLE_FIELDS}
    changed = [name for name, value in changes.items() if original[name] != value]
    if (original["visibility"] == m.Visibility.PARTNERS and changes.get("visibility") == m.Visibility.PUBLIC
            and not confirm_publication):
        raise PublicationNotConfirmed({"visibility": _(
            "This service is confidential. Confirm that its details and address may be shown to the public.")})
    old_needs = list(need_terms(service))
    needs_changed = needs is not None and {t.pk for t in needs} != {t.pk for t in old_needs}
    if not changed and not needs_changed:
        return service
    for name in changed:
        setattr(service, name, changes[name])
    service.last_modified = timezone.now()
    save_versioned(service, expected_version=expected_version, fields=[*changed, "last_modified"],
                   original=original)
    when = service.last_modified.isoformat()
    rows = [(name, _as_text(original[name]), _as_text(changes[name])) for name in changed]
    if needs is not None and needs_changed:
        m.Attribute.objects.filter(link_id=service.pk, taxonomy_term__in=old_needs).exclude(
            taxonomy_term__in=needs).delete()
        kept = set(m.Attribute.objects.filter(link_id=service.pk).values_list("taxonomy_term_id", flat=True))
        m.Attribute.objects.bulk_create([
            m.Attribute(id=uuid.uuid4(), link_id=service.pk, link_entity="service", link_type="need",
                        taxonomy_term=term) for term in needs if term.pk not in kept])
        rows.append(("attributes", _term_names(old_needs), _term_names(needs)))
    m.Metadata.objects.bulk_create([
        m.Metadata(id=uuid.uuid4(), resource_id=service.pk, resource_type="service", last_action_date=when,
                   last_action_type="update", field_name=name, previous_value=before, replacement_value=after,
                   updated_by=_updated_by(actor), updated_by_user=actor)
        for name, before, after in rows])
    audit.record(actor, "directory.service_updated", service,
                 detail={"fields": sorted(name for name, _b, _a in rows), "version": service.version})
    return service


def record_service_view(*, actor: Any, service: m.Service) -> None:
    """Opening a partners-only service (a confidential address) is audited."""
    if service.visibility == m.Visibility.PARTNERS:
        audit.record(actor, "directory.partner_service_viewed", service)
