"""Directory test data: synthetic services, some public, some partners-only."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from octip.directory import models as m
from tests.factories.partners import region


def taxonomy_with_needs(*names: str) -> dict[str, m.TaxonomyTerm]:
    taxonomy, _ = m.Taxonomy.objects.get_or_create(name="Test needs", defaults={"description": "needs"})
    return {name: m.TaxonomyTerm.objects.get_or_create(
        name=name, taxonomy_id=taxonomy.pk, defaults={"description": name, "code": name})[0] for name in names}


def make_service(name: str, *, visibility: str = "public", needs=(), organization: m.Organization | None = None,
                 region_code: str = "fraser", address: str = "", languages=("en",), partner=None,
                 modified: datetime.datetime | None = None, hours: tuple[str, str, str] | None = None,
                 **fields) -> m.Service:
    organization = organization or m.Organization.objects.create(name=f"{name} Society", description="A society")
    service = m.Service.objects.create(
        name=name, organization=organization, visibility=visibility, description=f"{name} for people in need",
        partner_organization=partner, last_modified=modified or timezone.now(), **fields)
    for term in needs:
        m.Attribute.objects.create(link_id=service.pk, link_entity="service", taxonomy_term=term)
    m.ServiceArea.objects.create(service=service, name=region(region_code).name, region=region(region_code))
    for code in languages:
        m.Language.objects.create(service=service, code=code, name={"en": "English", "fr": "French"}.get(code, code))
    if address:
        location = m.Location.objects.create(location_type="physical", name=f"{name} site",
                                             organization_id=organization.pk)
        m.ServiceAtLocation.objects.create(service=service, location=location)
        m.Address.objects.create(location=location, address_1=address, city="Surrey", state_province="BC",
                                 postal_code="V3T 0A1", country="CA", address_type="physical")
        m.Phone.objects.create(service=service, number="+1 604 555 0100")
    if hours:
        m.Schedule.objects.create(service=service, freq="WEEKLY", byday=hours[0], opens_at=hours[1],
                                  closes_at=hours[2])
    return service


def uid() -> str:
    return str(uuid.uuid4())
