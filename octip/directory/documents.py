"""HSDS documents built from stored records: flat ("one-to-one fields") and fully nested.

Callers pass only records the viewer may see (``selectors``); nesting here never reaches across to
another service, so a partners-only service cannot appear inside a public document.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import hsds
from . import models as m


def _metadata(resource_id) -> list[dict]:
    return [hsds.flat("metadata", row) for row in m.Metadata.objects.filter(resource_id=resource_id)]


def _attributes(link_id) -> list[dict]:
    out = []
    for attribute in m.Attribute.objects.filter(link_id=link_id).select_related("taxonomy_term").order_by("pk"):
        doc = hsds.flat("attribute", attribute)
        if attribute.taxonomy_term is not None:
            doc["taxonomy_term"] = hsds.flat("taxonomy_term", attribute.taxonomy_term)
        out.append(doc)
    return out


def _supplementary(kind: str, **owner) -> list[dict]:
    return [row.body for row in m.SupplementaryRecord.objects.filter(kind=kind, **owner).order_by("pk")]


def phone_doc(phone: m.Phone) -> dict:
    doc = hsds.flat("phone", phone)
    doc["languages"] = [hsds.flat("language", lang) for lang in phone.languages.all()]
    return doc


def contact_doc(contact: m.Contact) -> dict:
    doc = hsds.flat("contact", contact)
    doc["phones"] = [phone_doc(p) for p in contact.phones.all()]
    return doc


def location_doc(location: m.Location) -> dict:
    doc = hsds.flat("location", location)
    doc["languages"] = [hsds.flat("language", x) for x in location.languages.all()]
    doc["addresses"] = [hsds.flat("address", x) for x in location.addresses.all()]
    doc["contacts"] = [contact_doc(x) for x in location.contacts.all()]
    doc["accessibility"] = _supplementary("accessibility", location_id=location.pk)
    doc["phones"] = [phone_doc(x) for x in location.phones.all()]
    doc["schedules"] = [hsds.flat("schedule", x) for x in location.schedules.all()]
    doc["attributes"] = _attributes(location.pk)
    doc["metadata"] = _metadata(location.pk)
    return doc


def service_at_location_doc(sal: m.ServiceAtLocation, *, full: bool = True, with_service: bool = False) -> dict:
    doc = hsds.flat("service_at_location", sal)
    if not full:
        return doc
    doc["contacts"] = [contact_doc(c) for c in m.Contact.objects.filter(service_at_location_id=sal.pk)]
    doc["phones"] = [phone_doc(p) for p in sal.phones.all()]
    doc["schedules"] = [hsds.flat("schedule", s) for s in sal.schedules.all()]
    doc["location"] = location_doc(sal.location)
    doc["attributes"] = _attributes(sal.pk)
    doc["metadata"] = _metadata(sal.pk)
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


def service_doc(service: m.Service, *, full: bool = True) -> dict:
    doc = hsds.flat("service", service)
    if not full:
        return doc
    doc["phones"] = [phone_doc(p) for p in service.phones.all()]
    doc["schedules"] = [hsds.flat("schedule", s) for s in service.schedules.all()]
    doc["service_areas"] = [hsds.flat("service_area", a) for a in service.service_areas.all()]
    doc["service_at_locations"] = [service_at_location_doc(sal) for sal in
                                   service.service_at_locations.select_related("location")]
    doc["languages"] = [hsds.flat("language", x) for x in service.languages.all()]
    doc["organization"] = hsds.flat("organization", service.organization)
    doc["funding"] = _supplementary("funding", service_id=service.pk)
    doc["cost_options"] = _supplementary("cost_option", service_id=service.pk)
    program = m.SupplementaryRecord.objects.filter(kind="program", pk=service.program_id).first() \
        if service.program_id else None
    if program is not None:
        doc["program"] = program.body
    doc["required_documents"] = _supplementary("required_document", service_id=service.pk)
    doc["contacts"] = [contact_doc(c) for c in service.contacts.all()]
    doc["attributes"] = _attributes(service.pk) + hsds.extension_attributes(service, nested_term=True)
    doc["metadata"] = _metadata(service.pk)
    return doc


def organization_doc(organization: m.Organization, *, services: Iterable[m.Service], full: bool = True,
                     full_service: bool = False, locations: Iterable[m.Location] = ()) -> dict:
    """``services`` and ``locations``: the organization's records the viewer may see."""
    doc = hsds.flat("organization", organization)
    if not full:
        return doc
    doc["funding"] = _supplementary("funding", organization_id=organization.pk, service_id=None)
    doc["contacts"] = [contact_doc(c) for c in m.Contact.objects.filter(organization_id=organization.pk,
                                                                          service__isnull=True,
                                                                          location__isnull=True)]
    doc["phones"] = [phone_doc(p) for p in organization.phones.filter(service__isnull=True,
                                                                       location__isnull=True)]
    doc["locations"] = [location_doc(x) for x in locations]
    doc["programs"] = _supplementary("program", organization_id=organization.pk)
    doc["organization_identifiers"] = _supplementary("organization_identifier", organization_id=organization.pk)
    doc["attributes"] = _attributes(organization.pk)
    doc["metadata"] = _metadata(organization.pk)
    doc["services"] = [service_doc(s, full=full_service) for s in services]
    return doc


def taxonomy_term_doc(term: m.TaxonomyTerm, *, full: bool = True) -> dict:
    doc = hsds.flat("taxonomy_term", term)
    if full and term.taxonomy_id:
        taxonomy = m.Taxonomy.objects.filter(pk=term.taxonomy_id).first()
        if taxonomy is not None:
            doc["taxonomy_detail"] = hsds.flat("taxonomy", taxonomy)
    return doc
