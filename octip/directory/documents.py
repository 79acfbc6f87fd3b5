"""HSDS documents built from stored records: flat ("one-to-one fields") and fully nested.

Callers pass only records the viewer may see (``selectors``); nesting here never reaches across to
another service, so a partners-only service cannot appear inside a public document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from . import hsds
from . import models as m

#: What a fully nested service document reads, fetched in a few queries for a whole page.
SERVICE_PREFETCH = [
    "phones__languages", "schedules", "service_areas", "languages", "contacts__phones__languages",
    "service_at_locations__location__languages", "service_at_locations__location__addresses",
    "service_at_locations__location__contacts__phones__languages",
    "service_at_locations__location__phones__languages", "service_at_locations__location__schedules",
    "service_at_locations__phones__languages", "service_at_locations__schedules",
]
LOCATION_PREFETCH = ["languages", "addresses", "contacts__phones__languages", "phones__languages", "schedules"]


class Related:
    """The records HSDS links by id rather than by foreign key (attributes, metadata, the
    supplementary tables, contacts of a service-at-location), loaded once for a batch of documents."""

    def __init__(self, ids: Iterable, *, program_ids: Iterable = ()) -> None:
        ids = {i for i in ids if i}
        self.attributes: dict = defaultdict(list)
        for attribute in m.Attribute.objects.filter(link_id__in=ids).select_related("taxonomy_term").order_by("pk"):
            self.attributes[attribute.link_id].append(attribute)
        self.metadata: dict = defaultdict(list)
        for row in m.Metadata.objects.filter(resource_id__in=ids):
            self.metadata[row.resource_id].append(row)
        self.supplementary: dict = defaultdict(list)
        self.by_id: dict = {}
        rows = m.SupplementaryRecord.objects.filter(
            Q(service_id__in=ids) | Q(location_id__in=ids) | Q(organization_id__in=ids)
            | Q(pk__in=[p for p in program_ids if p])).order_by("pk")
        for row in rows:
            self.by_id[row.pk] = row
            for owner in ("service_id", "location_id", "organization_id"):
                value = getattr(row, owner)
                if value in ids:
                    self.supplementary[(row.kind, owner, value)].append(row)
        self.sal_contacts: dict = defaultdict(list)
        for contact in m.Contact.objects.filter(service_at_location_id__in=ids).prefetch_related("phones__languages"):
            self.sal_contacts[contact.service_at_location_id].append(contact)

    @classmethod
    def for_services(cls, services: Iterable[m.Service]) -> Related:
        ids, programs = [], []
        for service in services:
            ids += [service.pk, service.organization_id]
            programs.append(service.program_id)
            for sal in service.service_at_locations.all():
                ids += [sal.pk, sal.location_id]
        return cls(ids, program_ids=programs)

    def attribute_docs(self, link_id) -> list[dict]:
        out = []
        for attribute in self.attributes.get(link_id, []):
            doc = hsds.flat("attribute", attribute)
            if attribute.taxonomy_term is not None:
                doc["taxonomy_term"] = hsds.flat("taxonomy_term", attribute.taxonomy_term)
            out.append(doc)
        return out

    def metadata_docs(self, resource_id) -> list[dict]:
        return [hsds.flat("metadata", row) for row in self.metadata.get(resource_id, [])]

    def supplementary_docs(self, kind: str, owner: str, owner_id, *, only_owner: bool = False) -> list[dict]:
        rows = self.supplementary.get((kind, owner, owner_id), [])
        if only_owner:  # an organization's own funding, not its services' funding
            rows = [r for r in rows if r.service_id is None]
        return [row.body for row in rows]


def phone_doc(phone: m.Phone) -> dict:
    doc = hsds.flat("phone", phone)
    doc["languages"] = [hsds.flat("language", lang) for lang in phone.languages.all()]
    return doc


def contact_doc(contact: m.Contact) -> dict:
    doc = hsds.flat("contact", contact)
    doc["phones"] = [phone_doc(p) for p in contact.phones.all()]
    return doc


def location_doc(location: m.Location, related: Related) -> dict:
    doc = hsds.flat("location", location)
    doc["languages"] = [hsds.flat("language", x) for x in location.languages.all()]
    doc["addresses"] = [hsds.flat("address", x) for x in location.addresses.all()]
    doc["contacts"] = [contact_doc(x) for x in location.contacts.all()]
    doc["accessibility"] = related.supplementary_docs("accessibility", "location_id", location.pk)
    doc["phones"] = [phone_doc(x) for x in location.phones.all()]
    doc["schedules"] = [hsds.flat("schedule", x) for x in location.schedules.all()]
    doc["attributes"] = related.attribute_docs(location.pk)
    doc["metadata"] = related.metadata_docs(location.pk)
    return doc


def service_at_location_doc(sal: m.ServiceAtLocation, *, full: bool = True, with_service: bool = False,
                            related: Related | None = None) -> dict:
    doc = hsds.flat("service_at_location", sal)
    if not full:
        return doc
    related = related or Related([sal.pk, sal.location_id])
    doc["contacts"] = [contact_doc(c) for c in related.sal_contacts.get(sal.pk, [])]
    doc["phones"] = [phone_doc(p) for p in sal.phones.all()]
    doc["schedules"] = [hsds.flat("schedule", s) for s in sal.schedules.all()]
    doc["location"] = location_doc(sal.location, related)
    doc["attributes"] = related.attribute_docs(sal.pk)
    doc["metadata"] = related.metadata_docs(sal.pk)
    if with_service:
        doc["service"] = hsds.flat("service", sal.service)
    return doc


def minimal_service_doc(service: m.Service) -> dict:
    # The API's ``minimal`` asks for id and modification date; name and status stay because the
    # service schema requires them.
    doc = {"id": str(service.id), "name": service.name, "status": service.status}
    if service.last_modified:
        doc["last_modified"] = hsds.to_hsds_value(service.last_modified)
    return doc


def service_doc(service: m.Service, *, full: bool = True, related: Related | None = None) -> dict:
    """``related``: preloaded for a batch (``Related.for_services``); loaded here when absent.
    For a batch, fetch the services with ``prefetch_related(*SERVICE_PREFETCH)``."""
    doc = hsds.flat("service", service)
    if not full:
        return doc
    related = related or Related.for_services([service])
    doc["phones"] = [phone_doc(p) for p in service.phones.all()]
    doc["schedules"] = [hsds.flat("schedule", s) for s in service.schedules.all()]
    doc["service_areas"] = [hsds.flat("service_area", a) for a in service.service_areas.all()]
    doc["service_at_locations"] = [service_at_location_doc(sal, related=related)
                                   for sal in service.service_at_locations.all()]
    doc["languages"] = [hsds.flat("language", x) for x in service.languages.all()]
    doc["organization"] = hsds.flat("organization", service.organization)
    doc["funding"] = related.supplementary_docs("funding", "service_id", service.pk)
    doc["cost_options"] = related.supplementary_docs("cost_option", "service_id", service.pk)
    program = related.by_id.get(service.program_id) if service.program_id else None
    if program is not None:
        doc["program"] = program.body
    doc["required_documents"] = related.supplementary_docs("required_document", "service_id", service.pk)
    doc["contacts"] = [contact_doc(c) for c in service.contacts.all()]
    doc["attributes"] = related.attribute_docs(service.pk) + hsds.extension_attributes(service, nested_term=True)
    doc["metadata"] = related.metadata_docs(service.pk)
    return doc


def service_docs(services: list[m.Service], *, full: bool) -> list[dict]:
    """Documents for a batch of services fetched with ``SERVICE_PREFETCH``."""
    related = Related.for_services(services) if full else None
    return [service_doc(s, full=full, related=related) for s in services]


def organization_doc(organization: m.Organization, *, services: Iterable[m.Service], full: bool = True,
                     full_service: bool = False, locations: Iterable[m.Location] = ()) -> dict:
    """``services`` and ``locations``: the organization's records the viewer may see."""
    doc = hsds.flat("organization", organization)
    if not full:
        return doc
    services = list(services)
    locations = list(locations)
    related = Related([organization.pk, *(x.pk for x in locations)])
    doc["funding"] = related.supplementary_docs("funding", "organization_id", organization.pk, only_owner=True)
    # Only the organization's own contacts and phones: one tied to a service, a location or a
    # service-at-location appears there, and only if the viewer may see that record.
    doc["contacts"] = [contact_doc(c) for c in m.Contact.objects.filter(
        organization_id=organization.pk, service__isnull=True, location__isnull=True,
        service_at_location_id__isnull=True)]
    doc["phones"] = [phone_doc(p) for p in organization.phones.filter(
        service__isnull=True, location__isnull=True, service_at_location__isnull=True, contact__isnull=True)]
    doc["locations"] = [location_doc(x, related) for x in locations]
    doc["programs"] = related.supplementary_docs("program", "organization_id", organization.pk)
    doc["organization_identifiers"] = related.supplementary_docs("organization_identifier", "organization_id",
                                                                 organization.pk)
    doc["attributes"] = related.attribute_docs(organization.pk)
    doc["metadata"] = related.metadata_docs(organization.pk)
    doc["services"] = service_docs(services, full=full_service)
    return doc


def taxonomy_term_doc(term: m.TaxonomyTerm, *, full: bool = True) -> dict:
    doc = hsds.flat("taxonomy_term", term)
    if full and term.taxonomy_id:
        taxonomy = m.Taxonomy.objects.filter(pk=term.taxonomy_id).first()
        if taxonomy is not None:
            doc["taxonomy_detail"] = hsds.flat("taxonomy", taxonomy)
    return doc
